/*
 * pvkmap-stat's strict JSON reader (json.h). The line comes from a console log, that is
 * from anything at all: every byte is checked, nothing is read past @len, and a syntax
 * error says where it is on the line and what was expected there.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/pvkmap-stat/json.h"
#include "tools/pvkmap-stat/page.h"
#include "tools/pvkmap-stat/parse.h"

static const char *const jtype_names[] = {"null",     "a boolean", "a number",
					  "a string", "an array",  "an object"};

static int jfail(struct jparser *jp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A syntax error: where it is on the line, and what was expected there. */
static int jfail(struct jparser *jp, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail(PVKMAP_ERR_FORMAT, jp->err, jp->errlen, "line %u, column %zu: %s", jp->lineno,
		    jp->pos + 1, msg);
}

static int jnew(struct jparser *jp, enum jtype type)
{
	struct jnode *n;

	if (jp->nr == jp->cap) {
		int cap = jp->cap ? 2 * jp->cap : 1024;

		if (jp->nr >= JSON_MAX_NODES) {
			jfail(jp, "more than %d values", JSON_MAX_NODES);
			return -1;
		}
		n = realloc(jp->nodes, (size_t)cap * sizeof(*n));
		if (!n) {
			jfail(jp, "out of memory");
			return -1;
		}
		jp->nodes = n;
		jp->cap = cap;
	}
	n = &jp->nodes[jp->nr];
	*n = (struct jnode){.type = type, .off = jp->pos, .child = -1, .next = -1};
	return jp->nr++;
}

static void jspace(struct jparser *jp)
{
	while (jp->pos < jp->len && strchr(" \t\r\n", jp->s[jp->pos]) && jp->s[jp->pos])
		jp->pos++;
}

static int jpeek(struct jparser *jp)
{
	return jp->pos < jp->len ? (unsigned char)jp->s[jp->pos] : -1;
}

