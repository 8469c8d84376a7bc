/*
 * Unit tests of pvkmap-stat's parsers (tools/pvkmap-stat/page.c, log.c and json.c): valid
 * pages (version 2) and logs, then every header field, offset, name and CPU block broken in
 * turn, truncated buffers and malformed JSON. Copying a live page is test_pvkmap_stat_copy.c.
 * Inputs are copied into buffers of exactly their length, so with AddressSanitizer any read past
 * the end fails the test. Run from the top of the tree (for the fixtures).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tests/tools/pagebuild.h"
#include "tools/pvkmap-stat/page.h"

#define FIXTURES "tests/tools/fixtures/"

static struct pvkmap_snapshot snap;
static char err[256];
static uint8_t page[PVKMAP_COUNTERS_SIZE];

/* Parse @len bytes of @buf from a heap copy of exactly that size. */
static int parse_page(const void *buf, size_t len)
{
	void *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	err[0] = '\0';
	rc = pvkmap_page_parse(copy, len, &snap, err, sizeof(err));
	free(copy);
	/* Every failure explains itself in one line. */
	if (rc) {
		assert_true(err[0] != '\0');
		assert_null(strchr(err, '\n'));
	}
	return rc;
}

static int parse_log(const char *buf, size_t len)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	err[0] = '\0';
	rc = pvkmap_log_parse(copy, len, &snap, err, sizeof(err));
	free(copy);
	if (rc) {
		assert_true(err[0] != '\0');
		assert_null(strchr(err, '\n'));
	}
	return rc;
}

static int parse_line(const char *line)
{
	return parse_log(line, strlen(line));
}

#define assert_err(substr)                                                                         \
	do {                                                                                       \
		if (!strstr(err, (substr)))                                                        \
			fail_msg("error \"%s\" does not contain \"%s\"", err, (substr));           \
	} while (0)

/* ---- pages ------------------------------------------------------------------------ */

static void check_page_values(unsigned int nr_cpus, unsigned int nr_ops, unsigned int nr_hcalls)
{
	assert_int_equal(snap.nr_cpus, nr_cpus);
	assert_int_equal(snap.nr_ops, nr_ops);
	assert_int_equal(snap.nr_hcalls, nr_hcalls);
	assert_int_equal(snap.seq, 42);
	assert_true(snap.hcalls_per_cpu);
	assert_false(snap.has_hcall_detail);
	for (unsigned int c = 0; c < nr_cpus; c++) {
		assert_int_equal(snap.cpus[c].id, c);
		assert_int_equal(snap.cpus[c].seq, pb_seq(c));
		for (unsigned int i = 0; i < nr_ops; i++) {
			assert_true(snap.cpus[c].op_count[i] == pb_count(c, i));
			assert_true(snap.cpus[c].op_cycles[i] == pb_cycles(c, i));
		}
		for (unsigned int i = 0; i < nr_hcalls; i++) {
			assert_true(snap.cpus[c].hcall_calls[i] == pb_calls(c, i));
			assert_true(snap.cpus[c].hcall_traps[i] == pb_traps(c, i));
		}
	}
	for (unsigned int i = 0; i < nr_hcalls; i++) {
		uint64_t calls = 0, traps = 0;

		for (unsigned int c = 0; c < nr_cpus; c++) {
			calls += pb_calls(c, i);
			traps += pb_traps(c, i);
		}
		assert_true(snap.hcall_calls[i] == calls);
		assert_true(snap.hcall_traps[i] == traps);
		assert_int_equal(snap.hcall_nr[i], -1);
	}
}

static void test_page_native(void **state)
{
	uint32_t size = pb_build(page, 1, 14, 0, "native");

	(void)state;
	assert_int_equal(parse_page(page, size), 0);
	assert_string_equal(snap.backend, "native");
	assert_int_equal(snap.version, 2);
	assert_string_equal(snap.op_names[0], "set_pte");
	assert_string_equal(snap.op_names[6], "flush_tlb_local");
	assert_string_equal(snap.op_names[13], "alloc_table");
	check_page_values(1, 14, 0);
	/* Bytes after size are not the page's business. */
	assert_int_equal(parse_page(page, sizeof(page)), 0);
}

static void test_page_xen(void **state)
{
	uint32_t size = pb_build(page, 3, 14, 12, "xen");

	(void)state;
	assert_true(size > 0);
	assert_int_equal(parse_page(page, size), 0);
	assert_string_equal(snap.backend, "xen");
	assert_string_equal(snap.hcall_names[11], "hcall11");
	check_page_values(3, 14, 12);
}

/* The limits themselves are valid: 64 operations, 64 hypercalls, 32 CPUs. */
static void test_page_limits(void **state)
{
	uint32_t size;

	(void)state;
	size = pb_build(page, 1, 64, 0, "native");
	assert_int_equal(parse_page(page, size), 0);
	check_page_values(1, 64, 0);
	size = pb_build(page, 1, 1, 64, "xen");
	assert_int_equal(parse_page(page, size), 0);
	check_page_values(1, 1, 64);
	size = pb_build(page, 32, 1, 0, "native");
	assert_int_equal(parse_page(page, size), 0);
	check_page_values(32, 1, 0);
	/* Nothing bigger fits in a page anyway: 2 CPUs of 64 + 64 slots is 4 KiB of counters. */
	assert_int_equal(pb_build(page, 2, 64, 64, "xen"), 0);
}

struct corruption {
	size_t off, bytes;
	uint64_t value;
	int rc;
	const char *err;
};

#define HDR(f)                                                                                     \
	offsetof(struct pvkmap_counters_header, f), sizeof(((struct pvkmap_counters_header *)0)->f)

