#include <stdarg.h>
#include "guest/panic.h"
#include "guest/console.h"
#include "guest/irqflags.h"
#include "guest/ktest.h"
#include "guest/printk.h"
#include "pv/counters.h"
#include "pv/ops.h"

static bool panicking;

void kernel_poweroff(bool success)
{
	local_irq_disable();
	cprintf("pvkmap: verdict %s\n", success ? "PASS" : "FAIL");
	pv_cpu->shutdown(success);
}

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ktest_catch_panic(buf); /* returns only if no test expects this panic */
	local_irq_disable();
	console_in_panic = true;
	cprintf("PANIC: %s (called from %p)\n", buf, __builtin_return_address(0));
	/* The counters show what the MMU was doing; skip them if printing them panicked. */
	if (!panicking) {
		panicking = true;
		pv_counters_print_json();
	}
	kernel_poweroff(false);
}
