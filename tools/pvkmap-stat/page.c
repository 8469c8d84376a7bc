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

int pvkmap_page_parse(const void *buf, size_t len, struct pvkmap_snapshot *out, char *err,
		      size_t errlen)
{
	const uint8_t *p = buf;
	const size_t hsize = sizeof(struct pvkmap_counters_header);
	uint32_t magic, version, header_size, size, seq, name_len;
	uint32_t nr_cpus, nr_ops, nr_hcalls, names_offset, cpus_offset, cpu_stride;
	uint64_t names_end, cpus_end, stride;
	char why[64];
	const char *bad;

	memset(out, 0, sizeof(*out));
	if (!p || len < hsize)
		return fail(PVKMAP_ERR_SHORT, err, errlen,
			    "page is %zu bytes, shorter than its %zu-byte header", p ? len : 0,
			    hsize);

	magic = FIELD(p, magic);
	if (magic != PVKMAP_COUNTERS_MAGIC)
		return fail(PVKMAP_ERR_FORMAT, err, errlen,
			    "magic 0x%08x is not 0x%08x (\"PVMK\"): not a counters page", magic,
			    PVKMAP_COUNTERS_MAGIC);
	version = FIELD(p, version);
	if (version != PVKMAP_COUNTERS_VERSION)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "version %u unsupported (want %u)",
			    version, PVKMAP_COUNTERS_VERSION);
	header_size = FIELD(p, header_size);
	if (header_size != hsize)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "header_size %u is not %zu",
			    header_size, hsize);
	size = FIELD(p, size);
	if (size < hsize || size > PVKMAP_COUNTERS_SIZE)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "size %u out of range %zu..%u", size,
			    hsize, PVKMAP_COUNTERS_SIZE);
	if (size > len)
		return fail(PVKMAP_ERR_SHORT, err, errlen, "size %u but only %zu bytes were read",
			    size, len);
	seq = FIELD(p, seq);
	if (seq & 1)
		return fail(PVKMAP_ERR_BUSY, err, errlen, "seq %u is odd: the guest was writing",
			    seq);
	name_len = FIELD(p, name_len);
	if (name_len != PVKMAP_COUNTERS_NAME_LEN)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "name_len %u is not %u", name_len,
			    PVKMAP_COUNTERS_NAME_LEN);
	nr_cpus = FIELD(p, nr_cpus);
	if (nr_cpus < 1 || nr_cpus > PVKMAP_MAX_CPUS)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "nr_cpus %u out of range 1..%u",
			    nr_cpus, PVKMAP_MAX_CPUS);
	nr_ops = FIELD(p, nr_ops);
	if (nr_ops < 1 || nr_ops > PVKMAP_MAX_OPS)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "nr_ops %u out of range 1..%u", nr_ops,
			    PVKMAP_MAX_OPS);
	nr_hcalls = FIELD(p, nr_hcalls);
	if (nr_hcalls > PVKMAP_MAX_HCALLS)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "nr_hcalls %u out of range 0..%u",
			    nr_hcalls, PVKMAP_MAX_HCALLS);

	/* Ends in 64 bits: no 32-bit offset plus length can wrap around. */
	names_offset = FIELD(p, names_offset);
	names_end = (uint64_t)names_offset + (uint64_t)(nr_ops + nr_hcalls) * name_len;
	if (names_offset < hsize || names_end > size)
		return fail(PVKMAP_ERR_FORMAT, err, errlen,
			    "names_offset %u: %u names end at %llu, outside %zu..%u (size)",
			    names_offset, nr_ops + nr_hcalls, (unsigned long long)names_end, hsize,
			    size);
	cpu_stride = FIELD(p, cpu_stride);
	stride = 8ull * (2 * nr_ops + 2 * nr_hcalls);
	if (cpu_stride != stride)
		return fail(PVKMAP_ERR_FORMAT, err, errlen,
			    "cpu_stride %u is not %llu (8 * (2 * nr_ops + 2 * nr_hcalls))",
			    cpu_stride, (unsigned long long)stride);
	cpus_offset = FIELD(p, cpus_offset);
	cpus_end = (uint64_t)cpus_offset + (uint64_t)nr_cpus * cpu_stride;
	if (cpus_offset % 8)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "cpus_offset %u is not a multiple of 8",
			    cpus_offset);
	if (cpus_offset < hsize || cpus_end > size)
		return fail(
		    PVKMAP_ERR_FORMAT, err, errlen,
		    "cpus_offset %u: %u blocks of %u bytes end at %llu, outside %zu..%u (size)",
		    cpus_offset, nr_cpus, cpu_stride, (unsigned long long)cpus_end, hsize, size);
	if (names_offset < cpus_end && cpus_offset < names_end)
		return fail(PVKMAP_ERR_FORMAT, err, errlen,
			    "names (%u..%llu) and cpus (%u..%llu) overlap", names_offset,
			    (unsigned long long)names_end, cpus_offset,
			    (unsigned long long)cpus_end);

	bad = page_name(p + offsetof(struct pvkmap_counters_header, backend), out->backend, why,
			sizeof(why));
	if (bad)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "backend %s", bad);
	for (uint32_t i = 0; i < nr_ops + nr_hcalls; i++) {
		bool op = i < nr_ops;
		uint32_t k = op ? i : i - nr_ops;
		char *name = op ? out->op_names[k] : out->hcall_names[k];

		bad = page_name(p + names_offset + (size_t)i * name_len, name, why, sizeof(why));
		if (bad)
			return fail(PVKMAP_ERR_FORMAT, err, errlen, "name %u (%s %u) %s", i,
				    op ? "operation" : "hypercall", k, bad);
		if (find_name(op ? out->op_names : out->hcall_names, k, name) >= 0)
			return fail(PVKMAP_ERR_FORMAT, err, errlen,
				    "name %u (%s %u) \"%s\" appears twice", i,
				    op ? "operation" : "hypercall", k, name);
	}

	out->version = version;
	out->cycles_measured = -1;
	out->seq = seq;
	out->nr_cpus = nr_cpus;
	out->nr_ops = nr_ops;
	out->nr_hcalls = nr_hcalls;
	out->hcalls_per_cpu = true;
	for (uint32_t c = 0; c < nr_cpus; c++) {
		const uint8_t *b = p + cpus_offset + (size_t)c * cpu_stride;
		struct pvkmap_cpu *cpu = &out->cpus[c];

		cpu->id = c;
		for (uint32_t i = 0; i < nr_ops; i++) {
			cpu->op_count[i] = le64(b + 8 * i);
			cpu->op_cycles[i] = le64(b + 8 * (nr_ops + i));
		}
		b += 16 * nr_ops;
		for (uint32_t i = 0; i < nr_hcalls; i++) {
			cpu->hcall_calls[i] = le64(b + 8 * i);
			cpu->hcall_traps[i] = le64(b + 8 * (nr_hcalls + i));
			out->hcall_calls[i] += cpu->hcall_calls[i];
			out->hcall_traps[i] += cpu->hcall_traps[i];
		}
	}
	for (uint32_t i = 0; i < nr_hcalls; i++)
		out->hcall_nr[i] = -1;
	return 0;
}
