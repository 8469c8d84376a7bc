/*
 * The linear-map benchmarks: what changing the kernel's own mappings of lowmem costs. Each
 * iteration is a change and its undo, so every sample starts from the same state:
 * set_memory_uc/wc of N pages inside one 2 MiB direct-map entry and back to WB (natively a
 * split, and the merge when WB makes the range uniform again), kernel_map_pages(N, 0) and
 * (N, 1), a vmap of N pages and its vunmap, and one order-0 alloc_page and free (which
 * costs MMU work only with pagealloc_debug=on); against set_memory, the typed pool's
 * alloc_pages_type(UC or WC) of N pages and their free, from highmem. mm/linear_map_bench_test.c
 * asserts each iteration's exact counts.
 */
#include "guest/bench.h"
#include "guest/panic.h"
#include "mm/directmap.h"
#include "mm/highmem.h"
#include "mm/linear_map_bench.h"
#include "mm/set_memory.h"
#include "mm/typed_pool.h"
#include "mm/vmalloc.h"
#include "mm/zone.h"
#include "pv/ops.h"

#define BLOCK_ORDER 9 /* 512 pages: one 2 MiB direct-map entry */
#define BLOCK_PAGES (1u << BLOCK_ORDER)
#define BLOCK_TRIES 8

static struct page *block;

u32 linear_map_bench_va(void)
{
	return PAGE_OFFSET + (page_to_pfn(block) << PAGE_SHIFT);
}

/*
 * A 2 MiB-aligned block of free lowmem that one 2 MiB entry maps (where the direct map has
 * them): a block in a region left 4 KiB at boot would cost no split and measure nothing.
 */
static void block_get(void)
{
	struct page *spare[BLOCK_TRIES];
	unsigned n = 0;

	while (n < BLOCK_TRIES) {
		struct page *b = alloc_pages(GFP_KERNEL, BLOCK_ORDER);

		if (!b)
			panic("bench: no 2 MiB block of lowmem (order %u)", BLOCK_ORDER);
		if (directmap_4k_only_why() ||
		    directmap_is_large(PAGE_OFFSET + (page_to_pfn(b) << PAGE_SHIFT))) {
			block = b;
			break;
		}
		spare[n++] = b;
	}
	while (n)
		__free_pages(spare[--n], BLOCK_ORDER);
	if (!block)
		panic("bench: none of %u 2 MiB blocks of lowmem is one 2 MiB direct-map entry",
		      BLOCK_TRIES);
}

static void block_put(void)
{
	__free_pages(block, BLOCK_ORDER);
	block = NULL;
}

/* 1. set_memory_uc/wc of N pages and set_memory_wb of them: the type and its restore. */
static const char *no_type(enum page_cache_mode mode)
{
	return pv_mmu->cache_modes & PCM_BIT(mode) ? NULL : pv_mmu->cache_modes_why;
}

static const char *no_uc(void)
{
	return no_type(PCM_UC);
}

static const char *no_wc(void)
{
	return no_type(PCM_WC);
}

static void set_type_and_back(enum page_cache_mode mode, u32 n)
{
	u32 va = linear_map_bench_va();
	int ret = set_memory_type(va, n, mode);

	if (ret || (ret = set_memory_wb(va, n)))
		panic("bench: set_memory(0x%08x, %u pages, %s and back to WB): %d", va, n,
		      cachemode_names[mode], ret);
}

#define SET_MEMORY_BENCH(type, mode, n)                                                            \
	static void set_memory_##type##_##n(void)                                                  \
	{                                                                                          \
		set_type_and_back(mode, n);                                                        \
	}                                                                                          \
	BENCH_UNLESS(set_memory_##type##_wb_##n, no_##type, 1, block_get, set_memory_##type##_##n, \
		     block_put)
SET_MEMORY_BENCH(uc, PCM_UC, 1);
SET_MEMORY_BENCH(uc, PCM_UC, 16);
SET_MEMORY_BENCH(uc, PCM_UC, 512);
SET_MEMORY_BENCH(wc, PCM_WC, 1);
SET_MEMORY_BENCH(wc, PCM_WC, 16);
SET_MEMORY_BENCH(wc, PCM_WC, 512);

