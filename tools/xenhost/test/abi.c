/*
 * Turns Xen's public C headers into constants minipv.S can use, the way
 * Linux's asm-offsets.c does: sched.h, event_channel.h and io/console.h
 * define structs without __ASSEMBLY__ guards, so the assembler cannot
 * include them, and retyping their numbers would defeat the point.
 * Compiled with -S only; the Makefile turns each "->NAME VALUE" into a
 * #define.
 */
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/io/console.h>

#define DEFINE(sym, val) asm volatile("\n.ascii \"->" #sym " %c0\"" : : "i"(val))

void abi(void);
void abi(void)
{
	DEFINE(SCHEDOP_yield, SCHEDOP_yield);
	DEFINE(SCHEDOP_shutdown, SCHEDOP_shutdown);
	DEFINE(SHUTDOWN_poweroff, SHUTDOWN_poweroff);
	DEFINE(SHUTDOWN_crash, SHUTDOWN_crash);
	DEFINE(EVTCHNOP_send, EVTCHNOP_send);
	DEFINE(START_INFO_console_mfn, offsetof(start_info_t, console.domU.mfn));
	DEFINE(START_INFO_console_evtchn, offsetof(start_info_t, console.domU.evtchn));
	DEFINE(XENCONS_out, offsetof(struct xencons_interface, out));
	DEFINE(XENCONS_out_size, sizeof(((struct xencons_interface *)0)->out));
	DEFINE(XENCONS_out_cons, offsetof(struct xencons_interface, out_cons));
	DEFINE(XENCONS_out_prod, offsetof(struct xencons_interface, out_prod));
}
