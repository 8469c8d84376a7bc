/* The boot path every entry shares once it has a console: options, memory, tests, verdict. */
#include "guest/bench.h"
#include "guest/boot_info.h"
#include "guest/cmdline.h"
#include "guest/irqflags.h"
#include "guest/ktest.h"
#include "guest/panic.h"
#include "guest/platform.h"
#include "guest/printk.h"
#include "guest/sched.h"
#include "guest/smp.h"
#include "mm/directmap.h"
#include "mm/highmem.h"
#include "mm/init.h"
#include "mm/pagealloc_debug.h"
#include "mm/typed_pool.h"
#include "pv/counters.h"

void start_kernel(struct boot_info *bi)
{
	unsigned failed;

	cprintf("pvkmap: 32-bit PAE kernel, MMU backend %s, platform %s\n", pv_mmu->name,
		platform_name(platform));
	cprintf("pvkmap: command line '%s'\n", bi->cmdline);
	cmdline_check_length(bi->cmdline, bi->cmdline_len, sizeof(bi->cmdline),
			     bi->cmdline_protocol);
	boot_options_default(&boot_options);
	cmdline_parse(bi->cmdline, &boot_options);
	console_loglevel = boot_options.loglevel;
	if (bi->hooks && bi->hooks->options_parsed)
		bi->hooks->options_parsed();

	if (boot_options.directmap_4k)
		directmap_force_4k("directmap=4k");
	/* Every free and allocation changes an entry: no 2 MiB page to split on a free. */
	if (boot_options.pagealloc_debug)
		directmap_force_4k("pagealloc_debug=on");
	mm_init(bi, boot_options.mem_limit, boot_options.vmalloc_size, bi->hypervisor_start);
	if (bi->hooks && bi->hooks->mm_ready)
		bi->hooks->mm_ready();
	/* After mm_ready: under Xen the backend knows its memory types only then. */
	typed_pool_reserve(boot_options.typed_pool_size);
	if (boot_options.pagealloc_debug)
		pagealloc_debug_init();
	mm_report();
	if (bi->hooks && bi->hooks->report)
		bi->hooks->report();
	kmap_configure(boot_options.kmap_debug, boot_options.kmap_lazy);
	cprintf("kmap: %s unmapping, debug checks %s\n",
		kmap_unmap_mode == KMAP_LAZY ? "lazy" : "strict", kmap_debug ? "on" : "off");
	sched_init();
	local_irq_enable();		 /* ticks from here on: tests run preemptible */
	smp_boot(boot_options.max_cpus); /* reads firmware tables through kmap_local */

	failed = ktest_run(boot_options.test, boot_options.test_every_cpu);
	failed += bench_unknown(boot_options.bench);
	if (bench_run(boot_options.bench))
		cprintf("bench: done\n");
	cprintf("sched: %llu timer ticks during the run\n", jiffies);
	pv_counters_print_table();
	pv_counters_print_json();
	kernel_poweroff(failed == 0);
}
