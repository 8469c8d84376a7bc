/*
 * The PV console. HYPERVISOR_console_io is the earliest channel (Xen's own log, shown with
 * guest_loglvl=all on a debug-verbose hypervisor); the ring that xenconsoled drains for
 * `xl console` takes over as soon as start_info is read.
 */
#include "pv/xen/hypercall.h"
#include "guest/console.h"
#include "guest/kernel_base.h"

static struct xencons_interface *ring;
static bool console_io_broken;

static void console_io_write(const char *s, size_t n)
{
	if (!console_io_broken && xen_console_write(s, (unsigned)n) < 0)
		console_io_broken = true; /* a stock Xen may refuse domU writes: use the ring */
}

static const struct console console_io = {"xen-console-io", console_io_write};

static void notify(void)
{
	static bool notifying;

	/* If the notification itself fails, the panic it raises must not notify again. */
	if (notifying)
		return;
	notifying = true;
	xen_evtchn_send(xen_start_info.console.domU.evtchn);
	notifying = false;
}

static void ring_write(const char *s, size_t n)
{
	XENCONS_RING_IDX prod = ring->out_prod;

	/* A panic may come from this very path: tell Xen's log too, and never wait. */
	if (console_in_panic) {
		console_io_write(s, n);
		for (size_t i = 0; i < n && prod - ring->out_cons < sizeof(ring->out); i++, prod++)
			ring->out[MASK_XENCONS_IDX(prod, ring->out)] = s[i];
		__atomic_store_n(&ring->out_prod, prod, __ATOMIC_RELEASE);
		notify();
		return;
	}

	for (size_t i = 0; i < n; i++) {
		/* Full: publish what we have and let xenconsoled run. */
		while (prod - ring->out_cons >= sizeof(ring->out)) {
			__atomic_store_n(&ring->out_prod, prod, __ATOMIC_RELEASE);
			notify();
			xen_sched_yield();
		}
		ring->out[MASK_XENCONS_IDX(prod, ring->out)] = s[i];
		prod++;
	}
	/* The bytes must be visible before the index that publishes them. */
	__atomic_store_n(&ring->out_prod, prod, __ATOMIC_RELEASE);
	notify();
}

static const struct console ring_console = {"xen-console-ring", ring_write};

void xen_console_early_init(void)
{
	console_register(&console_io);
}

void xen_console_ring_init(void)
{
	/* The ring page is one of ours, in the boot region: lowmem, so in the direct map. */
	unsigned long pfn = xen_mfn_to_pfn(xen_start_info.console.domU.mfn);

	ring = (struct xencons_interface *)(uintptr_t)(PAGE_OFFSET + (pfn << PAGE_SHIFT));
	console_unregister(&console_io);
	console_register(&ring_console);
}

/* Wait (bounded) until xenconsoled has taken everything, so a shutdown loses no output. */
void xen_console_flush(void)
{
	for (int i = 0; ring && i < 10000 && ring->out_cons != ring->out_prod; i++) {
		notify();
		xen_sched_yield();
	}
}
