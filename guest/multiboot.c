/*
 * Multiboot v1 information (the Multiboot Specification 0.6.96, section 3.3): copy what the
 * kernel needs out of the loader's structures before anything can overwrite them. They are
 * read through the boot map of physical 0..1 GiB.
 */
#include "guest/multiboot.h"
#include "guest/kernel_base.h"
#include "guest/panic.h"
#include "guest/printk.h"
#include "guest/lib/string.h"

#define MB_INFO_MEMORY (1u << 0)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MODS (1u << 3)
#define MB_INFO_MMAP (1u << 6)
#define BOOT_MAP_LIMIT 0x40000000u /* what native_boot_paging maps */

struct mb_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_mmap_entry {
	u32 size; /* of the rest of the entry: entries are not fixed-size */
	u64 base, len;
	u32 type;
} __attribute__((packed));

struct mb_module {
	u32 start, end, string, reserved;
} __attribute__((packed));

static const void *boot_ptr(u32 phys, u32 len, const char *what)
{
	if (phys >= BOOT_MAP_LIMIT || len > BOOT_MAP_LIMIT - phys)
		panic("multiboot: %s at 0x%x+0x%x is outside the boot map", what, phys, len);
	return (const void *)(uintptr_t)(phys + PAGE_OFFSET);
}

static void keep(struct boot_info *bi, u64 start, u64 end)
{
	if (bi->nr_keep < ARRAY_SIZE(bi->keep))
		bi->keep[bi->nr_keep++] = (struct mem_range){start, end};
	else
		pr_warn("multiboot: too many modules; [0x%llx, 0x%llx) not reserved\n", start, end);
}

void multiboot_parse(u32 mbi_phys, struct boot_info *bi)
{
	const struct mb_info *mbi = boot_ptr(mbi_phys, sizeof(*mbi), "info");

	memset(bi, 0, sizeof(*bi));
	if (mbi->flags & MB_INFO_CMDLINE) {
		const char *cmd = boot_ptr(mbi->cmdline, 1, "cmdline");

		/* Loaders put the image's path first (QEMU, GRUB): it is not an option. */
		if (*cmd == '/')
			while (*cmd && *cmd != ' ' && *cmd != '\t')
				cmd++;
		while (*cmd == ' ' || *cmd == '\t')
			cmd++;
		bi->cmdline_len = strlcpy(bi->cmdline, cmd, sizeof(bi->cmdline));
	}
	if (mbi->flags & MB_INFO_MMAP) {
		u32 off = 0;
		const u8 *base = boot_ptr(mbi->mmap_addr, mbi->mmap_length, "mmap");

		while (off + sizeof(struct mb_mmap_entry) <= mbi->mmap_length &&
		       bi->nr_mmap < ARRAY_SIZE(bi->mmap)) {
			const struct mb_mmap_entry *e = (const void *)(base + off);

			bi->mmap[bi->nr_mmap++] = (struct firmware_entry){e->base, e->len, e->type};
			off += e->size + sizeof(e->size);
		}
		if (off < mbi->mmap_length)
			pr_warn("multiboot: memory map has more than %u entries; rest ignored\n",
				(unsigned)ARRAY_SIZE(bi->mmap));
	} else if (mbi->flags & MB_INFO_MEMORY) {
		/* No map: the two legacy sizes, in KiB, below 1 MiB and from 1 MiB. */
		bi->mmap[0] = (struct firmware_entry){0, KiB(mbi->mem_lower), MEM_TYPE_RAM};
		bi->mmap[1] = (struct firmware_entry){MiB(1), KiB(mbi->mem_upper), MEM_TYPE_RAM};
		bi->nr_mmap = 2;
	} else {
		panic("multiboot: loader gave no memory information (flags 0x%x)", mbi->flags);
	}
	if (mbi->flags & MB_INFO_MODS) {
		const struct mb_module *mod =
		    boot_ptr(mbi->mods_addr, mbi->mods_count * sizeof(*mod), "modules");

		for (u32 i = 0; i < mbi->mods_count; i++)
			keep(bi, ALIGN_DOWN((u64)mod[i].start, PAGE_SIZE), mod[i].end);
	}
}
