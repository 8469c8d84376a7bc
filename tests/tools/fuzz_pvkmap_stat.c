/*
 * libFuzzer target for pvkmap-stat's parsers: every input goes to both, as a counters page
 * (parsed as it is, and copied as a live page under its seqlocks, then parsed) and as a
 * console log. Besides the sanitizers' checks, a result that breaks the parsers'
 * contract (an unknown return code, an empty or multi-line reason, a snapshot out of its
 * bounds) aborts, so the fuzzer reports it as a crash.
 */
#include <stdlib.h>
#include <string.h>

#include "pv/counters_page.h"
#include "tools/pvkmap-stat/page.h"

static struct pvkmap_snapshot snap;
/* The input as a live page (aligned, as a mapping is) and the copy taken from it. */
static _Alignas(8) uint8_t live[PVKMAP_COUNTERS_SIZE];
static uint8_t copy[PVKMAP_COUNTERS_SIZE];

static void check_name(const char *name)
{
	size_t n = strnlen(name, PVKMAP_NAME_MAX);

	if (n == 0 || n == PVKMAP_NAME_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if (name[i] <= ' ' || name[i] > '~' || name[i] == '"' || name[i] == '\\')
			abort();
}

/* @version: what a success must report (the page's 2, the log line's 1). */
static void check(int rc, const char *err, unsigned int version)
{
	if (rc) {
		if (rc != PVKMAP_ERR_FORMAT && rc != PVKMAP_ERR_SHORT && rc != PVKMAP_ERR_BUSY &&
		    rc != PVKMAP_ERR_NOTFOUND)
			abort();
		if (!err[0] || strchr(err, '\n'))
			abort();
		return;
	}
	if (snap.version != version || snap.nr_cpus < 1 || snap.nr_cpus > PVKMAP_MAX_CPUS ||
	    snap.nr_ops < 1 || snap.nr_ops > PVKMAP_MAX_OPS || snap.nr_hcalls > PVKMAP_MAX_HCALLS)
		abort();
	check_name(snap.backend);
	for (unsigned int i = 0; i < snap.nr_ops; i++)
		check_name(snap.op_names[i]);
	for (unsigned int i = 0; i < snap.nr_hcalls; i++)
		check_name(snap.hcall_names[i]);
	/* CPU ids rise: a page's are its online bits, a log's are unique. */
	for (unsigned int c = 0; c < snap.nr_cpus; c++)
		if (snap.cpus[c].id >= PVKMAP_MAX_CPUS ||
		    (version == 2 && c && snap.cpus[c].id <= snap.cpus[c - 1].id))
			abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char err[256];
	int rc;

	err[0] = '\0';
	check(pvkmap_page_parse(data, size, &snap, err, sizeof(err)), err, 2);
	memset(live, 0, sizeof(live));
	if (size)
		memcpy(live, data, size < sizeof(live) ? size : sizeof(live));
	err[0] = '\0';
	rc = pvkmap_page_copy(live, copy, 2, NULL, NULL, err, sizeof(err));
	if (!rc)
		rc = pvkmap_page_parse(copy, sizeof(copy), &snap, err, sizeof(err));
	check(rc, err, 2);
	err[0] = '\0';
	check(pvkmap_log_parse((const char *)data, size, &snap, err, sizeof(err)), err, 1);
	return 0;
}
