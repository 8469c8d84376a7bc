#include "pv/counters.h"
#include "guest/x86/percpu.h"
#include "guest/printk.h"

static bool cpu_used(unsigned cpu)
{
	for (unsigned op = 0; op < PV_OP_NR; op++)
		if (per_cpu(pv_counters, cpu).count[op])
			return true;
	return cpu == 0;
}

void pv_counters_print_json(void)
{
	pv_counters_fold();
	cprintf("{\"pvkmap_counters\":{\"version\":1,\"backend\":\"%s\",\"cycles_measured\":%s,"
		"\"cpus\":[",
		pv_mmu ? pv_mmu->name : "none", pv_op_cycles_measured ? "true" : "false");
	for (unsigned cpu = 0, first = 1; cpu < NR_CPUS; cpu++) {
		if (!cpu_used(cpu))
			continue;
		cprintf("%s{\"cpu\":%u,\"ops\":{", first ? "" : ",", cpu);
		for (unsigned op = 0; op < PV_OP_NR; op++)
			cprintf("%s\"%s\":{\"count\":%llu,\"cycles\":%llu}", op ? "," : "",
				pv_op_names[op], per_cpu(pv_counters, cpu).count[op],
				per_cpu(pv_counters, cpu).cycles[op]);
		cprintf("}}");
		first = 0;
	}
	cprintf("]");
	if (pv_cpu && pv_cpu->counters_json)
		pv_cpu->counters_json();
	cprintf("}}\n");
}

void pv_counters_print_table(void)
{
	pv_counters_fold();
	cprintf("MMU operations (backend %s%s):\n", pv_mmu ? pv_mmu->name : "none",
		pv_op_cycles_measured ? "" : "; cycles not measured: make OP_CYCLES=1");
	if (pv_op_cycles_measured)
		cprintf("  %-4s %-16s %12s %16s %10s\n", "cpu", "operation", "count", "cycles",
			"cyc/op");
	else
		cprintf("  %-4s %-16s %12s\n", "cpu", "operation", "count");
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!cpu_used(cpu))
			continue;
		for (unsigned op = 0; op < PV_OP_NR; op++) {
			const struct pv_counters *c = &per_cpu(pv_counters, cpu);

			if (pv_op_cycles_measured)
				cprintf("  %-4u %-16s %12llu %16llu %10llu\n", cpu, pv_op_names[op],
					c->count[op], c->cycles[op],
					c->count[op] ? c->cycles[op] / c->count[op] : 0);
			else
				cprintf("  %-4u %-16s %12llu\n", cpu, pv_op_names[op],
					c->count[op]);
		}
	}
	if (pv_cpu && pv_cpu->counters_table)
		pv_cpu->counters_table();
}
