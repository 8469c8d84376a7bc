/*
 * Writes the fuzz target's seed corpus into a directory: valid counters pages (version 2)
 * of several shapes, one with a CPU offline, and valid counters lines (the console logs in
 * tests/tools/fixtures are added by tests/tools/fuzz.t), so the fuzzer starts from inputs that get
 * past the first checks.
 */
#include <stdlib.h>

#include "tests/tools/pagebuild.h"

static const char *const lines[] = {
    "{\"pvkmap_counters\":{\"version\":1,\"backend\":\"native\",\"cpus\":[{\"cpu\":0,"
    "\"ops\":{\"set_pte\":{\"count\":5,\"cycles\":50},\"set_pmd\":{\"count\":2,"
    "\"cycles\":20}}}]}}\n",
    "boot\r\n{\"pvkmap_counters\":{\"version\":1,\"backend\":\"xen\",\"cpus\":[{\"cpu\":0,"
    "\"ops\":{\"set_pte\":{\"count\":5,\"cycles\":50}}},{\"cpu\":3,\"ops\":{\"set_pte\":"
    "{\"count\":7,\"cycles\":70}}}],\"hypercalls\":{\"mmu_update\":{\"nr\":1,\"calls\":4,"
    "\"traps\":3,\"cycles\":400}},\"page_updates\":9,\"mmuext_ops\":8,"
    "\"multicall_entries\":7,\"mmuext_cmds\":{\"2\":1},\"subops\":{\"memory_op\":"
    "{\"12\":1}}}}\r\n",
    "{\"pvkmap_counters\": {\"version\": 1, \"backend\": \"n\\u0061tive\", \"extra\": "
    "[null, true, false, -1.5e+3, \"\\\"\\\\\\/\\b\\f\\n\\r\\t\"], \"cpus\": [{\"cpu\": 0, "
    "\"ops\": {\"a\": {\"count\": 18446744073709551615, \"cycles\": 0}}}]}}",
};

static int write_file(const char *dir, const char *name, const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const unsigned int shapes[][3] = {
	    {1, 14, 0}, {2, 14, 4}, {8, 14, 12}, {1, 14, 15}, {1, 64, 0}, {32, 1, 0},
	};
	static uint8_t page[PVKMAP_COUNTERS_SIZE];
	char name[64];

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		uint32_t size = pb_build(page, shapes[i][0], shapes[i][1], shapes[i][2],
					 shapes[i][2] ? "xen" : "native");

		snprintf(name, sizeof(name), "page-%ux%ux%u", shapes[i][0], shapes[i][1],
			 shapes[i][2]);
		if (!size || write_file(argv[1], name, page, size))
			return 1;
	}
	/* CPUs 0 and 2 up, CPU 1 not: its block is skipped, whatever it holds. */
	if (!pb_build(page, 3, 14, 4, "xen"))
		return 1;
	PB_SET(page, online, 0x5);
	pb_put(pb_block(page, 1), 43, 4);
	if (write_file(argv[1], "page-3x14x4-cpu1-offline", page, PVKMAP_COUNTERS_SIZE))
		return 1;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(name, sizeof(name), "line-%zu", i);
		if (write_file(argv[1], name, lines[i], strlen(lines[i])))
			return 1;
	}
	return 0;
}
