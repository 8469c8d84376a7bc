/*
 * The typed page pool (mm/typed_pool.h). An allocation's first page carries PG_typed_pool
 * and its order in page->order while it is out; its type is the page's registered one
 * (page->flags mirrors the registry), so a free is checked without a table of allocations.
 */
#include "mm/typed_pool.h"
#include "mm/gfp.h"
#include "mm/layout.h"
#include "mm/set_memory.h"
#include "mm/vmalloc.h"
#include "mm/zone.h"
#include "guest/panic.h"
#include "guest/preempt.h"
#include "guest/printk.h"
#include "guest/spinlock.h"
#include "guest/lib/string.h"
#include "pv/ops.h"

#define OWNER "typed_pool"
#define MAP_WORDS (TYPED_POOL_UNIT_PAGES / 32)

/*
 * A reserved unit: 512 frames from @first, 2 MiB-aligned. A unit holds its first user's
 * @type (registry and direct map) until its last page comes back, then is PCM_WB again; only
 * a failed change back (no page for a split) leaves an empty unit typed, serving that type.
 * Bit i of @map is set while frame first + i is handed out.
 */
struct unit {
	struct page *first;
	enum page_cache_mode type;
	unsigned used;
	u32 map[MAP_WORDS];
};

/* units[0..nr_units) fixed at boot; pool_lock covers their state and vmap_pages. */
static struct unit units[TYPED_POOL_UNITS_MAX];
static unsigned nr_units;
static spinlock_t pool_lock;
/* The array vmap is handed (up to a unit's worth): too large for a kernel stack. */
static struct page *vmap_pages[TYPED_POOL_UNIT_PAGES];
/* Why fewer units than asked were reserved (NULL when all were), for the boot line. */
static const char *short_why;
static u64 asked_bytes;

void typed_pool_reserve(u64 bytes)
{
	u32 want = (u32)(bytes >> (PAGE_SHIFT + TYPED_POOL_UNIT_ORDER));
	u64 cap = zones[ZONE_NORMAL].managed_pages / 8 / TYPED_POOL_UNIT_PAGES;

	asked_bytes = bytes;
	if (!want)
		return;
	if (pv_mmu->cache_modes == PCM_BIT(PCM_WB)) {
		short_why = pv_mmu->cache_modes_why; /* no type to give a unit */
		return;
	}
	if (want > cap) {
		want = (u32)cap;
		short_why = "more than an eighth of ZONE_NORMAL";
	}
	while (nr_units < want) {
		struct page *p = alloc_pages_zone(ZONE_NORMAL, TYPED_POOL_UNIT_ORDER);

		if (!p) {
			short_why = "ZONE_NORMAL has no more free 2 MiB blocks";
			break;
		}
		units[nr_units++] = (struct unit){.first = p, .type = PCM_WB};
	}
}

void typed_pool_print(void)
{
	u64 asked = asked_bytes >> 20;
	pfn_t lo = ~0u, hi = 0;

	if (!asked_bytes) {
		cprintf("typed_pool: no lowmem units (typed_pool=0); typed pages from highmem "
			"only\n");
		return;
	}
	if (!nr_units) {
		cprintf("typed_pool: no lowmem units of the %llu MiB asked: %s\n", asked,
			short_why);
		return;
	}
	for (unsigned i = 0; i < nr_units; i++) {
		lo = MIN(lo, page_to_pfn(units[i].first));
		hi = MAX(hi, page_to_pfn(units[i].first) + TYPED_POOL_UNIT_PAGES - 1);
	}
	cprintf("typed_pool: %u MiB of lowmem in %u units of 2 MiB %s frames 0x%x-0x%x%s%s "
		"(%llu MiB asked); highmem first\n",
		nr_units * 2, nr_units,
		hi - lo + 1 == nr_units * TYPED_POOL_UNIT_PAGES ? "at" : "between", lo, hi,
		short_why ? ", fewer: " : "", short_why ? short_why : "", asked);
}

static bool bit_set(const struct unit *u, unsigned i)
{
	return u->map[i / 32] & (1u << (i % 32));
}

static void mark(struct unit *u, unsigned start, unsigned n, bool used)
{
	for (unsigned i = start; i < start + n; i++) {
		if (used)
			u->map[i / 32] |= 1u << (i % 32);
		else
			u->map[i / 32] &= ~(1u << (i % 32));
	}
	u->used = used ? u->used + n : u->used - n;
}

/* The first free run of @n frames aligned to @n in @u, or -1. */
static int find_run(const struct unit *u, unsigned n)
{
	for (unsigned start = 0; start < TYPED_POOL_UNIT_PAGES; start += n) {
		unsigned i = start;

		while (i < start + n && !bit_set(u, i))
			i++;
		if (i == start + n)
			return (int)start;
	}
	return -1;
}

static struct unit *unit_of(const struct page *page)
{
	for (unsigned i = 0; i < nr_units; i++)
		if ((u32)(page - units[i].first) < TYPED_POOL_UNIT_PAGES)
			return &units[i];
	return NULL;
}

/* vmap @n pages from @page with @type and mark the first as an allocation. Lock held. */
static void *map_allocation(struct page *page, unsigned order, enum page_cache_mode type)
{
	unsigned n = 1u << order;
	void *va;

	for (unsigned i = 0; i < n; i++)
		vmap_pages[i] = page + i;
	va = vmap(vmap_pages, n, pgprot_cachemode(PAGE_KERNEL, type));
	if (va) {
		page->flags |= PG_typed_pool;
		page->order = order;
	}
	return va;
}

/*
 * The allocators below return NULL with *@said false when nothing is free, and with *@said
 * true when set_pages_type or vmap failed and printed its line. Lock held.
 */
