#include "guest/cmdline.h"
#include "guest/printk.h"
#include "guest/lib/string.h"
#include "guest/kernel_base.h"

_Static_assert(NR_CPUS == 8, "maxcpus= says 1 to 8");

struct boot_options boot_options;
const char *const pvmmu_names[PVMMU_NR] = {
    [PVMMU_HYPERCALL] = "hypercall",
    [PVMMU_BATCHED] = "batched",
    [PVMMU_WRITABLE] = "writable",
};

void boot_options_default(struct boot_options *o)
{
	o->mem_limit = 0;
	o->vmalloc_size = MiB(128);
	strlcpy(o->test, "all", sizeof(o->test));
	strlcpy(o->bench, "none", sizeof(o->bench));
	o->loglevel = LOG_DEBUG;
	o->pvmmu = PVMMU_BATCHED;
	o->kmap_lazy = false;
	o->kmap_debug = true;
	o->pagealloc_debug = false;
	o->directmap_4k = false;
	o->typed_pool_size = MiB(4);
}

bool parse_size(const char *s, u64 *out)
{
	u64 v = 0;
	unsigned shift = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (~0ull - 9) / 10)
			return false;
		v = v * 10 + (u64)(*s - '0');
	}
	switch (*s) {
	case 'k':
	case 'K':
		shift = 10;
		s++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		s++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		s++;
		break;
	}
	if (*s || (shift && v > (~0ull >> shift)))
		return false;
	*out = v << shift;
	return true;
}

static bool parse_int(const char *s, int *out)
{
	u64 v;

	if (!parse_size(s, &v) || v > 1000 || (s[strlen(s) - 1] < '0' || s[strlen(s) - 1] > '9'))
		return false;
	*out = (int)v;
	return true;
}

static unsigned bad(const char *opt, const char *val, const char *why, const char *used)
{
	pr_warn("cmdline: %s=%s: %s; using %s\n", opt, val, why, used);
	return 1;
}

