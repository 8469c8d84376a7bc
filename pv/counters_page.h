/*
 * The counters page: how a guest publishes its per-CPU MMU counters for a dom0 tool
 * (tools/pvkmap-stat) to read without the guest's help. One 4 KiB page, little-endian,
 * self-describing, shared by the guest (writer) and the tool (reader, which must treat it as
 * hostile: every size, count and offset is checked against the page before use).
 *
 *   offset 0                 struct pvkmap_counters_header
 *   names_offset             nr_names names of NAME_LEN bytes, NUL-padded: first the
 *                            nr_ops MMU operations, then the nr_hcalls hypercall slots
 *   cpus_offset              nr_cpus blocks of cpu_stride bytes, one per CPU:
 *                              u64 op_count[nr_ops], u64 op_cycles[nr_ops],
 *                              u64 hcall_calls[nr_hcalls], u64 hcall_traps[nr_hcalls]
 *
 * Consistency: seq is odd while the guest writes; a reader copies the page, and keeps the
 * copy only if seq was even and unchanged before and after (a seqlock). The guest's frame
 * number is in xenstore at data/pvkmap/counters (decimal pfn), with data/pvkmap/version.
 */
#ifndef PV_COUNTERS_PAGE_H
#define PV_COUNTERS_PAGE_H

#include <stdint.h>

#define PVKMAP_COUNTERS_MAGIC 0x4b4d5650u /* "PVMK" */
#define PVKMAP_COUNTERS_VERSION 1u
#define PVKMAP_COUNTERS_SIZE 4096u
#define PVKMAP_COUNTERS_NAME_LEN 16u

struct pvkmap_counters_header {
	uint32_t magic;
	uint16_t version;
	uint16_t header_size; /* sizeof(struct pvkmap_counters_header) */
	uint32_t size;	      /* bytes of the page in use, <= PVKMAP_COUNTERS_SIZE */
	uint32_t seq;	      /* odd while being written */
	uint16_t nr_cpus;     /* CPU blocks present */
	uint16_t nr_ops;      /* MMU operations per CPU */
	uint16_t nr_hcalls;   /* hypercall slots per CPU (0 natively) */
	uint16_t name_len;    /* PVKMAP_COUNTERS_NAME_LEN */
	uint32_t names_offset;
	uint32_t cpus_offset;
	uint32_t cpu_stride; /* bytes per CPU block: 8 * (2 * nr_ops + 2 * nr_hcalls) */
	char backend[16];    /* "native", "xen" */
};

#endif
