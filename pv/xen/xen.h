/*
 * Xen's public ABI, from libxen-dev's headers (never retyped), and the state the PV backend
 * shares between its files.
 */
#ifndef PV_XEN_XEN_H
#define PV_XEN_XEN_H

#include "guest/lib/types.h"
#include "guest/x86/percpu.h"

#include <xen/xen.h>
#include <xen/callback.h>
#include <xen/event_channel.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/version.h>
#include <xen/io/console.h>

extern start_info_t xen_start_info;    /* a copy: the original page is returned later */
extern shared_info_t *xen_shared_info; /* a dummy until the real page is mapped */
/* Each vCPU's slot in xen_shared_info (legacy slots: fewer than 32 vCPUs); read it with
 * this_cpu_read(xen_vcpu). */
DECLARE_PER_CPU(struct vcpu_info *, xen_vcpu);
extern const unsigned long *xen_p2m; /* pfn -> mfn, from start_info.mfn_list */
extern const unsigned long *xen_m2p; /* mfn -> pfn, Xen's read-only table */
extern unsigned long xen_max_mfn;    /* entries in xen_m2p */
extern pfn_t xen_boot_mapped_end;    /* frames below this are mapped by the boot tables */
extern bool xen_tables_live;	     /* the kernel's own tree is pinned and loaded */

/*
 * All pfn <-> mfn conversion goes through these two (mmu.c). Machine frame of pseudo-physical
 * frame @pfn (panics if the guest does not own one); pseudo-physical frame of machine frame
 * @mfn (~0 if Xen's table has no entry for it).
 */
unsigned long xen_pfn_to_mfn(pfn_t pfn);
unsigned long xen_mfn_to_pfn(unsigned long mfn);
/* Machine address of the kernel-virtual (lowmem) address @p. */
u64 xen_virt_to_machine(const void *p);

/* The PV console: console_io first, then the ring (console.c). */
void xen_console_early_init(void);
void xen_console_ring_init(void);
void xen_console_flush(void);

/* Event channels and the upcall mask (events.c). */
void xen_events_init(void);
/* Where Xen enters for events and for a failed segment reload (entry.S). */
extern char xen_event_callback[], xen_failsafe_callback[];
/*
 * Run @handler (with events masked) whenever @port fires; unmasks the port. @cpu is the vCPU
 * Xen notifies of @port: the one an IPI or per-vCPU VIRQ was bound for, else 0.
 */
void xen_evtchn_bind(unsigned port, unsigned cpu, void (*handler)(unsigned port));
/* Close @port and forget its handler. */
void xen_evtchn_unbind(unsigned port);
void xen_evtchn_send(unsigned port);
bool xen_evtchn_is_pending(unsigned port);
unsigned long xen_irq_save(void);
void xen_irq_restore(unsigned long flags);

/* Nanoseconds of Xen system time, from vcpu_time_info (time.c). */
u64 xen_clock_ns(void);
/* A TSC interval in nanoseconds, at Xen's current scale for this vCPU. */
u64 xen_tsc_to_ns(u64 delta);

/*
 * Xen's TSC mode for this domain, from its CPUID time leaf (time.c, read once at entry).
 * emulated: rdtsc traps (#GP) into Xen's emulator, ~1500 instructions under TCG -icount.
 */
struct xen_tsc_info {
	bool found;	/* Xen's CPUID leaves answered */
	bool emulated;	/* the domain's rdtsc is emulated (d->arch.vtsc) */
	bool host_safe; /* Xen deems the host TSC reliable (invariant) */
	u32 mode;	/* tsc_mode: 0 default, 1 always_emulate, 2 native (xl tsc_mode) */
	u32 khz;	/* the guest TSC's frequency */
};
extern struct xen_tsc_info xen_tsc;
void xen_tsc_probe(void);

/* The tick and the idle wait (timer.c). */
void xen_timer_start(void (*tick)(void), u64 period_ns);
void xen_idle_halt(void);

/* The virtual IDT every vCPU gets, terminated by an entry with address 0 (start.c). */
extern trap_info_t xen_traps[];

/* SMP (smp.c): start vCPU @cpu, interrupt it (pv/cpu_ops.h's cpu_start, send_ipi). */
int xen_cpu_start(unsigned cpu, u32 stack_top);
void xen_send_ipi(unsigned cpu, unsigned kind);

/* The MMU backend (mmu.c). */
void xen_mmu_init(void);
void xen_mmu_configure(void);
struct pv_counts;
/* Set the memory types entries may carry (pv_mmu->cache_modes and its why), from pat.c. */
void xen_mmu_set_cache_modes(u32 modes, const char *why, const struct pv_counts *probe_cost);
/*
 * Once the kernel's tables are live and the fixmap exists (pat.c): check Xen's PAT is its PV
 * layout and probe whether Xen takes cache bits in this domain's L1 entries, then set
 * cache_modes and print one "cache attributes:" line. Never fails: WB is always there.
 */
void xen_probe_cache_modes(void);
/* MMUEXT_INVLPG_ALL: @vaddr out of every vCPU's TLB (the shootdown benchmarks compare it). */
void xen_flush_all_vcpus(u32 vaddr);

/* Pages of the domain that mem= left out of the memory map (start.c). */
u64 xen_pages_above_mem_limit(void);

#endif
