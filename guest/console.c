/* Fan-out of kernel output to the registered console channels. */
#include "guest/console.h"
#include "guest/spinlock.h"

static const struct console *consoles[4];
static unsigned nr_consoles;
static spinlock_t console_lock;
bool console_in_panic;

void console_register(const struct console *con)
{
	if (nr_consoles < ARRAY_SIZE(consoles))
		consoles[nr_consoles++] = con;
}

void console_unregister(const struct console *con)
{
	unsigned long flags = spin_lock_irqsave(&console_lock);

	for (unsigned i = 0; i < nr_consoles; i++) {
		if (consoles[i] == con) {
			consoles[i] = consoles[--nr_consoles];
			break;
		}
	}
	spin_unlock_irqrestore(&console_lock, flags);
}

void console_write(const char *s, size_t n)
{
	unsigned long flags;

	if (console_in_panic) {
		for (unsigned i = 0; i < nr_consoles; i++)
			consoles[i]->write(s, n);
		return;
	}
	flags = spin_lock_irqsave(&console_lock);
	for (unsigned i = 0; i < nr_consoles; i++)
		consoles[i]->write(s, n);
	spin_unlock_irqrestore(&console_lock, flags);
}
