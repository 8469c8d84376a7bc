/*
 * pvkmap-stat's parsers: a guest's counters page (pv/counters_page.h), copied out of the
 * guest under its sequence counts (copy.c) and parsed (page.c), and the
 * {"pvkmap_counters":...} line a guest prints on its console (log.c, on the JSON reader
 * json.c). Both fill the same snapshot, which owns all its data:
 * nothing points back into the input, and the input is treated as hostile (every count,
 * offset and name is checked before use).
 */
#ifndef PVKMAP_STAT_PAGE_H
#define PVKMAP_STAT_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PVKMAP_MAX_CPUS 64
#define PVKMAP_MAX_OPS 64
#define PVKMAP_MAX_HCALLS 64
/* Page names fit in 15 characters; a log's may be longer ("event_channel_op"). */
#define PVKMAP_NAME_MAX 32

/* Return codes: 0 on success, else one of these. */
#define PVKMAP_ERR_FORMAT (-1)	 /* malformed: a field out of range, bad JSON, ... */
#define PVKMAP_ERR_SHORT (-2)	 /* the buffer ends before what the header describes */
#define PVKMAP_ERR_BUSY (-3)	 /* page: a seq is odd or changing, the guest was writing */
#define PVKMAP_ERR_NOTFOUND (-4) /* log: no line starts with {"pvkmap_counters": */

struct pvkmap_cpu {
	unsigned int id;
	uint32_t seq; /* page only: its block's seq count when copied */
	uint64_t op_count[PVKMAP_MAX_OPS];
	uint64_t op_cycles[PVKMAP_MAX_OPS];
	/* Only from a page: a log gives hypercalls summed over CPUs. */
	uint64_t hcall_calls[PVKMAP_MAX_HCALLS];
	uint64_t hcall_traps[PVKMAP_MAX_HCALLS];
};

struct pvkmap_snapshot {
	unsigned int version;
	char backend[PVKMAP_NAME_MAX];
	uint32_t seq;	     /* page only: the header's */
	int cycles_measured; /* log: 1 or 0 as it says; -1 when not said (a page too) */
	unsigned int nr_cpus, nr_ops, nr_hcalls;
	char op_names[PVKMAP_MAX_OPS][PVKMAP_NAME_MAX];
	char hcall_names[PVKMAP_MAX_HCALLS][PVKMAP_NAME_MAX];
	struct pvkmap_cpu cpus[PVKMAP_MAX_CPUS];

	bool hcalls_per_cpu;   /* page: cpus[].hcall_* are filled in */
	bool has_hcall_detail; /* log: hcall_nr[] and hcall_cycles[] are filled in */
	/* Totals over CPUs (summed from a page, as printed in a log). */
	int hcall_nr[PVKMAP_MAX_HCALLS];
	uint64_t hcall_calls[PVKMAP_MAX_HCALLS];
	uint64_t hcall_traps[PVKMAP_MAX_HCALLS];
	uint64_t hcall_cycles[PVKMAP_MAX_HCALLS];

	bool has_xen_totals; /* log under Xen: the three below */
	uint64_t page_updates, mmuext_ops, multicall_entries;
};

/*
 * Copy the live counters page at @live (PVKMAP_COUNTERS_SIZE bytes, 8-byte aligned, that
 * the guest keeps writing) into @copy (as many bytes) with the reader's protocol of
 * pv/counters_page.h: the header and names under the header's seq, then each online CPU's
 * block under its own. Each part is copied up to @tries (at least 1) times, on its own: a
 * torn block is copied again without the others. @wait(@arg, n), if not NULL, runs before
 * each new try of a part, n its failed tries so far. Returns 0 (then parse @copy);
 * PVKMAP_ERR_BUSY if a part stayed torn, with a one-line reason naming it ("cpu 2's
 * block") in @err; or the header's PVKMAP_ERR_FORMAT (checked before it locates a block).
 */
int pvkmap_page_copy(const void *live, uint8_t *copy, unsigned int tries,
		     void (*wait)(void *arg, unsigned int n), void *arg, char *err, size_t errlen);

/*
 * Parse a copy of a counters page, @len bytes at @buf (reads nothing outside them): the
 * online CPUs' blocks, in CPU order, each CPU's number its id. On failure returns a
 * PVKMAP_ERR_* code, puts a one-line reason in @err and leaves @out zeroed.
 */
int pvkmap_page_parse(const void *buf, size_t len, struct pvkmap_snapshot *out, char *err,
		      size_t errlen);

/*
 * Parse the last line of a console log (@len bytes at @buf, any content, NULs too) that
 * begins with {"pvkmap_counters":. Same contract as pvkmap_page_parse().
 */
int pvkmap_log_parse(const char *buf, size_t len, struct pvkmap_snapshot *out, char *err,
		     size_t errlen);

#endif
