/*
 * The two parsers behind pvkmap-stat. Both distrust their input completely: a counters page
 * comes from a guest (which may be buggy or hostile), a log from anything at all. Every
 * check names the field and the value it rejects, so a broken guest is easy to diagnose.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv/counters_page.h"
#include "tools/pvkmap-stat/page.h"

static int fail(int rc, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(int rc, char *err, size_t errlen, const char *fmt, ...)
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
static bool name_char_ok(unsigned char c)
{
	return c > ' ' && c <= '~' && c != '"' && c != '\\';
}

/* ------------------------------------------------------------------------------------ */
/* The counters page */

/* The page is little-endian whatever the reader's byte order. */
static uint32_t le(const uint8_t *p, unsigned int bytes)
{
	uint32_t v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le(p + 4, 4) << 32 | le(p, 4);
}

#define FIELD(p, f)                                                                                \
	le((p) + offsetof(struct pvkmap_counters_header, f),                                       \
	   sizeof(((struct pvkmap_counters_header *)0)->f))

/*
 * A NAME_LEN-byte name field: 1..NAME_LEN-1 name characters, then NULs to the end (the
 * padding is checked too: stray bytes there mean the writer and reader disagree).
 * Returns NULL, or why the field is bad.
 */
static const char *page_name(const uint8_t *p, char *out, char *why, size_t whylen)
{
	size_t n = 0;

	while (n < PVKMAP_COUNTERS_NAME_LEN && p[n])
		n++;
	if (n == PVKMAP_COUNTERS_NAME_LEN)
		return "is not NUL-terminated within 16 bytes";
	if (n == 0)
		return "is empty";
	for (size_t i = 0; i < n; i++) {
		if (!name_char_ok(p[i])) {
			snprintf(why, whylen, "has byte 0x%02x at %zu", p[i], i);
			return why;
		}
	}
	for (size_t i = n; i < PVKMAP_COUNTERS_NAME_LEN; i++)
		if (p[i])
			return "is not NUL-padded";
	memcpy(out, p, n);
	out[n] = '\0';
	return NULL;
}

/* Names are keys in the tool's JSON: a repeated one would make two members collide. */
static int find_name(char (*names)[PVKMAP_NAME_MAX], unsigned int nr, const char *name)
{
	for (unsigned int i = 0; i < nr; i++)
		if (!strcmp(names[i], name))
			return (int)i;
	return -1;
}

