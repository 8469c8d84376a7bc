#include "mm/init.h"
#include "mm/bootmem.h"
#include "mm/directmap.h"
#include "mm/gfp.h"
#include "mm/typed_pool.h"
#include "mm/zone.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/lib/string.h"

struct memmap boot_memmap;

extern char _end[];

/*
 * RAM the CPU cannot address is unusable: a PTE naming a frame above MAXPHYADDR faults with
 * a reserved-bit error. Cap the usable RAM there, saying how much is left out.
 */
static u64 cpu_limit(const struct boot_info *bi, u64 mem_limit)
{
	u64 top, above = 0;

	if (!bi->phys_addr_bits || bi->phys_addr_bits >= 64)
		return mem_limit;
	top = 1ull << bi->phys_addr_bits;
	if (mem_limit && mem_limit <= top)
		return mem_limit;
	for (unsigned i = 0; i < bi->nr_mmap; i++) {
		const struct firmware_entry *e = &bi->mmap[i];

		if (e->type == MEM_TYPE_RAM && e->base + e->len > top)
			above += e->base + e->len - MAX(e->base, top);
	}
	if (above)
		pr_warn("mm: CPU addresses %u bits; ignoring %llu MiB of RAM above %llu MiB\n",
			bi->phys_addr_bits, above >> 20, top >> 20);
	return top;
}

void mm_init(const struct boot_info *bi, u64 mem_limit, u64 vmalloc_size, u32 hypervisor_start)
{
	struct memmap *m = &boot_memmap;
	pfn_t max_pfn;

	memmap_init(m);
	mem_limit = cpu_limit(bi, mem_limit);
	memmap_add_firmware(m, bi->mmap, bi->nr_mmap, mem_limit);
	/* Real-mode data, BIOS and option ROMs: never touched, as Linux does. */
	memmap_reserve(m, 0, MiB(1));
	memmap_reserve(m, KERNEL_PHYS_LOAD, virt_to_phys(_end));
	for (unsigned i = 0; i < bi->nr_keep; i++)
		memmap_reserve(m, bi->keep[i].start, bi->keep[i].end);
	max_pfn = memmap_max_pfn(m);
	if (max_pfn < PFN_DOWN(MiB(16)))
		panic("mm: only %u KiB of RAM below the top of the map; pvkmap needs 16 MiB",
		      max_pfn << (PAGE_SHIFT - 10));

	if (layout_compute(&mm_layout, max_pfn, vmalloc_size, hypervisor_start)) {
		/* Name the cause: the hypervisor hole, or a vmalloc= larger than the default. */
		if (hypervisor_start && vmalloc_size <= VMALLOC_DEFAULT)
			pr_warn(
			    "mm: below the hypervisor hole at 0x%x, a %lluM vmalloc area leaves "
			    "less than %llu MiB of lowmem; using %lluM\n",
			    hypervisor_start, vmalloc_size >> 20, LOWMEM_MIN >> 20,
			    VMALLOC_DEFAULT >> 20);
		else
			pr_warn(
			    "mm: vmalloc=%lluM leaves less than %llu MiB of lowmem; using %lluM\n",
			    vmalloc_size >> 20, LOWMEM_MIN >> 20, VMALLOC_DEFAULT >> 20);
		if (layout_compute(&mm_layout, max_pfn, VMALLOC_DEFAULT, hypervisor_start))
			panic("mm: no usable layout below the hypervisor hole at 0x%x",
			      hypervisor_start);
	}
	bootmem_init(m, mm_layout.max_low_pfn);
	paging_init(&mm_layout);

	mem_map_pfns = max_pfn;
	mem_map = phys_to_virt(
	    PFN_PHYS(bootmem_alloc_pages((u32)PFN_UP((u64)max_pfn * sizeof(struct page)))));
	memset(mem_map, 0, (size_t)max_pfn * sizeof(struct page));
	zones_init(&mm_layout, m);
	zones_populate(m);
}

void mm_report(void)
{
	u64 low = zones[ZONE_DMA].present_pages + zones[ZONE_NORMAL].present_pages;
	u64 high = zones[ZONE_HIGHMEM].present_pages;

	memmap_print(&boot_memmap);
	layout_print(&mm_layout);
	directmap_print();
	zones_print();
	typed_pool_print();
	cprintf("Memory: %llu MiB LOWMEM, %llu MiB HIGHMEM, %llu KiB boot allocations "
		"(page tables, mem_map)\n",
		low >> (20 - PAGE_SHIFT), high >> (20 - PAGE_SHIFT),
		bootmem_pages_allocated() << (PAGE_SHIFT - 10));
}
