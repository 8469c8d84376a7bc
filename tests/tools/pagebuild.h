/*
 * Builds counters pages the way a guest lays them out (pv/counters_page.h, version 2), for
 * the unit test, the fuzz seeds and the pretend Xen. Counter values and block seqs are
 * derived from their position, so a test can tell a misplaced read from a right one.
 */
#ifndef TESTS_TOOLS_PAGEBUILD_H
#define TESTS_TOOLS_PAGEBUILD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pv/counters_page.h"

#define PB_HSIZE sizeof(struct pvkmap_counters_header)

static const char *const pb_op_names[] = {
    "set_pte",	     "set_pte_va",	"pte_clear",	  "set_pmd",	 "set_pud",
    "flush_tlb_one", "flush_tlb_local", "flush_tlb_all",  "load_cr3",	 "pin_table",
    "unpin_table",   "lazy_mmu_enter",	"lazy_mmu_leave", "alloc_table",
};

/* CPU @cpu's block seq: even (a finished write), different for each CPU. */
static inline uint32_t pb_seq(unsigned int cpu)
{
	return 100 + 2 * cpu;
}

static inline uint64_t pb_count(unsigned int cpu, unsigned int op)
{
	return 1000000ull * (cpu + 1) + op;
}

static inline uint64_t pb_cycles(unsigned int cpu, unsigned int op)
{
	return 0x100000000ull * (cpu + 1) + 100 * op;
}

static inline uint64_t pb_calls(unsigned int cpu, unsigned int h)
{
	return 5000ull * (cpu + 1) + h;
}

static inline uint64_t pb_traps(unsigned int cpu, unsigned int h)
{
	return 3000ull * (cpu + 1) + h;
}

static inline void pb_put(uint8_t *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

#define PB_SET(page, field, v)                                                                     \
	pb_put((page) + offsetof(struct pvkmap_counters_header, field), (v),                       \
	       sizeof(((struct pvkmap_counters_header *)0)->field))

/* Where a page of that shape has its CPU blocks, and how long each is. */
static inline uint32_t pb_cpus_offset(unsigned int nr_ops, unsigned int nr_hcalls)
{
	return (PB_HSIZE + (nr_ops + nr_hcalls) * PVKMAP_COUNTERS_NAME_LEN + 7) & ~7u;
}

static inline uint32_t pb_stride(unsigned int nr_ops, unsigned int nr_hcalls)
{
	return sizeof(struct pvkmap_counters_block) + 8 * (2 * nr_ops + 2 * nr_hcalls);
}

/* CPU @cpu's block in a page built by pb_build() (its layout read back from the header). */
static inline uint8_t *pb_block(uint8_t *page, unsigned int cpu)
{
	uint32_t cpus = 0, stride = 0;

	for (unsigned int i = 0; i < 4; i++) {
		cpus |= (uint32_t)page[offsetof(struct pvkmap_counters_header, cpus_offset) + i]
			<< 8 * i;
		stride |= (uint32_t)page[offsetof(struct pvkmap_counters_header, cpu_stride) + i]
			  << 8 * i;
	}
	return page + cpus + cpu * stride;
}

/* Fill CPU @c's block @b: seq @seq, and counters from pb_count() and its kin. */
static inline void pb_fill_block(uint8_t *b, unsigned int c, unsigned int nr_ops,
				 unsigned int nr_hcalls, uint32_t seq)
{
	pb_put(b + offsetof(struct pvkmap_counters_block, seq), seq, 4);
	pb_put(b + offsetof(struct pvkmap_counters_block, pad), 0, 4);
	b += sizeof(struct pvkmap_counters_block);
	for (unsigned int i = 0; i < nr_ops; i++) {
		pb_put(b + 8 * i, pb_count(c, i), 8);
		pb_put(b + 8 * (nr_ops + i), pb_cycles(c, i), 8);
	}
	b += 16 * nr_ops;
	for (unsigned int i = 0; i < nr_hcalls; i++) {
		pb_put(b + 8 * i, pb_calls(c, i), 8);
		pb_put(b + 8 * (nr_hcalls + i), pb_traps(c, i), 8);
	}
}

/*
 * A valid page in @page (PVKMAP_COUNTERS_SIZE bytes, zeroed first): names right after the
 * header, CPU blocks after them at the next multiple of 8, every CPU online, header seq 42
 * and CPU n's block seq pb_seq(n). Returns its size field (0 if the layout does not fit in
 * a page, or has more CPUs than online has bits).
 */
static inline uint32_t pb_build(uint8_t *page, unsigned int nr_cpus, unsigned int nr_ops,
				unsigned int nr_hcalls, const char *backend)
{
	const uint32_t names = PB_HSIZE;
	uint32_t cpus = pb_cpus_offset(nr_ops, nr_hcalls);
	uint32_t stride = pb_stride(nr_ops, nr_hcalls);
	uint32_t size = cpus + nr_cpus * stride;

	memset(page, 0, PVKMAP_COUNTERS_SIZE);
	if (size > PVKMAP_COUNTERS_SIZE || nr_cpus > PVKMAP_COUNTERS_MAX_CPUS)
		return 0;
	PB_SET(page, magic, PVKMAP_COUNTERS_MAGIC);
	PB_SET(page, version, PVKMAP_COUNTERS_VERSION);
	PB_SET(page, header_size, PB_HSIZE);
	PB_SET(page, size, size);
	PB_SET(page, seq, 42);
	PB_SET(page, nr_cpus, nr_cpus);
	PB_SET(page, nr_ops, nr_ops);
	PB_SET(page, nr_hcalls, nr_hcalls);
	PB_SET(page, name_len, PVKMAP_COUNTERS_NAME_LEN);
	PB_SET(page, names_offset, names);
	PB_SET(page, cpus_offset, cpus);
	PB_SET(page, cpu_stride, stride);
	PB_SET(page, online, nr_cpus == 32 ? 0xffffffffu : (1u << nr_cpus) - 1);
	strncpy((char *)page + offsetof(struct pvkmap_counters_header, backend), backend, 15);

	for (unsigned int i = 0; i < nr_ops + nr_hcalls; i++) {
		char *name = (char *)page + names + i * PVKMAP_COUNTERS_NAME_LEN;

		if (i < nr_ops && i < sizeof(pb_op_names) / sizeof(pb_op_names[0]))
			strcpy(name, pb_op_names[i]);
		else if (i < nr_ops)
			sprintf(name, "op%u", i);
		else
			sprintf(name, "hcall%u", i - nr_ops);
	}
	for (unsigned int c = 0; c < nr_cpus; c++)
		pb_fill_block(page + cpus + c * stride, c, nr_ops, nr_hcalls, pb_seq(c));
	return size;
}

#endif
