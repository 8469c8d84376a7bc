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

static DEFINE_PER_CPU(void (*)(void), cpu_tick);
DEFINE_PER_CPU(u32, native_ticks);
static bool lapic_ticks, calibrated;
static u32 lapic_khz, tsc_khz; /* the LAPIC timer's input clock; the TSC */

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

/* The LAPIC timer's and the TSC's rates over one PIT one-shot of CALIBRATE_MS, IRQ 0 masked. */
static void calibrate(void)
{
	u32 pit_count = (u32)(PIT_HZ * CALIBRATE_MS / 1000), left;
	u64 t0, t1;

	outb(PIT_CMD, PIT_CH0_ONESHOT);
	outb(PIT_CH0, pit_count & 0xff);
	outb(PIT_CH0, pit_count >> 8);
	lapic_timer_oneshot_masked(~0u);
	t0 = rdtsc();
	do {
		outb(PIT_CMD, PIT_READBACK_CH0_STATUS);
	} while (!(inb(PIT_CH0) & PIT_STATUS_OUT));
	t1 = rdtsc();
	left = lapic_timer_current();
	lapic_khz = (u32)((u64)(~0u - left) * LAPIC_TIMER_DIVIDE / CALIBRATE_MS);
	tsc_khz = (u32)((t1 - t0) / CALIBRATE_MS);
	lapic_timer_oneshot_masked(0); /* stopped */
	cprintf("lapic: timer %u kHz, TSC %u kHz (calibrated against the PIT over %u ms)\n",
		lapic_khz, tsc_khz, CALIBRATE_MS);
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
	calibrated = true;
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
	if (!calibrated)
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

bool native_udelay_ready(void)
{
	return tsc_khz != 0;
}

void native_udelay(u32 us)
{
	u64 start = rdtsc(), ticks_1000 = (u64)us * tsc_khz; /* TSC ticks, times 1000 */

	while ((rdtsc() - start) * 1000 < ticks_1000)
		cpu_relax();
}

void native_idle_halt(void)
{
	/* sti takes effect after the next instruction: no interrupt is lost before hlt. */
	__asm__ volatile("sti; hlt" ::: "memory");
}
