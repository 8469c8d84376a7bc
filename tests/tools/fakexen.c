/*
 * A pretend Xen for pvkmap-stat's live mode, loaded with LD_PRELOAD: the few libxenctrl,
 * libxenstore and libxenforeignmemory calls the tool makes, answered from environment
 * variables, so the whole live path (xenstore keys, frame choice, mapping, seqlock copy,
 * --watch) runs on a machine without Xen.
 *
 *   FAKEXEN_DOMID=N        the one domain that exists (none without it)
 *   FAKEXEN_HVM=1          it is auto-translated (HVM/PVH) rather than PV
 *   FAKEXEN_XS="k=v ..."   its data/pvkmap/ keys, e.g. "counters=100 counters-mfn=7"
 *   FAKEXEN_XS_HANG=1      xenstore never answers
 *   FAKEXEN_FRAME=N        the only frame that maps (others fail with -EPERM)
 *   FAKEXEN_VA_FRAME=N     what translating any virtual address gives (0: fails)
 *   FAKEXEN_PAGE=FILE      the page's bytes (default: a valid 2-CPU Xen page)
 *   FAKEXEN_WRITER=1       a thread per CPU rewrites that CPU's block all the time, under
 *                          its seq, each at its own pace: in CPU c's block every count is
 *                          v and every cycles 10 * v, v growing
 *   FAKEXEN_ODD=1          the header's seq stays odd (a guest that died writing it)
 *   FAKEXEN_ODD_CPU=N      CPU N's block seq stays odd (its vCPU paused mid-update)
 *   FAKEXEN_GONE_AFTER=N   the domain disappears after N domain-info calls
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xenstore.h>

#include "tests/tools/pagebuild.h"

static int dummy;
static uint8_t *page;

static long env(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 0) : def;
}

xc_interface *xc_interface_open(xentoollog_logger *logger, xentoollog_logger *dombuild_logger,
				unsigned open_flags)
{
	(void)logger;
	(void)dombuild_logger;
	(void)open_flags;
	return (xc_interface *)&dummy;
}

int xc_interface_close(xc_interface *xch)
{
	(void)xch;
	return 0;
}

/* Like Xen: the first domain at or above @first_domid. */
int xc_domain_getinfo(xc_interface *xch, uint32_t first_domid, unsigned int max_doms,
		      xc_dominfo_t *info)
{
	static long calls;
	long domid = env("FAKEXEN_DOMID", -1);

	(void)xch;
	/* As Xen 4.17 does when no domain has an id >= first_domid. */
	if (domid < 0 || first_domid > domid || !max_doms ||
	    ++calls > env("FAKEXEN_GONE_AFTER", 1000000)) {
		errno = ESRCH;
		return -1;
	}
	memset(info, 0, sizeof(*info));
	info->domid = (uint32_t)domid;
	info->hvm = env("FAKEXEN_HVM", 0) ? 1 : 0;
	return 1;
}

unsigned long xc_translate_foreign_address(xc_interface *xch, uint32_t dom, int vcpu,
					   unsigned long long virt)
{
	(void)xch;
	(void)dom;
	(void)vcpu;
	(void)virt;
	errno = EADDRNOTAVAIL;
	return (unsigned long)env("FAKEXEN_VA_FRAME", 0);
}

struct xs_handle *xs_open(unsigned long flags)
{
	(void)flags;
	return (struct xs_handle *)&dummy;
}

void xs_close(struct xs_handle *xsh)
{
	(void)xsh;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *len)
{
	const char *keys = getenv("FAKEXEN_XS"), *key;
	char prefix[64];
	size_t n;

	(void)h;
	(void)t;
	if (env("FAKEXEN_XS_HANG", 0))
		for (;;)
			pause();
	snprintf(prefix, sizeof(prefix), "/local/domain/%ld/data/pvkmap/",
		 env("FAKEXEN_DOMID", -1));
	n = strlen(prefix);
	if (!keys || strncmp(path, prefix, n)) {
		errno = ENOENT;
		return NULL;
	}
	key = path + n;
	for (const char *k = keys; (k = strstr(k, key)); k++) {
		if ((k == keys || k[-1] == ' ') && k[strlen(key)] == '=') {
			const char *v = k + strlen(key) + 1;
			size_t vlen = strcspn(v, " ");
			char *val = malloc(vlen + 1);

			memcpy(val, v, vlen);
			val[vlen] = '\0';
			*len = (unsigned int)vlen;
			return val;
		}
	}
	errno = ENOENT;
	return NULL;
}

