/*
 * What the mm/ code links against on the host: printk/cprintf record the last message so
 * tests can check it (and print it as a TAP comment when UNIT_VERBOSE is set), panic()
 * becomes a cmocka assertion so expect_assert_failure() can catch it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "mm/pagealloc_debug.h"

int console_loglevel = LOG_DEBUG + 1;

char unit_last_msg[UNIT_MSG_MAX];
int unit_last_level;
unsigned unit_msg_count;
char unit_last_panic[UNIT_MSG_MAX];

void unit_msgs_clear(void)
{
	unit_last_msg[0] = '\0';
	unit_last_panic[0] = '\0';
	unit_last_level = 0;
	unit_msg_count = 0;
}

static void record(int level, const char *fmt, va_list ap)
{
	static int verbose = -1;

	vsnprintf(unit_last_msg, sizeof(unit_last_msg), fmt, ap);
	unit_last_level = level;
	unit_msg_count++;
	if (verbose < 0)
		verbose = getenv("UNIT_VERBOSE") != NULL;
	/* Each line as a TAP comment, so the output stays parseable by prove. */
	for (const char *p = unit_last_msg; verbose && *p;) {
		size_t len = strcspn(p, "\n");

		printf("# %.*s\n", (int)len, p);
		p += len + (p[len] == '\n');
	}
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(level, fmt, ap);
	va_end(ap);
}

void cprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(-1, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(unit_last_panic, sizeof(unit_last_panic), fmt, ap);
	va_end(ap);
	/* Longjmps out: into expect_assert_failure(), or into a test failure. */
	mock_assert(0, unit_last_panic, __FILE__, __LINE__);
	abort();
}

void kernel_poweroff(bool success)
{
	fail_msg("kernel_poweroff(%d) called", success);
	abort();
}

/* pagealloc_debug is a kernel mode (it unmaps pages): off on the host, its hooks unreachable. */
bool pagealloc_debug;

void pagealloc_debug_alloc(struct page *page, unsigned order)
{
	(void)page, (void)order;
	abort();
}

void pagealloc_debug_free(struct page *page, unsigned order, const void *caller)
{
	(void)page, (void)order, (void)caller;
	abort();
}