static void *alloc_highmem(enum page_cache_mode type, unsigned order, bool *said)
{
	struct page *page = alloc_pages_zone(ZONE_HIGHMEM, order);
	void *va;

	if (!page)
		return NULL;
	/* Frames nothing maps: the registry only, unless a stale pkmap slot still holds one. */
	if (set_pages_type(page, 1u << order, type, OWNER)) {
		__free_pages(page, order);
		*said = true;
		return NULL;
	}
	va = map_allocation(page, order, type);
	if (!va) {
		*said = true;
		set_pages_type(page, 1u << order, PCM_WB, OWNER);
		__free_pages(page, order);
	}
	return va;
}

/* From a unit already of @type, else from a free one, which takes @type. */
static void *alloc_unit(enum page_cache_mode type, unsigned order, bool *said)
{
	unsigned n = 1u << order;
	struct unit *u = NULL;
	int start = -1;
	void *va;

	for (unsigned i = 0; i < nr_units && start < 0; i++)
		if (units[i].type == type && (start = find_run(&units[i], n)) >= 0)
			u = &units[i];
	for (unsigned i = 0; i < nr_units && !u; i++) {
		if (units[i].type != PCM_WB)
			continue;
		if (set_pages_type(units[i].first, TYPED_POOL_UNIT_PAGES, type, OWNER)) {
			*said = true;
			return NULL;
		}
		u = &units[i];
		u->type = type;
		start = 0;
	}
	if (!u)
		return NULL;
	mark(u, (unsigned)start, n, true);
	va = map_allocation(u->first + start, order, type);
	if (!va) {
		*said = true;
		mark(u, (unsigned)start, n, false);
		if (!u->used && !set_pages_type(u->first, TYPED_POOL_UNIT_PAGES, PCM_WB, OWNER))
			u->type = PCM_WB;
	}
	return va;
}

void *alloc_pages_type(enum page_cache_mode type, unsigned order)
{
	void *va = NULL;
	bool said = false;

	BUG_ON(type >= PCM_NR);
	if (!(pv_mmu->cache_modes & PCM_BIT(type))) {
		pr_err("alloc_pages_type(%s, order %u): refused: %s\n", cachemode_names[type],
		       order, pv_mmu->cache_modes_why);
		return NULL;
	}
	if (order > TYPED_POOL_UNIT_ORDER) {
		pr_err("alloc_pages_type(%s, order %u): above order %u, a unit\n",
		       cachemode_names[type], order, TYPED_POOL_UNIT_ORDER);
		return NULL;
	}
	preempt_disable();
	spin_lock(&pool_lock);
	if (type == PCM_WB) {
		struct page *page = alloc_pages(GFP_HIGHMEM, order);

		if (page) {
			va = map_allocation(page, order, PCM_WB);
			said = !va;
			if (!va)
				__free_pages(page, order);
		}
	} else {
		va = alloc_highmem(type, order, &said);
		if (!va && !said)
			va = alloc_unit(type, order, &said);
	}
	spin_unlock(&pool_lock);
	preempt_enable();
	if (!va && !said && type == PCM_WB)
		pr_err("alloc_pages_type(WB, order %u): no free block\n", order);
	else if (!va && !said)
		pr_err("alloc_pages_type(%s, order %u): no free highmem block, and no unit of %s "
		       "with room or free unit (%u units)\n",
		       cachemode_names[type], order, cachemode_names[type], nr_units);
	return va;
}

void free_pages_type(void *addr, enum page_cache_mode type, unsigned order)
{
	struct page *page = ((u32)(uintptr_t)addr & ~PAGE_MASK) ? NULL : vmalloc_to_page(addr);
	struct unit *u;

	if (!page || !(page->flags & PG_typed_pool))
		panic("free_pages_type(%p, %s, order %u) from %p: not an address "
		      "alloc_pages_type returned, or freed already",
		      addr, type < PCM_NR ? cachemode_names[type] : "?", order,
		      __builtin_return_address(0));
	if (page->order != order || page_cachemode(page) != type)
		panic("free_pages_type(%p, %s, order %u) from %p: allocated as %s, order %u", addr,
		      type < PCM_NR ? cachemode_names[type] : "?", order,
		      __builtin_return_address(0), cachemode_names[page_cachemode(page)],
		      page->order);
	preempt_disable();
	spin_lock(&pool_lock);
	vunmap(addr);
	page->flags &= ~PG_typed_pool;
	u = unit_of(page);
	if (u) {
		mark(u, (unsigned)(page - u->first), 1u << order, false);
		/* On failure the unit stays typed and empty: still usable for its type. */
		if (!u->used && !set_pages_type(u->first, TYPED_POOL_UNIT_PAGES, PCM_WB, OWNER))
			u->type = PCM_WB;
	} else {
		if (type != PCM_WB && set_pages_type(page, 1u << order, PCM_WB, OWNER))
			panic("free_pages_type(%p, %s, order %u): frames 0x%x.. not WB again", addr,
			      cachemode_names[type], order, page_to_pfn(page));
		__free_pages(page, order);
	}
	spin_unlock(&pool_lock);
	preempt_enable();
}

bool typed_pool_unit(unsigned i, struct typed_pool_unit_info *info)
{
	if (i >= nr_units)
		return false;
	preempt_disable();
	spin_lock(&pool_lock);
	info->first = units[i].first;
	info->type = units[i].type;
	info->used = units[i].used;
	spin_unlock(&pool_lock);
	preempt_enable();
	return true;
}

unsigned typed_pool_units(void)
{
	return nr_units;
}
