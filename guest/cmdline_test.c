/* Self-tests of command-line parsing, bad values included. */
#include "guest/cmdline.h"
#include "guest/ktest.h"
#include "guest/lib/string.h"

static struct boot_options parsed(const char *line, unsigned *problems)
{
	struct boot_options o;

	boot_options_default(&o);
	*problems = cmdline_parse(line, &o);
	return o;
}

static void cmdline_parses_good_values(struct ktest *t)
{
	unsigned p;
	struct boot_options o =
	    parsed("  mem=512M vmalloc=256m   test=buddy,zones loglevel=4 pvmmu=writable "
		   "directmap=4k ",
		   &p);

	KT_EXPECT_EQ(t, p, 0);
	KT_EXPECT_EQ(t, o.mem_limit, MiB(512));
	KT_EXPECT_EQ(t, o.vmalloc_size, MiB(256));
	KT_EXPECT(t, !strcmp(o.test, "buddy,zones"));
	KT_EXPECT_EQ(t, o.loglevel, 4);
	KT_EXPECT_EQ(t, o.pvmmu, PVMMU_WRITABLE);
	KT_EXPECT(t, o.directmap_4k);
	o = parsed("mem=6G vmalloc=8192K directmap=4K directmap=2M", &p);
	KT_EXPECT_EQ(t, p, 0);
	KT_EXPECT(t, !o.directmap_4k);
	KT_EXPECT_EQ(t, o.mem_limit, GiB(6));
	KT_EXPECT_EQ(t, o.vmalloc_size, MiB(8));
	o = parsed("typed_pool=0 typed_pool=64M", &p);
	KT_EXPECT_EQ(t, p, 0);
	KT_EXPECT_EQ(t, o.typed_pool_size, MiB(64));
	o = parsed("typed_pool=0", &p);
	KT_EXPECT_EQ(t, o.typed_pool_size, 0);
}

static void cmdline_empty_keeps_defaults(struct ktest *t)
{
	unsigned p;
	struct boot_options o = parsed("", &p);

	KT_EXPECT_EQ(t, p, 0);
	KT_EXPECT_EQ(t, o.mem_limit, 0);
	KT_EXPECT_EQ(t, o.vmalloc_size, MiB(128));
	KT_EXPECT(t, !strcmp(o.test, "all"));
	KT_EXPECT_EQ(t, o.loglevel, 7);
	KT_EXPECT_EQ(t, o.pvmmu, PVMMU_BATCHED);
	KT_EXPECT(t, !o.directmap_4k);
	KT_EXPECT_EQ(t, o.typed_pool_size, MiB(4));
}

/* Each bad value is one problem, and the option keeps its default. */
static void cmdline_bad_values_keep_defaults(struct ktest *t)
{
	static const char *const bad[] = {
	    "mem=abc",	     "mem=",
	    "mem",	     "mem=12Q",
	    "mem=1M",	     "mem=99999999999999999999G",
	    "vmalloc=1M",    "vmalloc=2G",
	    "vmalloc=x",     "loglevel=9",
	    "loglevel=-1",   "loglevel=3K",
	    "test=",	     "pvmmu=",
	    "pvmmu=fast",    "kmap=fast",
	    "kmap_debug=1",  "directmap=1g",
	    "directmap",     "directmap=4kb",
	    "directmap=",    "pagealloc_debug=yes",
	    "typed_pool=3M", "typed_pool=66M",
	    "typed_pool=",   "typed_pool",
	};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		unsigned p;
		struct boot_options o = parsed(bad[i], &p);

		if (!ktest_check(t, p == 1, __FILE__, __LINE__, "'%s': %u problems", bad[i], p))
			continue;
		KT_EXPECT_EQ(t, o.mem_limit, 0);
		KT_EXPECT_EQ(t, o.vmalloc_size, MiB(128));
		KT_EXPECT_EQ(t, o.loglevel, 7);
		KT_EXPECT(t, !strcmp(o.test, "all"));
		KT_EXPECT_EQ(t, o.pvmmu, PVMMU_BATCHED);
		KT_EXPECT(t, !o.kmap_lazy && o.kmap_debug);
		KT_EXPECT(t, !o.pagealloc_debug);
		KT_EXPECT(t, !o.directmap_4k);
		KT_EXPECT_EQ(t, o.typed_pool_size, MiB(4));
	}
}

static void cmdline_unknown_options_are_counted(struct ktest *t)
{
	unsigned p;
	struct boot_options o = parsed("quiet foo=bar mem=64M", &p);

	KT_EXPECT_EQ(t, p, 2);
	KT_EXPECT_EQ(t, o.mem_limit, MiB(64));
}

static void cmdline_overlong_word_is_refused(struct ktest *t)
{
	char line[300];
	unsigned p;
	struct boot_options o;

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = 0;
	memcpy(line, "test=", 5);
	o = parsed(line, &p);
	KT_EXPECT_EQ(t, p, 1);
	KT_EXPECT(t, !strcmp(o.test, "all"));
}

KTEST_SUITE(cmdline, KTEST_CASE(cmdline_parses_good_values),
	    KTEST_CASE(cmdline_empty_keeps_defaults), KTEST_CASE(cmdline_bad_values_keep_defaults),
	    KTEST_CASE(cmdline_unknown_options_are_counted),
	    KTEST_CASE(cmdline_overlong_word_is_refused));
