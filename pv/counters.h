/* Reports of the per-CPU MMU operation counters kept by pv/ops.c. */
#ifndef PV_COUNTERS_H
#define PV_COUNTERS_H

#include "pv/ops.h"
#include "pv/counters_page.h"

/*
 * The counters page (pv/counters_page.h): allocate and describe it, with @nr_h hypercall
 * slots named @hnames whose per-CPU values @hsource returns (calls, or traps); returns its
 * frame number, 0 without memory. Publishes the calling (boot) CPU's block.
 */
pfn_t counters_page_init(const char *const *hnames, unsigned nr_h,
			 const u64 *(*hsource)(unsigned cpu, unsigned slot, bool traps));
/*
 * Copy this CPU's counters into its own block of the page, under the block's seq, and mark
 * the CPU online there. Call it on each CPU's tick: a block has only its own CPU as writer.
 * Does nothing before counters_page_init() or for a CPU the page has no block for.
 */
void counters_page_update_cpu(void);
const struct pvkmap_counters_header *counters_page(void);

/* One JSON object on one line, starting with {"pvkmap_counters": — what host tools parse. */
void pv_counters_print_json(void);
/* The same numbers as an aligned table for people. */
void pv_counters_print_table(void);

#endif
