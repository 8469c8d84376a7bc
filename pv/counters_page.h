/*
 * The counters page: how a guest publishes its per-CPU MMU counters for a dom0 tool
 * (tools/pvkmap-stat) to read without the guest's help. One 4 KiB page, little-endian,
 * self-describing, shared by the guest (writer) and the tool (reader, which must treat it as
 * hostile: every size, count and offset is checked against the page before use).
 * Version 2: each CPU's block has its own sequence count.
 *
 *   offset 0                 struct pvkmap_counters_header
 *   names_offset             nr_names names of NAME_LEN bytes, NUL-padded: first the
 *                            nr_ops MMU operations, then the nr_hcalls hypercall slots
 *   cpus_offset              nr_cpus blocks of cpu_stride bytes, block n for CPU n:
 *                              struct pvkmap_counters_block (u32 seq, u32 pad = 0),
 *                              u64 op_count[nr_ops], u64 op_cycles[nr_ops],
 *                              u64 hcall_calls[nr_hcalls], u64 hcall_traps[nr_hcalls]
 *
 * Writers: the header and names are written once, at init, under the header's seq. After
 * that each CPU writes only its own block, under that block's seq, so no CPU ever reads
 * another's live counters and no writer waits for another. A CPU sets its bit in online
 * (atomically: the only header word written after init) once its block holds its counters;
 * bits are never cleared.
 *
 * Reader's protocol, a seqlock per part:
 *   1. the header and names: read seq, copy them, re-read seq; keep the copy only if seq
 *      was even and unchanged, else copy again;
 *   2. read online (bit n: CPU n's block is in use; a bit at or above nr_cpus is invalid);
 *   3. for each CPU in online, on its own: read its block's seq, copy the block, re-read;
 *      keep the block only if seq was even and unchanged, else copy that block again.
 * Each block is consistent in itself; two blocks may be a tick apart. A block that stays
 * torn (its vCPU paused mid-write) is the reader's to report, naming the CPU.
 *
 * The guest's frame number is in xenstore at data/pvkmap/counters (decimal pfn), with
 * data/pvkmap/version.
 */
#ifndef PV_COUNTERS_PAGE_H
#define PV_COUNTERS_PAGE_H

#include <stdint.h>

#define PVKMAP_COUNTERS_MAGIC 0x4b4d5650u /* "PVMK" */
#define PVKMAP_COUNTERS_VERSION 2u
#define PVKMAP_COUNTERS_SIZE 4096u
#define PVKMAP_COUNTERS_NAME_LEN 16u
/* online has one bit per CPU. */
#define PVKMAP_COUNTERS_MAX_CPUS 32u

struct pvkmap_counters_header {
	uint32_t magic;
	uint16_t version;
	uint16_t header_size; /* sizeof(struct pvkmap_counters_header) */
	uint32_t size;	      /* bytes of the page in use, <= PVKMAP_COUNTERS_SIZE */
	uint32_t seq;	      /* of the header and names: odd while written (at init) */
	uint16_t nr_cpus;     /* CPU blocks present, 1..PVKMAP_COUNTERS_MAX_CPUS */
	uint16_t nr_ops;      /* MMU operations per CPU */
	uint16_t nr_hcalls;   /* hypercall slots per CPU (0 natively) */
	uint16_t name_len;    /* PVKMAP_COUNTERS_NAME_LEN */
	uint32_t names_offset;
	uint32_t cpus_offset; /* a multiple of 8 */
	uint32_t cpu_stride;  /* bytes per CPU block: 8 + 8 * (2 * nr_ops + 2 * nr_hcalls) */
	uint32_t online;      /* bit n: CPU n is up and its block holds its counters */
	char backend[16];     /* "native", "xen" */
};

/* The start of each CPU block; its u64 counters follow. */
struct pvkmap_counters_block {
	uint32_t seq; /* odd while its CPU writes the block */
	uint32_t pad; /* 0: keeps the counters 8-byte aligned */
};

#endif
