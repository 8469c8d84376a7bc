/*
 * pvkmap-stat: read a running pvkmap guest's MMU counters from dom0, without the guest's
 * help, by mapping its counters page read-only; or read the counters a guest printed on its
 * console. See README.md for how the page is found.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xenstore.h>
#include <xentoollog.h>

#include "pv/counters_page.h"
#include "tools/pvkmap-stat/page.h"

#define SEQ_TRIES 1000	     /* copies of one part of a page the guest keeps rewriting */
#define XEN_TIMEOUT 10	     /* seconds for a xenstore that never answers */
#define LOG_MAX (256u << 20) /* console logs larger than this are refused */

static const char *usage_text =
    "usage: pvkmap-stat DOMID [--json] [--watch [SECONDS]]\n"
    "       pvkmap-stat --from-log FILE [--json]\n"
    "Print the MMU counters of pvkmap guest DOMID, read from dom0 through the counters\n"
    "page it publishes in xenstore (data/pvkmap/), or the last counters a guest printed\n"
    "in a console log.\n"
    "  --json           one JSON object per snapshot, on one line\n"
    "  --watch [N]      print again every N seconds (default 1; give DOMID first, or\n"
    "                   --watch=N), with each counter's growth, until interrupted\n"
    "  --from-log FILE  the last line of FILE that starts with {\"pvkmap_counters\":\n";

