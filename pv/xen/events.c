/*
 * Event channels: Xen's interrupts. Delivery is masked per vCPU by evtchn_upcall_mask in
 * vcpu_info (a PV kernel in ring 1 cannot use cli/sti). Xen enters xen_event_callback
 * (entry.S) with the mask set; the handler scans the two-level pending bitmap, runs the bound
 * handlers, then unmasks and rechecks, so an event that arrived meanwhile is not lost.
 */
#include "pv/xen/hypercall.h"
#include "guest/x86/cpu.h"
#include "guest/panic.h"
#include "guest/preempt.h"
#include "guest/x86/traps.h"
#include "pv/ops.h"

#define NR_PORTS (sizeof(xen_ulong_t) * 8 * sizeof(xen_ulong_t) * 8)

static void (*handlers[NR_PORTS])(unsigned port);

unsigned long xen_irq_save(void)
{
	u8 was_masked = xen_vcpu->evtchn_upcall_mask;

	xen_vcpu->evtchn_upcall_mask = 1;
	barrier();
	return was_masked ? 0 : PV_IRQS_ENABLED;
}

void xen_irq_restore(unsigned long flags)
{
	if (!(flags & PV_IRQS_ENABLED))
		return;
	barrier();
	xen_vcpu->evtchn_upcall_mask = 0;
	barrier();
	/* Anything that arrived while masked: any hypercall makes Xen deliver it now. */
	if (xen_vcpu->evtchn_upcall_pending)
		xen_xen_version(XENVER_version, NULL);
}

static void dispatch_pending(void)
{
	while (xen_vcpu->evtchn_upcall_pending) {
		xen_ulong_t sel;

		xen_vcpu->evtchn_upcall_pending = 0;
		sel = __atomic_exchange_n(&xen_vcpu->evtchn_pending_sel, 0, __ATOMIC_ACQ_REL);
		while (sel) {
			unsigned word = __builtin_ctzl(sel);
			xen_ulong_t bits;

			sel &= sel - 1;
			bits = xen_shared_info->evtchn_pending[word] &
			       ~xen_shared_info->evtchn_mask[word];
			while (bits) {
				unsigned bit = __builtin_ctzl(bits);
				unsigned port = word * sizeof(xen_ulong_t) * 8 + bit;

				bits &= bits - 1;
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
 * way out of a native interrupt.
 */
asmlinkage void xen_evtchn_upcall(void);
asmlinkage void xen_evtchn_upcall(void)
{
	do {
		irq_enter();
		dispatch_pending();
		irq_exit_preempt();
		xen_vcpu->evtchn_upcall_mask = 0;
		barrier();
		if (!xen_vcpu->evtchn_upcall_pending)
			break;
		xen_vcpu->evtchn_upcall_mask = 1;
	} while (1);
}

void xen_evtchn_bind(unsigned port, void (*handler)(unsigned port))
{
	struct evtchn_unmask unmask = {.port = port};

	BUG_ON(port >= NR_PORTS);
	handlers[port] = handler;
	xen_event_channel_op(EVTCHNOP_unmask, &unmask);
}

void xen_evtchn_unbind(unsigned port)
{
	struct evtchn_close close = {.port = port};

	xen_event_channel_op(EVTCHNOP_close, &close);
	handlers[port] = NULL;
}

void xen_evtchn_send(unsigned port)
{
	struct evtchn_send send = {.port = port};

	xen_event_channel_op(EVTCHNOP_send, &send);
}

bool xen_evtchn_is_pending(unsigned port)
{
	const unsigned bits = sizeof(xen_ulong_t) * 8;

	return xen_shared_info->evtchn_pending[port / bits] & ((xen_ulong_t)1 << (port % bits));
}

asmlinkage void xen_failsafe(void);
asmlinkage void xen_failsafe(void)
{
	panic("xen: failsafe callback (a segment reload on return to the kernel failed)");
}

extern char xen_event_callback[], xen_failsafe_callback[];

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
