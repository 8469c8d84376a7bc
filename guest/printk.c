/* The kernel log on top of the console (formatting: guest/lib/format.c). */
#include "guest/printk.h"
#include "guest/console.h"

int console_loglevel = LOG_DEBUG;

/*
 * A message longer than the buffer is cut with a visible marker and still ends its line,
 * so it never runs into the next message.
 */
static void vcprintf(const char *fmt, va_list ap)
{
	static const char cut[] = " [... cut]\n";
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < (int)sizeof(buf)) {
		console_write(buf, (size_t)n);
		return;
	}
	console_write(buf, sizeof(buf) - 1);
	console_write(cut, sizeof(cut) - 1);
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