/* Two snapshots of ~140 KiB: static, for the deltas of --watch. */
static struct pvkmap_snapshot snap[2];
static volatile sig_atomic_t stop;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("pvkmap-stat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void usage(const char *fmt, ...)
{
	va_list ap;

	fputs("pvkmap-stat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see --help)\n", stderr);
	exit(2);
}

/* A decimal number, digits only (no sign, no space), up to @max; else -1. */
static long long number(const char *s, unsigned long long max)
{
	unsigned long long v = 0;

	if (!*s || strlen(s) > 19)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	return v <= max && v <= LLONG_MAX ? (long long)v : -1;
}

/* ------------------------------------------------------------------------------------ */
/* Output */

struct view {
	const char *source;    /* "domain 3" or the log's file name */
	long domid;	       /* -1 for a log */
	unsigned int interval; /* seconds since @prev, 0 without deltas */
	const struct pvkmap_snapshot *prev;
};

/* A counter's growth; a counter that went down was reset (the guest rebooted). */
static unsigned long long delta(uint64_t now, uint64_t before)
{
	return now >= before ? now - before : now;
}

/* Deltas only between snapshots of the same layout. */
static bool same_layout(const struct pvkmap_snapshot *a, const struct pvkmap_snapshot *b)
{
	if (a->nr_cpus != b->nr_cpus || a->nr_ops != b->nr_ops || a->nr_hcalls != b->nr_hcalls)
		return false;
	for (unsigned int c = 0; c < a->nr_cpus; c++)
		if (a->cpus[c].id != b->cpus[c].id)
			return false;
	for (unsigned int i = 0; i < a->nr_ops; i++)
		if (strcmp(a->op_names[i], b->op_names[i]))
			return false;
	for (unsigned int i = 0; i < a->nr_hcalls; i++)
		if (strcmp(a->hcall_names[i], b->hcall_names[i]))
			return false;
	return true;
}

static void print_table(const struct pvkmap_snapshot *s, const struct view *v)
{
	const struct pvkmap_snapshot *p = v->prev;

	printf("%s: backend %s, version %u", v->source, s->backend, s->version);
	if (v->domid >= 0) {
		printf(", seq %u (", s->seq);
		for (unsigned int c = 0; c < s->nr_cpus; c++)
			printf("%scpu %u: %u", c ? ", " : "", s->cpus[c].id, s->cpus[c].seq);
		putchar(')');
	}
	if (!s->cycles_measured)
		printf(" (cycles not measured)");
	if (p)
		printf(", deltas over %u s", v->interval);
	printf("\n%-4s %-18s %14s %18s %10s", "cpu", "operation", "count", "cycles", "cyc/op");
	if (p)
		printf(" %12s %16s", "+count", "+cycles");
	putchar('\n');
	for (unsigned int c = 0; c < s->nr_cpus; c++) {
		const struct pvkmap_cpu *cpu = &s->cpus[c];

		for (unsigned int i = 0; i < s->nr_ops; i++) {
			printf("%-4u %-18s %14llu %18llu %10llu", cpu->id, s->op_names[i],
			       (unsigned long long)cpu->op_count[i],
			       (unsigned long long)cpu->op_cycles[i],
			       (unsigned long long)(cpu->op_count[i]
							? cpu->op_cycles[i] / cpu->op_count[i]
							: 0));
			if (p)
				printf(" %12llu %16llu",
				       delta(cpu->op_count[i], p->cpus[c].op_count[i]),
				       delta(cpu->op_cycles[i], p->cpus[c].op_cycles[i]));
			putchar('\n');
		}
	}
	if (!s->nr_hcalls)
		return;

	if (s->hcalls_per_cpu) {
		printf("%-4s %-18s %14s %18s", "cpu", "hypercall", "calls", "traps");
		if (p)
			printf(" %10s %12s %16s", "", "+calls", "+traps");
		putchar('\n');
		for (unsigned int c = 0; c < s->nr_cpus; c++) {
			const struct pvkmap_cpu *cpu = &s->cpus[c];

			for (unsigned int i = 0; i < s->nr_hcalls; i++) {
				printf("%-4u %-18s %14llu %18llu", cpu->id, s->hcall_names[i],
				       (unsigned long long)cpu->hcall_calls[i],
				       (unsigned long long)cpu->hcall_traps[i]);
				if (p)
					printf(
					    " %10s %12llu %16llu", "",
					    delta(cpu->hcall_calls[i], p->cpus[c].hcall_calls[i]),
					    delta(cpu->hcall_traps[i], p->cpus[c].hcall_traps[i]));
				putchar('\n');
			}
		}
	} else {
		printf("%-4s %-18s %14s %18s %18s %10s\n", "nr", "hypercall", "calls", "traps",
		       "cycles", "cyc/call");
		for (unsigned int i = 0; i < s->nr_hcalls; i++)
			printf("%-4d %-18s %14llu %18llu %18llu %10llu\n", s->hcall_nr[i],
			       s->hcall_names[i], (unsigned long long)s->hcall_calls[i],
			       (unsigned long long)s->hcall_traps[i],
			       (unsigned long long)s->hcall_cycles[i],
			       (unsigned long long)(s->hcall_calls[i]
							? s->hcall_cycles[i] / s->hcall_calls[i]
							: 0));
	}
	if (s->has_xen_totals)
		printf("page updates %llu, mmuext ops %llu, multicall entries %llu\n",
		       (unsigned long long)s->page_updates, (unsigned long long)s->mmuext_ops,
		       (unsigned long long)s->multicall_entries);
}

/* A JSON string: file names may hold anything. Names from a snapshot never need this. */
static void json_string(const char *str)
{
	putchar('"');
	for (const unsigned char *c = (const unsigned char *)str; *c; c++) {
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			printf("\\u%04x", *c);
		else
			putchar(*c);
	}
	putchar('"');
}

static void json_u64(const char *key, uint64_t val, bool comma)
{
	printf("%s\"%s\":%llu", comma ? "," : "", key, (unsigned long long)val);
}

static void print_json(const struct pvkmap_snapshot *s, const struct view *v)
{
	const struct pvkmap_snapshot *p = v->prev;

	printf("{\"pvkmap_stat\":{");
	if (v->domid >= 0) {
		printf("\"domid\":%ld", v->domid);
		json_u64("seq", s->seq, true);
	} else {
		printf("\"log\":");
		json_string(v->source);
	}
	printf(",\"version\":%u,\"backend\":\"%s\"", s->version, s->backend);
	if (s->cycles_measured >= 0)
		printf(",\"cycles_measured\":%s", s->cycles_measured ? "true" : "false");
	if (p)
		printf(",\"interval\":%u", v->interval);
	printf(",\"cpus\":[");
	for (unsigned int c = 0; c < s->nr_cpus; c++) {
		const struct pvkmap_cpu *cpu = &s->cpus[c];

		printf("%s{\"cpu\":%u", c ? "," : "", cpu->id);
		if (v->domid >= 0)
			json_u64("seq", cpu->seq, true);
		printf(",\"ops\":{");
		for (unsigned int i = 0; i < s->nr_ops; i++) {
			printf("%s\"%s\":{", i ? "," : "", s->op_names[i]);
			json_u64("count", cpu->op_count[i], false);
			json_u64("cycles", cpu->op_cycles[i], true);
			if (p) {
				json_u64("count_delta",
					 delta(cpu->op_count[i], p->cpus[c].op_count[i]), true);
				json_u64("cycles_delta",
					 delta(cpu->op_cycles[i], p->cpus[c].op_cycles[i]), true);
			}
			putchar('}');
		}
		putchar('}');
		if (s->hcalls_per_cpu && s->nr_hcalls) {
			printf(",\"hypercalls\":{");
			for (unsigned int i = 0; i < s->nr_hcalls; i++) {
				printf("%s\"%s\":{", i ? "," : "", s->hcall_names[i]);
				json_u64("calls", cpu->hcall_calls[i], false);
				json_u64("traps", cpu->hcall_traps[i], true);
				if (p) {
					json_u64(
					    "calls_delta",
					    delta(cpu->hcall_calls[i], p->cpus[c].hcall_calls[i]),
					    true);
					json_u64(
					    "traps_delta",
					    delta(cpu->hcall_traps[i], p->cpus[c].hcall_traps[i]),
					    true);
				}
				putchar('}');
			}
			putchar('}');
		}
		putchar('}');
	}
	putchar(']');
	if (s->nr_hcalls) {
		printf(",\"hypercalls\":{");
		for (unsigned int i = 0; i < s->nr_hcalls; i++) {
			printf("%s\"%s\":{", i ? "," : "", s->hcall_names[i]);
			if (s->has_hcall_detail)
				printf("\"nr\":%d,", s->hcall_nr[i]);
			json_u64("calls", s->hcall_calls[i], false);
			json_u64("traps", s->hcall_traps[i], true);
			if (s->has_hcall_detail)
				json_u64("cycles", s->hcall_cycles[i], true);
			putchar('}');
		}
		putchar('}');
	}
	if (s->has_xen_totals) {
		json_u64("page_updates", s->page_updates, true);
		json_u64("mmuext_ops", s->mmuext_ops, true);
		json_u64("multicall_entries", s->multicall_entries, true);
	}
	printf("}}\n");
}

static void print(const struct pvkmap_snapshot *s, const struct view *v, bool json)
{
	if (json)
		print_json(s, v);
	else
		print_table(s, v);
	if (fflush(stdout) || ferror(stdout))
		die("cannot write the output: %s", strerror(errno));
}

/* ------------------------------------------------------------------------------------ */
/* --from-log */

static int from_log(const char *file, bool json)
{
	struct view v = {.source = file, .domid = -1};
	char err[256], *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *f = fopen(file, "rb");

	if (!f)
		die("cannot open %s: %s", file, strerror(errno));
	for (;;) {
		size_t n;

		if (len == cap) {
			cap = cap ? 2 * cap : 1 << 16;
			if (cap > LOG_MAX)
				die("%s: larger than %u MiB", file, LOG_MAX >> 20);
			buf = realloc(buf, cap);
			if (!buf)
				die("%s: out of memory", file);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		die("cannot read %s: %s", file, strerror(errno));
	fclose(f);
	if (pvkmap_log_parse(buf, len, &snap[0], err, sizeof(err)))
		die("%s: %s", file, err);
	free(buf);
	print(&snap[0], &v, json);
	return 0;
}

/* ------------------------------------------------------------------------------------ */
/* Live: the guest's counters page, mapped read-only from dom0 */

/* Xen's libraries log to stderr by default; keep their last word for our one-line error. */
static char xen_msg[200];

static void quiet_vmessage(struct xentoollog_logger *logger, xentoollog_level level, int errnoval,
			   const char *context, const char *format, va_list al)
    __attribute__((format(printf, 5, 0)));

static void quiet_vmessage(struct xentoollog_logger *logger, xentoollog_level level, int errnoval,
			   const char *context, const char *format, va_list al)
{
	int n;

	(void)logger;
	(void)level;
	(void)context;
	n = vsnprintf(xen_msg, sizeof(xen_msg), format, al);
	if (errnoval >= 0 && n >= 0 && (size_t)n < sizeof(xen_msg))
		snprintf(xen_msg + n, sizeof(xen_msg) - (size_t)n, ": %s", strerror(errnoval));
}

static void quiet_destroy(struct xentoollog_logger *logger)
{
	(void)logger;
}

static struct xentoollog_logger quiet_logger = {
    .vmessage = quiet_vmessage,
    .destroy = quiet_destroy,
};

static void xen_timeout(int sig)
{
	static const char msg[] = "pvkmap-stat: no answer from xenstore in 10 s "
				  "(is xenstored running?)\n";

	ssize_t n;

	(void)sig;
	n = write(2, msg, sizeof(msg) - 1);
	(void)n;
	_exit(1);
}

static void on_interrupt(int sig)
{
	(void)sig;
	stop = 1;
}

/* data/pvkmap/@key of @domid as a number, or -1 if the key is absent. */
static long long xs_number(struct xs_handle *xs, unsigned int domid, const char *key,
			   unsigned long long max)
{
	char path[96];
	unsigned int len;
	long long v;
	char *val;

	snprintf(path, sizeof(path), "/local/domain/%u/data/pvkmap/%s", domid, key);
	val = xs_read(xs, XBT_NULL, path, &len);
	if (!val) {
		if (errno == ENOENT)
			return -1;
		die("cannot read %s from xenstore: %s", path, strerror(errno));
	}
	v = strlen(val) == len ? number(val, max) : -1;
	if (v < 0)
		die("%s is \"%.32s\", not a number up to %llu", path, val, max);
	free(val);
	return v;
}

/*
 * The frame to map. An auto-translated guest (HVM, PVH) is mapped by its own pfn; a PV
 * guest has no such layer, so mapping needs the machine frame: published by the guest
 * (counters-mfn), or found by walking its page tables from a virtual address (counters-va).
 * Xen refuses to map a frame the domain does not own, so a lying guest only shows itself.
 */
static xen_pfn_t find_frame(xc_interface *xch, unsigned int domid, bool translated)
{
	struct xs_handle *xs;
	long long pfn, mfn, va;
	unsigned long frame;

	alarm(XEN_TIMEOUT);
	xs = xs_open(0);
	if (!xs)
		die("cannot reach xenstore: %s (is this a Xen dom0 with xenstored, run as root?)",
		    strerror(errno));
	pfn = xs_number(xs, domid, "counters", (1ull << 52) - 1);
	if (pfn < 0)
		die("domain %u has no data/pvkmap/counters in xenstore (not a pvkmap guest, "
		    "or it has not published its counters page yet)",
		    domid);
	mfn = translated ? -1 : xs_number(xs, domid, "counters-mfn", (1ull << 52) - 1);
	va = translated || mfn >= 0 ? -1 : xs_number(xs, domid, "counters-va", UINT32_MAX);
	xs_close(xs);
	alarm(0);

	if (translated)
		return (xen_pfn_t)pfn;
	if (mfn >= 0)
		return (xen_pfn_t)mfn;
	if (va < 0)
		die("domain %u is a PV guest and publishes only a pfn (%lld); mapping it needs "
		    "data/pvkmap/counters-mfn or data/pvkmap/counters-va",
		    domid, pfn);
	if (va % PVKMAP_COUNTERS_SIZE)
		die("domain %u: data/pvkmap/counters-va 0x%llx is not page-aligned", domid, va);
	xen_msg[0] = '\0';
	frame = xc_translate_foreign_address(xch, domid, 0, (unsigned long long)va);
	if (!frame)
		die("domain %u: cannot translate counters-va 0x%llx on vCPU 0: %s", domid, va,
		    xen_msg[0] ? xen_msg : strerror(errno));
	return frame;
}

/* Does @domid exist (still, if @again) and is it alive? Its info in @info. */
static void domain_info(xc_interface *xch, unsigned int domid, xc_dominfo_t *info, bool again)
{
	int n;

	xen_msg[0] = '\0';
	n = xc_domain_getinfo(xch, domid, 1, info);

	/* Xen 4.17 answers ESRCH when no domain has an id >= @domid. */
	if (n < 0 && errno == ESRCH)
		n = 0;
	if (n < 0)
		die("cannot get domain %u's information from Xen: %s", domid,
		    xen_msg[0] ? xen_msg : strerror(errno));
	if (n == 0 || info->domid != domid)
		die("domain %u %s", domid, again ? "has gone" : "does not exist");
	if (info->dying)
		die("domain %u is dying", domid);
}

/* Between two tries of one part of the page: spin at first, then let the guest run. */
static void backoff(void *arg, unsigned int n)
{
	(void)arg;
	if (n >= 10)
		usleep(1000); /* the guest may be descheduled mid-update */
}

/* Copy the page with its seqlocks (a header, a block per CPU) and parse the copy. */
static void read_page(const void *page, unsigned int domid, struct pvkmap_snapshot *s)
{
	static uint8_t copy[PVKMAP_COUNTERS_SIZE];
	char err[256];
	int rc;

	rc = pvkmap_page_copy(page, copy, SEQ_TRIES, backoff, NULL, err, sizeof(err));
	if (!rc)
		rc = pvkmap_page_parse(copy, sizeof(copy), s, err, sizeof(err));
	if (rc)
		die("domain %u's counters page: %s", domid, err);
}

static int live(unsigned int domid, bool json, long watch)
{
	struct view v = {.source = NULL, .domid = domid};
	char source[32];
	xc_interface *xch;
	xc_dominfo_t info;
	xenforeignmemory_handle *fmem;
	xen_pfn_t frame;
	void *page;
	int merr = 0;

	signal(SIGALRM, xen_timeout);
	xch = xc_interface_open(&quiet_logger, &quiet_logger, 0);
	if (!xch)
		die("cannot reach Xen: %s (is this a Xen dom0, run as root?)",
		    xen_msg[0] ? xen_msg : strerror(errno));
	domain_info(xch, domid, &info, false);
	frame = find_frame(xch, domid, info.hvm);

	xen_msg[0] = '\0';
	fmem = xenforeignmemory_open(&quiet_logger, 0);
	if (!fmem)
		die("cannot open Xen's foreign memory interface: %s",
		    xen_msg[0] ? xen_msg : strerror(errno));
	page = xenforeignmemory_map(fmem, domid, PROT_READ, 1, &frame, &merr);
	/* Per-page errors come back negated from Linux's privcmd (-EPERM: not the domain's). */
	if (!page || merr)
		die("cannot map frame 0x%llx of domain %u read-only: %s", (unsigned long long)frame,
		    domid, strerror(page ? abs(merr) : errno));

	snprintf(source, sizeof(source), "domain %u", domid);
	v.source = source;
	signal(SIGINT, on_interrupt);
	signal(SIGTERM, on_interrupt);
	for (unsigned int n = 0;; n ^= 1) {
		read_page(page, domid, &snap[n]);
		v.prev = v.interval && same_layout(&snap[n], &snap[n ^ 1]) ? &snap[n ^ 1] : NULL;
		print(&snap[n], &v, json);
		if (!watch)
			break;
		/* sleep() returns early on a signal: then stop is set. */
		for (unsigned int left = (unsigned int)watch; left && !stop;)
			left = sleep(left);
		if (stop)
			break;
		v.interval = (unsigned int)watch;
		domain_info(xch, domid, &info, true);
	}
	xenforeignmemory_unmap(fmem, page, 1);
	xenforeignmemory_close(fmem);
	xc_interface_close(xch);
	return 0;
}

int main(int argc, char **argv)
{
	const char *log = NULL, *dom = NULL;
	bool json = false;
	long watch = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			return 0;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--from-log")) {
			if (++i == argc)
				usage("--from-log needs a FILE");
			log = argv[i];
		} else if (!strcmp(a, "--watch") || !strncmp(a, "--watch=", 8)) {
			const char *secs = a[7] ? a + 8 : NULL;

			/* The optional SECONDS: the next argument if it is a number. */
			if (!secs && i + 1 < argc && number(argv[i + 1], ~0ull) >= 0)
				secs = argv[++i];
			watch = secs ? number(secs, 86400) : 1;
			if (watch < 1)
				usage("--watch: SECONDS '%s' is not a number in 1..86400", secs);
		} else if (a[0] == '-') {
			usage("unknown option '%s'", a);
		} else if (dom) {
			usage("one DOMID only ('%s' and '%s')", dom, a);
		} else {
			dom = a;
		}
	}
	if (log) {
		if (dom)
			usage("give a DOMID or --from-log FILE, not both");
		if (watch)
			usage("--watch needs a live domain, not --from-log");
		return from_log(log, json);
	}
	if (!dom)
		usage("no DOMID given");
	/* Domain ids at and above DOMID_FIRST_RESERVED name no guest. */
	if (number(dom, DOMID_FIRST_RESERVED - 1) < 0)
		usage("DOMID '%s' is not a domain id (0..%u)", dom, DOMID_FIRST_RESERVED - 1);
	return live((unsigned int)number(dom, DOMID_FIRST_RESERVED - 1), json, watch);
}