int pvkmap_page_parse(const void *buf, size_t len, struct pvkmap_snapshot *out, char *err,
		      size_t errlen)
{
	const uint8_t *p = buf;
	const size_t hsize = sizeof(struct pvkmap_counters_header);
	uint32_t magic, version, header_size, size, seq, name_len;
	uint32_t nr_cpus, nr_ops, nr_hcalls, names_offset, cpus_offset, cpu_stride;
	uint64_t names_end, cpus_end, stride;
	char why[64];
	const char *bad;

	memset(out, 0, sizeof(*out));
	if (!p || len < hsize)
		return fail(PVKMAP_ERR_SHORT, err, errlen,
			    "page is %zu bytes, shorter than its %zu-byte header", p ? len : 0,
			    hsize);

	magic = FIELD(p, magic);
	if (magic != PVKMAP_COUNTERS_MAGIC)
		return fail(PVKMAP_ERR_FORMAT, err, errlen,
			    "magic 0x%08x is not 0x%08x (\"PVMK\"): not a counters page", magic,
			    PVKMAP_COUNTERS_MAGIC);
	version = FIELD(p, version);
	if (version != PVKMAP_COUNTERS_VERSION)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "version %u unsupported (want %u)",
			    version, PVKMAP_COUNTERS_VERSION);
	header_size = FIELD(p, header_size);
	if (header_size != hsize)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "header_size %u is not %zu",
			    header_size, hsize);
	size = FIELD(p, size);
	if (size < hsize || size > PVKMAP_COUNTERS_SIZE)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "size %u out of range %zu..%u", size,
			    hsize, PVKMAP_COUNTERS_SIZE);
	if (size > len)
		return fail(PVKMAP_ERR_SHORT, err, errlen, "size %u but only %zu bytes were read",
			    size, len);
	seq = FIELD(p, seq);
	if (seq & 1)
		return fail(PVKMAP_ERR_BUSY, err, errlen, "seq %u is odd: the guest was writing",
			    seq);
	name_len = FIELD(p, name_len);
	if (name_len != PVKMAP_COUNTERS_NAME_LEN)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "name_len %u is not %u", name_len,
			    PVKMAP_COUNTERS_NAME_LEN);
	nr_cpus = FIELD(p, nr_cpus);
	if (nr_cpus < 1 || nr_cpus > PVKMAP_MAX_CPUS)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "nr_cpus %u out of range 1..%u",
			    nr_cpus, PVKMAP_MAX_CPUS);
	nr_ops = FIELD(p, nr_ops);
	if (nr_ops < 1 || nr_ops > PVKMAP_MAX_OPS)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "nr_ops %u out of range 1..%u", nr_ops,
			    PVKMAP_MAX_OPS);
	nr_hcalls = FIELD(p, nr_hcalls);
	if (nr_hcalls > PVKMAP_MAX_HCALLS)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "nr_hcalls %u out of range 0..%u",
			    nr_hcalls, PVKMAP_MAX_HCALLS);

	/* Ends in 64 bits: no 32-bit offset plus length can wrap around. */
	names_offset = FIELD(p, names_offset);
	names_end = (uint64_t)names_offset + (uint64_t)(nr_ops + nr_hcalls) * name_len;
	if (names_offset < hsize || names_end > size)
		return fail(PVKMAP_ERR_FORMAT, err, errlen,
			    "names_offset %u: %u names end at %llu, outside %zu..%u (size)",
			    names_offset, nr_ops + nr_hcalls, (unsigned long long)names_end, hsize,
			    size);
	cpu_stride = FIELD(p, cpu_stride);
	stride = 8ull * (2 * nr_ops + 2 * nr_hcalls);
	if (cpu_stride != stride)
		return fail(PVKMAP_ERR_FORMAT, err, errlen,
			    "cpu_stride %u is not %llu (8 * (2 * nr_ops + 2 * nr_hcalls))",
			    cpu_stride, (unsigned long long)stride);
	cpus_offset = FIELD(p, cpus_offset);
	cpus_end = (uint64_t)cpus_offset + (uint64_t)nr_cpus * cpu_stride;
	if (cpus_offset % 8)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "cpus_offset %u is not a multiple of 8",
			    cpus_offset);
	if (cpus_offset < hsize || cpus_end > size)
		return fail(
		    PVKMAP_ERR_FORMAT, err, errlen,
		    "cpus_offset %u: %u blocks of %u bytes end at %llu, outside %zu..%u (size)",
		    cpus_offset, nr_cpus, cpu_stride, (unsigned long long)cpus_end, hsize, size);
	if (names_offset < cpus_end && cpus_offset < names_end)
		return fail(PVKMAP_ERR_FORMAT, err, errlen,
			    "names (%u..%llu) and cpus (%u..%llu) overlap", names_offset,
			    (unsigned long long)names_end, cpus_offset,
			    (unsigned long long)cpus_end);

	bad = page_name(p + offsetof(struct pvkmap_counters_header, backend), out->backend, why,
			sizeof(why));
	if (bad)
		return fail(PVKMAP_ERR_FORMAT, err, errlen, "backend %s", bad);
	for (uint32_t i = 0; i < nr_ops + nr_hcalls; i++) {
		bool op = i < nr_ops;
		uint32_t k = op ? i : i - nr_ops;
		char *name = op ? out->op_names[k] : out->hcall_names[k];

		bad = page_name(p + names_offset + (size_t)i * name_len, name, why, sizeof(why));
		if (bad)
			return fail(PVKMAP_ERR_FORMAT, err, errlen, "name %u (%s %u) %s", i,
				    op ? "operation" : "hypercall", k, bad);
		if (find_name(op ? out->op_names : out->hcall_names, k, name) >= 0)
			return fail(PVKMAP_ERR_FORMAT, err, errlen,
				    "name %u (%s %u) \"%s\" appears twice", i,
				    op ? "operation" : "hypercall", k, name);
	}

	out->version = version;
	out->cycles_measured = -1;
	out->seq = seq;
	out->nr_cpus = nr_cpus;
	out->nr_ops = nr_ops;
	out->nr_hcalls = nr_hcalls;
	out->hcalls_per_cpu = true;
	for (uint32_t c = 0; c < nr_cpus; c++) {
		const uint8_t *b = p + cpus_offset + (size_t)c * cpu_stride;
		struct pvkmap_cpu *cpu = &out->cpus[c];

		cpu->id = c;
		for (uint32_t i = 0; i < nr_ops; i++) {
			cpu->op_count[i] = le64(b + 8 * i);
			cpu->op_cycles[i] = le64(b + 8 * (nr_ops + i));
		}
		b += 16 * nr_ops;
		for (uint32_t i = 0; i < nr_hcalls; i++) {
			cpu->hcall_calls[i] = le64(b + 8 * i);
			cpu->hcall_traps[i] = le64(b + 8 * (nr_hcalls + i));
			out->hcall_calls[i] += cpu->hcall_calls[i];
			out->hcall_traps[i] += cpu->hcall_traps[i];
		}
	}
	for (uint32_t i = 0; i < nr_hcalls; i++)
		out->hcall_nr[i] = -1;
	return 0;
}