xenforeignmemory_handle *xenforeignmemory_open(struct xentoollog_logger *logger,
					       unsigned open_flags)
{
	(void)logger;
	(void)open_flags;
	return (xenforeignmemory_handle *)&dummy;
}

int xenforeignmemory_close(xenforeignmemory_handle *fmem)
{
	(void)fmem;
	return 0;
}

static void store(uint8_t *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++, v >>= 8)
		__atomic_store_n(p + i, (uint8_t)v, __ATOMIC_RELAXED);
}

/*
 * CPU @cpu's update of its block, as the guest's counters_page_update_cpu(): seq odd, every
 * counter rewritten (slowly, to invite torn reads), seq even. The default page's shape.
 */
static void rewrite(unsigned int cpu, uint64_t v)
{
	const unsigned int nr_ops = 14, nr_hcalls = 4;
	uint8_t *b = pb_block(page, cpu);
	uint32_t *seq = (uint32_t *)(b + offsetof(struct pvkmap_counters_block, seq));
	uint32_t len = pb_stride(nr_ops, nr_hcalls);

	__atomic_store_n(seq, *seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (uint32_t off = sizeof(struct pvkmap_counters_block); off < len; off += 8) {
		uint32_t slot = (off - sizeof(struct pvkmap_counters_block)) / 8;

		store(b + off, slot >= nr_ops && slot < 2 * nr_ops ? 10 * v : v, 8);
		if (off % 128 == 0)
			usleep(20);
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(seq, *seq + 1, __ATOMIC_RELAXED);
}

/* One CPU's writer; CPU c pauses (c + 1) * 200 us between updates, so the blocks drift. */
static void *writer(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg;

	for (uint64_t v = 1;; v++) {
		rewrite(cpu, v);
		usleep(200 * (cpu + 1));
	}
	return NULL;
}

void *xenforeignmemory_map(xenforeignmemory_handle *fmem, uint32_t dom, int prot, size_t pages,
			   const xen_pfn_t arr[], int err[])
{
	const char *file = getenv("FAKEXEN_PAGE");
	pthread_t thread;

	(void)fmem;
	(void)prot;
	page = mmap(NULL, PVKMAP_COUNTERS_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (page == MAP_FAILED)
		return NULL;
	/* Like Xen through Linux's privcmd: a mapping, and a negated errno for the page. */
	if (dom != env("FAKEXEN_DOMID", -1) || pages != 1 ||
	    arr[0] != (xen_pfn_t)env("FAKEXEN_FRAME", -1)) {
		err[0] = -EPERM;
		return page;
	}
	if (file) {
		FILE *f = fopen(file, "rb");

		if (!f || !fread(page, 1, PVKMAP_COUNTERS_SIZE, f))
			return NULL;
		fclose(f);
	} else {
		pb_build(page, 2, 14, 4, "xen");
	}
	if (env("FAKEXEN_ODD", 0))
		PB_SET(page, seq, 43);
	if (env("FAKEXEN_ODD_CPU", -1) >= 0)
		pb_put(pb_block(page, (unsigned int)env("FAKEXEN_ODD_CPU", -1)), 43, 4);
	if (env("FAKEXEN_WRITER", 0)) {
		for (unsigned int cpu = 0; cpu < 2; cpu++) {
			rewrite(cpu, 0); /* every snapshot, the first too, is consistent */
			pthread_create(&thread, NULL, writer, (void *)(uintptr_t)cpu);
		}
	}
	err[0] = 0;
	return page;
}

int xenforeignmemory_unmap(xenforeignmemory_handle *fmem, void *addr, size_t pages)
{
	(void)fmem;
	(void)pages;
	/* The writer thread would fault on an unmapped page: leave it to the exit. */
	if (env("FAKEXEN_WRITER", 0))
		return 0;
	return munmap(addr, PVKMAP_COUNTERS_SIZE);
}
