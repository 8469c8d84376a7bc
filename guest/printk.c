/* The kernel log on top of the console (formatting: guest/lib/format.c). */
#include "guest/printk.h"
#include "guest/console.h"

int console_loglevel = LOG_DEBUG;

static void vcprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	if (level >= console_loglevel)
		return;
	va_start(ap, fmt);
	vcprintf(fmt, ap);
	va_end(ap);
}

void cprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcprintf(fmt, ap);
	va_end(ap);
}
