/*
 * Unit tests of copying a live counters page (tools/pvkmap-stat/copy.c): the header under
 * its seq, then each online CPU's block under its own. A guest writing at the same time is
 * played by the wait callback, which runs between two tries of a part and changes the
 * "live" page as a guest would meanwhile; so how often each part was copied is exact. One
 * test has a real writer thread instead, for the writes that land in the middle of a copy.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tests/tools/pagebuild.h"
#include "tools/pvkmap-stat/page.h"

static struct pvkmap_snapshot snap;
static char err[256];
static _Alignas(8) uint8_t live[PVKMAP_COUNTERS_SIZE];
static uint8_t copy[PVKMAP_COUNTERS_SIZE];

/* The pretend guest: what it does at the wait callback's call number n (from 1). */
struct guest {
	unsigned int waits;
	void (*act)(unsigned int n);
};
static struct guest guest;

static void guest_wait(void *arg, unsigned int n)
{
	struct guest *g = arg;

	assert_ptr_equal(g, &guest);
	assert_true(n >= 1); /* never before a part's first try */
	g->waits++;
	if (g->act)
		g->act(g->waits);
}

/* Copy @live with @tries per part; on success parse the copy. */
static int copy_page(unsigned int tries)
{
	int rc;

	err[0] = '\0';
	rc = pvkmap_page_copy(live, copy, tries, guest_wait, &guest, err, sizeof(err));
	if (!rc)
		rc = pvkmap_page_parse(copy, sizeof(copy), &snap, err, sizeof(err));
	if (rc) {
		assert_true(err[0] != '\0');
		assert_null(strchr(err, '\n'));
	}
	return rc;
}

#define assert_err(substr)                                                                         \
	do {                                                                                       \
		if (!strstr(err, (substr)))                                                        \
			fail_msg("error \"%s\" does not contain \"%s\"", err, (substr));           \
	} while (0)

static void set_seq(unsigned int cpu, uint32_t seq)
{
	pb_put(pb_block(live, cpu), seq, 4);
}

/* CPU @cpu's first operation count, as the live page has it now. */
static void set_count0(unsigned int cpu, uint64_t v)
{
	pb_put(pb_block(live, cpu) + sizeof(struct pvkmap_counters_block), v, 8);
}

static int setup(void **state)
{
	(void)state;
	memset(&guest, 0, sizeof(guest));
	memset(copy, 0xa5, sizeof(copy));
	return 0;
}

/* A page nobody writes: one copy of each part, the same bytes as the page. */
static void test_copy_quiet_page(void **state)
{
	(void)state;
	assert_true(pb_build(live, 2, 14, 4, "xen") > 0);
	assert_int_equal(copy_page(5), 0);
	assert_int_equal(guest.waits, 0);
	assert_memory_equal(copy, live, sizeof(live));
	assert_int_equal(snap.nr_cpus, 2);
	assert_int_equal(snap.cpus[1].seq, pb_seq(1));
	assert_true(snap.cpus[1].op_count[3] == pb_count(1, 3));
}

/* CPU 1 finishes its write after three torn copies of its block: the fourth is kept. */
static void finish_cpu1_at_3(unsigned int n)
{
	if (n == 3) {
		set_count0(1, 777);
		set_seq(1, 44);
	}
}

static void test_copy_torn_block_retried(void **state)
{
	(void)state;
	pb_build(live, 2, 14, 4, "xen");
	set_seq(1, 43);
	guest.act = finish_cpu1_at_3;
	assert_int_equal(copy_page(10), 0);
	assert_int_equal(guest.waits, 3);
	assert_int_equal(snap.cpus[1].seq, 44);
	assert_true(snap.cpus[1].op_count[0] == 777);
	assert_true(snap.cpus[1].op_count[1] == pb_count(1, 1));
	assert_true(snap.cpus[0].op_count[0] == pb_count(0, 0));
}

