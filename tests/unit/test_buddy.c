/*
 * Host unit tests of mm/zone.c, mm/buddy.c and mm/gfp.c against simulated machines: each
 * test builds the memory map, layout, mem_map and zones as mm_init() does, then checks the
 * allocator page by page.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "unit.h"
#include "mm/buddy.h"
#include "mm/gfp.h"
#include "mm/layout.h"
#include "mm/memmap.h"
#include "mm/zone.h"
#include "guest/printk.h"

#define RAM MEM_TYPE_RAM
#define RES 2

/* The fake kernel image, as mm_init() reserves it: [1 MiB, _end), _end rounded up. */
#define KERNEL_END 0x2e5123

struct zone_expect {
	pfn_t start, end;
	u64 present, managed;
};

struct machine {
	const char *name;
	const struct firmware_entry *fw;
	unsigned nr_fw;
	u64 mem_limit;
	struct mem_range keep[2]; /* boot allocations / modules, reserved like the kernel */
	unsigned rejected;
	pfn_t max_pfn, max_low_pfn;
	struct zone_expect z[MAX_NR_ZONES];
};

/*
 * QEMU's pc machine as SeaBIOS reports it, below 4 GiB: RAM to @end minus SeaBIOS's last
 * 128 KiB; with -m >= 3.5G, @end is 3 GiB and the rest sits at 4 GiB.
 */
#define QEMU_LOW(end)                                                                              \
	{0, 0x9fc00, RAM}, {0x9fc00, 0x400, RES}, {0xf0000, 0x10000, RES},                         \
	    {0x100000, (end)-0x20000 - 0x100000, RAM}, {(end)-0x20000, 0x20000, RES},              \
	{                                                                                          \
		0xfffc0000, 0x40000, RES                                                           \
	}

/*
 * A panic never returns, so a zone lock it was holding stays held; the host can go on past
 * it (cmocka longjmps out), so release the locks to keep later checks meaningful.
 */
#define EXPECT_PANIC(call)                                                                         \
	do {                                                                                       \
		expect_assert_failure(call);                                                       \
		for (unsigned z_ = 0; z_ < MAX_NR_ZONES; z_++)                                     \
			zones[z_].lock.locked = 0;                                                 \
	} while (0)

static const struct firmware_entry fw_32m[] = {QEMU_LOW(MiB(32))};
static const struct firmware_entry fw_768m[] = {QEMU_LOW(MiB(768))};
static const struct firmware_entry fw_896m[] = {QEMU_LOW(MiB(896))};
static const struct firmware_entry fw_4g[] = {QEMU_LOW(GiB(3)), {GiB(4), GiB(1), RAM}};
static const struct firmware_entry fw_6g[] = {QEMU_LOW(GiB(3)), {GiB(4), GiB(3), RAM}};
static const struct firmware_entry fw_12g[] = {QEMU_LOW(GiB(3)), {GiB(4), GiB(9), RAM}};
/* -m 64G reaches 65 GiB: the last GiB is clipped at the PAE limit. */
static const struct firmware_entry fw_64g[] = {QEMU_LOW(GiB(3)), {GiB(4), GiB(61), RAM}};

/* Holes everywhere, RAM across both zone boundaries, out of order, unaligned bits. */
static const struct firmware_entry fw_holes[] = {
    {0x100000000, 0x1000000, RAM}, /* [4G, 4G+16M) */
    {0, 0x9fc00, RAM},
    {0x9fc00, 0x400, RES},
    {0xf0000, 0x10000, RES},
    {0x100000, 0x700000, RAM},	  /* [1M, 8M) */
    {0xa00000, 0xa00000, RAM},	  /* [10M, 20M): across DMA/NORMAL */
    {0x2000000, 0x5000000, RAM},  /* [32M, 112M) */
    {0x8000000, 0x2f000000, RAM}, /* [128M, 880M) */
    {0x37200000, 0x400000, RAM},  /* [882M, 886M): across NORMAL/HIGHMEM at 0x373fe */
    {0x80000000, 0x123456, RAM},  /* [2G, 2G+0x123000) after rounding */
    {0x101003000, 0x5000, RAM},	  /* a 5-page island */
    {0xfec00000, 0x1000, RES},
    {0xfee00000, 0x1000, RES},
    {0xfffc0000, 0x40000, RES},
};

/* What a confused firmware might say: 7 entries must be refused, the rest still used. */
static const struct firmware_entry fw_bogus[] = {
    {0, 0x9fc00, RAM},
    {0x9fc00, 0x400, RES},
    {0xf0000, 0x10000, RES},
    {0x100000, 0x3ff00000, RAM},	  /* [1M, 1G) */
    {0x200000, 0x100000, RAM},		  /* inside it: refused */
    {0x100000, 0x3ff00000, RAM},	  /* duplicate: refused */
    {0x3f000000, 0x2000000, RAM},	  /* straddles its end: refused */
    {0x40000000, 0, RAM},		  /* empty: refused */
    {0xfffffffffffff000ull, 0x2000, RAM}, /* wraps: refused */
    {GiB(64), GiB(1), RAM},		  /* above 64 GiB: refused */
    {GiB(80), GiB(1), RES},		  /* above 64 GiB, reserved: ignored */
    {0x20000000, 0x100000, RES},	  /* [512M, 513M) inside RAM */
    {0x3ffff000, 0x2000, RES},		  /* the last page of [1M, 1G) and beyond */
    {0x100000000, 0x40000800, RAM},	  /* [4G, 5G) once aligned */
    {0x140000800, 0x1000, RAM},		  /* under a page once aligned: ignored */
    {0x140000000, 0x10000000, 7},	  /* reserved, no RAM under it */
    {0x150000000, 0x10000000, RAM},	  /* [5.25G, 5.5G) */
    {0x158000000, 0x1000, RES},		  /* one page inside it */
    {0x150000000, 0x10000000, RAM},	  /* duplicate: refused */
};

