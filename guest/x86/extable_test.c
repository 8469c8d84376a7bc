/* Self-tests of exception fixups: a probe of a bad address reports a fault, not a crash. */
#include "guest/x86/extable.h"
#include "guest/ktest.h"
#include "mm/layout.h"

static void probe_of_unmapped_address_reports_fault(struct ktest *t)
{
	u32 before = extable_fixups, v = 0x12345678;

	KT_EXPECT_EQ(t, probe_read_u32((void *)(uintptr_t)mm_layout.vmalloc_start, &v), -EFAULT);
	KT_EXPECT_EQ(t, v, 0x12345678); /* the destination is untouched */
	KT_EXPECT_EQ(t, probe_write_u32((void *)(uintptr_t)mm_layout.vmalloc_start, 1), -EFAULT);
	KT_EXPECT_EQ(t, extable_fixups, before + 2);
}

static void probe_of_mapped_address_succeeds(struct ktest *t)
{
	static u32 target;
	u32 before = extable_fixups, v = 0;

	target = 0xfeedf00d; /* the case may run again on another CPU (testcpus=all) */
	KT_EXPECT_EQ(t, probe_read_u32(&target, &v), 0);
	KT_EXPECT_EQ(t, v, 0xfeedf00d);
	KT_EXPECT_EQ(t, probe_write_u32(&target, 7), 0);
	KT_EXPECT_EQ(t, target, 7);
	KT_EXPECT_EQ(t, extable_fixups, before);
}

/* A null pointer and the top of the address space fault too (nothing is mapped there). */
static void probe_of_null_and_top_reports_fault(struct ktest *t)
{
	u32 v;

	KT_EXPECT_EQ(t, probe_read_u32(NULL, &v), -EFAULT);
	KT_EXPECT_EQ(t, probe_read_u32((void *)0xfffffffc, &v), -EFAULT);
}

KTEST_SUITE(fault, KTEST_CASE(probe_of_unmapped_address_reports_fault),
	    KTEST_CASE(probe_of_mapped_address_succeeds),
	    KTEST_CASE(probe_of_null_and_top_reports_fault));
