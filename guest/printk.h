#ifndef GUEST_PRINTK_H
#define GUEST_PRINTK_H

#include "guest/lib/format.h"

/* Linux's levels: a message is shown when its level is below the console loglevel. */
enum { LOG_EMERG, LOG_ALERT, LOG_CRIT, LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG };

extern int console_loglevel;

/* Log a message at @level; dropped when @level >= console_loglevel. */
void printk(int level, const char *fmt, ...) __printf(2, 3);
/* Print unconditionally: KTAP output, reports and JSON that the host parses. */
void cprintf(const char *fmt, ...) __printf(1, 2);

#define pr_err(...) printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) printk(LOG_WARNING, __VA_ARGS__)
#define pr_info(...) printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

#endif