/* Each header field broken in turn, on a 2-CPU page with 14 ops and 4 hypercalls. */
static void test_page_fields(void **state)
{
	/* Layout of that page: names at 56..344, cpus at 344, stride 296, size 936. */
	static const struct corruption cases[] = {
	    {HDR(magic), 0, PVKMAP_ERR_FORMAT, "magic 0x00000000 is not 0x4b4d5650"},
	    {HDR(magic), 0x504d564b, PVKMAP_ERR_FORMAT, "magic 0x504d564b"},
	    {HDR(version), 0, PVKMAP_ERR_FORMAT, "version 0 unsupported (want 2)"},
	    {HDR(version), 1, PVKMAP_ERR_FORMAT, "version 1 unsupported (want 2)"},
	    {HDR(version), 3, PVKMAP_ERR_FORMAT, "version 3 unsupported"},
	    {HDR(header_size), 0, PVKMAP_ERR_FORMAT, "header_size 0 is not 56"},
	    {HDR(header_size), 52, PVKMAP_ERR_FORMAT, "header_size 52 is not 56"},
	    {HDR(size), 0, PVKMAP_ERR_FORMAT, "size 0 out of range 56..4096"},
	    {HDR(size), 55, PVKMAP_ERR_FORMAT, "size 55 out of range"},
	    {HDR(size), 56, PVKMAP_ERR_FORMAT,
	     "names_offset 56: 18 names end at 344, outside 56..56"},
	    {HDR(size), 4097, PVKMAP_ERR_FORMAT, "size 4097 out of range"},
	    {HDR(size), 0xffffffff, PVKMAP_ERR_FORMAT, "size 4294967295 out of range"},
	    {HDR(size), 937, PVKMAP_ERR_SHORT, "size 937 but only 936 bytes"},
	    {HDR(size), 935, PVKMAP_ERR_FORMAT, "cpus_offset 344: 2 blocks of 296"},
	    {HDR(seq), 43, PVKMAP_ERR_BUSY, "header seq 43 is odd"},
	    {HDR(seq), 0xffffffff, PVKMAP_ERR_BUSY, "header seq 4294967295 is odd"},
	    {HDR(name_len), 0, PVKMAP_ERR_FORMAT, "name_len 0 is not 16"},
	    {HDR(name_len), 32, PVKMAP_ERR_FORMAT, "name_len 32 is not 16"},
	    {HDR(nr_cpus), 0, PVKMAP_ERR_FORMAT, "nr_cpus 0 out of range 1..32"},
	    {HDR(nr_cpus), 33, PVKMAP_ERR_FORMAT, "nr_cpus 33 out of range 1..32"},
	    {HDR(nr_cpus), 0xffff, PVKMAP_ERR_FORMAT, "nr_cpus 65535 out of range"},
	    {HDR(nr_cpus), 3, PVKMAP_ERR_FORMAT,
	     "cpus_offset 344: 3 blocks of 296 bytes end at 1232"},
	    {HDR(nr_ops), 0, PVKMAP_ERR_FORMAT, "nr_ops 0 out of range 1..64"},
	    {HDR(nr_ops), 200, PVKMAP_ERR_FORMAT, "nr_ops 200 out of range 1..64"},
	    {HDR(nr_ops), 13, PVKMAP_ERR_FORMAT, "cpu_stride 296 is not 280"},
	    {HDR(nr_hcalls), 65, PVKMAP_ERR_FORMAT, "nr_hcalls 65 out of range 0..64"},
	    {HDR(nr_hcalls), 0, PVKMAP_ERR_FORMAT, "cpu_stride 296 is not 232"},
	    {HDR(names_offset), 0, PVKMAP_ERR_FORMAT, "names_offset 0: 18 names end at 288"},
	    {HDR(names_offset), 55, PVKMAP_ERR_FORMAT,
	     "names_offset 55: 18 names end at 343, outside 56..936"},
	    {HDR(names_offset), 936, PVKMAP_ERR_FORMAT, "names_offset 936: 18 names end at 1224"},
	    {HDR(names_offset), 0xfffffff0, PVKMAP_ERR_FORMAT, "end at 4294967568"},
	    {HDR(names_offset), 64, PVKMAP_ERR_FORMAT,
	     "names (64..352) and cpus (344..936) overlap"},
	    {HDR(cpu_stride), 0, PVKMAP_ERR_FORMAT, "cpu_stride 0 is not 296"},
	    {HDR(cpu_stride), 288, PVKMAP_ERR_FORMAT, "cpu_stride 288 is not 296"},
	    {HDR(cpu_stride), 0x80000000, PVKMAP_ERR_FORMAT, "cpu_stride 2147483648"},
	    {HDR(cpus_offset), 0, PVKMAP_ERR_FORMAT, "cpus_offset 0: 2 blocks"},
	    {HDR(cpus_offset), 348, PVKMAP_ERR_FORMAT, "cpus_offset 348 is not a multiple of 8"},
	    {HDR(cpus_offset), 352, PVKMAP_ERR_FORMAT, "end at 944, outside 56..936"},
	    {HDR(cpus_offset), 0xfffffff8, PVKMAP_ERR_FORMAT, "end at 4294967880"},
	    {HDR(cpus_offset), 56, PVKMAP_ERR_FORMAT, "names (56..344) and cpus (56..648) overlap"},
	    {HDR(online), 0, PVKMAP_ERR_FORMAT, "online 0x00000000: no CPU has published"},
	    {HDR(online), 0x4, PVKMAP_ERR_FORMAT,
	     "online 0x00000004 names a CPU at or above nr_cpus 2"},
	    {HDR(online), 0x80000001, PVKMAP_ERR_FORMAT, "online 0x80000001 names a CPU"},
	};
	uint32_t size = pb_build(page, 2, 14, 4, "xen");

	(void)state;
	assert_int_equal(size, 936);
	assert_int_equal(parse_page(page, size), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct corruption *c = &cases[i];

		pb_build(page, 2, 14, 4, "xen");
		pb_put(page + c->off, c->value, (unsigned int)c->bytes);
		if (parse_page(page, size) != c->rc)
			fail_msg("case %zu (%s): rc is not %d: %s", i, c->err, c->rc, err);
		assert_err(c->err);
	}
}