/* A block that stays torn: every try is used, then one line names its CPU. */
static void test_copy_torn_block_reported(void **state)
{
	(void)state;
	pb_build(live, 3, 14, 4, "xen");
	set_seq(2, 43);
	assert_int_equal(copy_page(5), PVKMAP_ERR_BUSY);
	assert_int_equal(guest.waits, 4);
	assert_string_equal(err, "cpu 2's block was torn in all 5 copies (seq 43: its vCPU "
				 "paused mid-update?)");
	/* At least one try, whatever the caller asks. */
	guest.waits = 0;
	assert_int_equal(copy_page(0), PVKMAP_ERR_BUSY);
	assert_int_equal(guest.waits, 0);
	assert_err("cpu 2's block was torn in all 1 copies");
}

/*
 * CPU 0's block is torn for 2 tries, CPU 2's for 3; CPU 1's never. Each block's tries are
 * its own (5 waits in all), and while CPU 2's block is retried, CPU 0 writes again and the
 * header's backend changes: neither is copied again, CPU 0's first whole copy stands.
 */
static void two_writers(unsigned int n)
{
	if (n == 2) {
		set_seq(0, 44);
	} else if (n == 3) {
		set_count0(0, 999);
		set_seq(0, 46);
		memcpy(live + offsetof(struct pvkmap_counters_header, backend), "native", 7);
	} else if (n == 5) {
		set_seq(2, 104);
	}
}

static void test_copy_blocks_independent(void **state)
{
	(void)state;
	pb_build(live, 3, 14, 4, "xen");
	set_seq(0, 43);
	set_seq(2, 103);
	guest.act = two_writers;
	assert_int_equal(copy_page(10), 0);
	assert_int_equal(guest.waits, 5);
	assert_string_equal(snap.backend, "xen");
	assert_int_equal(snap.cpus[0].seq, 44);
	assert_true(snap.cpus[0].op_count[0] == pb_count(0, 0));
	assert_int_equal(snap.cpus[1].seq, pb_seq(1));
	assert_int_equal(snap.cpus[2].seq, 104);
	assert_true(snap.cpus[2].op_count[0] == pb_count(2, 0));
}

/* The header's own seq: retried like a block, then reported as the header. */
static void finish_header_at_1(unsigned int n)
{
	if (n == 1)
		PB_SET(live, seq, 44);
}

static void test_copy_torn_header(void **state)
{
	(void)state;
	pb_build(live, 2, 14, 4, "xen");
	PB_SET(live, seq, 43);
	guest.act = finish_header_at_1;
	assert_int_equal(copy_page(3), 0);
	assert_int_equal(guest.waits, 1);
	assert_int_equal(snap.seq, 44);
	guest.waits = 0;
	guest.act = NULL;
	PB_SET(live, seq, 43);
	assert_int_equal(copy_page(3), PVKMAP_ERR_BUSY);
	assert_int_equal(guest.waits, 2);
	assert_err("the header was torn in all 3 copies (seq 43: ");
}

/* A CPU that is not online has no block to wait for, torn or not. */
static void test_copy_skips_offline_cpus(void **state)
{
	(void)state;
	pb_build(live, 3, 14, 4, "xen");
	PB_SET(live, online, 0x3);
	set_seq(2, 43);
	assert_int_equal(copy_page(5), 0);
	assert_int_equal(guest.waits, 0);
	assert_int_equal(snap.nr_cpus, 2);
	assert_int_equal(snap.cpus[1].id, 1);
}

/* A hostile header is refused before it can point the copy anywhere. */
static void test_copy_hostile_header(void **state)
{
	(void)state;
	pb_build(live, 8, 14, 12, "xen");
	PB_SET(live, size, PVKMAP_COUNTERS_SIZE);
	PB_SET(live, nr_cpus, 9);
	PB_SET(live, online, 0x1ff);
	assert_int_equal(copy_page(5), PVKMAP_ERR_FORMAT);
	assert_err("cpus_offset 472: 9 blocks of 424 bytes end at 4288, outside 56..4096");
	pb_build(live, 2, 14, 4, "xen");
	PB_SET(live, online, 0x7);
	assert_int_equal(copy_page(5), PVKMAP_ERR_FORMAT);
	assert_err("online 0x00000007 names a CPU at or above nr_cpus 2");
	pb_build(live, 2, 14, 4, "xen");
	PB_SET(live, version, 1);
	assert_int_equal(copy_page(5), PVKMAP_ERR_FORMAT);
	assert_err("version 1 unsupported (want 2)");
	assert_int_equal(guest.waits, 0);
}

