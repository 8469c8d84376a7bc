/*
 * pvkmap-stat's console log reader: the last {"pvkmap_counters":...} line of a log, read
 * with the strict JSON reader (json.c), then checked against what pv/counters.c and
 * pv/xen/hypercall.c print. The log may hold anything at all; every rejection names the
 * member at fault and its value.
 */
#include <stdio.h>
#include <string.h>

#include "tools/pvkmap-stat/json.h"
#include "tools/pvkmap-stat/page.h"
#include "tools/pvkmap-stat/parse.h"

#define MARKER "{\"pvkmap_counters\":"
/* The line's own format version (pv/counters.c prints it), not the counters page's. */
#define LOG_VERSION 1u

static int log_cpu(struct jparser *jp, int node, unsigned int i, struct pvkmap_snapshot *out)
{
	struct pvkmap_cpu *cpu = &out->cpus[i];
	char path[160], name[PVKMAP_NAME_MAX];
	uint64_t id = 0;
	unsigned int k = 0;
	int ops;

	snprintf(path, sizeof(path), "cpus[%u]", i);
	if (json_expect(jp, node, J_OBJ, path) ||
	    json_field(jp, node, "cpu", PVKMAP_MAX_CPUS - 1, &id, path))
		return -1;
	for (unsigned int j = 0; j < i; j++)
		if (out->cpus[j].id == id)
			return json_fail(jp, path, "cpu %llu appears twice",
					 (unsigned long long)id);
	cpu->id = (unsigned int)id;

	ops = json_get(jp, node, "ops", path);
	if (ops == -2)
		return -1;
	if (ops < 0)
		return json_fail(jp, path, "member \"ops\" missing");
	snprintf(path, sizeof(path), "cpus[%u].ops", i);
	if (json_expect(jp, ops, J_OBJ, path))
		return -1;
	if (jp->nodes[ops].nr < 1 || jp->nodes[ops].nr > PVKMAP_MAX_OPS)
		return json_fail(jp, path, "%u operations, out of range 1..%u", jp->nodes[ops].nr,
				 PVKMAP_MAX_OPS);
	/* The first CPU names the operations; the others must list the same, in order. */
	if (i && jp->nodes[ops].nr != out->nr_ops)
		return json_fail(jp, path, "%u operations, but cpus[0] has %u", jp->nodes[ops].nr,
				 out->nr_ops);
	for (int n = jp->nodes[ops].child; n >= 0; n = jp->nodes[n].next, k++) {
		if (json_key(jp, n, name, path))
			return -1;
		if (i == 0) {
			if (find_name(out->op_names, k, name) >= 0)
				return json_fail(jp, path, "operation \"%s\" appears twice", name);
			strcpy(out->op_names[k], name);
		} else if (strcmp(out->op_names[k], name)) {
			return json_fail(jp, path, "operation %u is \"%s\", but \"%s\" in cpus[0]",
					 k, name, out->op_names[k]);
		}
		snprintf(path, sizeof(path), "cpus[%u].ops.%s", i, name);
		if (json_expect(jp, n, J_OBJ, path) ||
		    json_field(jp, n, "count", UINT64_MAX, &cpu->op_count[k], path) ||
		    json_field(jp, n, "cycles", UINT64_MAX, &cpu->op_cycles[k], path))
			return -1;
		snprintf(path, sizeof(path), "cpus[%u].ops", i);
	}
	if (i == 0)
		out->nr_ops = k;
	return 0;
}

static int log_hypercalls(struct jparser *jp, int node, struct pvkmap_snapshot *out)
{
	char path[160], name[PVKMAP_NAME_MAX];
	unsigned int k = 0;
	uint64_t nr = 0;

	if (json_expect(jp, node, J_OBJ, "hypercalls"))
		return -1;
	if (jp->nodes[node].nr > PVKMAP_MAX_HCALLS)
		return json_fail(jp, "hypercalls", "%u hypercalls, out of range 0..%u",
				 jp->nodes[node].nr, PVKMAP_MAX_HCALLS);
	for (int n = jp->nodes[node].child; n >= 0; n = jp->nodes[n].next, k++) {
		if (json_key(jp, n, name, "hypercalls"))
			return -1;
		if (find_name(out->hcall_names, k, name) >= 0)
			return json_fail(jp, "hypercalls", "\"%s\" appears twice", name);
		strcpy(out->hcall_names[k], name);
		snprintf(path, sizeof(path), "hypercalls.%s", name);
		if (json_expect(jp, n, J_OBJ, path) || json_field(jp, n, "nr", 1023, &nr, path) ||
		    json_field(jp, n, "calls", UINT64_MAX, &out->hcall_calls[k], path) ||
		    json_field(jp, n, "traps", UINT64_MAX, &out->hcall_traps[k], path) ||
		    json_field(jp, n, "cycles", UINT64_MAX, &out->hcall_cycles[k], path))
			return -1;
		out->hcall_nr[k] = (int)nr;
	}
	out->nr_hcalls = k;
	out->has_hcall_detail = true;
	return 0;
}

