/*
 * The counters page parser of pvkmap-stat (the console log's is log.c, on json.c). It
 * distrusts its input completely: the page comes from a guest, which may be buggy or
 * hostile. Every check names the field and the value it rejects, so a broken guest is easy
 * to diagnose.
 */
#include <stdio.h>
#include <string.h>

#include "pv/counters_page.h"
#include "tools/pvkmap-stat/page.h"
#include "tools/pvkmap-stat/parse.h"

_Static_assert(PVKMAP_COUNTERS_MAX_CPUS <= PVKMAP_MAX_CPUS, "a snapshot holds every block");

/* The page is little-endian whatever the reader's byte order. */
static uint32_t le(const uint8_t *p, unsigned int bytes)
{
	uint32_t v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le(p + 4, 4) << 32 | le(p, 4);
}

#define FIELD(p, f)                                                                                \
	le((p) + offsetof(struct pvkmap_counters_header, f),                                       \
	   sizeof(((struct pvkmap_counters_header *)0)->f))

/*
 * A NAME_LEN-byte name field: 1..NAME_LEN-1 name characters, then NULs to the end (the
 * padding is checked too: stray bytes there mean the writer and reader disagree).
 * Returns NULL, or why the field is bad.
 */
static const char *page_name(const uint8_t *p, char *out, char *why, size_t whylen)
{
	size_t n = 0;

	while (n < PVKMAP_COUNTERS_NAME_LEN && p[n])
		n++;
	if (n == PVKMAP_COUNTERS_NAME_LEN)
		return "is not NUL-terminated within 16 bytes";
	if (n == 0)
		return "is empty";
	for (size_t i = 0; i < n; i++) {
		if (!name_char_ok(p[i])) {
			snprintf(why, whylen, "has byte 0x%02x at %zu", p[i], i);
			return why;
		}
	}
	for (size_t i = n; i < PVKMAP_COUNTERS_NAME_LEN; i++)
		if (p[i])
			return "is not NUL-padded";
	memcpy(out, p, n);
	out[n] = '\0';
	return NULL;
}

