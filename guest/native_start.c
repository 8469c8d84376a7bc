/* The native entry's C half: console, traps and boot information, then the common path. */
#include "guest/boot_info.h"
#include "guest/x86/cpu.h"
#include "guest/multiboot.h"
#include "guest/panic.h"
#include "guest/platform.h"
#include "guest/printk.h"
#include "guest/serial.h"
#include "guest/smp.h"
#include "guest/x86/traps.h"
#include "pv/native/native.h"

static struct boot_info native_boot_info;

/* The boot report's native lines: what the backend set up before there was a console. */
static const struct boot_hooks native_hooks = {
    .report = native_pat_report,
};

asmlinkage void native_start(u32 magic, u32 mbi_phys);

asmlinkage void native_start(u32 magic, u32 mbi_phys)
{
	smp_cpu_local_init(0);
	native_pv_init();
	serial_init();
	traps_init_native();
	platform_detect();
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		panic("native entry: loader magic 0x%x is not multiboot's 0x%x", magic,
		      MULTIBOOT_BOOTLOADER_MAGIC);
	multiboot_parse(mbi_phys, &native_boot_info);
	native_boot_info.hooks = &native_hooks;
	native_boot_info.phys_addr_bits = cpu_phys_addr_bits();
	start_kernel(&native_boot_info);
}