#define FW(a) .fw = a, .nr_fw = ARRAY_SIZE(a)
/* Every QEMU map: [0, 0x9f) and [0x100, 0x1000) RAM, [0, 0x2e6) reserved: 3999 and 3354. */
#define QEMU_DMA                                                                                   \
	{                                                                                          \
		0, 0x1000, 3999, 3354                                                              \
	}
#define LOW 0x373fe /* max_low_pfn with the default vmalloc, see test_layout.c */
/* RAM from LOW to the PCI hole at 3 GiB - 128 KiB: 0xbffe0 - 0x373fe. */
#define QEMU_HIGH_BELOW_4G 0x88be2

/*
 * Expected values, by hand, in pfns. NORMAL present = RAM in [0x1000, max_low_pfn); HIGHMEM
 * present = RAM from max_low_pfn up. managed = present - reserved pages in the zone (keep
 * ranges, firmware reservations inside RAM).
 */
static const struct machine machines[] = {
    {
	.name = "qemu_32M",
	FW(fw_32m),
	.keep = {{0x1fc0000, 0x1fe0000}}, /* mem_map, 0x1fe0 * 16 B, top of lowmem */
	.max_pfn = 0x1fe0,
	.max_low_pfn = 0x1fe0,
	.z = {QEMU_DMA, {0x1000, 0x1fe0, 0xfe0, 0xfe0 - 0x20}, {0x1fe0, 0x1fe0, 0, 0}},
    },
    {
	.name = "qemu_768M",
	FW(fw_768m),
	.keep = {{0x2fce0000, 0x2ffe0000}}, /* mem_map: 0x300 pages */
	.max_pfn = 0x2ffe0,
	.max_low_pfn = 0x2ffe0,
	.z = {QEMU_DMA, {0x1000, 0x2ffe0, 0x2efe0, 0x2efe0 - 0x300}, {0x2ffe0, 0x2ffe0, 0, 0}},
    },
    {
	.name = "qemu_896M",
	FW(fw_896m),
	.keep = {{MiB(64), MiB(69) + 0x123}}, /* an initrd: 0x501 pages */
	.max_pfn = 0x37fe0,
	.max_low_pfn = LOW,
	.z = {QEMU_DMA,
	      {0x1000, LOW, 0x363fe, 0x363fe - 0x501},
	      {LOW, 0x37fe0, 0x37fe0 - LOW, 0x37fe0 - LOW}},
    },
    {
	.name = "qemu_4G",
	FW(fw_4g),
	.keep = {{MiB(100), MiB(100) + 0x3456}}, /* 4 pages */
	.max_pfn = 0x140000,
	.max_low_pfn = LOW,
	.z = {QEMU_DMA,
	      {0x1000, LOW, 0x363fe, 0x363fe - 4},
	      {LOW, 0x140000, QEMU_HIGH_BELOW_4G + 0x40000, QEMU_HIGH_BELOW_4G + 0x40000}},
    },
    {
	.name = "qemu_12G",
	FW(fw_12g),
	.keep = {{0x33ffe000, 0x373fe000}}, /* mem_map: 0x3400 pages */
	.max_pfn = 0x340000,
	.max_low_pfn = LOW,
	.z = {QEMU_DMA,
	      {0x1000, LOW, 0x363fe, 0x363fe - 0x3400},
	      {LOW, 0x340000, QEMU_HIGH_BELOW_4G + 0x240000, QEMU_HIGH_BELOW_4G + 0x240000}},
    },
    {
	.name = "qemu_64G",
	FW(fw_64g),
	.keep = {{0x273fe000, 0x373fe000}}, /* mem_map: 16 Mi * 16 B = 0x10000 pages */
	.max_pfn = 0x1000000,
	.max_low_pfn = LOW,
	.z = {QEMU_DMA,
	      {0x1000, LOW, 0x363fe, 0x363fe - 0x10000},
	      {LOW, 0x1000000, QEMU_HIGH_BELOW_4G + 0xf00000, QEMU_HIGH_BELOW_4G + 0xf00000}},
    },
    {
	.name = "qemu_6G_mem_2G",
	FW(fw_6g),
	.mem_limit = GiB(2),
	.max_pfn = 0x80000,
	.max_low_pfn = LOW,
	.z = {QEMU_DMA,
	      {0x1000, LOW, 0x363fe, 0x363fe},
	      {LOW, 0x80000, 0x80000 - LOW, 0x80000 - LOW}},
    },
    /*
     * DMA: 0x9f + 0x700 + 0x600 = 3487, minus 0x9f + (0x2e6 - 0x100) reserved = 2842.
     * NORMAL: 0x400 + 0x5000 + 0x2f000 + (0x373fe - 0x37200) = 0x345fe, minus the module.
     * HIGHMEM: (0x37600 - 0x373fe) + 0x123 + 0x1000 + 5 = 0x132a.
     */
    {
	.name = "holes",
	FW(fw_holes),
	.keep = {{MiB(32), MiB(33)}}, /* a boot module */
	.max_pfn = 0x101008,
	.max_low_pfn = LOW,
	.z = {{0, 0x1000, 3487, 2842},
	      {0x1000, LOW, 0x345fe, 0x345fe - 0x100},
	      {LOW, 0x101008, 0x132a, 0x132a}},
    },
    /*
     * NORMAL loses [512M, 513M). HIGHMEM: (0x40000 - 0x373fe) + 0x40000 + 0x10000 = 0x58c02
     * present, minus pfn 0x3ffff and 0x158000.
     */
    {
	.name = "bogus",
	FW(fw_bogus),
	.rejected = 7,
	.max_pfn = 0x160000,
	.max_low_pfn = LOW,
	.z = {QEMU_DMA, {0x1000, LOW, 0x363fe, 0x363fe - 0x100}, {LOW, 0x160000, 0x58c02, 0x58c00}},
    },
};

