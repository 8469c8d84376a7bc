/*
 * pvkmap-stat's JSON reader: one line of strict JSON (RFC 8259, no extensions) into a flat
 * tree of nodes that point into the line, then typed accessors for a schema on top of it
 * (log.c). Nesting is limited to JSON_MAX_DEPTH and the line to JSON_MAX_NODES values, so a
 * hostile line costs bounded time and memory. Errors go into the parser's @err as one line:
 * "line N, column C: ..." for syntax, "line N: PATH: ..." for the schema.
 */
#ifndef PVKMAP_STAT_JSON_H
#define PVKMAP_STAT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 32
#define JSON_MAX_NODES (1 << 17) /* ~15 k in the biggest line a guest prints */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	enum jtype type;
	size_t off, len;	 /* the value's text (a string's: between the quotes) */
	size_t key_off, key_len; /* an object member's key, between the quotes */
	int child;		 /* first element or member, or -1 */
	int next;		 /* next sibling, or -1 */
	unsigned int nr;	 /* number of elements or members */
};

/* Set s, len, lineno, err and errlen, the rest zero; json_free() when done. */
struct jparser {
	const char *s; /* the line, without its end of line */
	size_t len, pos;
	unsigned int lineno;
	struct jnode *nodes;
	int nr, cap;
	char *err;
	size_t errlen;
};

/* The whole line as one value (space around it allowed): its node, or -1 with err set. */
int json_parse(struct jparser *jp);
void json_free(struct jparser *jp);

/*
 * Decode a string's text into @out as a name (printable ASCII, no quote or backslash),
 * escapes included. False if it is empty, does not fit, or has any other character.
 */
bool json_name(const struct jparser *jp, size_t off, size_t len, char *out, size_t size);

/*
 * The schema's checks. On failure each puts a message naming @path (the member at fault) in
 * err and returns -1 (PVKMAP_ERR_FORMAT); json_fail() always fails.
 */
int json_fail(struct jparser *jp, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Node @node is of @type. */
int json_expect(struct jparser *jp, int node, enum jtype type, const char *path);
/*
 * The member @key of object @obj: its node, or -1 if absent, or -2 (error set) if it
 * appears twice. Keys that are not names can never match, so they are skipped.
 */
int json_get(struct jparser *jp, int obj, const char *key, const char *path);
/* Required member @key of @obj, a non-negative integer up to @max. */
int json_field(struct jparser *jp, int obj, const char *key, uint64_t max, uint64_t *val,
	       const char *path);
/* Member @n's key as a name, into @out (PVKMAP_NAME_MAX bytes). */
int json_key(struct jparser *jp, int n, char *out, const char *path);

#endif