/* 2. kernel_map_pages(N, 0) then (N, 1): out of the direct map and back. */
#define KERNEL_MAP_PAGES_BENCH(n)                                                                  \
	static void kernel_map_pages_##n##_pair(void)                                              \
	{                                                                                          \
		kernel_map_pages(block, n, false);                                                 \
		kernel_map_pages(block, n, true);                                                  \
	}                                                                                          \
	BENCH(kernel_map_pages_##n, 1, block_get, kernel_map_pages_##n##_pair, block_put)
KERNEL_MAP_PAGES_BENCH(1);
KERNEL_MAP_PAGES_BENCH(16);
KERNEL_MAP_PAGES_BENCH(512);

/*
 * 3. vmap of N pages (highmem where there is any) and its vunmap. The warm-up gives the
 * area's 2 MiB regions their page tables, which stay; first fit hands out the same place
 * every time, so each iteration writes and clears entries only.
 */
static struct page *vmap_pages[BLOCK_PAGES];

static void vmap_setup(void)
{
	for (unsigned i = 0; i < BLOCK_PAGES; i++) {
		vmap_pages[i] = alloc_page(GFP_HIGHMEM);
		if (!vmap_pages[i])
			panic("bench: no page %u of %u to vmap", i, BLOCK_PAGES);
	}
}

static void vmap_teardown(void)
{
	for (unsigned i = 0; i < BLOCK_PAGES; i++)
		__free_pages(vmap_pages[i], 0);
}

static void vmap_and_vunmap(unsigned n)
{
	void *v = vmap(vmap_pages, n, PAGE_KERNEL);

	if (!v)
		panic("bench: vmap of %u pages failed", n);
	vunmap(v);
}

#define VMAP_BENCH(n)                                                                              \
	static void vmap_vunmap_##n##_pages(void)                                                  \
	{                                                                                          \
		vmap_and_vunmap(n);                                                                \
	}                                                                                          \
	BENCH(vmap_vunmap_##n, 1, vmap_setup, vmap_vunmap_##n##_pages, vmap_teardown)
VMAP_BENCH(1);
VMAP_BENCH(16);
VMAP_BENCH(512);

/* 4. One lowmem page allocated and freed: with pagealloc_debug=on, mapped and unmapped. */
static void alloc_and_free(void)
{
	struct page *p = alloc_page(GFP_KERNEL);

	if (!p)
		panic("bench: no lowmem page");
	__free_pages(p, 0);
}

BENCH(page_alloc_free, 1, NULL, alloc_and_free, NULL);

/*
 * 5. The typed pool against set_memory: alloc_pages_type(UC or WC) of N pages and their
 * free_pages_type, from highmem (no direct-map alias: no split, nothing to restore).
 */
/* A free highmem block of @order or larger (read unlocked: a benchmark's setup is alone). */
static bool highmem_block_free(unsigned order)
{
	for (unsigned o = order; o <= MAX_ORDER; o++)
		if (zones[ZONE_HIGHMEM].free_area[o].nr_free)
			return true;
	return false;
}

static const char *no_pool(enum page_cache_mode mode, unsigned order)
{
	if (no_type(mode))
		return no_type(mode);
	if (!highmem_block_free(order))
		return "no free highmem block of that size (the pool would use its lowmem units)";
	return NULL;
}

static void pool_and_back(enum page_cache_mode mode, unsigned order)
{
	void *v = alloc_pages_type(mode, order);

	if (!v)
		panic("bench: alloc_pages_type(%s, order %u) failed", cachemode_names[mode], order);
	free_pages_type(v, mode, order);
}

#define POOL_BENCH(type, mode, n, order)                                                           \
	static const char *no_pool_##type##_##n(void)                                              \
	{                                                                                          \
		return no_pool(mode, order);                                                       \
	}                                                                                          \
	static void pool_##type##_##n(void)                                                        \
	{                                                                                          \
		pool_and_back(mode, order);                                                        \
	}                                                                                          \
	BENCH_UNLESS(pool_##type##_free_##n, no_pool_##type##_##n, 1, NULL, pool_##type##_##n, NULL)
POOL_BENCH(uc, PCM_UC, 1, 0);
POOL_BENCH(uc, PCM_UC, 16, 4);
POOL_BENCH(uc, PCM_UC, 512, 9);
POOL_BENCH(wc, PCM_WC, 1, 0);
POOL_BENCH(wc, PCM_WC, 16, 4);
POOL_BENCH(wc, PCM_WC, 512, 9);