/* The object after "pvkmap_counters": what pv/counters.c and pv/xen/hypercall.c print. */
static int log_counters(struct jparser *jp, int root, struct pvkmap_snapshot *out)
{
	const char *path = "pvkmap_counters";
	uint64_t version = 0;
	int c, n;

	if (json_expect(jp, root, J_OBJ, "the line"))
		return -1;
	c = json_get(jp, root, "pvkmap_counters", "the line");
	if (c == -2)
		return -1;
	if (c < 0) /* cannot happen: the line starts with it */
		return json_fail(jp, "the line", "member \"pvkmap_counters\" missing");
	if (json_expect(jp, c, J_OBJ, path) ||
	    json_field(jp, c, "version", UINT64_MAX, &version, path))
		return -1;
	if (version != LOG_VERSION)
		return json_fail(jp, path, "version %llu unsupported (want %u)",
				 (unsigned long long)version, LOG_VERSION);
	out->version = (unsigned int)version;

	n = json_get(jp, c, "backend", path);
	if (n == -2)
		return -1;
	if (n < 0)
		return json_fail(jp, path, "member \"backend\" missing");
	if (json_expect(jp, n, J_STR, "pvkmap_counters.backend"))
		return -1;
	if (!json_name(jp, jp->nodes[n].off, jp->nodes[n].len, out->backend, sizeof(out->backend)))
		return json_fail(jp, "pvkmap_counters.backend", "not 1..%d printable characters",
				 PVKMAP_NAME_MAX - 1);

	/* Optional: false when the guest was built without timing each operation. */
	out->cycles_measured = -1;
	n = json_get(jp, c, "cycles_measured", path);
	if (n == -2 || (n >= 0 && json_expect(jp, n, J_BOOL, "pvkmap_counters.cycles_measured")))
		return -1;
	if (n >= 0)
		out->cycles_measured = jp->s[jp->nodes[n].off] == 't';

	n = json_get(jp, c, "cpus", path);
	if (n == -2)
		return -1;
	if (n < 0)
		return json_fail(jp, path, "member \"cpus\" missing");
	if (json_expect(jp, n, J_ARR, "pvkmap_counters.cpus"))
		return -1;
	if (jp->nodes[n].nr < 1 || jp->nodes[n].nr > PVKMAP_MAX_CPUS)
		return json_fail(jp, "pvkmap_counters.cpus", "%u CPUs, out of range 1..%u",
				 jp->nodes[n].nr, PVKMAP_MAX_CPUS);
	out->nr_cpus = jp->nodes[n].nr;
	n = jp->nodes[n].child;
	for (unsigned int i = 0; n >= 0; n = jp->nodes[n].next, i++)
		if (log_cpu(jp, n, i, out))
			return -1;

	/* Only under Xen: hypercalls, and the totals printed with them. */
	n = json_get(jp, c, "hypercalls", path);
	if (n == -2 || (n >= 0 && log_hypercalls(jp, n, out)))
		return -1;
	if (n >= 0) {
		if (json_field(jp, c, "page_updates", UINT64_MAX, &out->page_updates, path) ||
		    json_field(jp, c, "mmuext_ops", UINT64_MAX, &out->mmuext_ops, path) ||
		    json_field(jp, c, "multicall_entries", UINT64_MAX, &out->multicall_entries,
			       path))
			return -1;
		out->has_xen_totals = true;
	}
	return 0;
}

int pvkmap_log_parse(const char *buf, size_t len, struct pvkmap_snapshot *out, char *err,
		     size_t errlen)
{
	const size_t mlen = strlen(MARKER);
	struct jparser jp = {.err = err, .errlen = errlen};
	size_t start = 0, end;
	bool found = false;
	unsigned int lineno = 0, line = 0;
	int root, rc;

	memset(out, 0, sizeof(*out));
	if (!buf)
		len = 0;
	/* The last line that starts with the marker: the newest report. */
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);

		lineno++;
		if (len - pos >= mlen && !memcmp(buf + pos, MARKER, mlen)) {
			start = pos;
			line = lineno;
			found = true;
		}
		if (!nl)
			break;
		pos = (size_t)(nl - buf) + 1;
	}
	if (!found)
		return fail(PVKMAP_ERR_NOTFOUND, err, errlen,
			    "no line starts with %s (did the guest print its counters?)", MARKER);

	end = start;
	while (end < len && buf[end] != '\n')
		end++;
	if (end > start && buf[end - 1] == '\r')
		end--;
	jp.s = buf + start;
	jp.len = end - start;
	jp.lineno = line;

	root = json_parse(&jp);
	rc = root < 0 || log_counters(&jp, root, out) ? PVKMAP_ERR_FORMAT : 0;
	json_free(&jp);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}
