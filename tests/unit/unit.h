/* What tests/unit/host_stubs.c provides to the host unit tests. */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define UNIT_MSG_MAX 512

/* The last printk()/cprintf() message, its level (-1 for cprintf) and the message count. */
extern char unit_last_msg[UNIT_MSG_MAX];
extern int unit_last_level;
extern unsigned unit_msg_count;
/* The last panic() message. */
extern char unit_last_panic[UNIT_MSG_MAX];

/* Forget the recorded messages. */
void unit_msgs_clear(void);

#endif
