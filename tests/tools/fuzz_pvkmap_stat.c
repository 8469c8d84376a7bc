/*
 * libFuzzer target for pvkmap-stat's parsers: every input goes to both, as a counters page
 * and as a console log. Besides the sanitizers' checks, a result that breaks the parsers'
 * contract (an unknown return code, an empty or multi-line reason, a snapshot out of its
 * bounds) aborts, so the fuzzer reports it as a crash.
 */
#include <stdlib.h>
#include <string.h>

#include "tools/pvkmap-stat/page.h"

static struct pvkmap_snapshot snap;

static void check_name(const char *name)
{
	size_t n = strnlen(name, PVKMAP_NAME_MAX);

	if (n == 0 || n == PVKMAP_NAME_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if (name[i] <= ' ' || name[i] > '~' || name[i] == '"' || name[i] == '\\')
			abort();
}

static void check(int rc, const char *err)
{
	if (rc) {
		if (rc != PVKMAP_ERR_FORMAT && rc != PVKMAP_ERR_SHORT && rc != PVKMAP_ERR_BUSY &&
		    rc != PVKMAP_ERR_NOTFOUND)
			abort();
		if (!err[0] || strchr(err, '\n'))
			abort();
		return;
	}
	if (snap.version != 1 || snap.nr_cpus < 1 || snap.nr_cpus > PVKMAP_MAX_CPUS ||
	    snap.nr_ops < 1 || snap.nr_ops > PVKMAP_MAX_OPS || snap.nr_hcalls > PVKMAP_MAX_HCALLS)
		abort();
	check_name(snap.backend);
	for (unsigned int i = 0; i < snap.nr_ops; i++)
		check_name(snap.op_names[i]);
	for (unsigned int i = 0; i < snap.nr_hcalls; i++)
		check_name(snap.hcall_names[i]);
	for (unsigned int c = 0; c < snap.nr_cpus; c++)
		if (snap.cpus[c].id >= PVKMAP_MAX_CPUS)
			abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char err[256];

	err[0] = '\0';
	check(pvkmap_page_parse(data, size, &snap, err, sizeof(err)), err);
	err[0] = '\0';
	check(pvkmap_log_parse((const char *)data, size, &snap, err, sizeof(err)), err);
	return 0;
}