int pvkmap_page_layout(const uint8_t *p, size_t len, struct page_layout *l, char *err,
		       size_t errlen)
{
	const size_t hsize = sizeof(struct pvkmap_counters_header);
	uint32_t magic, version, header_size, name_len;
	uint64_t names_end, cpus_end, stride;

	memset(l, 0, sizeof(*l));
	if (!p || len < hsize)
		return fail(PVKMAP_ERR_SHORT, err, errlen,
			    "page is %zu bytes, shorter than its %zu-byte header", p ? len : 0,
			    hsize);

	magic = FIELD(p, magic);
	if (magic != PVKMAP_COUNTERS_MAGIC)
		return fail(PVKMAP_ERR_FORMAT, err, errlen,
			    "magic 0x%08x is not 0x%08x (\"PVMK\"): not a counters page", magic,
			    PVKMAP_COUNTERS_MAGIC);
	/* Version 1 had one seq for every CPU's counters: not read (see README.md). */
	version = FIELD(p, version);
	if (version != PVKMAP_COUNTERS_VERSION)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "version %u unsupported (want %u)",
			    version, PVKMAP_COUNTERS_VERSION);
	header_size = FIELD(p, header_size);
	if (header_size != hsize)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "header_size %u is not %zu",
			    header_size, hsize);
	l->size = FIELD(p, size);
	if (l->size < hsize || l->size > PVKMAP_COUNTERS_SIZE)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "size %u out of range %zu..%u", l->size,
			    hsize, PVKMAP_COUNTERS_SIZE);
	if (l->size > len)
		return fail(PVKMAP_ERR_SHORT, err, errlen, "size %u but only %zu bytes were read",
			    l->size, len);
	l->seq = FIELD(p, seq);
	if (l->seq & 1)
		return fail(PVKMAP_ERR_BUSY, err, errlen,
			    "header seq %u is odd: the guest was writing it", l->seq);
	name_len = FIELD(p, name_len);
	if (name_len != PVKMAP_COUNTERS_NAME_LEN)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "name_len %u is not %u", name_len,
			    PVKMAP_COUNTERS_NAME_LEN);
	l->nr_cpus = FIELD(p, nr_cpus);
	if (l->nr_cpus < 1 || l->nr_cpus > PVKMAP_COUNTERS_MAX_CPUS)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "nr_cpus %u out of range 1..%u",
			    l->nr_cpus, PVKMAP_COUNTERS_MAX_CPUS);
	l->nr_ops = FIELD(p, nr_ops);
	if (l->nr_ops < 1 || l->nr_ops > PVKMAP_MAX_OPS)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "nr_ops %u out of range 1..%u",
			    l->nr_ops, PVKMAP_MAX_OPS);
	l->nr_hcalls = FIELD(p, nr_hcalls);
	if (l->nr_hcalls > PVKMAP_MAX_HCALLS)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "nr_hcalls %u out of range 0..%u",
			    l->nr_hcalls, PVKMAP_MAX_HCALLS);

	/* Ends in 64 bits: no 32-bit offset plus length can wrap around. */
	l->names_offset = FIELD(p, names_offset);
	names_end = (uint64_t)l->names_offset + (uint64_t)(l->nr_ops + l->nr_hcalls) * name_len;
	if (l->names_offset < hsize || names_end > l->size)
		return fail(PVKMAP_ERR_FORMAT, err, errlen,
			    "names_offset %u: %u names end at %llu, outside %zu..%u (size)",
			    l->names_offset, l->nr_ops + l->nr_hcalls,
			    (unsigned long long)names_end, hsize, l->size);
	l->cpu_stride = FIELD(p, cpu_stride);
	stride = sizeof(struct pvkmap_counters_block) + 8ull * (2 * l->nr_ops + 2 * l->nr_hcalls);
	if (l->cpu_stride != stride)
		return fail(PVKMAP_ERR_FORMAT, err, errlen,
			    "cpu_stride %u is not %llu (8 + 8 * (2 * nr_ops + 2 * nr_hcalls))",
			    l->cpu_stride, (unsigned long long)stride);
	l->cpus_offset = FIELD(p, cpus_offset);
	cpus_end = (uint64_t)l->cpus_offset + (uint64_t)l->nr_cpus * l->cpu_stride;
	if (l->cpus_offset % 8)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "cpus_offset %u is not a multiple of 8",
			    l->cpus_offset);
	if (l->cpus_offset < hsize || cpus_end > l->size)
		return fail(
		    PVKMAP_ERR_FORMAT, err, errlen,
		    "cpus_offset %u: %u blocks of %u bytes end at %llu, outside %zu..%u (size)",
		    l->cpus_offset, l->nr_cpus, l->cpu_stride, (unsigned long long)cpus_end, hsize,
		    l->size);
	if (l->names_offset < cpus_end && l->cpus_offset < names_end)
		return fail(PVKMAP_ERR_FORMAT, err, errlen,
			    "names (%u..%llu) and cpus (%u..%llu) overlap", l->names_offset,
			    (unsigned long long)names_end, l->cpus_offset,
			    (unsigned long long)cpus_end);
	l->online = FIELD(p, online);
	if (!l->online)
		return fail(PVKMAP_ERR_FORMAT, err, errlen,
			    "online 0x00000000: no CPU has published its block");
	if (l->nr_cpus < 32 && l->online >> l->nr_cpus)
		return fail(PVKMAP_ERR_FORMAT, err, errlen,
			    "online 0x%08x names a CPU at or above nr_cpus %u", l->online,
			    l->nr_cpus);
	return 0;
}