/* ------------------------------------------------------------------------------------ */
/* The console log: a strict JSON reader into a flat tree, then the schema on top of it */

#define MARKER "{\"pvkmap_counters\":"
#define JSON_MAX_DEPTH 32
#define JSON_MAX_NODES (1 << 17) /* ~15 k in the biggest line a guest prints */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

static const char *const jtype_names[] = {"null",     "a boolean", "a number",
					  "a string", "an array",  "an object"};

struct jnode {
	enum jtype type;
	size_t off, len;	 /* the value's text (a string's: between the quotes) */
	size_t key_off, key_len; /* an object member's key, between the quotes */
	int child;		 /* first element or member, or -1 */
	int next;		 /* next sibling, or -1 */
	unsigned int nr;	 /* number of elements or members */
};

struct jparser {
	const char *s; /* the line, without its end of line */
	size_t len, pos;
	unsigned int lineno;
	struct jnode *nodes;
	int nr, cap;
	char *err;
	size_t errlen;
};

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

/*
 * Decode a string's text into @out as a name (printable ASCII, no quote or backslash),
 * escapes included. False if it is empty, does not fit, or has any other character.
 */
static bool jname(const struct jparser *jp, size_t off, size_t len, char *out, size_t size)
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
static int sfail(struct jparser *jp, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int sfail(struct jparser *jp, const char *path, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail(PVKMAP_ERR_FORMAT, jp->err, jp->errlen, "line %u: %s: %s", jp->lineno, path,
		    msg);
}

static int jexpect(struct jparser *jp, int node, enum jtype type, const char *path)
{
	if (jp->nodes[node].type != type)
		return sfail(jp, path, "expected %s, found %s", jtype_names[type],
			     jtype_names[jp->nodes[node].type]);
	return 0;
}

/*
 * The member @key of object @obj: its node, or -1 if absent, or -2 (error set) if it
 * appears twice. Keys that are not names can never match, so they are skipped.
 */
static int jget(struct jparser *jp, int obj, const char *key, const char *path)
{
	char name[PVKMAP_NAME_MAX];
	int found = -1;

	for (int n = jp->nodes[obj].child; n >= 0; n = jp->nodes[n].next) {
		const struct jnode *m = &jp->nodes[n];

		if (!jname(jp, m->key_off, m->key_len, name, sizeof(name)) || strcmp(name, key))
			continue;
		if (found >= 0) {
			sfail(jp, path, "member \"%s\" appears twice", key);
			return -2;
		}
		found = n;
	}
	return found;
}

/* A non-negative integer that fits in 64 bits (no sign, fraction or exponent). */
static int ju64(struct jparser *jp, int node, uint64_t max, uint64_t *val, const char *path)
{
	const struct jnode *n = &jp->nodes[node];
	uint64_t v = 0;

	if (jexpect(jp, node, J_NUM, path))
		return -1;
	for (size_t i = n->off; i < n->off + n->len; i++) {
		unsigned int d = (unsigned char)jp->s[i] - '0';

		if (d > 9)
			return sfail(jp, path, "%.*s is not a non-negative integer",
				     (int)(n->len > 40 ? 40 : n->len), jp->s + n->off);
		if (v > (UINT64_MAX - d) / 10)
			return sfail(jp, path, "%.*s does not fit in 64 bits",
				     (int)(n->len > 40 ? 40 : n->len), jp->s + n->off);
		v = v * 10 + d;
	}
	if (v > max)
		return sfail(jp, path, "%llu out of range 0..%llu", (unsigned long long)v,
			     (unsigned long long)max);
	*val = v;
	return 0;
}

/* Required member @key of @obj, an integer up to @max. */
static int jfield(struct jparser *jp, int obj, const char *key, uint64_t max, uint64_t *val,
		  const char *path)
{
	char sub[160];
	int n = jget(jp, obj, key, path);

	if (n == -2)
		return -1;
	if (n < 0)
		return sfail(jp, path, "member \"%s\" missing", key);
	snprintf(sub, sizeof(sub), "%s.%s", path, key);
	return ju64(jp, n, max, val, sub);
}

/* Member @n's key as a name. */
static int jkey(struct jparser *jp, int n, char *out, const char *path)
{
	const struct jnode *m = &jp->nodes[n];

	if (!jname(jp, m->key_off, m->key_len, out, PVKMAP_NAME_MAX))
		return sfail(jp, path, "member name \"%.*s\" is not 1..%d printable characters",
			     (int)(m->key_len > 40 ? 40 : m->key_len), jp->s + m->key_off,
			     PVKMAP_NAME_MAX - 1);
	return 0;
}

static int json_cpu(struct jparser *jp, int node, unsigned int i, struct pvkmap_snapshot *out)
{
	struct pvkmap_cpu *cpu = &out->cpus[i];
	char path[160], name[PVKMAP_NAME_MAX];
	uint64_t id = 0;
	unsigned int k = 0;
	int ops;

	snprintf(path, sizeof(path), "cpus[%u]", i);
	if (jexpect(jp, node, J_OBJ, path) ||
	    jfield(jp, node, "cpu", PVKMAP_MAX_CPUS - 1, &id, path))
		return -1;
	for (unsigned int j = 0; j < i; j++)
		if (out->cpus[j].id == id)
			return sfail(jp, path, "cpu %llu appears twice", (unsigned long long)id);
	cpu->id = (unsigned int)id;

	ops = jget(jp, node, "ops", path);
	if (ops == -2)
		return -1;
	if (ops < 0)
		return sfail(jp, path, "member \"ops\" missing");
	snprintf(path, sizeof(path), "cpus[%u].ops", i);
	if (jexpect(jp, ops, J_OBJ, path))
		return -1;
	if (jp->nodes[ops].nr < 1 || jp->nodes[ops].nr > PVKMAP_MAX_OPS)
		return sfail(jp, path, "%u operations, out of range 1..%u", jp->nodes[ops].nr,
			     PVKMAP_MAX_OPS);
	/* The first CPU names the operations; the others must list the same, in order. */
	if (i && jp->nodes[ops].nr != out->nr_ops)
		return sfail(jp, path, "%u operations, but cpus[0] has %u", jp->nodes[ops].nr,
			     out->nr_ops);
	for (int n = jp->nodes[ops].child; n >= 0; n = jp->nodes[n].next, k++) {
		if (jkey(jp, n, name, path))
			return -1;
		if (i == 0) {
			if (find_name(out->op_names, k, name) >= 0)
				return sfail(jp, path, "operation \"%s\" appears twice", name);
			strcpy(out->op_names[k], name);
		} else if (strcmp(out->op_names[k], name)) {
			return sfail(jp, path, "operation %u is \"%s\", but \"%s\" in cpus[0]", k,
				     name, out->op_names[k]);
		}
		snprintf(path, sizeof(path), "cpus[%u].ops.%s", i, name);
		if (jexpect(jp, n, J_OBJ, path) ||
		    jfield(jp, n, "count", UINT64_MAX, &cpu->op_count[k], path) ||
		    jfield(jp, n, "cycles", UINT64_MAX, &cpu->op_cycles[k], path))
			return -1;
		snprintf(path, sizeof(path), "cpus[%u].ops", i);
	}
	if (i == 0)
		out->nr_ops = k;
	return 0;
}

static int json_hypercalls(struct jparser *jp, int node, struct pvkmap_snapshot *out)
{
	char path[160], name[PVKMAP_NAME_MAX];
	unsigned int k = 0;
	uint64_t nr = 0;

	if (jexpect(jp, node, J_OBJ, "hypercalls"))
		return -1;
	if (jp->nodes[node].nr > PVKMAP_MAX_HCALLS)
		return sfail(jp, "hypercalls", "%u hypercalls, out of range 0..%u",
			     jp->nodes[node].nr, PVKMAP_MAX_HCALLS);
	for (int n = jp->nodes[node].child; n >= 0; n = jp->nodes[n].next, k++) {
		if (jkey(jp, n, name, "hypercalls"))
			return -1;
		if (find_name(out->hcall_names, k, name) >= 0)
			return sfail(jp, "hypercalls", "\"%s\" appears twice", name);
		strcpy(out->hcall_names[k], name);
		snprintf(path, sizeof(path), "hypercalls.%s", name);
		if (jexpect(jp, n, J_OBJ, path) || jfield(jp, n, "nr", 1023, &nr, path) ||
		    jfield(jp, n, "calls", UINT64_MAX, &out->hcall_calls[k], path) ||
		    jfield(jp, n, "traps", UINT64_MAX, &out->hcall_traps[k], path) ||
		    jfield(jp, n, "cycles", UINT64_MAX, &out->hcall_cycles[k], path))
			return -1;
		out->hcall_nr[k] = (int)nr;
	}
	out->nr_hcalls = k;
	out->has_hcall_detail = true;
	return 0;
}

/* The object after "pvkmap_counters": what pv/counters.c and pv/xen/hypercall.c print. */
static int json_counters(struct jparser *jp, int root, struct pvkmap_snapshot *out)
{
	const char *path = "pvkmap_counters";
	uint64_t version = 0;
	int c, n;

	if (jexpect(jp, root, J_OBJ, "the line"))
		return -1;
	c = jget(jp, root, "pvkmap_counters", "the line");
	if (c == -2)
		return -1;
	if (c < 0) /* cannot happen: the line starts with it */
		return sfail(jp, "the line", "member \"pvkmap_counters\" missing");
	if (jexpect(jp, c, J_OBJ, path) || jfield(jp, c, "version", UINT64_MAX, &version, path))
		return -1;
	if (version != PVKMAP_COUNTERS_VERSION)
		return sfail(jp, path, "version %llu unsupported (want %u)",
			     (unsigned long long)version, PVKMAP_COUNTERS_VERSION);
	out->version = (unsigned int)version;

	n = jget(jp, c, "backend", path);
	if (n == -2)
		return -1;
	if (n < 0)
		return sfail(jp, path, "member \"backend\" missing");
	if (jexpect(jp, n, J_STR, "pvkmap_counters.backend"))
		return -1;
	if (!jname(jp, jp->nodes[n].off, jp->nodes[n].len, out->backend, sizeof(out->backend)))
		return sfail(jp, "pvkmap_counters.backend", "not 1..%d printable characters",
			     PVKMAP_NAME_MAX - 1);

	/* Optional: false when the guest was built without timing each operation. */
	out->cycles_measured = -1;
	n = jget(jp, c, "cycles_measured", path);
	if (n == -2 || (n >= 0 && jexpect(jp, n, J_BOOL, "pvkmap_counters.cycles_measured")))
		return -1;
	if (n >= 0)
		out->cycles_measured = jp->s[jp->nodes[n].off] == 't';

	n = jget(jp, c, "cpus", path);
	if (n == -2)
		return -1;
	if (n < 0)
		return sfail(jp, path, "member \"cpus\" missing");
	if (jexpect(jp, n, J_ARR, "pvkmap_counters.cpus"))
		return -1;
	if (jp->nodes[n].nr < 1 || jp->nodes[n].nr > PVKMAP_MAX_CPUS)
		return sfail(jp, "pvkmap_counters.cpus", "%u CPUs, out of range 1..%u",
			     jp->nodes[n].nr, PVKMAP_MAX_CPUS);
	out->nr_cpus = jp->nodes[n].nr;
	n = jp->nodes[n].child;
	for (unsigned int i = 0; n >= 0; n = jp->nodes[n].next, i++)
		if (json_cpu(jp, n, i, out))
			return -1;

	/* Only under Xen: hypercalls, and the totals printed with them. */
	n = jget(jp, c, "hypercalls", path);
	if (n == -2 || (n >= 0 && json_hypercalls(jp, n, out)))
		return -1;
	if (n >= 0) {
		if (jfield(jp, c, "page_updates", UINT64_MAX, &out->page_updates, path) ||
		    jfield(jp, c, "mmuext_ops", UINT64_MAX, &out->mmuext_ops, path) ||
		    jfield(jp, c, "multicall_entries", UINT64_MAX, &out->multicall_entries, path))
			return -1;
		out->has_xen_totals = true;
	}
	return 0;
}

int pvkmap_log_parse(const char *buf, size_t len, struct pvkmap_snapshot *out, char *err,
		     size_t errlen)
{
	const size_t mlen = strlen(MARKER);
	struct jparser jp = {.err = err, .errlen = errlen};
	size_t start = 0, end;
	bool found = false;
	unsigned int lineno = 0, line = 0;
	int root, rc;

	memset(out, 0, sizeof(*out));
	if (!buf)
		len = 0;
	/* The last line that starts with the marker: the newest report. */
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);

		lineno++;
		if (len - pos >= mlen && !memcmp(buf + pos, MARKER, mlen)) {
			start = pos;
			line = lineno;
			found = true;
		}
		if (!nl)
			break;
		pos = (size_t)(nl - buf) + 1;
	}
	if (!found)
		return fail(PVKMAP_ERR_NOTFOUND, err, errlen,
			    "no line starts with %s (did the guest print its counters?)", MARKER);

	end = start;
	while (end < len && buf[end] != '\n')
		end++;
	if (end > start && buf[end - 1] == '\r')
		end--;
	jp.s = buf + start;
	jp.len = end - start;
	jp.lineno = line;

	root = jvalue(&jp, 0);
	rc = root < 0 ? PVKMAP_ERR_FORMAT : 0;
	if (!rc) {
		jspace(&jp);
		if (jp.pos != jp.len)
			rc = jfail(&jp, "text after the end of the JSON object");
	}
	if (!rc)
		rc = json_counters(&jp, root, out) ? PVKMAP_ERR_FORMAT : 0;
	free(jp.nodes);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}
