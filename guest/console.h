#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include "guest/lib/types.h"

/* An output channel: the 16550 natively, Xen's console ring under PV. */
struct console {
	const char *name;
	void (*write)(const char *s, size_t n);
};

/* Add @con to the channels every console_write() goes to (at most four). */
void console_register(const struct console *con);
/*
 * Set by panic(): writes no longer take the console lock (the panic may have come from
 * inside a console channel, holding it), and channels may add an emergency path.
 */
extern bool console_in_panic;

/* Stop writing to @con (a channel replaced by a better one). */
void console_unregister(const struct console *con);
/* Write @n bytes to every registered channel; "\n" becomes "\r\n" where a channel wants it. */
void console_write(const char *s, size_t n);

#endif
