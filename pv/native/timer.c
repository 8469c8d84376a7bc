/*
 * The native tick. With a local APIC and a TSC: each CPU's own LAPIC timer, periodic, after
 * one calibration of the LAPIC timer and the TSC (native_udelay's clock) against the 8254
 * PIT on the boot CPU. The 8259 PIC is remapped above the exception vectors with every line
 * masked, so the PIT, used only to calibrate, interrupts no one. Without a local APIC: the
 * PIT on IRQ 0 through the PIC, on the boot CPU only.
 */
#include "pv/native/native.h"
#include "pv/native/lapic.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/x86/cpu.h"
#include "guest/x86/percpu.h"
#include "guest/x86/traps.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_HZ 1193182ull
#define PIT_CH0_RATE 0x34	     /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
#define PIT_CH0_ONESHOT 0x30	     /* channel 0, lobyte/hibyte, mode 0 (out high at zero) */
#define PIT_READBACK_CH0_STATUS 0xe2 /* read-back: channel 0's status, not its count */
#define PIT_STATUS_OUT 0x80
#define CPUID_1_EDX_TSC (1u << 4)
#define CALIBRATE_MS 50
#define CALIBRATE_TRIES 5

static DEFINE_PER_CPU(void (*)(void), cpu_tick);
DEFINE_PER_CPU(u32, native_ticks);
static bool lapic_ticks, source_chosen;
static u32 lapic_khz, tsc_khz; /* the LAPIC timer's input clock; the TSC (delay.c's too) */

/* ICW1-4: edge triggered, cascaded, vectors 32-39 and 40-47, 8086 mode; then the masks. */
static void pic_init(u8 mask1, u8 mask2)
{
	outb(PIC1_CMD, 0x11);
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, IRQ_VECTOR_BASE);
	outb(PIC2_DATA, IRQ_VECTOR_BASE + 8);
	outb(PIC1_DATA, 4);
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, mask1);
	outb(PIC2_DATA, mask2);
}

static void pit_irq(void)
{
	outb(PIC1_CMD, PIC_EOI);
	this_cpu_add(native_ticks, 1);
	this_cpu_read(cpu_tick)();
}

static void lapic_timer_irq(unsigned vector)
{
	(void)vector;
	this_cpu_add(native_ticks, 1);
	this_cpu_read(cpu_tick)();
	lapic_eoi();
}

/*
 * One PIT one-shot of CALIBRATE_MS with IRQ 0 masked: the LAPIC timer counts and TSC ticks
 * in it. Returns the TSC ticks spent at its two edges (starting the clocks; noticing the
 * end), where a host that stops this vCPU would skew the result.
 */
static u64 calibrate_window(u32 *lapic_counts, u64 *tsc_ticks)
{
	u32 pit_count = (u32)(PIT_HZ * CALIBRATE_MS / 1000);
	u64 t0, t1, t2, poll = 0, last_low = 0; /* the end lies after last_low's status read */

	t0 = rdtsc();
	outb(PIT_CMD, PIT_CH0_ONESHOT);
	outb(PIT_CH0, pit_count & 0xff);
	outb(PIT_CH0, pit_count >> 8);
	lapic_timer_oneshot_masked(~0u);
	t1 = rdtsc();
	do {
		last_low = poll;
		poll = rdtsc();
		outb(PIT_CMD, PIT_READBACK_CH0_STATUS);
	} while (!(inb(PIT_CH0) & PIT_STATUS_OUT));
	*lapic_counts = ~0u - lapic_timer_current();
	t2 = rdtsc();
	*tsc_ticks = t2 - t0;
	return (t1 - t0) + (t2 - (last_low ? last_low : t1));
}

/*
 * The LAPIC timer's and the TSC's rates: the first window after the first (whose code runs
 * cold: under TCG it is being translated) whose edges took under 1% of it, else the
 * tightest. A vCPU the host stops meanwhile notices the end late and counts too much.
 */
static void calibrate(void)
{
	u64 best_edges = ~0ull, tsc_ticks = 0;
	u32 lapic_counts = 0;
	bool clean = false;

	for (unsigned i = 0; i < CALIBRATE_TRIES && !clean; i++) {
		u32 counts;
		u64 ticks, edges = calibrate_window(&counts, &ticks);

		if (edges < best_edges) {
			best_edges = edges;
			lapic_counts = counts;
			tsc_ticks = ticks;
		}
		clean = i > 0 && edges * 100 < ticks;
	}
	lapic_timer_oneshot_masked(0); /* stopped */
	lapic_khz = (u32)((u64)lapic_counts * LAPIC_TIMER_DIVIDE / CALIBRATE_MS);
	tsc_khz = (u32)(tsc_ticks / CALIBRATE_MS);
	native_tsc_khz = tsc_khz;
	cprintf("lapic: timer %u kHz, TSC %u kHz (calibrated against the PIT over %u ms%s)\n",
		lapic_khz, tsc_khz, CALIBRATE_MS,
		clean ? "" : "; every window disturbed: the rates may be high");
	if (!lapic_khz || !tsc_khz)
		panic("lapic: calibration found a clock that does not run (timer %u kHz, TSC %u "
		      "kHz)",
		      lapic_khz, tsc_khz);
}

static bool cpu_has_tsc(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return d & CPUID_1_EDX_TSC;
}

/* The first call (the boot CPU's) chooses the tick source for every CPU. */
static void timer_setup(void)
{
	source_chosen = true;
	if (cpu_has_tsc() && lapic_init()) {
		pic_init(0xff, 0xff);
		calibrate();
		irq_vector_register(LAPIC_TIMER_VECTOR, lapic_timer_irq);
		lapic_ticks = true;
		return;
	}
	cprintf("timer: no local APIC or TSC: the PIT ticks the boot CPU alone\n");
	pic_init(0xfe, 0xff); /* only IRQ 0 */
	irq_register(0, pit_irq);
}

void native_timer_start(void (*tick)(void), u64 period_ns)
{
	if (!source_chosen)
		timer_setup();
	this_cpu_write(cpu_tick, tick);
	if (lapic_ticks) {
		u64 count = (u64)lapic_khz * period_ns / 1000000 / LAPIC_TIMER_DIVIDE;

		lapic_timer_periodic(LAPIC_TIMER_VECTOR, count > ~0u ? ~0u : (u32)count);
	} else if (smp_processor_id() == 0) {
		u32 divisor = (u32)(PIT_HZ * period_ns / 1000000000ull);

		outb(PIT_CMD, PIT_CH0_RATE);
		outb(PIT_CH0, divisor & 0xff);
		outb(PIT_CH0, (divisor >> 8) & 0xff);
	}
}

void native_idle_halt(void)
{
	/* sti takes effect after the next instruction: no interrupt is lost before hlt. */
	__asm__ volatile("sti; hlt" ::: "memory");
}