enum { M_32M, M_768M, M_896M, M_4G, M_12G, M_64G, M_6G_2G, M_HOLES, M_BOGUS, NR_MACHINES };
_Static_assert(ARRAY_SIZE(machines) == NR_MACHINES, "enum matches machines[]");

/* The simulated machine of the running test. */
static struct memmap sim_map;
static unsigned sim_rejected;

struct snapshot {
	u64 free_pages[MAX_NR_ZONES];
	u32 nr_free[MAX_NR_ZONES][MAX_ORDER + 1];
};

static struct snapshot after_populate;

static void snapshot(struct snapshot *s)
{
	for (unsigned z = 0; z < MAX_NR_ZONES; z++) {
		s->free_pages[z] = zones[z].free_pages;
		for (unsigned o = 0; o <= MAX_ORDER; o++)
			s->nr_free[z][o] = zones[z].free_area[o].nr_free;
	}
}

static void assert_snapshot(const struct snapshot *s)
{
	for (unsigned z = 0; z < MAX_NR_ZONES; z++) {
		assert_int_equal(zones[z].free_pages, s->free_pages[z]);
		for (unsigned o = 0; o <= MAX_ORDER; o++)
			if (zones[z].free_area[o].nr_free != s->nr_free[z][o])
				fail_msg("zone %s order %u: %u free blocks, expected %u",
					 zones[z].name, o, zones[z].free_area[o].nr_free,
					 s->nr_free[z][o]);
		assert_int_equal(zones[z].lock.locked, 0);
	}
}

/* mm_init() on the host: memory map, reservations, layout, mem_map, zones. */
static int machine_setup(void **state)
{
	const struct machine *mc = *state;

	unit_msgs_clear();
	memmap_init(&sim_map);
	sim_rejected = memmap_add_firmware(&sim_map, mc->fw, mc->nr_fw, mc->mem_limit);
	memmap_reserve(&sim_map, 0, MiB(1));
	memmap_reserve(&sim_map, KERNEL_PHYS_LOAD, KERNEL_END);
	for (unsigned i = 0; i < ARRAY_SIZE(mc->keep); i++)
		memmap_reserve(&sim_map, mc->keep[i].start, mc->keep[i].end);
	if (layout_compute(&mm_layout, memmap_max_pfn(&sim_map), VMALLOC_DEFAULT, 0))
		return -1;
	mem_map_pfns = mm_layout.max_pfn;
	mem_map = calloc(mem_map_pfns, sizeof(*mem_map));
	if (!mem_map)
		return -1;
	zones_init(&mm_layout, &sim_map);
	zones_populate(&sim_map);
	snapshot(&after_populate);
	return 0;
}

static int machine_teardown(void **state)
{
	(void)state;
	free(mem_map);
	mem_map = NULL;
	mem_map_pfns = 0;
	return 0;
}

static bool pfn_in(const struct zone *z, pfn_t pfn)
{
	return pfn >= z->start_pfn && pfn < z->end_pfn;
}

/* A deterministic xorshift, so a failure reproduces. */
static u64 rng_state = 0x9e3779b97f4a7c15ull;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/*
 * Shuffle @n pfns. Big arrays are shuffled within windows only: out of order enough to
 * exercise coalescing, local enough that freeing 16 Mi pages stays cache friendly.
 */
static void shuffle(pfn_t *a, size_t n)
{
	size_t window = n > (1u << 20) ? 4096 : n;

	for (size_t base = 0; base < n; base += window) {
		size_t len = MIN(window, n - base);

		for (size_t i = len; i > 1; i--) {
			size_t j = rng() % i;
			pfn_t t = a[base + i - 1];

			a[base + i - 1] = a[base + j];
			a[base + j] = t;
		}
	}
}

/* One free block of @z (zone index @zi) at order @o: see check_free_lists(). */
static void check_block(const struct zone *z, unsigned zi, unsigned o, struct page *p)
{
	pfn_t pfn = page_to_pfn(p);

	if (!(p->flags & PG_buddy) || p->order != o)
		fail_msg("zone %s: pfn 0x%x on the order-%u list, flags 0x%x order %u", z->name,
			 pfn, o, p->flags, p->order);
	if (pfn & ((1u << o) - 1))
		fail_msg("zone %s: order-%u block at 0x%x misaligned", z->name, o, pfn);
	if (!pfn_in(z, pfn) || !pfn_in(z, pfn + (1u << o) - 1))
		fail_msg("zone %s [0x%x, 0x%x): order-%u block at 0x%x crosses it", z->name,
			 z->start_pfn, z->end_pfn, o, pfn);
	for (pfn_t q = pfn; q < pfn + (1u << o); q++) {
		struct page *qp = pfn_to_page(q);

		if ((qp->flags & (PG_reserved | PG_test)) || page_zonenum(qp) != zi ||
		    !memmap_is_ram(&sim_map, q))
			fail_msg("zone %s: pfn 0x%x in free block 0x%x/%u: flags 0x%x", z->name, q,
				 pfn, o, qp->flags);
		qp->flags |= PG_test; /* seen: a second block covering it fails above */
	}
}

/*
 * Walk every free list: each block is a PG_buddy head of the list's order, aligned to its
 * size, wholly inside its zone, made of RAM pages that are neither reserved nor in another
 * block; the blocks add up to free_pages and nr_free.
 */
static void check_free_lists(void)
{
	for (unsigned zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &zones[zi];
		u64 pages = 0;

		for (unsigned o = 0; o <= MAX_ORDER; o++) {
			struct list_head *head = &z->free_area[o].list;
			u32 blocks = 0;

			for (struct list_head *e = head->next; e != head; e = e->next) {
				check_block(z, zi, o, list_entry(e, struct page, lru));
				blocks++;
				pages += 1u << o;
			}
			assert_int_equal(blocks, z->free_area[o].nr_free);
		}
		assert_int_equal(pages, z->free_pages);
	}
	for (pfn_t pfn = 0; pfn < mem_map_pfns; pfn++)
		pfn_to_page(pfn)->flags &= ~PG_test;
}