/* A header claiming more CPUs than its page holds is refused, not read past the page. */
static void test_page_too_many_cpus(void **state)
{
	/* The guest's own shape: 14 operations, 12 hypercalls; 8 blocks of 424 bytes fit. */
	uint32_t size = pb_build(page, 8, 14, 12, "xen");

	(void)state;
	assert_int_equal(size, 472 + 8 * 424);
	assert_int_equal(parse_page(page, size), 0);
	check_page_values(8, 14, 12);
	PB_SET(page, size, PVKMAP_COUNTERS_SIZE);
	PB_SET(page, nr_cpus, 9);
	assert_int_equal(parse_page(page, sizeof(page)), PVKMAP_ERR_FORMAT);
	assert_err("cpus_offset 472: 9 blocks of 424 bytes end at 4288, outside 56..4096 (size)");
	assert_int_equal(snap.nr_cpus, 0);
	PB_SET(page, nr_cpus, 32);
	PB_SET(page, online, 0xffffffff);
	assert_int_equal(parse_page(page, sizeof(page)), PVKMAP_ERR_FORMAT);
	assert_err("32 blocks of 424 bytes end at 14040");
}

/* Only the online CPUs' blocks are read, each under its own CPU's number. */
static void test_page_online_cpus(void **state)
{
	uint32_t size = pb_build(page, 3, 14, 4, "xen");

	(void)state;
	PB_SET(page, online, 0x5);
	/* CPU 1 is not up: whatever its block holds, even a write in progress, is ignored. */
	memset(pb_block(page, 1), 0xff, pb_stride(14, 4));
	assert_int_equal(parse_page(page, size), 0);
	assert_int_equal(snap.nr_cpus, 2);
	assert_int_equal(snap.cpus[0].id, 0);
	assert_int_equal(snap.cpus[1].id, 2);
	assert_int_equal(snap.cpus[1].seq, pb_seq(2));
	for (unsigned int i = 0; i < 14; i++)
		assert_true(snap.cpus[1].op_count[i] == pb_count(2, i));
	for (unsigned int i = 0; i < 4; i++) {
		assert_true(snap.cpus[1].hcall_traps[i] == pb_traps(2, i));
		assert_true(snap.hcall_calls[i] == pb_calls(0, i) + pb_calls(2, i));
	}
	/* CPU 2 alone. */
	PB_SET(page, online, 0x4);
	assert_int_equal(parse_page(page, size), 0);
	assert_int_equal(snap.nr_cpus, 1);
	assert_int_equal(snap.cpus[0].id, 2);
	assert_true(snap.cpus[0].op_cycles[13] == pb_cycles(2, 13));
}

/* A copy whose block is mid-write, or whose block start disagrees with the format. */
static void test_page_blocks(void **state)
{
	uint32_t size = pb_build(page, 3, 14, 4, "xen");

	(void)state;
	pb_put(pb_block(page, 1), 43, 4);
	assert_int_equal(parse_page(page, size), PVKMAP_ERR_BUSY);
	assert_err("cpu 1's block: seq 43 is odd: the guest was writing it");
	assert_int_equal(snap.nr_cpus, 0); /* nothing half-read is left */
	pb_build(page, 3, 14, 4, "xen");
	pb_put(pb_block(page, 2) + 4, 1, 4);
	assert_int_equal(parse_page(page, size), PVKMAP_ERR_FORMAT);
	assert_err("cpu 2's block: pad 0x00000001 is not 0");
	/* Seqs are only even or odd: any even value is a finished write. */
	pb_build(page, 3, 14, 4, "xen");
	pb_put(pb_block(page, 0), 0xfffffffe, 4);
	assert_int_equal(parse_page(page, size), 0);
	assert_true(snap.cpus[0].seq == 0xfffffffe);
}

/* Every length short of the page's size fails, naming the shortage, and reads nothing more. */
static void test_page_truncated(void **state)
{
	uint32_t size = pb_build(page, 2, 14, 4, "xen");

	(void)state;
	for (uint32_t len = 0; len < size; len++) {
		assert_int_equal(parse_page(page, len), PVKMAP_ERR_SHORT);
		if (len < PB_HSIZE)
			assert_err("shorter than its 56-byte header");
		else
			assert_err("size 936 but only");
	}
	assert_int_equal(pvkmap_page_parse(NULL, 0, &snap, err, sizeof(err)), PVKMAP_ERR_SHORT);
	assert_int_equal(pvkmap_page_parse(NULL, 4096, &snap, err, sizeof(err)), PVKMAP_ERR_SHORT);
}

/* Names: NUL-terminated within 16 bytes, NUL-padded, printable, unique. */
static void test_page_names(void **state)
{
	static const struct {
		unsigned int slot; /* 0..17 names, 99 the backend */
		const char bytes[16];
		const char *err;
	} cases[] = {
	    {0, "0123456789abcdef", "name 0 (operation 0) is not NUL-terminated within 16 bytes"},
	    {3, "", "name 3 (operation 3) is empty"},
	    {5, "set pte", "name 5 (operation 5) has byte 0x20 at 3"},
	    {5, "set\001pte", "has byte 0x01 at 3"},
	    {5, "set\x80pte", "has byte 0x80 at 3"},
	    {5, "set\"pte", "has byte 0x22 at 3"},
	    {5, "set\\pte", "has byte 0x5c at 3"},
	    {5, "set\x7fpte", "has byte 0x7f at 3"},
	    {7, "abc\0junk", "name 7 (operation 7) is not NUL-padded"},
	    {14, "", "name 14 (hypercall 0) is empty"},
	    {17, "hcall16\0\0\0\0\0\0\0\0x", "name 17 (hypercall 3) is not NUL-padded"},
	    {13, "set_pte", "name 13 (operation 13) \"set_pte\" appears twice"},
	    {17, "hcall0", "name 17 (hypercall 3) \"hcall0\" appears twice"},
	    {99, "", "backend is empty"},
	    {99, "xen\0\0\0\0\0\0\0\0\0\0\0\0!", "backend is not NUL-padded"},
	    {99, "native native!!!", "backend is not NUL-terminated"},
	    {99, "x\ten", "backend has byte 0x09 at 1"},
	};
	uint32_t size;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t off = cases[i].slot == 99 ? offsetof(struct pvkmap_counters_header, backend)
						 : PB_HSIZE + 16 * cases[i].slot;

		size = pb_build(page, 2, 14, 4, "xen");
		memcpy(page + off, cases[i].bytes, 16);
		if (parse_page(page, size) != PVKMAP_ERR_FORMAT)
			fail_msg("case %zu (%s) was accepted", i, cases[i].err);
		assert_err(cases[i].err);
	}
	/* An operation and a hypercall may share a name: they are separate tables. */
	size = pb_build(page, 1, 2, 2, "xen");
	memcpy(page + PB_HSIZE + 16 * 2, "set_pte", 8);
	assert_int_equal(parse_page(page, size), 0);
	/* A 15-character name is the longest that fits. */
	memcpy(page + PB_HSIZE, "flush_tlb_local", 16);
	assert_int_equal(parse_page(page, size), 0);
	assert_string_equal(snap.op_names[0], "flush_tlb_local");
}

