#include "mm/memmap.h"
#include "guest/panic.h"
#include "guest/printk.h"

void memmap_init(struct memmap *m)
{
	m->nr_ram = m->nr_reserved = m->rejected = 0;
}

static bool overlaps(const struct mem_range *a, u64 start, u64 end)
{
	return start < a->end && a->start < end;
}

/* Insert into a sorted array; the caller has checked there is room. */
static void insert_sorted(struct mem_range *arr, unsigned *nr, struct mem_range r)
{
	unsigned i = *nr;

	while (i > 0 && arr[i - 1].start > r.start) {
		arr[i] = arr[i - 1];
		i--;
	}
	arr[i] = r;
	(*nr)++;
}

static unsigned reject(struct memmap *m, const struct firmware_entry *e, const char *why)
{
	pr_warn("memmap: rejected entry base 0x%llx len 0x%llx type %u: %s\n", e->base, e->len,
		e->type, why);
	m->rejected++;
	return 1;
}

static unsigned add_one(struct memmap *m, const struct firmware_entry *e, u64 mem_limit)
{
	u64 start = e->base, end = e->base + e->len;

	if (e->len == 0)
		return reject(m, e, "empty");
	if (end < start)
		return reject(m, e, "wraps past the end of the address space");
	if (start >= PHYS_LIMIT) {
		if (e->type != MEM_TYPE_RAM)
			return 0; /* a hole we could never address anyway (e.g. a 64-bit PCI window)
				   */
		return reject(m, e, "starts above the 64 GiB PAE limit");
	}
	if (end > PHYS_LIMIT) {
		pr_warn("memmap: entry base 0x%llx len 0x%llx clipped at the 64 GiB PAE limit\n",
			e->base, e->len);
		end = PHYS_LIMIT;
	}
	if (e->type != MEM_TYPE_RAM) {
		memmap_reserve(m, start, end);
		return 0;
	}
	for (unsigned i = 0; i < m->nr_ram; i++)
		if (overlaps(&m->ram[i], start, end))
			return reject(m, e, "overlaps an earlier RAM entry");
	if (mem_limit && end > mem_limit)
		end = mem_limit;
	start = ALIGN_UP(start, (u64)PAGE_SIZE);
	end = ALIGN_DOWN(end, (u64)PAGE_SIZE);
	if (start >= end)
		return 0; /* smaller than a page once aligned, or above mem=: nothing usable */
	if (m->nr_ram == MEMMAP_MAX)
		return reject(m, e, "too many RAM entries");
	insert_sorted(m->ram, &m->nr_ram, (struct mem_range){start, end});
	return 0;
}

unsigned memmap_add_firmware(struct memmap *m, const struct firmware_entry *e, unsigned n,
			     u64 mem_limit)
{
	unsigned refused = 0;

	for (unsigned i = 0; i < n; i++)
		refused += add_one(m, &e[i], mem_limit);
	return refused;
}

void memmap_reserve(struct memmap *m, u64 start, u64 end)
{
	struct mem_range r = {ALIGN_DOWN(start, (u64)PAGE_SIZE), ALIGN_UP(end, (u64)PAGE_SIZE)};
	unsigned i, j;

	if (r.start >= r.end)
		return;
	/* Merge with every range it overlaps or touches, then insert the union. */
	for (i = 0, j = 0; i < m->nr_reserved; i++) {
		struct mem_range *x = &m->reserved[i];

		if (x->start <= r.end && r.start <= x->end) {
			r.start = MIN(r.start, x->start);
			r.end = MAX(r.end, x->end);
		} else {
			m->reserved[j++] = *x;
		}
	}
	m->nr_reserved = j;
	if (m->nr_reserved == MEMMAP_MAX)
		panic("memmap: reserved table full adding [0x%llx, 0x%llx)", start, end);
	insert_sorted(m->reserved, &m->nr_reserved, r);
}

unsigned memmap_free_ranges(const struct memmap *m, struct mem_range *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < m->nr_ram; i++) {
		u64 pos = m->ram[i].start, end = m->ram[i].end;

		/* Reserved ranges are sorted: walk them once across this RAM range. */
		for (unsigned k = 0; k < m->nr_reserved && pos < end; k++) {
			const struct mem_range *r = &m->reserved[k];

			if (r->end <= pos || r->start >= end)
				continue;
			if (r->start > pos && n < max)
				out[n++] = (struct mem_range){pos, r->start};
			pos = MAX(pos, r->end);
		}
		if (pos < end && n < max)
			out[n++] = (struct mem_range){pos, end};
	}
	return n;
}

pfn_t memmap_max_pfn(const struct memmap *m)
{
	return m->nr_ram ? PFN_DOWN(m->ram[m->nr_ram - 1].end) : 0;
}

u64 memmap_ram_pages(const struct memmap *m, pfn_t start_pfn, pfn_t end_pfn)
{
	u64 pages = 0;

	for (unsigned i = 0; i < m->nr_ram; i++) {
		pfn_t s = MAX(PFN_DOWN(m->ram[i].start), start_pfn);
		pfn_t e = MIN(PFN_DOWN(m->ram[i].end), end_pfn);

		if (s < e)
			pages += e - s;
	}
	return pages;
}

bool memmap_is_ram(const struct memmap *m, pfn_t pfn)
{
	return memmap_ram_pages(m, pfn, pfn + 1) == 1;
}

void memmap_print(const struct memmap *m)
{
	pr_info("memmap: %u RAM ranges, %u reserved, %u firmware entries rejected\n", m->nr_ram,
		m->nr_reserved, m->rejected);
	for (unsigned i = 0; i < m->nr_ram; i++)
		pr_info("  RAM      [0x%09llx, 0x%09llx) %6llu MiB\n", m->ram[i].start,
			m->ram[i].end, (m->ram[i].end - m->ram[i].start) >> 20);
	for (unsigned i = 0; i < m->nr_reserved; i++)
		pr_info("  reserved [0x%09llx, 0x%09llx)\n", m->reserved[i].start,
			m->reserved[i].end);
}