static void test_populate(void **state)
{
	const struct machine *mc = *state;
	struct mem_range free[MEMMAP_MAX * 2];
	unsigned nfree = memmap_free_ranges(&sim_map, free, ARRAY_SIZE(free));
	u64 unreserved[MAX_NR_ZONES] = {0};

	assert_int_equal(sim_rejected, mc->rejected);
	assert_int_equal(sim_map.rejected, mc->rejected);
	assert_int_equal(mm_layout.max_pfn, mc->max_pfn);
	assert_int_equal(mm_layout.max_low_pfn, mc->max_low_pfn);
	for (unsigned zi = 0; zi < MAX_NR_ZONES; zi++) {
		const struct zone *z = &zones[zi];
		const struct zone_expect *x = &mc->z[zi];

		assert_int_equal(z->start_pfn, x->start);
		assert_int_equal(z->end_pfn, x->end);
		assert_int_equal(z->present_pages, x->present);
		assert_int_equal(z->managed_pages, x->managed);
		assert_int_equal(z->free_pages, x->managed);
	}
	/* Every frame: in the right zone, reserved exactly when outside the free ranges. */
	for (pfn_t pfn = 0, r = 0; pfn < mem_map_pfns; pfn++) {
		const struct page *p = pfn_to_page(pfn);
		unsigned zi = pfn < zones[ZONE_DMA].end_pfn	 ? ZONE_DMA
			      : pfn < zones[ZONE_NORMAL].end_pfn ? ZONE_NORMAL
								 : ZONE_HIGHMEM;
		bool is_free;

		while (r < nfree && free[r].end <= PFN_PHYS(pfn))
			r++;
		is_free = r < nfree && free[r].start <= PFN_PHYS(pfn);
		assert_int_equal(page_zonenum(p), zi);
		if (!!(p->flags & PG_reserved) == is_free)
			fail_msg("pfn 0x%x: flags 0x%x, free range: %d", pfn, p->flags, is_free);
		unreserved[zi] += is_free;
	}
	for (unsigned zi = 0; zi < MAX_NR_ZONES; zi++)
		assert_int_equal(unreserved[zi], mc->z[zi].managed);
	check_free_lists();
}

/* The DMA free lists of every QEMU map: [0x2e6, 0x1000) in the largest aligned blocks. */
static void test_dma_blocks(void **state)
{
	/* 0x2e6/1 0x2e8/3 0x2f0/4 0x300/8 0x400/10 0x800/10 0xc00/10 */
	static const u32 want[MAX_ORDER + 1] = {0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 3};

	(void)state;
	for (unsigned o = 0; o <= MAX_ORDER; o++)
		assert_int_equal(zones[ZONE_DMA].free_area[o].nr_free, want[o]);
}

/* 896M's HIGHMEM [0x373fe, 0x37fe0): a block at each order the range's ends force. */
static void test_896m_highmem_blocks(void **state)
{
	/* 0x373fe/1 0x37400/10 0x37800/10 0x37c00/9 0x37e00/8 0x37f00/7 0x37f80/6 0x37fc0/5 */
	static const u32 want[MAX_ORDER + 1] = {0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 2};

	(void)state;
	for (unsigned o = 0; o <= MAX_ORDER; o++)
		assert_int_equal(zones[ZONE_HIGHMEM].free_area[o].nr_free, want[o]);
	assert_int_equal(
	    page_to_pfn(list_first_entry(&zones[ZONE_HIGHMEM].free_area[1].list, struct page, lru)),
	    0x373fe);
}

/* Take every page of each zone at order 0, then give them all back. */
static void test_exhaust(void **state)
{
	(void)state;
	for (unsigned zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &zones[zi];
		u64 want = z->free_pages, n = 0;
		pfn_t *taken = malloc((want + 1) * sizeof(*taken));
		struct page *p;

		assert_non_null(taken);
		while ((p = buddy_alloc(z, 0))) {
			pfn_t pfn = page_to_pfn(p);

			if (n == want)
				fail_msg("zone %s: more than its %llu free pages", z->name, want);
			if (!pfn_in(z, pfn) || !memmap_is_ram(&sim_map, pfn) ||
			    (p->flags & (PG_reserved | PG_test | PG_buddy)))
				fail_msg("zone %s: got pfn 0x%x, flags 0x%x", z->name, pfn,
					 p->flags);
			p->flags |= PG_test;
			taken[n++] = pfn;
		}
		assert_int_equal(n, want);
		assert_int_equal(z->free_pages, 0);
		for (unsigned o = 0; o <= MAX_ORDER; o++) {
			assert_int_equal(z->free_area[o].nr_free, 0);
			assert_true(list_empty(&z->free_area[o].list));
			assert_null(buddy_alloc(z, o));
		}
		shuffle(taken, n);
		for (u64 i = 0; i < n; i++) {
			p = pfn_to_page(taken[i]);
			p->flags &= ~PG_test;
			buddy_free(z, p, 0);
		}
		free(taken);
	}
	/* Coalescing is complete: the free lists are exactly as populate left them. */
	assert_snapshot(&after_populate);
	check_free_lists();
}