/* CPU @c's block, checked, into @cpu; its hypercalls added to the totals in @out. */
static int page_block(const uint8_t *p, const struct page_layout *l, uint32_t c,
		      struct pvkmap_cpu *cpu, struct pvkmap_snapshot *out, char *err, size_t errlen)
{
	const uint8_t *b = p + l->cpus_offset + (size_t)c * l->cpu_stride;
	uint32_t seq = le(b + offsetof(struct pvkmap_counters_block, seq), 4);
	uint32_t pad = le(b + offsetof(struct pvkmap_counters_block, pad), 4);

	if (seq & 1)
		return fail(PVKMAP_ERR_BUSY, err, errlen,
			    "cpu %u's block: seq %u is odd: the guest was writing it", c, seq);
	if (pad)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "cpu %u's block: pad 0x%08x is not 0",
			    c, pad);
	cpu->id = c;
	cpu->seq = seq;
	b += sizeof(struct pvkmap_counters_block);
	for (uint32_t i = 0; i < l->nr_ops; i++) {
		cpu->op_count[i] = le64(b + 8 * i);
		cpu->op_cycles[i] = le64(b + 8 * (l->nr_ops + i));
	}
	b += 16 * l->nr_ops;
	for (uint32_t i = 0; i < l->nr_hcalls; i++) {
		cpu->hcall_calls[i] = le64(b + 8 * i);
		cpu->hcall_traps[i] = le64(b + 8 * (l->nr_hcalls + i));
		out->hcall_calls[i] += cpu->hcall_calls[i];
		out->hcall_traps[i] += cpu->hcall_traps[i];
	}
	return 0;
}

static int page_parse(const uint8_t *p, size_t len, struct pvkmap_snapshot *out, char *err,
		      size_t errlen)
{
	struct page_layout l;
	char why[64];
	const char *bad;
	unsigned int n = 0;
	int rc;

	rc = pvkmap_page_layout(p, len, &l, err, errlen);
	if (rc)
		return rc;

	bad = page_name(p + offsetof(struct pvkmap_counters_header, backend), out->backend, why,
			sizeof(why));
	if (bad)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "backend %s", bad);
	for (uint32_t i = 0; i < l.nr_ops + l.nr_hcalls; i++) {
		bool op = i < l.nr_ops;
		uint32_t k = op ? i : i - l.nr_ops;
		char *name = op ? out->op_names[k] : out->hcall_names[k];

		bad = page_name(p + l.names_offset + (size_t)i * PVKMAP_COUNTERS_NAME_LEN, name,
				why, sizeof(why));
		if (bad)
			return fail(PVKMAP_ERR_FORMAT, err, errlen, "name %u (%s %u) %s", i,
				    op ? "operation" : "hypercall", k, bad);
		if (find_name(op ? out->op_names : out->hcall_names, k, name) >= 0)
			return fail(PVKMAP_ERR_FORMAT, err, errlen,
				    "name %u (%s %u) \"%s\" appears twice", i,
				    op ? "operation" : "hypercall", k, name);
	}

	/* Only the online CPUs' blocks hold counters; a CPU keeps its number as its id. */
	for (uint32_t c = 0; c < l.nr_cpus; c++) {
		if (!(l.online & 1u << c))
			continue;
		rc = page_block(p, &l, c, &out->cpus[n++], out, err, errlen);
		if (rc)
			return rc;
	}
	out->version = PVKMAP_COUNTERS_VERSION;
	out->cycles_measured = -1;
	out->seq = l.seq;
	out->nr_cpus = n;
	out->nr_ops = l.nr_ops;
	out->nr_hcalls = l.nr_hcalls;
	out->hcalls_per_cpu = true;
	for (uint32_t i = 0; i < l.nr_hcalls; i++)
		out->hcall_nr[i] = -1;
	return 0;
}

int pvkmap_page_parse(const void *buf, size_t len, struct pvkmap_snapshot *out, char *err,
		      size_t errlen)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = page_parse(buf, len, out, err, errlen);
	if (rc) /* nothing half-read is left for a caller to use by mistake */
		memset(out, 0, sizeof(*out));
	return rc;
}
