/*
 * The native tick: the 8254 PIT on IRQ 0 through the 8259 PIC, remapped above the exception
 * vectors. Every other line stays masked.
 */
#include "pv/native/native.h"
#include "guest/x86/cpu.h"
#include "guest/x86/traps.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_HZ 1193182ull

static void (*tick_fn)(void);

static void pit_irq(void)
{
	outb(PIC1_CMD, PIC_EOI);
	tick_fn();
}

void native_timer_start(void (*tick)(void), u64 period_ns)
{
	u32 divisor = (u32)(PIT_HZ * period_ns / 1000000000ull);

	tick_fn = tick;
	/* ICW1-4: edge triggered, cascaded, vectors 32-39 and 40-47, 8086 mode. */
	outb(PIC1_CMD, 0x11);
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, IRQ_VECTOR_BASE);
	outb(PIC2_DATA, IRQ_VECTOR_BASE + 8);
	outb(PIC1_DATA, 4);
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xfe); /* only IRQ 0 */
	outb(PIC2_DATA, 0xff);
	irq_register(0, pit_irq);
	/* Channel 0, lobyte/hibyte, mode 2 (rate generator). */
	outb(PIT_CMD, 0x34);
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, (divisor >> 8) & 0xff);
}

void native_idle_halt(void)
{
	/* sti takes effect after the next instruction: no interrupt is lost before hlt. */
	__asm__ volatile("sti; hlt" ::: "memory");
}
