#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include "guest/types.h"

/* What guest/entry.S saves on every exception, lowest address first. */
struct trap_frame {
	u32 edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax; /* pushal */
	u32 vector, error;
	u32 eip, cs, eflags; /* pushed by the CPU */
};

/* Load the native GDT and an IDT with a handler for each of the 32 exception vectors. */
void traps_init_native(void);
/* Called by the entry stubs: fix up, or report everything and panic. */
void trap_dispatch(struct trap_frame *f);

#endif
