/*
 * The Xen PV tick: each vCPU's own VIRQ_TIMER on an event channel, re-armed as a single-shot
 * timer on every tick (the default 10 ms periodic timer is stopped, so each tick is ours to
 * count). Both the binding and the single-shot timer are per vCPU, and Xen takes
 * set_timer_op only from the vCPU it is for: each vCPU starts its own.
 */
#include "pv/xen/hypercall.h"
#include "pv/counters.h"
#include <xen/vcpu.h>

/* The same for every vCPU (sched.c starts each with its tick and period). */
static void (*tick_fn)(void);
static u64 period;

static void timer_event(unsigned port)
{
	(void)port;
	xen_set_timer_op(xen_clock_ns() + period);
	tick_fn();
	counters_page_update_cpu(); /* this vCPU's block of what dom0's pvkmap-stat reads */
}

void xen_timer_start(void (*tick)(void), u64 period_ns)
{
	unsigned cpu = smp_processor_id();
	struct evtchn_bind_virq bind = {.virq = VIRQ_TIMER, .vcpu = cpu};

	tick_fn = tick;
	period = period_ns;
	xen_vcpu_op(VCPUOP_stop_periodic_timer, cpu, NULL);
	xen_event_channel_op(EVTCHNOP_bind_virq, &bind);
	xen_evtchn_bind(bind.port, cpu, timer_event);
	xen_set_timer_op(xen_clock_ns() + period);
}

void xen_idle_halt(void)
{
	/* Called with events masked: SCHEDOP_block unmasks them atomically, then sleeps. */
	xen_sched_block();
}