/* Whatever the header says, the parser stays inside the buffer (ASan checks) and explains. */
static void test_page_byte_flips(void **state)
{
	static const uint8_t values[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
	uint32_t size = pb_build(page, 2, 14, 4, "xen");

	(void)state;
	for (uint32_t off = 0; off < PB_HSIZE; off++) {
		for (size_t v = 0; v < sizeof(values); v++) {
			int rc;

			pb_build(page, 2, 14, 4, "xen");
			page[off] = values[v];
			rc = parse_page(page, size);
			assert_true(rc == 0 || rc == PVKMAP_ERR_FORMAT || rc == PVKMAP_ERR_SHORT ||
				    rc == PVKMAP_ERR_BUSY);
		}
	}
}

/* A small or absent error buffer is never overrun. */
static void test_page_err_buffer(void **state)
{
	char small[8];
	uint32_t size = pb_build(page, 1, 14, 0, "native");

	(void)state;
	PB_SET(page, nr_ops, 200);
	memset(small, 'x', sizeof(small));
	assert_int_equal(pvkmap_page_parse(page, size, &snap, small, sizeof(small)),
			 PVKMAP_ERR_FORMAT);
	assert_string_equal(small, "nr_ops ");
	assert_int_equal(pvkmap_page_parse(page, size, &snap, NULL, 0), PVKMAP_ERR_FORMAT);
	assert_int_equal(pvkmap_page_parse(page, size, &snap, small, 0), PVKMAP_ERR_FORMAT);
}

/* ---- logs ------------------------------------------------------------------------- */

static char *read_fixture(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (run from the top of the tree)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int parse_fixture(const char *name)
{
	size_t len;
	char *buf = read_fixture(name, &len);
	int rc = parse_log(buf, len);

	free(buf);
	return rc;
}

static int op(const char *name)
{
	for (unsigned int i = 0; i < snap.nr_ops; i++)
		if (!strcmp(snap.op_names[i], name))
			return (int)i;
	fail_msg("no operation %s", name);
	return -1;
}

static int hcall(const char *name)
{
	for (unsigned int i = 0; i < snap.nr_hcalls; i++)
		if (!strcmp(snap.hcall_names[i], name))
			return (int)i;
	fail_msg("no hypercall %s", name);
	return -1;
}

static void test_log_native(void **state)
{
	(void)state;
	assert_int_equal(parse_fixture("native-3G.log"), 0);
	assert_int_equal(snap.version, 1);
	assert_string_equal(snap.backend, "native");
	assert_int_equal(snap.nr_cpus, 1);
	assert_int_equal(snap.cpus[0].id, 0);
	assert_int_equal(snap.nr_ops, 14);
	assert_string_equal(snap.op_names[0], "set_pte");
	assert_string_equal(snap.op_names[13], "alloc_table");
	assert_true(snap.cpus[0].op_count[op("set_pte")] == 226303);
	assert_true(snap.cpus[0].op_cycles[op("set_pte")] == 24521180);
	assert_true(snap.cpus[0].op_count[op("alloc_table")] == 446);
	assert_true(snap.cpus[0].op_cycles[op("alloc_table")] == 5929188);
	assert_int_equal(snap.nr_hcalls, 0);
	assert_false(snap.has_xen_totals);
	assert_false(snap.hcalls_per_cpu);
}

static void test_log_xen(void **state)
{
	int h;

	(void)state;
	assert_int_equal(parse_fixture("xen-2G-batched.log"), 0);
	assert_string_equal(snap.backend, "xen");
	assert_int_equal(snap.nr_cpus, 1);
	assert_true(snap.cpus[0].op_count[op("set_pte")] == 183807);
	assert_true(snap.cpus[0].op_cycles[op("set_pte")] == 5535936033ull);
	assert_int_equal(snap.nr_hcalls, 11);
	assert_true(snap.has_hcall_detail);
	h = hcall("mmu_update");
	assert_int_equal(snap.hcall_nr[h], 1);
	assert_true(snap.hcall_calls[h] == 363);
	assert_true(snap.hcall_traps[h] == 362);
	assert_true(snap.hcall_cycles[h] == 182191707);
	/* 16 characters: too long for the page, fine in a log. */
	h = hcall("event_channel_op");
	assert_int_equal(snap.hcall_nr[h], 32);
	assert_true(snap.has_xen_totals);
	assert_true(snap.page_updates == 184681);
	assert_true(snap.mmuext_ops == 372);
	assert_true(snap.multicall_entries == 2);
}

/* Xen's console splits long lines under a "[xen] (d1) " prefix: only the guest's own copy
 * of the line starts with the marker, and the last one counts. */
static void test_log_xen_prefixed(void **state)
{
	(void)state;
	assert_int_equal(parse_fixture("xen-too-little-memory.log"), 0);
	assert_true(snap.hcall_cycles[hcall("console_io")] == 14352267);
	assert_true(snap.cpus[0].op_count[op("set_pte")] == 0);
}

#define NATIVE_LINE                                                                                \
	"{\"pvkmap_counters\":{\"version\":1,\"backend\":\"native\",\"cpus\":[{\"cpu\":0,"         \
	"\"ops\":{\"set_pte\":{\"count\":5,\"cycles\":50},\"set_pmd\":{\"count\":2,"               \
	"\"cycles\":20}}}]}}"

#define XEN_LINE                                                                                   \
	"{\"pvkmap_counters\":{\"version\":1,\"backend\":\"xen\",\"cpus\":[{\"cpu\":0,"            \
	"\"ops\":{\"set_pte\":{\"count\":5,\"cycles\":50}}},{\"cpu\":3,\"ops\":{"                  \
	"\"set_pte\":{\"count\":7,\"cycles\":70}}}],\"hypercalls\":{\"mmu_update\":{"              \
	"\"nr\":1,\"calls\":4,\"traps\":3,\"cycles\":400}},\"page_updates\":9,"                    \
	"\"mmuext_ops\":8,\"multicall_entries\":7,\"mmuext_cmds\":{\"2\":1},"                      \
	"\"subops\":{\"memory_op\":{\"12\":1}}}}"

/* @base with the first @from replaced by @to (which must be there). */
static char *subst(const char *base, const char *from, const char *to)
{
	const char *at = strstr(base, from);
	char *s;

	if (!at)
		fail_msg("\"%s\" not in the base line", from);
	s = malloc(strlen(base) - strlen(from) + strlen(to) + 1);
	assert_non_null(s);
	sprintf(s, "%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
	return s;
}

static void test_log_lines(void **state)
{
	char *s;

	(void)state;
	assert_int_equal(parse_line(NATIVE_LINE), 0);
	assert_int_equal(snap.nr_ops, 2);
	assert_int_equal(snap.cycles_measured, -1);
	assert_true(snap.cpus[0].op_cycles[1] == 20);

	assert_int_equal(parse_line(XEN_LINE), 0);
	assert_int_equal(snap.nr_cpus, 2);
	assert_int_equal(snap.cpus[1].id, 3);
	assert_true(snap.cpus[1].op_count[0] == 7);
	assert_int_equal(snap.nr_hcalls, 1);
	assert_true(snap.hcall_cycles[0] == 400);
	assert_true(snap.multicall_entries == 7);

	/* What guests built without per-operation timing add. */
	s = subst(NATIVE_LINE, "\"cpus\"", "\"cycles_measured\":false,\"cpus\"");
	assert_int_equal(parse_line(s), 0);
	assert_int_equal(snap.cycles_measured, 0);
	free(s);
	s = subst(NATIVE_LINE, "\"cpus\"", "\"cycles_measured\":true,\"cpus\"");
	assert_int_equal(parse_line(s), 0);
	assert_int_equal(snap.cycles_measured, 1);
	free(s);

	/* Surrounding lines, CRLF, and the last report wins. */
	s = subst("boot\r\n" NATIVE_LINE "\r\nmore\n" NATIVE_LINE "\r\nend", "\"count\":5",
		  "\"count\":6");
	assert_int_equal(parse_line(s), 0);
	assert_true(snap.cpus[0].op_count[0] == 5);
	free(s);
	s = subst("x\n" NATIVE_LINE "\n" NATIVE_LINE, "\"count\":5", "\"count\":6");
	assert_int_equal(parse_line(s), 0);
	assert_true(snap.cpus[0].op_count[0] == 5);
	free(s);
	assert_int_equal(parse_line("a\n" NATIVE_LINE "\n"), 0);
	/* Insignificant whitespace and escapes that spell ordinary characters are fine. */
	assert_int_equal(
	    parse_line("{\"pvkmap_counters\": { \"version\" : 1 ,\t\"backend\":"
		       "\"n\\u0061tive\", \"cpus\" : [ { \"cpu\" : 0 , \"ops\" : "
		       "{ \"set\\u005fpte\" : { \"count\" : 18446744073709551615 , "
		       "\"cycles\" : 0 } } } ] , \"extra\" : [null, true, false, -1.5e+3, "
		       "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"] } }  \t"),
	    0);
	assert_string_equal(snap.backend, "native");
	assert_string_equal(snap.op_names[0], "set_pte");
	assert_true(snap.cpus[0].op_count[0] == UINT64_MAX);
}

static void test_log_not_found(void **state)
{
	(void)state;
	assert_int_equal(parse_log("", 0), PVKMAP_ERR_NOTFOUND);
	assert_err("no line starts with {\"pvkmap_counters\":");
	assert_int_equal(parse_line("hello\nworld\n"), PVKMAP_ERR_NOTFOUND);
	assert_int_equal(parse_line(" " NATIVE_LINE), PVKMAP_ERR_NOTFOUND);
	assert_int_equal(parse_line("{\"pvkmap_counters\""), PVKMAP_ERR_NOTFOUND);
	assert_int_equal(pvkmap_log_parse(NULL, 10, &snap, err, sizeof(err)), PVKMAP_ERR_NOTFOUND);
}

struct bad_json {
	const char *from, *to; /* NULL from: @to is the whole input */
	const char *err;
};

static void test_log_malformed(void **state)
{
	static const struct bad_json cases[] = {
	    /* syntax */
	    {NULL, "{\"pvkmap_counters\":", "line 1, column 20: expected a value, found the end"},
	    {NULL, "{\"pvkmap_counters\":{\"version\":1,", "column 33: expected a member name"},
	    {NULL, "x\n{\"pvkmap_counters\":{\"version\":1",
	     "line 2, column 32: expected ',' or '}'"},
	    {"}}}]}}", "}}}]}} x", "text after the end of the JSON object"},
	    {"}}}]}}", "}}}]}}}", "text after the end"},
	    {"}}}]}}", "}}}]}", "expected ',' or '}'"},
	    {"\"version\":1,", "\"version\":1,,", "expected a member name in quotes"},
	    {"\"version\":1,", "\"version\" 1,", "expected ':' after a member name"},
	    {"\"cycles\":20}}}]", "\"cycles\":20}},}]", "expected a member name"},
	    {"}}}]", "}}},]", "expected a value"},
	    {"\"count\":5", "\"count\":05", "expected ',' or '}'"},
	    {"\"count\":5", "\"count\":+5", "expected a value"},
	    {"\"count\":5", "\"count\":5.", "digits must follow a decimal point"},
	    {"\"count\":5", "\"count\":5e", "digits must follow an exponent"},
	    {"\"count\":5", "\"count\":-", "bad number"},
	    {"\"count\":5", "\"count\":nul", "expected a value"},
	    {"\"count\":5", "\"count\":True", "expected a value"},
	    {"\"native\"", "\"nat\\xive\"", "bad escape in a string"},
	    {"\"native\"", "\"nat\\u00g1ive\"", "\\u needs four hex digits"},
	    {"\"native\"", "\"nat\tive\"", "control character 0x09 in a string"},
	    {"\"native\"", "'native'", "expected a value"},
	    {"\"native\"", "\"native", "expected ',' or '}'"},
	    {"\"cycles\":20}}}]}}", "\"cycles\":\"20}}}]}}", "string not closed"},
	    /* schema */
	    {"\"version\":1", "\"version\":2", "pvkmap_counters: version 2 unsupported (want 1)"},
	    {"\"cpus\"", "\"cycles_measured\":0,\"cpus\"",
	     "pvkmap_counters.cycles_measured: expected a boolean, found a number"},
	    {"\"version\":1,", "", "pvkmap_counters: member \"version\" missing"},
	    {"\"version\":1", "\"version\":1,\"version\":1", "member \"version\" appears twice"},
	    {NULL, "{\"pvkmap_counters\":[]}",
	     "pvkmap_counters: expected an object, found an array"},
	    {NULL, "{\"pvkmap_counters\":{},\"pvkmap_counters\":{}}",
	     "member \"pvkmap_counters\" appears twice"},
	    {"\"native\"", "7", "pvkmap_counters.backend: expected a string, found a number"},
	    {"\"native\"", "\"\"", "pvkmap_counters.backend: not 1..31 printable"},
	    {"\"native\"", "\"na tive\"", "pvkmap_counters.backend: not 1..31"},
	    {"\"native\"", "\"na\\\"tive\"", "pvkmap_counters.backend: not 1..31"},
	    {"\"native\"", "\"na\\u0000tive\"", "pvkmap_counters.backend: not 1..31"},
	    {"\"native\"", "\"na\\u00e9tive\"", "pvkmap_counters.backend: not 1..31"},
	    {"\"native\"", "\"na\xc3\xa9tive\"", "pvkmap_counters.backend: not 1..31"},
	    {"\"cpus\":[", "\"cpuz\":[", "member \"cpus\" missing"},
	    {"[{\"cpu\":0,\"ops\":{\"set_pte\":{\"count\":5,\"cycles\":50},\"set_pmd\":{\"count\":"
	     "2,\"cycles\":20}}}]",
	     "[]", "pvkmap_counters.cpus: 0 CPUs, out of range 1..64"},
	    {"\"cpus\":[", "\"cpus\":7,\"x\":[",
	     "pvkmap_counters.cpus: expected an array, found a number"},
	    {"[{", "[7,{", "cpus[0]: expected an object, found a number"},
	    {"\"cpu\":0,", "", "cpus[0]: member \"cpu\" missing"},
	    {"\"cpu\":0", "\"cpu\":64", "cpus[0].cpu: 64 out of range 0..63"},
	    {"\"cpu\":0", "\"cpu\":-1", "cpus[0].cpu: -1 is not a non-negative integer"},
	    {"\"cpu\":0", "\"cpu\":1.0", "cpus[0].cpu: 1.0 is not a non-negative integer"},
	    {"\"cpu\":0", "\"cpu\":1e2", "is not a non-negative integer"},
	    {"\"cpu\":0", "\"cpu\":null", "cpus[0].cpu: expected a number, found null"},
	    {"\"ops\":{\"set_pte\"", "\"opz\":{\"set_pte\"", "cpus[0]: member \"ops\" missing"},
	    {"{\"set_pte\":{\"count\":5,\"cycles\":50},\"set_pmd\":{\"count\":2,\"cycles\":20}}",
	     "{}", "cpus[0].ops: 0 operations, out of range 1..64"},
	    {"\"set_pmd\"", "\"set_pte\"", "cpus[0].ops: operation \"set_pte\" appears twice"},
	    {"\"set_pmd\"", "\"0123456789abcdef0123456789abcdef\"",
	     "member name \"0123456789abcdef0123456789abcdef\" is not 1..31"},
	    {"\"set_pmd\"", "\"\"", "cpus[0].ops: member name \"\" is not"},
	    {"\"set_pmd\"", "\"set pmd\"", "member name \"set pmd\" is not"},
	    {"\"count\":2,", "", "cpus[0].ops.set_pmd: member \"count\" missing"},
	    {",\"cycles\":20", "", "cpus[0].ops.set_pmd: member \"cycles\" missing"},
	    {"\"count\":2", "\"count\":2,\"count\":2",
	     "cpus[0].ops.set_pmd: member \"count\" appears twice"},
	    {"\"count\":2", "\"count\":18446744073709551616",
	     "cpus[0].ops.set_pmd.count: 18446744073709551616 does not fit in 64 bits"},
	    {"\"count\":2", "\"count\":99999999999999999999999", "does not fit in 64 bits"},
	    {"\"count\":2", "\"count\":\"2\"",
	     "cpus[0].ops.set_pmd.count: expected a number, found a string"},
	    {"{\"count\":2,\"cycles\":20}", "[2,20]",
	     "cpus[0].ops.set_pmd: expected an object, found an array"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = cases[i].from ? subst(NATIVE_LINE, cases[i].from, cases[i].to)
					: strdup(cases[i].to);

		if (parse_line(s) != PVKMAP_ERR_FORMAT)
			fail_msg("case %zu (%s) not rejected: %s", i, cases[i].err, s);
		assert_err(cases[i].err);
		free(s);
	}
}

/* CPUs and hypercalls: the parts only a multi-CPU Xen line has. */
static void test_log_malformed_xen(void **state)
{
	static const struct bad_json cases[] = {
	    {"\"cpu\":3", "\"cpu\":0", "cpus[1]: cpu 0 appears twice"},
	    {"\"cpu\":3,\"ops\":{\"set_pte\"", "\"cpu\":3,\"ops\":{\"set_pmd\"",
	     "cpus[1].ops: operation 0 is \"set_pmd\", but \"set_pte\" in cpus[0]"},
	    {"\"cpu\":3,\"ops\":{", "\"cpu\":3,\"ops\":{\"x\":{\"count\":1,\"cycles\":1},",
	     "cpus[1].ops: 2 operations, but cpus[0] has 1"},
	    {"\"hypercalls\":{", "\"hypercalls\":7,\"hc\":{",
	     "hypercalls: expected an object, found a number"},
	    {"\"nr\":1", "\"nr\":1024", "hypercalls.mmu_update.nr: 1024 out of range 0..1023"},
	    {"\"nr\":1,", "", "hypercalls.mmu_update: member \"nr\" missing"},
	    {",\"traps\":3", "", "hypercalls.mmu_update: member \"traps\" missing"},
	    {",\"cycles\":400", "", "hypercalls.mmu_update: member \"cycles\" missing"},
	    {"\"calls\":4", "\"calls\":-4", "hypercalls.mmu_update.calls: -4 is not"},
	    {"\"mmu_update\":{\"nr\":1,\"calls\":4,\"traps\":3,\"cycles\":400}",
	     "\"mmu_update\":{\"nr\":1,\"calls\":4,\"traps\":3,\"cycles\":400},"
	     "\"mmu_update\":{\"nr\":1,\"calls\":4,\"traps\":3,\"cycles\":400}",
	     "hypercalls: \"mmu_update\" appears twice"},
	    {"\"page_updates\":9,", "", "pvkmap_counters: member \"page_updates\" missing"},
	    {"\"mmuext_ops\":8", "\"mmuext_ops\":true",
	     "pvkmap_counters.mmuext_ops: expected a number, found a boolean"},
	    {",\"multicall_entries\":7", "", "member \"multicall_entries\" missing"},
	    /* Ignored members must still be well-formed JSON. */
	    {"{\"2\":1}", "{\"2\":1,}", "expected a member name in quotes"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = subst(XEN_LINE, cases[i].from, cases[i].to);

		if (parse_line(s) != PVKMAP_ERR_FORMAT)
			fail_msg("case %zu (%s) not rejected: %s", i, cases[i].err, s);
		assert_err(cases[i].err);
		free(s);
	}
}

/* Limits: CPUs, operations, hypercalls, nesting and the number of values. */
static void test_log_limits(void **state)
{
	size_t cap = 1 << 22, n;
	char *s = malloc(cap);

	(void)state;
	assert_non_null(s);

	/* 64 CPUs are fine, 65 are not. */
	for (unsigned int cpus = 64; cpus <= 65; cpus++) {
		n = (size_t)sprintf(s, "{\"pvkmap_counters\":{\"version\":1,\"backend\":\"x\","
				       "\"cpus\":[");
		for (unsigned int c = 0; c < cpus; c++)
			n += (size_t)sprintf(s + n,
					     "%s{\"cpu\":%u,\"ops\":{\"a\":{\"count\":%u,"
					     "\"cycles\":1}}}",
					     c ? "," : "", c % 64, c);
		strcpy(s + n, "]}}");
		if (cpus == 64) {
			assert_int_equal(parse_line(s), 0);
			assert_int_equal(snap.nr_cpus, 64);
			assert_true(snap.cpus[63].op_count[0] == 63);
		} else {
			assert_int_equal(parse_line(s), PVKMAP_ERR_FORMAT);
			assert_err("65 CPUs, out of range 1..64");
		}
	}

	/* 64 operations are fine, 65 are not; the same for hypercalls. */
	for (unsigned int nr = 64; nr <= 65; nr++) {
		n = (size_t)sprintf(s, "{\"pvkmap_counters\":{\"version\":1,\"backend\":\"x\","
				       "\"cpus\":[{\"cpu\":0,\"ops\":{");
		for (unsigned int i = 0; i < nr; i++)
			n += (size_t)sprintf(s + n, "%s\"op%u\":{\"count\":1,\"cycles\":1}",
					     i ? "," : "", i);
		n += (size_t)sprintf(s + n, "}}],\"hypercalls\":{");
		for (unsigned int i = 0; i < (nr == 64 ? 64 : 1); i++)
			n += (size_t)sprintf(s + n,
					     "%s\"h%u\":{\"nr\":%u,\"calls\":1,\"traps\":1,"
					     "\"cycles\":1}",
					     i ? "," : "", i, i);
		strcpy(s + n, "},\"page_updates\":0,\"mmuext_ops\":0,\"multicall_entries\":0}}");
		if (nr == 64) {
			assert_int_equal(parse_line(s), 0);
			assert_int_equal(snap.nr_ops, 64);
			assert_int_equal(snap.nr_hcalls, 64);
			assert_int_equal(snap.hcall_nr[63], 63);
		} else {
			assert_int_equal(parse_line(s), PVKMAP_ERR_FORMAT);
			assert_err("65 operations, out of range 1..64");
		}
	}
	free(s);
	s = subst(XEN_LINE, "\"hypercalls\":{",
		  "\"hypercalls\":{\"a\":0,\"b\":0,\"c\":0,"
		  "\"d\":0,\"e\":0,\"f\":0,\"g\":0,\"h\":0,\"i\":0,\"j\":0,\"k\":0,\"l\":0,"
		  "\"m\":0,\"n\":0,\"o\":0,\"p\":0,\"q\":0,\"r\":0,\"s\":0,\"t\":0,\"u\":0,"
		  "\"v\":0,\"w\":0,\"x\":0,\"y\":0,\"z\":0,\"A\":0,\"B\":0,\"C\":0,\"D\":0,"
		  "\"E\":0,\"F\":0,\"G\":0,\"H\":0,\"I\":0,\"J\":0,\"K\":0,\"L\":0,\"M\":0,"
		  "\"N\":0,\"O\":0,\"P\":0,\"Q\":0,\"R\":0,\"S\":0,\"T\":0,\"U\":0,\"V\":0,"
		  "\"W\":0,\"X\":0,\"Y\":0,\"Z\":0,\"0\":0,\"1\":0,\"2\":0,\"3\":0,\"4\":0,"
		  "\"5\":0,\"6\":0,\"7\":0,\"8\":0,\"9\":0,\"_\":0,\"aa\":0,");
	assert_int_equal(parse_line(s), PVKMAP_ERR_FORMAT);
	assert_err("hypercalls: 65 hypercalls, out of range 0..64");
	free(s);
	s = malloc(cap);
	assert_non_null(s);

	/* Nesting: 32 levels (the line's two objects and 30 arrays) are fine, 33 are not. */
	for (unsigned int depth = 30; depth <= 31; depth++) {
		n = (size_t)sprintf(s, "%s", NATIVE_LINE);
		n -= 2; /* before the closing "}}" */
		n += (size_t)sprintf(s + n, ",\"deep\":");
		for (unsigned int i = 0; i < depth; i++)
			s[n++] = '[';
		for (unsigned int i = 0; i < depth; i++)
			s[n++] = ']';
		strcpy(s + n, "}}");
		if (depth == 30) {
			assert_int_equal(parse_line(s), 0);
		} else {
			assert_int_equal(parse_line(s), PVKMAP_ERR_FORMAT);
			assert_err("nested deeper than 32");
		}
	}
	/* A deep line with no end: stops at the limit, no stack overflow. */
	n = (size_t)sprintf(s, "{\"pvkmap_counters\":");
	memset(s + n, '[', cap - n - 1);
	s[cap - 1] = '\0';
	assert_int_equal(parse_line(s), PVKMAP_ERR_FORMAT);
	assert_err("nested deeper than 32");

	/* Too many values: 200 k numbers in an ignored array. */
	n = (size_t)sprintf(s, "{\"pvkmap_counters\":{\"x\":[0");
	for (unsigned int i = 0; i < 200000; i++) {
		s[n++] = ',';
		s[n++] = '0';
	}
	strcpy(s + n, "]}}");
	assert_int_equal(parse_line(s), PVKMAP_ERR_FORMAT);
	assert_err("more than 131072 values");

	/* A long but valid line: a megabyte of spaces between members. */
	n = (size_t)sprintf(s, "{\"pvkmap_counters\":{\"version\":1,");
	memset(s + n, ' ', 1 << 20);
	n += 1 << 20;
	strcpy(s + n, NATIVE_LINE + strlen("{\"pvkmap_counters\":{\"version\":1,"));
	assert_int_equal(parse_line(s), 0);
	assert_true(snap.cpus[0].op_count[1] == 2);
	free(s);
}

/* NULs, truncation at every byte, and bytes of every value: always an answer, never a crash. */
static void test_log_hostile(void **state)
{
	static const char line[] = XEN_LINE;
	char *s = strdup(line);

	(void)state;
	assert_non_null(s);
	for (size_t len = 0; len < sizeof(line) - 1; len++) {
		int rc = parse_log(line, len);

		assert_true(rc == PVKMAP_ERR_FORMAT || rc == PVKMAP_ERR_NOTFOUND);
	}
	/* NUL inside the line */
	s[40] = '\0';
	assert_int_equal(parse_log(s, sizeof(line) - 1), PVKMAP_ERR_FORMAT);
	for (size_t i = 0; i < sizeof(line) - 1; i += 7) {
		for (int v = 0; v < 256; v += 17) {
			int rc;

			memcpy(s, line, sizeof(line));
			s[i] = (char)v;
			rc = parse_log(s, sizeof(line) - 1);
			assert_true(rc == 0 || rc == PVKMAP_ERR_FORMAT ||
				    rc == PVKMAP_ERR_NOTFOUND);
		}
	}
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_page_native),
	    cmocka_unit_test(test_page_xen),
	    cmocka_unit_test(test_page_limits),
	    cmocka_unit_test(test_page_fields),
	    cmocka_unit_test(test_page_too_many_cpus),
	    cmocka_unit_test(test_page_online_cpus),
	    cmocka_unit_test(test_page_blocks),
	    cmocka_unit_test(test_page_truncated),
	    cmocka_unit_test(test_page_names),
	    cmocka_unit_test(test_page_byte_flips),
	    cmocka_unit_test(test_page_err_buffer),
	    cmocka_unit_test(test_log_native),
	    cmocka_unit_test(test_log_xen),
	    cmocka_unit_test(test_log_xen_prefixed),
	    cmocka_unit_test(test_log_lines),
	    cmocka_unit_test(test_log_not_found),
	    cmocka_unit_test(test_log_malformed),
	    cmocka_unit_test(test_log_malformed_xen),
	    cmocka_unit_test(test_log_limits),
	    cmocka_unit_test(test_log_hostile),
	};

	return cmocka_run_group_tests_name("pvkmap_stat_parse", tests, NULL, NULL);
}