static unsigned set_option(struct boot_options *o, const char *key, const char *val)
{
	u64 size;
	int n;

	if (!strcmp(key, "mem")) {
		if (!val || !parse_size(val, &size))
			return bad(key, val ? val : "", "not a size like 512M", "all RAM");
		if (size < MEM_LIMIT_MIN)
			return bad(key, val, "below the 16M minimum", "all RAM");
		o->mem_limit = size;
	} else if (!strcmp(key, "vmalloc")) {
		if (!val || !parse_size(val, &size))
			return bad(key, val ? val : "", "not a size like 256M", "128M");
		if (size < MiB(8) || size > MiB(800))
			return bad(key, val, "outside 8M..800M", "128M");
		o->vmalloc_size = size;
	} else if (!strcmp(key, "test")) {
		if (!val || !*val || strlen(val) >= sizeof(o->test))
			return bad(key, val ? val : "", "empty or too long", "all");
		strlcpy(o->test, val, sizeof(o->test));
	} else if (!strcmp(key, "bench")) {
		if (!val || !*val || strlen(val) >= sizeof(o->bench))
			return bad(key, val ? val : "", "empty or too long", "none");
		strlcpy(o->bench, val, sizeof(o->bench));
	} else if (!strcmp(key, "pvmmu")) {
		for (n = 0; n < PVMMU_NR; n++)
			if (val && !strcmp(val, pvmmu_names[n]))
				break;
		if (n == PVMMU_NR)
			return bad(key, val ? val : "", "not hypercall, batched or writable",
				   "batched");
		o->pvmmu = (enum pvmmu_mode)n;
	} else if (!strcmp(key, "kmap")) {
		if (val && !strcmp(val, "strict"))
			o->kmap_lazy = false;
		else if (val && !strcmp(val, "lazy"))
			o->kmap_lazy = true;
		else
			return bad(key, val ? val : "", "not strict or lazy", "strict");
	} else if (!strcmp(key, "kmap_debug")) {
		if (val && !strcmp(val, "on"))
			o->kmap_debug = true;
		else if (val && !strcmp(val, "off"))
			o->kmap_debug = false;
		else
			return bad(key, val ? val : "", "not on or off", "on");
	} else if (!strcmp(key, "pagealloc_debug")) {
		if (val && !strcmp(val, "on"))
			o->pagealloc_debug = true;
		else if (val && !strcmp(val, "off"))
			o->pagealloc_debug = false;
		else
			return bad(key, val ? val : "", "not on or off", "off");
	} else if (!strcmp(key, "directmap")) {
		/* Either case, as sizes take 256m or 256M. */
		if (val && (!strcmp(val, "2m") || !strcmp(val, "2M")))
			o->directmap_4k = false;
		else if (val && (!strcmp(val, "4k") || !strcmp(val, "4K")))
			o->directmap_4k = true;
		else
			return bad(key, val ? val : "", "not 2m or 4k", "2m");
	} else if (!strcmp(key, "typed_pool")) {
		/* Whole 2 MiB units (one direct-map entry each), at most the pool's 32. */
		if (!val || !parse_size(val, &size) || size % MiB(2) || size > MiB(64))
			return bad(key, val ? val : "", "not a multiple of 2M up to 64M", "4M");
		o->typed_pool_size = size;
	} else if (!strcmp(key, "testcpus")) {
		if (val && !strcmp(val, "all"))
			o->test_every_cpu = true;
		else if (val && !strcmp(val, "boot"))
			o->test_every_cpu = false;
		else
			return bad(key, val ? val : "", "not all or boot", "boot");
	} else if (!strcmp(key, "maxcpus")) {
		if (!val || !parse_int(val, &n) || n < 1 || n > NR_CPUS)
			return bad(key, val ? val : "", "not a CPU count from 1 to 8",
				   "all offered");
		o->max_cpus = (unsigned)n;
	} else if (!strcmp(key, "loglevel")) {
		if (!val || !parse_int(val, &n) || n > 8)
			return bad(key, val ? val : "", "not a level 0-8", "7");
		o->loglevel = n;
	} else {
		pr_warn("cmdline: unknown option '%s%s%s' ignored\n", key, val ? "=" : "",
			val ? val : "");
		return 1;
	}
	return 0;
}

void cmdline_check_length(const char *kept, size_t len, size_t size, size_t protocol)
{
	size_t n = strlen(kept);
	const char *last = n > 40 ? kept + n - 40 : kept;

	if (len >= size)
		pr_warn("cmdline: %u bytes, more than the %u kept: options after '...%s' are "
			"ignored\n",
			(unsigned)len, (unsigned)size - 1, last);
	else if (protocol && len >= protocol - 1)
		pr_warn("cmdline: %u bytes, the most the boot protocol passes (%u): anything after "
			"'...%s' was cut before the kernel saw it\n",
			(unsigned)len, (unsigned)protocol - 1, last);
}

/* Options are separated by any whitespace, as Linux splits them. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

unsigned cmdline_parse(const char *cmdline, struct boot_options *o)
{
	unsigned problems = 0;
	char word[160];

	while (*cmdline) {
		size_t n = 0;
		char *eq;

		while (is_space(*cmdline))
			cmdline++;
		if (!*cmdline)
			break;
		while (cmdline[n] && !is_space(cmdline[n]))
			n++;
		if (n >= sizeof(word)) {
			pr_warn("cmdline: option of %u characters ignored (limit %u)\n",
				(unsigned)n, (unsigned)sizeof(word) - 1);
			problems++;
			cmdline += n;
			continue;
		}
		memcpy(word, cmdline, n);
		word[n] = 0;
		cmdline += n;
		eq = strchr(word, '=');
		if (eq)
			*eq = 0;
		problems += set_option(o, word, eq ? eq + 1 : NULL);
	}
	return problems;
}