/* One block of each order: aligned, inside the zone, and freeing it undoes the split. */
static void test_orders(void **state)
{
	(void)state;
	for (unsigned zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &zones[zi];

		for (unsigned o = 0; o <= MAX_ORDER; o++) {
			bool have = false;
			struct page *p;
			pfn_t pfn;

			for (unsigned k = o; k <= MAX_ORDER; k++)
				have |= after_populate.nr_free[zi][k] != 0;
			p = buddy_alloc(z, o);
			if (!have) {
				assert_null(p);
				continue;
			}
			assert_non_null(p);
			pfn = page_to_pfn(p);
			assert_int_equal(pfn & ((1u << o) - 1), 0);
			assert_true(pfn_in(z, pfn) && pfn_in(z, pfn + (1u << o) - 1));
			for (pfn_t q = pfn; q < pfn + (1u << o); q++) {
				assert_false(pfn_to_page(q)->flags & (PG_reserved | PG_buddy));
				assert_true(memmap_is_ram(&sim_map, q));
			}
			assert_int_equal(z->free_pages, after_populate.free_pages[zi] - (1u << o));
			buddy_free(z, p, o);
			assert_snapshot(&after_populate);
		}
		assert_null(buddy_alloc(z, MAX_ORDER + 1));
	}
	check_free_lists();
}

/* Many blocks of mixed orders, freed in a random order: everything coalesces back. */
static void test_split_restore(void **state)
{
	enum { MAX_BLOCKS = 4096 };
	static pfn_t pfn[MAX_BLOCKS];
	static unsigned order[MAX_BLOCKS], idx[MAX_BLOCKS];

	(void)state;
	for (unsigned zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &zones[zi];
		u64 taken = 0;
		unsigned n = 0;

		for (unsigned i = 0; i < MAX_BLOCKS; i++) {
			unsigned o = rng() % 6 == 0 ? rng() % (MAX_ORDER + 1) : rng() % 3;
			struct page *p = buddy_alloc(z, o);

			if (!p)
				continue;
			assert_int_equal(page_to_pfn(p) & ((1u << o) - 1), 0);
			pfn[n] = page_to_pfn(p);
			order[n] = o;
			idx[n] = n;
			n++;
			taken += 1u << o;
		}
		assert_int_equal(z->free_pages + taken, after_populate.free_pages[zi]);
		/* Nothing handed out twice: the blocks are disjoint and not on a free list. */
		for (unsigned i = 0; i < n; i++)
			for (pfn_t q = pfn[i]; q < pfn[i] + (1u << order[i]); q++) {
				struct page *qp = pfn_to_page(q);

				assert_false(qp->flags & (PG_test | PG_buddy | PG_reserved));
				qp->flags |= PG_test;
			}
		for (unsigned i = 0; i < n; i++)
			for (pfn_t q = pfn[i]; q < pfn[i] + (1u << order[i]); q++)
				pfn_to_page(q)->flags &= ~PG_test;
		check_free_lists();
		for (unsigned i = n; i > 1; i--) {
			unsigned j = rng() % i, t = idx[i - 1];

			idx[i - 1] = idx[j];
			idx[j] = t;
		}
		for (unsigned i = 0; i < n; i++)
			buddy_free(z, pfn_to_page(pfn[idx[i]]), order[idx[i]]);
	}
	assert_snapshot(&after_populate);
}

/*
 * NORMAL/HIGHMEM at pfn 0x373fe is not even 8 KiB-aligned: with all of both zones taken,
 * give back the four pages around it. 0x373fe/0x373ff pair up in HIGHMEM, 0x373fc/0x373fd
 * in NORMAL, and the two order-1 blocks, buddies by address, stay apart.
 */
static void test_zone_boundary(void **state)
{
	const pfn_t b = mm_layout.max_low_pfn;
	struct page *p;

	(void)state;
	assert_int_equal(b, 0x373fe);
	for (pfn_t q = b - 2; q < b + 2; q++)
		assert_false(pfn_to_page(q)->flags & PG_reserved);
	while ((p = buddy_alloc(&zones[ZONE_NORMAL], 0)))
		;
	while ((p = buddy_alloc(&zones[ZONE_HIGHMEM], 0)))
		;
	for (pfn_t q = b - 2; q < b + 2; q++)
		__free_pages(pfn_to_page(q), 0);
	assert_int_equal(zones[ZONE_NORMAL].free_pages, 2);
	assert_int_equal(zones[ZONE_HIGHMEM].free_pages, 2);
	assert_int_equal(zones[ZONE_NORMAL].free_area[1].nr_free, 1);
	assert_int_equal(zones[ZONE_HIGHMEM].free_area[1].nr_free, 1);
	assert_int_equal(
	    page_to_pfn(list_first_entry(&zones[ZONE_NORMAL].free_area[1].list, struct page, lru)),
	    b - 2);
	assert_int_equal(
	    page_to_pfn(list_first_entry(&zones[ZONE_HIGHMEM].free_area[1].list, struct page, lru)),
	    b);
	check_free_lists();

	/*
	 * DMA/NORMAL at 16 MiB is 4 MiB-aligned, so no block can straddle it: with RAM on both
	 * sides each zone coalesces its side into one whole MAX_ORDER block.
	 */
	while ((p = buddy_alloc(&zones[ZONE_DMA], 0)))
		;
	for (pfn_t q = 0x1000 - 0x400; q < 0x1000 + 0x400; q++)
		if (!(pfn_to_page(q)->flags & PG_reserved))
			__free_pages(pfn_to_page(q), 0);
	assert_int_equal(zones[ZONE_DMA].free_area[MAX_ORDER].nr_free, 1);
	assert_int_equal(zones[ZONE_NORMAL].free_area[MAX_ORDER].nr_free, 1);
	check_free_lists();
}