/*
 * A writer thread, as a CPU on its ticks: CPU 0's block rewritten under its seq, every
 * count v and every cycles 10 * v, a pause between its stores so that copies overlap them.
 */
static int writer_stop;

static void pause_a_little(unsigned int n)
{
	for (volatile unsigned int i = 0; i < n; i++)
		;
}

static void *writer(void *arg)
{
	uint8_t *b = pb_block(live, 0);
	uint32_t *seq = (uint32_t *)b;
	uint64_t *ctr = (uint64_t *)(b + sizeof(struct pvkmap_counters_block));

	(void)arg;
	for (uint64_t v = 1; !__atomic_load_n(&writer_stop, __ATOMIC_RELAXED); v++) {
		__atomic_store_n(seq, *seq + 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		for (unsigned int i = 0; i < 36; i++) {
			__atomic_store_n(&ctr[i], i >= 14 && i < 28 ? 10 * v : v, __ATOMIC_RELAXED);
			pause_a_little(20);
		}
		__atomic_store_n(seq, *seq + 1, __ATOMIC_RELEASE);
		pause_a_little(500);
	}
	return NULL;
}

/* Every copy kept is whole, however the writes fall; a copy is torn only if refused. */
static void test_copy_under_a_writer(void **state)
{
	unsigned int whole = 0, refused = 0;
	pthread_t thread;

	(void)state;
	pb_build(live, 2, 14, 4, "xen");
	for (unsigned int i = 0; i < 36; i++) /* v = 0: whole from the start */
		pb_put(pb_block(live, 0) + 8 + 8 * i, 0, 8);
	writer_stop = 0;
	assert_int_equal(pthread_create(&thread, NULL, writer, NULL), 0);
	for (unsigned int n = 0; n < 20000000 && whole < 20000; n++) {
		uint64_t v;

		if (pvkmap_page_copy(live, copy, 1, NULL, NULL, err, sizeof(err))) {
			refused++;
			continue;
		}
		assert_int_equal(pvkmap_page_parse(copy, sizeof(copy), &snap, err, sizeof(err)), 0);
		v = snap.cpus[0].op_count[0];
		for (unsigned int i = 0; i < 14; i++) {
			if (snap.cpus[0].op_count[i] != v || snap.cpus[0].op_cycles[i] != 10 * v)
				fail_msg(
				    "copy %u (seq %u) torn: op %u count %llu cycles %llu, op 0 "
				    "count %llu",
				    n, snap.cpus[0].seq, i,
				    (unsigned long long)snap.cpus[0].op_count[i],
				    (unsigned long long)snap.cpus[0].op_cycles[i],
				    (unsigned long long)v);
		}
		for (unsigned int i = 0; i < 4; i++)
			if (snap.cpus[0].hcall_calls[i] != v || snap.cpus[0].hcall_traps[i] != v)
				fail_msg("copy %u (seq %u) torn in hypercall %u", n,
					 snap.cpus[0].seq, i);
		whole++;
	}
	__atomic_store_n(&writer_stop, 1, __ATOMIC_RELAXED);
	pthread_join(thread, NULL);
	print_message("%u whole copies kept, %u torn ones refused\n", whole, refused);
	/* The writer pauses between its writes: copies in those pauses are kept. */
	assert_int_equal(whole, 20000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_copy_quiet_page, setup),
	    cmocka_unit_test_setup(test_copy_torn_block_retried, setup),
	    cmocka_unit_test_setup(test_copy_torn_block_reported, setup),
	    cmocka_unit_test_setup(test_copy_blocks_independent, setup),
	    cmocka_unit_test_setup(test_copy_torn_header, setup),
	    cmocka_unit_test_setup(test_copy_skips_offline_cpus, setup),
	    cmocka_unit_test_setup(test_copy_hostile_header, setup),
	    cmocka_unit_test_setup(test_copy_under_a_writer, setup),
	};

	return cmocka_run_group_tests_name("pvkmap_stat_copy", tests, NULL, NULL);
}
