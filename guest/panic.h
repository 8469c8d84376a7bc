#ifndef GUEST_PANIC_H
#define GUEST_PANIC_H

#include "guest/lib/types.h"

/* Print the reason and its caller, then end the VM with a failure verdict. */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;
/* End the VM: print the verdict line the host tools look for, then stop with that status. */
void kernel_poweroff(bool success) __noreturn;

#define BUG_ON(cond)                                                                               \
	do {                                                                                       \
		if (unlikely(cond))                                                                \
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__);                   \
	} while (0)

#endif