/* Buddy_free's sanity checks: each panics before touching the zone. */
static void test_bad_free(void **state)
{
	struct zone *dma = &zones[ZONE_DMA], *normal = &zones[ZONE_NORMAL],
		    *high = &zones[ZONE_HIGHMEM];
	struct snapshot s;
	struct page *p, *pn;

	(void)state;
	/* Reserved: the first MiB, a hole in DMA, the PCI hole inside HIGHMEM's span. */
	EXPECT_PANIC(buddy_free(dma, pfn_to_page(0), 0));
	assert_non_null(strstr(unit_last_panic, "reserved"));
	EXPECT_PANIC(buddy_free(dma, pfn_to_page(0xa0), 0));
	EXPECT_PANIC(buddy_free(high, pfn_to_page(0xbffe0), 0));
	EXPECT_PANIC(__free_pages(pfn_to_page(0xc0000), 3));
	assert_snapshot(&after_populate);

	p = buddy_alloc(dma, 2);
	assert_non_null(p);
	snapshot(&s);
	/* Misaligned, or an order the allocator never hands out. */
	EXPECT_PANIC(buddy_free(dma, p + 1, 2));
	assert_non_null(strstr(unit_last_panic, "misaligned"));
	EXPECT_PANIC(buddy_free(dma, p + 2, 2));
	EXPECT_PANIC(buddy_free(dma, p, MAX_ORDER + 1));
	/* The wrong zone, and a block sticking out of its zone. */
	EXPECT_PANIC(buddy_free(normal, p, 2));
	assert_non_null(strstr(unit_last_panic, "not inside zone"));
	pn = buddy_alloc(normal, 2);
	assert_non_null(pn);
	EXPECT_PANIC(buddy_free(normal, pfn_to_page(mm_layout.max_low_pfn - 2), 2));
	buddy_free(normal, pn, 2);
	assert_snapshot(&s);
}

/* A page freed twice, while it is still the head of its free block. */
static void test_double_free(void **state)
{
	struct zone *dma = &zones[ZONE_DMA];
	struct snapshot s;
	struct page *a, *b;

	(void)state;
	/* Take all of DMA so no free buddy can merge with what we give back. */
	while (buddy_alloc(dma, 0))
		;
	a = pfn_to_page(0x800);
	b = pfn_to_page(0x802);
	buddy_free(dma, a, 0);
	buddy_free(dma, b, 1); /* 0x802-0x803 were taken as two pages: free them as one block */
	snapshot(&s);
	EXPECT_PANIC(buddy_free(dma, a, 0));
	assert_non_null(strstr(unit_last_panic, "double free"));
	EXPECT_PANIC(buddy_free(dma, b, 1));
	EXPECT_PANIC(__free_pages(b, 0));
	assert_snapshot(&s);
	check_free_lists();
}

/*
 * A page freed twice after it merged into a bigger block: it is no longer a block head, but
 * giving it back again must still be caught, or two free blocks overlap.
 */
static void test_double_free_merged(void **state)
{
	struct zone *dma = &zones[ZONE_DMA];
	struct snapshot s;

	(void)state;
	while (buddy_alloc(dma, 0))
		;
	for (pfn_t q = 0x800; q < 0x808; q++)
		buddy_free(dma, pfn_to_page(q), 0);
	assert_int_equal(dma->free_area[3].nr_free, 1); /* one block [0x800, 0x808) */
	snapshot(&s);
	EXPECT_PANIC(buddy_free(dma, pfn_to_page(0x805), 0));
	assert_non_null(strstr(unit_last_panic, "double free"));
	EXPECT_PANIC(buddy_free(dma, pfn_to_page(0x804), 2));
	EXPECT_PANIC(buddy_free(dma, pfn_to_page(0x800), 1));
	/* A bigger block containing the free one. */
	EXPECT_PANIC(buddy_free(dma, pfn_to_page(0x800), 4));
	/* A block whose first page is taken but a later one free. */
	buddy_free(dma, pfn_to_page(0x813), 0);
	snapshot(&s);
	EXPECT_PANIC(buddy_free(dma, pfn_to_page(0x810), 2));
	assert_non_null(strstr(unit_last_panic, "double free"));
	assert_snapshot(&s);
	check_free_lists();
}

static unsigned zone_of_pfn(pfn_t pfn)
{
	return pfn < zones[ZONE_DMA].end_pfn	  ? ZONE_DMA
	       : pfn < zones[ZONE_NORMAL].end_pfn ? ZONE_NORMAL
						  : ZONE_HIGHMEM;
}

/*
 * Drain with @gfp at @order: count the blocks per zone, check that zones are used in
 * @order of preference (never going back to a better one), then free everything.
 */
static void drain(gfp_t gfp, unsigned order, u64 got[MAX_NR_ZONES], const int *pref)
{
	size_t cap = 1 << 20, n = 0;
	pfn_t *taken = malloc(cap * sizeof(*taken));
	unsigned stage = 0;
	struct page *p;

	assert_non_null(taken);
	memset(got, 0, MAX_NR_ZONES * sizeof(*got));
	while ((p = alloc_pages(gfp, order))) {
		pfn_t pfn = page_to_pfn(p);
		unsigned zi = zone_of_pfn(pfn);

		while (pref[stage] >= 0 && pref[stage] != (int)zi)
			stage++;
		if (pref[stage] < 0)
			fail_msg("gfp 0x%x: pfn 0x%x from zone %s out of preference order", gfp,
				 pfn, zones[zi].name);
		assert_int_equal(page_zonenum(p), zi);
		assert_int_equal(pfn & ((1u << order) - 1), 0);
		got[zi]++;
		if (n == cap) {
			cap *= 2;
			taken = realloc(taken, cap * sizeof(*taken));
			assert_non_null(taken);
		}
		taken[n++] = pfn;
	}
	while (n)
		__free_pages(pfn_to_page(taken[--n]), order);
	free(taken);
	assert_snapshot(&after_populate);
}

