/*
 * Helpers shared by pvkmap-stat's two parsers (page.c, and json.c with log.c): the one-line
 * error report, the rules for names, and a page's checked layout (page.c, for copy.c).
 * Internal to the parsers; the interface is page.h.
 */
#ifndef PVKMAP_STAT_PARSE_H
#define PVKMAP_STAT_PARSE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tools/pvkmap-stat/page.h"

static inline int fail(int rc, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Put a one-line reason in @err (when there is room) and return @rc. */
static inline int fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* A name the tool prints as is, in a table or as a JSON key: no escaping needed. */
static inline bool name_char_ok(unsigned char c)
{
	return c > ' ' && c <= '~' && c != '"' && c != '\\';
}

/* Names are keys in the tool's JSON: a repeated one would make two members collide. */
static inline int find_name(char (*names)[PVKMAP_NAME_MAX], unsigned int nr, const char *name)
{
	for (unsigned int i = 0; i < nr; i++)
		if (!strcmp(names[i], name))
			return (int)i;
	return -1;
}

/* A counters page's header fields, each checked against the page (pvkmap_page_layout()). */
struct page_layout {
	uint32_t size, seq, online;
	uint32_t nr_cpus, nr_ops, nr_hcalls;
	uint32_t names_offset, cpus_offset, cpu_stride;
};

/*
 * Check the header of the page copy at @p (@len bytes) and describe its layout in @l: every
 * CPU block lies inside the page, and online names only CPUs that have one. Checks neither
 * the names nor the blocks. Returns 0 or a PVKMAP_ERR_* code with a one-line reason in @err.
 */
int pvkmap_page_layout(const uint8_t *p, size_t len, struct page_layout *l, char *err,
		       size_t errlen);

#endif
