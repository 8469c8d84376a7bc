/*
 * Every hypercall pvkmap makes goes through one of these typed wrappers. Each counts itself
 * per CPU (per hypercall and per sub-op) and checks its result: a failure prints the call,
 * its arguments and Xen's error, then crashes the domain with that reason.
 */
#ifndef PV_XEN_HYPERCALL_H
#define PV_XEN_HYPERCALL_H

#include "pv/xen/xen.h"

#define XEN_NR_HYPERCALLS 64
/* Batch sizes of pvmmu=batched (multicall.c), for the cost bounds tests assert. */
#define MC_UPDATES_PER_BATCH 512
#define MC_EXT_OPS_PER_BATCH 64
#define XEN_NR_MMUEXT_CMDS 32
#define XEN_NR_SUBOPS 16 /* commands counted per hypercall that takes one first */

/* Per-CPU counters. "calls" counts a hypercall whether issued alone or inside a multicall
 * (that is what Xen's perf counters count); "traps" counts entries into Xen. */
struct xen_counters {
	u64 calls[XEN_NR_HYPERCALLS];
	u64 traps[XEN_NR_HYPERCALLS];
	u64 cycles[XEN_NR_HYPERCALLS]; /* of the traps */
	u64 page_updates;	       /* mmu_update requests */
	u64 mmuext_ops;		       /* mmuext_op operations */
	u64 mmuext_cmds[XEN_NR_MMUEXT_CMDS];
	u64 subops[XEN_NR_HYPERCALLS][XEN_NR_SUBOPS]; /* by the command in the first argument */
	u64 multicall_entries;
};
extern struct xen_counters xen_counters[];

/* All CPUs' counters summed at one moment; tests compare two of them. */
struct xen_count_snapshot {
	u64 calls[XEN_NR_HYPERCALLS];
	u64 traps[XEN_NR_HYPERCALLS];
	u64 page_updates, mmuext_ops;
	u64 mmuext_cmds[XEN_NR_MMUEXT_CMDS];
};
void xen_snapshot(struct xen_count_snapshot *s);
/* The counts since @before, into @delta (a new snapshot minus @before). */
void xen_snapshot_since(const struct xen_count_snapshot *before, struct xen_count_snapshot *delta);
/* What building and switching to the kernel's page tables cost (recorded by start.c). */
extern struct xen_count_snapshot xen_build_counts;

/* Sum over CPUs, for tests. */
u64 xen_count_calls(unsigned nr);
u64 xen_count_traps(unsigned nr);
u64 xen_count_page_updates(void);
u64 xen_count_mmuext_ops(void);
u64 xen_count_mmuext_cmd(unsigned cmd);

void xen_mmu_update(mmu_update_t *req, unsigned count);
void xen_mmuext_op(struct mmuext_op *op, unsigned count);
void xen_update_va_mapping(u32 vaddr, u64 pte, u32 flags);
/*
 * update_va_mapping whose failure is an answer, not a bug (a probe of what Xen accepts):
 * counted like any call, Xen's result returned (0 or -XEN_E*), nothing printed. The caller
 * reports a failure it did not expect with the call, its arguments and xen_errno_name().
 */
long xen_update_va_mapping_may_fail(u32 vaddr, u64 pte, u32 flags);
void xen_multicall(multicall_entry_t *calls, unsigned count);
void xen_set_trap_table(const trap_info_t *table);
void xen_callback_register(struct callback_register *cb);
void xen_stack_switch(u32 ss, u32 esp);
long xen_xen_version(int cmd, void *arg);
long xen_memory_op(unsigned cmd, void *arg);
void xen_vm_assist(unsigned cmd, unsigned type);
void xen_event_channel_op(int cmd, void *arg);
void xen_sched_yield(void);
/* SCHEDOP_block: unmask events and sleep until one is pending. */
void xen_sched_block(void);
/* Fire VIRQ_TIMER once at Xen system time @deadline_ns. */
void xen_set_timer_op(u64 deadline_ns);
long xen_vcpu_op(int cmd, unsigned vcpu, void *arg);
/*
 * The calls that bring up a vCPU return Xen's error (after printing the call, its arguments
 * and the error) instead of crashing: a vCPU that does not start is left out, not fatal.
 * VCPUOP_initialise loads @ctxt into vCPU @vcpu; VCPUOP_up sets it running.
 */
long xen_vcpu_initialise(unsigned vcpu, vcpu_guest_context_t *ctxt);
long xen_vcpu_up(unsigned vcpu);
/* Write descriptor @desc at machine address @maddr (a GDT frame no alias maps writable). */
long xen_update_descriptor(u64 maddr, u64 desc);
/* Whether vCPU @vcpu exists in this domain (VCPUOP_is_up answers, -ENOENT beyond the last). */
bool xen_vcpu_exists(unsigned vcpu);
/* console_io write: returns the error instead of crashing (it is the crash path's channel). */
long xen_console_write(const char *s, unsigned len);
/* SCHEDOP_shutdown: does not return. */
void xen_shutdown(unsigned reason) __noreturn;

/* The name of Xen's error @rc (negative), as <xen/errno.h> spells it: "EINVAL". */
const char *xen_errno_name(long rc);

/* Count a call Xen ran inside a multicall (multicall.c reports each entry it issued). */
void xen_count_batched(const multicall_entry_t *e);

/* The backend event @ev (enum pv_event, pv/ops.h) now: traps into Xen by hypercall, page
 * updates, mmuext ops. Panics on an event pv/ops.h does not define. */
u64 xen_backend_count(unsigned ev);

/* Allocate the counters page with this backend's hypercall slots; returns its frame. */
pfn_t xen_counters_page_init(void);

/* Print the counters as JSON members (",\"hypercalls\":{...}") and as a table. */
void xen_counters_print_json(void);
void xen_counters_print_table(void);

#endif
