#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H

#include "guest/boot_info.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

/* Fill @bi from the loader's information at physical @mbi_phys; panics if it is unusable. */
void multiboot_parse(u32 mbi_phys, struct boot_info *bi);

#endif
