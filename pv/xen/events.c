/*
 * Event channels: Xen's interrupts. Delivery is masked per vCPU by evtchn_upcall_mask in
 * vcpu_info (a PV kernel in ring 1 cannot use cli/sti). Xen enters xen_event_callback
 * (entry.S) with the mask set; the handler scans the two-level pending bitmap, runs the bound
 * handlers, then unmasks and rechecks, so an event that arrived meanwhile is not lost.
 *
 * The pending and mask bitmaps are the domain's, shared by every vCPU; only the selector
 * (evtchn_pending_sel) and the upcall flags are per vCPU. A vCPU scanning a word therefore
 * sees other vCPUs' ports too, and takes only the ones bound to it (cpu_ports).
 */
#include "pv/xen/hypercall.h"
#include "guest/x86/cpu.h"
#include "guest/panic.h"
#include "guest/preempt.h"
#include "guest/x86/traps.h"
#include "pv/ops.h"

#define PORT_WORD_BITS (sizeof(xen_ulong_t) * 8)
#define NR_PORT_WORDS PORT_WORD_BITS /* the selector has one bit per word */
#define NR_PORTS (NR_PORT_WORDS * PORT_WORD_BITS)

static void (*handlers[NR_PORTS])(unsigned port);

/*
 * The ports Xen notifies each vCPU of: an IPI or per-vCPU VIRQ port notifies the vCPU it was
 * bound for, every other port vCPU 0. A vCPU neither runs nor clears another's ports: their
 * pending bits stay for the vCPU whose selector Xen set.
 */
static xen_ulong_t cpu_ports[NR_CPUS][NR_PORT_WORDS];

unsigned long xen_irq_save(void)
{
	struct vcpu_info *v = this_cpu_read(xen_vcpu);
	u8 was_masked = v->evtchn_upcall_mask;

	v->evtchn_upcall_mask = 1;
	barrier();
	return was_masked ? 0 : PV_IRQS_ENABLED;
}

void xen_irq_restore(unsigned long flags)
{
	struct vcpu_info *v;

	if (!(flags & PV_IRQS_ENABLED))
		return;
	v = this_cpu_read(xen_vcpu);
	barrier();
	v->evtchn_upcall_mask = 0;
	barrier();
	/* Anything that arrived while masked: any hypercall makes Xen deliver it now. */
	if (v->evtchn_upcall_pending)
		xen_xen_version(XENVER_version, NULL);
}

static void dispatch_pending(struct vcpu_info *v, const xen_ulong_t *mine)
{
	while (v->evtchn_upcall_pending) {
		xen_ulong_t sel;

		v->evtchn_upcall_pending = 0;
		/* Xen sets selector bits from other physical CPUs: take them atomically. */
		sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_ACQ_REL);
		while (sel) {
			unsigned word = __builtin_ctzl(sel);
			xen_ulong_t bits;

			sel &= sel - 1;
			bits = __atomic_load_n(&xen_shared_info->evtchn_pending[word],
					       __ATOMIC_ACQUIRE) &
			       ~xen_shared_info->evtchn_mask[word] &
			       __atomic_load_n(&mine[word], __ATOMIC_RELAXED);
			while (bits) {
				unsigned bit = __builtin_ctzl(bits);
				unsigned port = word * PORT_WORD_BITS + bit;

				bits &= bits - 1;
				/* Other vCPUs clear their bits of this word concurrently. */
				__atomic_fetch_and(&xen_shared_info->evtchn_pending[word],
						   ~((xen_ulong_t)1 << bit), __ATOMIC_ACQ_REL);
				if (handlers[port])
					handlers[port](port);
			}
		}
	}
}

/*
 * Called from xen_event_callback with events masked; returns with them unmasked. Handlers
 * run in interrupt context; a switch that became due happens before unmasking, as on the
 * way out of a native interrupt (to a thread of this CPU: the vCPU stays the same).
 */
asmlinkage void xen_evtchn_upcall(void);
asmlinkage void xen_evtchn_upcall(void)
{
	struct vcpu_info *v = this_cpu_read(xen_vcpu);
	const xen_ulong_t *mine = cpu_ports[smp_processor_id()];

	do {
		irq_enter();
		dispatch_pending(v, mine);
		irq_exit_preempt();
		v->evtchn_upcall_mask = 0;
		barrier();
		if (!v->evtchn_upcall_pending)
			break;
		v->evtchn_upcall_mask = 1;
	} while (1);
}

void xen_evtchn_bind(unsigned port, unsigned cpu, void (*handler)(unsigned port))
{
	struct evtchn_unmask unmask = {.port = port};

	BUG_ON(port >= NR_PORTS || cpu >= NR_CPUS);
	handlers[port] = handler;
	/* Published before the unmask: the port may fire on @cpu as soon as it is unmasked. */
	__atomic_fetch_or(&cpu_ports[cpu][port / PORT_WORD_BITS],
			  (xen_ulong_t)1 << (port % PORT_WORD_BITS), __ATOMIC_RELEASE);
	/* A hypercall, not a bit clear: Xen then marks a pending port on its vCPU's selector. */
	xen_event_channel_op(EVTCHNOP_unmask, &unmask);
}

void xen_evtchn_unbind(unsigned port)
{
	struct evtchn_close close = {.port = port};

	xen_event_channel_op(EVTCHNOP_close, &close);
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		__atomic_fetch_and(&cpu_ports[cpu][port / PORT_WORD_BITS],
				   ~((xen_ulong_t)1 << (port % PORT_WORD_BITS)), __ATOMIC_RELEASE);
	handlers[port] = NULL;
}

void xen_evtchn_send(unsigned port)
{
	struct evtchn_send send = {.port = port};

	xen_event_channel_op(EVTCHNOP_send, &send);
}

bool xen_evtchn_is_pending(unsigned port)
{
	return xen_shared_info->evtchn_pending[port / PORT_WORD_BITS] &
	       ((xen_ulong_t)1 << (port % PORT_WORD_BITS));
}

asmlinkage void xen_failsafe(void);
asmlinkage void xen_failsafe(void)
{
	panic("xen: failsafe callback (a segment reload on return to the kernel failed)");
}

void xen_events_init(void)
{
	struct callback_register event = {
	    .type = CALLBACKTYPE_event,
	    .address = {FLAT_KERNEL_CS, (unsigned long)xen_event_callback},
	};
	struct callback_register failsafe = {
	    .type = CALLBACKTYPE_failsafe,
	    .address = {FLAT_KERNEL_CS, (unsigned long)xen_failsafe_callback},
	};

	xen_callback_register(&event);
	xen_callback_register(&failsafe);
}