static void test_gfp_highmem_fallback(void **state)
{
	static const int pref[] = {ZONE_HIGHMEM, ZONE_NORMAL, ZONE_DMA, -1};
	u64 got[MAX_NR_ZONES];
	struct page *p;

	(void)state;
	p = alloc_pages(GFP_HIGHMEM, 0);
	assert_true(page_to_pfn(p) >= mm_layout.max_low_pfn);
	assert_null(page_address(p));
	__free_pages(p, 0);
	assert_snapshot(&after_populate);

	/* Page by page: all of HIGHMEM, then all of NORMAL, then all of DMA. */
	drain(GFP_HIGHMEM, 0, got, pref);
	for (unsigned zi = 0; zi < MAX_NR_ZONES; zi++)
		assert_int_equal(got[zi], after_populate.free_pages[zi]);
	/* At MAX_ORDER too: each zone gives exactly the 4 MiB blocks it has. */
	drain(GFP_HIGHMEM, MAX_ORDER, got, pref);
	for (unsigned zi = 0; zi < MAX_NR_ZONES; zi++)
		assert_int_equal(got[zi], after_populate.nr_free[zi][MAX_ORDER]);
	assert_true(got[ZONE_HIGHMEM] > 0 && got[ZONE_NORMAL] > 0 && got[ZONE_DMA] > 0);
}

static void test_gfp_kernel(void **state)
{
	static const int pref[] = {ZONE_NORMAL, ZONE_DMA, -1};
	u64 got[MAX_NR_ZONES];

	(void)state;
	drain(GFP_KERNEL, 0, got, pref);
	assert_int_equal(got[ZONE_NORMAL], after_populate.free_pages[ZONE_NORMAL]);
	assert_int_equal(got[ZONE_DMA], after_populate.free_pages[ZONE_DMA]);
	assert_int_equal(got[ZONE_HIGHMEM], 0);
	drain(GFP_KERNEL, 3, got, pref);
	assert_int_equal(got[ZONE_HIGHMEM], 0);
	assert_true(got[ZONE_NORMAL] > 0 && got[ZONE_DMA] > 0);
}

static void test_gfp_dma(void **state)
{
	static const int pref[] = {ZONE_DMA, -1};
	u64 got[MAX_NR_ZONES];

	(void)state;
	drain(GFP_DMA, 0, got, pref);
	assert_int_equal(got[ZONE_DMA], after_populate.free_pages[ZONE_DMA]);
	assert_int_equal(got[ZONE_NORMAL] + got[ZONE_HIGHMEM], 0);
	/* __GFP_DMA wins over __GFP_HIGHMEM, as the zonelist says. */
	drain(__GFP_DMA | __GFP_HIGHMEM, 1, got, pref);
	assert_int_equal(got[ZONE_NORMAL] + got[ZONE_HIGHMEM], 0);
	assert_true(got[ZONE_DMA] > 0);
}

/* Asking for an address of a highmem page is refused, loudly, with nothing allocated. */
static void test_gfp_highmem_no_address(void **state)
{
	(void)state;
	unit_msgs_clear();
	assert_int_equal(__get_free_pages(GFP_HIGHMEM, 0), 0);
	assert_int_equal(unit_last_level, LOG_ERR);
	assert_non_null(strstr(unit_last_msg, "GFP_HIGHMEM"));
	assert_non_null(strstr(unit_last_msg, "__get_free_pages"));
	assert_int_equal(unit_msg_count, 1);
	assert_snapshot(&after_populate);

	unit_msgs_clear();
	assert_int_equal(__get_free_pages(GFP_HIGHMEM, 3), 0);
	assert_non_null(strstr(unit_last_msg, "GFP_HIGHMEM"));
	assert_snapshot(&after_populate);

	unit_msgs_clear();
	assert_int_equal(get_zeroed_page(GFP_HIGHMEM), 0);
	assert_int_equal(unit_last_level, LOG_ERR);
	assert_non_null(strstr(unit_last_msg, "GFP_HIGHMEM"));
	assert_non_null(strstr(unit_last_msg, "get_zeroed_page"));
	assert_int_equal(unit_msg_count, 1);
	assert_snapshot(&after_populate);
}

/* Lowmem by address: page_address()/virt_to_page() agree; nothing is dereferenced. */
static void test_gfp_lowmem_address(void **state)
{
	unsigned long v, v2;
	struct page *p;

	(void)state;
	unit_msgs_clear();
	v = __get_free_pages(GFP_KERNEL, 2);
	assert_int_equal(unit_msg_count, 0);
	assert_true(v >= PAGE_OFFSET && v < mm_layout.high_memory);
	assert_int_equal(v % (4 * PAGE_SIZE), 0);
	p = virt_to_page((void *)v);
	assert_int_equal(page_to_pfn(p), (v - PAGE_OFFSET) >> PAGE_SHIFT);
	assert_int_equal(page_zonenum(p), ZONE_NORMAL);
	assert_ptr_equal(page_address(p), (void *)v);
	assert_int_equal(zones[ZONE_NORMAL].free_pages, after_populate.free_pages[ZONE_NORMAL] - 4);
	free_pages(v, 2);
	free_pages(0, 5); /* NULL is ignored, like Linux */
	assert_snapshot(&after_populate);

	v2 = __get_free_pages(GFP_DMA, 0);
	assert_true(v2 >= PAGE_OFFSET && v2 < PAGE_OFFSET + MiB(16));
	free_pages(v2, 0);

	/* The last lowmem page and the first highmem one. */
	assert_ptr_equal(page_address(pfn_to_page(mm_layout.max_low_pfn - 1)),
			 (void *)(uintptr_t)(mm_layout.high_memory - PAGE_SIZE));
	assert_null(page_address(pfn_to_page(mm_layout.max_low_pfn)));
	assert_null(page_address(pfn_to_page(mm_layout.max_pfn - 1)));
	/* virt_to_page() outside the direct map is a bug. */
	expect_assert_failure(virt_to_page((void *)(uintptr_t)mm_layout.high_memory));
	expect_assert_failure(virt_to_page((void *)(uintptr_t)(PAGE_OFFSET - 1)));
	assert_snapshot(&after_populate);

	/* With lowmem gone, lowmem requests fail even though HIGHMEM has pages. */
	while (alloc_pages(GFP_KERNEL, 0))
		;
	assert_int_equal(__get_free_pages(GFP_KERNEL, 0), 0);
	assert_null(alloc_pages(GFP_DMA, 0));
	assert_int_equal(zones[ZONE_HIGHMEM].free_pages, after_populate.free_pages[ZONE_HIGHMEM]);
	assert_non_null(alloc_pages(GFP_HIGHMEM, 0));
}