static bool jhex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned int hexval(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* At the opening quote; leaves pos after the closing one. Returns 0 or -1. */
static int jstring(struct jparser *jp, size_t *off, size_t *len)
{
	jp->pos++;
	*off = jp->pos;
	for (;;) {
		int c = jpeek(jp);

		if (c < 0)
			return jfail(jp, "string not closed before the end of the line");
		if (c == '"')
			break;
		if (c < 0x20)
			return jfail(jp, "control character 0x%02x in a string", c);
		jp->pos++;
		if (c != '\\')
			continue;
		c = jpeek(jp);
		if (c == 'u') {
			for (int i = 1; i <= 4; i++) {
				if (jp->pos + i >= jp->len ||
				    !jhex((unsigned char)jp->s[jp->pos + i]))
					return jfail(jp, "\\u needs four hex digits");
			}
			jp->pos += 5;
		} else if (c >= 0 && strchr("\"\\/bfnrt", c) && c) {
			jp->pos++;
		} else {
			return jfail(jp, "bad escape in a string");
		}
	}
	*len = jp->pos - *off;
	jp->pos++;
	return 0;
}

static bool jdigit(struct jparser *jp)
{
	int c = jpeek(jp);

	return c >= '0' && c <= '9';
}

static int jnumber(struct jparser *jp)
{
	if (jpeek(jp) == '-')
		jp->pos++;
	if (jpeek(jp) == '0') {
		jp->pos++;
	} else if (jdigit(jp)) {
		while (jdigit(jp))
			jp->pos++;
	} else {
		return jfail(jp, "bad number");
	}
	if (jpeek(jp) == '.') {
		jp->pos++;
		if (!jdigit(jp))
			return jfail(jp, "digits must follow a decimal point");
		while (jdigit(jp))
			jp->pos++;
	}
	if (jpeek(jp) == 'e' || jpeek(jp) == 'E') {
		jp->pos++;
		if (jpeek(jp) == '+' || jpeek(jp) == '-')
			jp->pos++;
		if (!jdigit(jp))
			return jfail(jp, "digits must follow an exponent");
		while (jdigit(jp))
			jp->pos++;
	}
	return 0;
}

static int jvalue(struct jparser *jp, int depth);

/* An array or object: at its opening bracket. */
static int jcontainer(struct jparser *jp, int self, int depth)
{
	bool obj = jp->nodes[self].type == J_OBJ;
	char close = obj ? '}' : ']';
	int last = -1;

	if (depth >= JSON_MAX_DEPTH)
		return jfail(jp, "nested deeper than %d", JSON_MAX_DEPTH);
	jp->pos++;
	jspace(jp);
	if (jpeek(jp) == close) {
		jp->pos++;
		return 0;
	}
	for (;;) {
		size_t key_off = 0, key_len = 0;
		int child;

		if (obj) {
			if (jpeek(jp) != '"')
				return jfail(jp, "expected a member name in quotes");
			if (jstring(jp, &key_off, &key_len))
				return -1;
			jspace(jp);
			if (jpeek(jp) != ':')
				return jfail(jp, "expected ':' after a member name");
			jp->pos++;
			jspace(jp);
		}
		child = jvalue(jp, depth + 1);
		if (child < 0)
			return -1;
		jp->nodes[child].key_off = key_off;
		jp->nodes[child].key_len = key_len;
		if (last < 0)
			jp->nodes[self].child = child;
		else
			jp->nodes[last].next = child;
		last = child;
		jp->nodes[self].nr++;
		jspace(jp);
		if (jpeek(jp) == close) {
			jp->pos++;
			return 0;
		}
		if (jpeek(jp) != ',')
			return jfail(jp, "expected ',' or '%c'", close);
		jp->pos++;
		jspace(jp);
	}
}

/* One value at pos (no leading space); returns its node, or -1 with the error set. */
static int jvalue(struct jparser *jp, int depth)
{
	static const char *const words[] = {"null", "false", "true"};
	int c = jpeek(jp), self, rc = 0;

	switch (c) {
	case '{':
	case '[':
		self = jnew(jp, c == '{' ? J_OBJ : J_ARR);
		if (self >= 0)
			rc = jcontainer(jp, self, depth);
		break;
	case '"':
		self = jnew(jp, J_STR);
		if (self >= 0)
			rc = jstring(jp, &jp->nodes[self].off, &jp->nodes[self].len);
		return rc ? -1 : self;
	case '-':
	case '0' ... '9':
		self = jnew(jp, J_NUM);
		if (self >= 0)
			rc = jnumber(jp);
		break;
	default:
		for (int i = 0; i < 3; i++) {
			size_t n = strlen(words[i]);

			if (jp->len - jp->pos >= n && !memcmp(jp->s + jp->pos, words[i], n)) {
				self = jnew(jp, i ? J_BOOL : J_NULL);
				jp->pos += n;
				goto done;
			}
		}
		jfail(jp, "%s",
		      c < 0 ? "expected a value, found the end of the line" : "expected a value");
		return -1;
	}
done:
	if (self < 0 || rc)
		return -1;
	jp->nodes[self].len = jp->pos - jp->nodes[self].off;
	return self;
}

bool json_name(const struct jparser *jp, size_t off, size_t len, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = off; i < off + len; i++) {
		unsigned int c = (unsigned char)jp->s[i];

		if (c == '\\') {
			c = (unsigned char)jp->s[++i];
			if (c == 'u') {
				c = 0;
				for (int k = 0; k < 4; k++)
					c = c << 4 | hexval(jp->s[++i]);
			} else if (c != '/') {
				return false; /* \" \\ and the control characters */
			}
		}
		if (!name_char_ok(c) || n + 1 >= size)
			return false;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n > 0;
}

/* A schema error: the path of the member at fault, then what is wrong with it. */
int json_fail(struct jparser *jp, const char *path, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail(PVKMAP_ERR_FORMAT, jp->err, jp->errlen, "line %u: %s: %s", jp->lineno, path,
		    msg);
}

int json_expect(struct jparser *jp, int node, enum jtype type, const char *path)
{
	if (jp->nodes[node].type != type)
		return json_fail(jp, path, "expected %s, found %s", jtype_names[type],
				 jtype_names[jp->nodes[node].type]);
	return 0;
}

int json_get(struct jparser *jp, int obj, const char *key, const char *path)
{
	char name[PVKMAP_NAME_MAX];
	int found = -1;

	for (int n = jp->nodes[obj].child; n >= 0; n = jp->nodes[n].next) {
		const struct jnode *m = &jp->nodes[n];

		if (!json_name(jp, m->key_off, m->key_len, name, sizeof(name)) || strcmp(name, key))
			continue;
		if (found >= 0) {
			json_fail(jp, path, "member \"%s\" appears twice", key);
			return -2;
		}
		found = n;
	}
	return found;
}

/* A non-negative integer that fits in 64 bits (no sign, fraction or exponent). */
static int json_u64(struct jparser *jp, int node, uint64_t max, uint64_t *val, const char *path)
{
	const struct jnode *n = &jp->nodes[node];
	uint64_t v = 0;

	if (json_expect(jp, node, J_NUM, path))
		return -1;
	for (size_t i = n->off; i < n->off + n->len; i++) {
		unsigned int d = (unsigned char)jp->s[i] - '0';

		if (d > 9)
			return json_fail(jp, path, "%.*s is not a non-negative integer",
					 (int)(n->len > 40 ? 40 : n->len), jp->s + n->off);
		if (v > (UINT64_MAX - d) / 10)
			return json_fail(jp, path, "%.*s does not fit in 64 bits",
					 (int)(n->len > 40 ? 40 : n->len), jp->s + n->off);
		v = v * 10 + d;
	}
	if (v > max)
		return json_fail(jp, path, "%llu out of range 0..%llu", (unsigned long long)v,
				 (unsigned long long)max);
	*val = v;
	return 0;
}

int json_field(struct jparser *jp, int obj, const char *key, uint64_t max, uint64_t *val,
	       const char *path)
{
	char sub[160];
	int n = json_get(jp, obj, key, path);

	if (n == -2)
		return -1;
	if (n < 0)
		return json_fail(jp, path, "member \"%s\" missing", key);
	snprintf(sub, sizeof(sub), "%s.%s", path, key);
	return json_u64(jp, n, max, val, sub);
}

int json_key(struct jparser *jp, int n, char *out, const char *path)
{
	const struct jnode *m = &jp->nodes[n];

	if (!json_name(jp, m->key_off, m->key_len, out, PVKMAP_NAME_MAX))
		return json_fail(jp, path, "member name \"%.*s\" is not 1..%d printable characters",
				 (int)(m->key_len > 40 ? 40 : m->key_len), jp->s + m->key_off,
				 PVKMAP_NAME_MAX - 1);
	return 0;
}

int json_parse(struct jparser *jp)
{
	int root = jvalue(jp, 0);

	if (root < 0)
		return -1;
	jspace(jp);
	if (jp->pos != jp->len) {
		jfail(jp, "text after the end of the JSON object");
		return -1;
	}
	return root;
}

void json_free(struct jparser *jp)
{
	free(jp->nodes);
	jp->nodes = NULL;
	jp->nr = jp->cap = 0;
}
