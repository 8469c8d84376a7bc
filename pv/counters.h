/* Reports of the per-CPU MMU operation counters kept by pv/ops.c. */
#ifndef PV_COUNTERS_H
#define PV_COUNTERS_H

#include "pv/ops.h"

/* One JSON object on one line, starting with {"pvkmap_counters": — what host tools parse. */
void pv_counters_print_json(void);
/* The same numbers as an aligned table for people. */
void pv_counters_print_table(void);

#endif