/* A page reserved at boot joins the allocator: managed and free grow by one, it merges. */
static void test_free_reserved_page(void **state)
{
	struct zone *dma = &zones[ZONE_DMA];
	struct snapshot s;

	(void)state;
	/* The kernel image's last page, 0x2e5: its buddy 0x2e4 is reserved, 0x2e6-0x2e7 free. */
	free_reserved_page(pfn_to_page(0x2e5));
	assert_int_equal(dma->managed_pages, after_populate.free_pages[ZONE_DMA] + 1);
	assert_int_equal(dma->free_pages, after_populate.free_pages[ZONE_DMA] + 1);
	assert_int_equal(dma->free_area[0].nr_free, 1);
	free_reserved_page(pfn_to_page(0x2e4));
	/* 0x2e4/1 + 0x2e6/1 -> 0x2e4/2, whose buddy 0x2e0 is reserved: one order-2 block. */
	assert_int_equal(dma->free_area[0].nr_free, 0);
	assert_int_equal(dma->free_area[1].nr_free, 0);
	assert_int_equal(dma->free_area[2].nr_free, 1);
	assert_int_equal(dma->managed_pages, after_populate.free_pages[ZONE_DMA] + 2);
	check_free_lists();
	/* Only reserved pages: a free one, an allocated one. */
	snapshot(&s);
	expect_assert_failure(free_reserved_page(pfn_to_page(0x2e4)));
	assert_non_null(strstr(unit_last_panic, "PG_reserved"));
	expect_assert_failure(free_reserved_page(alloc_page(GFP_KERNEL)));
	assert_int_equal(zones[ZONE_NORMAL].managed_pages, after_populate.free_pages[ZONE_NORMAL]);
	assert_int_equal(dma->managed_pages, after_populate.free_pages[ZONE_DMA] + 2);
}

/*
 * get_zeroed_page() really zeroes: back the direct map with host memory at PAGE_OFFSET
 * (free address space in an x86_64 process), dirty every DMA page, and ask for one.
 */
static void test_get_zeroed_page(void **state)
{
	void *map = mmap((void *)(uintptr_t)PAGE_OFFSET, MiB(16), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);
	unsigned long v, pages[0x1000];
	unsigned n = 0;

	(void)state;
	/* Not skip(): cmocka 1.1 prints a skip as "not ok", counted as a failure by run-all. */
	if (map == MAP_FAILED)
		fail_msg("cannot map host memory at 0x%x (PAGE_OFFSET): %s", PAGE_OFFSET,
			 strerror(errno));
	if (map != (void *)(uintptr_t)PAGE_OFFSET) { /* a kernel before 4.17 took it as a hint */
		munmap(map, MiB(16));
		fail_msg("host memory for the direct map landed at %p, not 0x%x", map, PAGE_OFFSET);
	}
	while ((v = __get_free_pages(GFP_DMA, 0))) {
		assert_true(n < ARRAY_SIZE(pages));
		memset((void *)v, 0xa5, PAGE_SIZE);
		pages[n++] = v;
	}
	assert_int_equal(n, after_populate.free_pages[ZONE_DMA]);
	while (n)
		free_pages(pages[--n], 0);
	for (unsigned i = 0; i < 16; i++) {
		const u8 *z;

		v = get_zeroed_page(GFP_DMA);
		assert_true(v >= PAGE_OFFSET && v < PAGE_OFFSET + MiB(16));
		z = (const u8 *)v;
		for (unsigned b = 0; b < PAGE_SIZE; b++)
			if (z[b])
				fail_msg("get_zeroed_page: 0x%lx byte %u is 0x%x", v, b, z[b]);
		pages[n++] = v;
	}
	while (n)
		free_pages(pages[--n], 0);
	munmap(map, MiB(16));
	assert_snapshot(&after_populate);
}

#define MAX_TESTS 64

static struct CMUnitTest tests[MAX_TESTS];
static unsigned nr_tests;

static void add(const char *what, CMUnitTestFunction fn, unsigned m)
{
	char *name;

	if (nr_tests == MAX_TESTS || asprintf(&name, "%s_%s", machines[m].name, what) < 0)
		abort();
	tests[nr_tests++] =
	    (struct CMUnitTest){name, fn, machine_setup, machine_teardown, (void *)&machines[m]};
}

int main(void)
{
	for (unsigned m = 0; m < NR_MACHINES; m++) {
		add("populate", test_populate, m);
		add("exhaust", test_exhaust, m);
		add("orders", test_orders, m);
		add("split_restore", test_split_restore, m);
	}
	for (unsigned m = 0; m < NR_MACHINES; m++)
		if (m != M_HOLES)
			add("dma_blocks", test_dma_blocks, m);
	add("highmem_blocks", test_896m_highmem_blocks, M_896M);
	add("zone_boundary", test_zone_boundary, M_HOLES);
	add("bad_free", test_bad_free, M_4G);
	add("double_free", test_double_free, M_4G);
	add("double_free_merged", test_double_free_merged, M_4G);
	add("gfp_highmem_fallback", test_gfp_highmem_fallback, M_4G);
	add("gfp_highmem_fallback", test_gfp_highmem_fallback, M_HOLES);
	add("gfp_kernel", test_gfp_kernel, M_4G);
	add("gfp_dma", test_gfp_dma, M_4G);
	add("gfp_highmem_no_address", test_gfp_highmem_no_address, M_4G);
	add("gfp_lowmem_address", test_gfp_lowmem_address, M_4G);
	add("get_zeroed_page", test_get_zeroed_page, M_4G);
	add("free_reserved_page", test_free_reserved_page, M_4G);
	return _cmocka_run_group_tests("buddy", tests, nr_tests, NULL, NULL);
}
