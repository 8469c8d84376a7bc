#include "mm/addrspace.h"
#include "mm/pgtable.h"
#include "guest/panic.h"
#include "guest/irqflags.h"
#include "guest/preempt.h"
#include "guest/spinlock.h"

/* The address space each CPU runs on; NULL: the kernel's tree. */
static DEFINE_PER_CPU(struct addrspace *, loaded_as);

/*
 * Every address space between the copy of the kernel's directory in addrspace_create() and
 * its unpinning in addrspace_destroy(), so a kernel page table added later reaches each copy.
 * The lock covers the list and the copying: an address space either copied an entry or was
 * on the list when it was synced (addrspace_sync_kernel_pmd). Preemption off, interrupts on.
 */
static struct list_head live_addrspaces = {&live_addrspaces, &live_addrspaces};
static unsigned nr_live_addrspaces;
static spinlock_t addrspaces_lock;

static void lock_addrspaces(void)
{
	preempt_disable();
	spin_lock(&addrspaces_lock);
}

static void unlock_addrspaces(void)
{
	spin_unlock(&addrspaces_lock);
	preempt_enable();
}

bool addrspace_create(struct addrspace *as, struct page *const *pages, unsigned n)
{
	pud_t *pud;
	pmd_t *pmd;
	pte_t *pt;

	BUG_ON(n > PTRS_PER_PTE);
	as->pud = pgtable_alloc_frame();
	as->pmd = pgtable_alloc_frame();
	as->pt = pgtable_alloc_frame();
	as->kernel_pmd = pv_mmu->unshared_kernel_pmd ? pgtable_alloc_frame() : NULL;
	as->nr_pages = n;
	as->loaded_on.bits = 0;
	as->live.next = as->live.prev = NULL;
	if (!as->pud || !as->pmd || !as->pt || (pv_mmu->unshared_kernel_pmd && !as->kernel_pmd)) {
		addrspace_destroy(as);
		return false;
	}
	pud = page_address(as->pud);
	pmd = page_address(as->pmd);
	pt = page_address(as->pt);
	pv_lazy_enter();
	pv_set_pud(&pud[pud_index(ADDRSPACE_BASE)], pud_make_table(page_to_pfn(as->pmd)));
	pv_set_pmd(&pmd[pmd_index(ADDRSPACE_BASE)], pmd_make_table(page_to_pfn(as->pt)));
	for (unsigned i = 0; i < n; i++)
		pv_set_pte(&pt[pte_index(ADDRSPACE_BASE) + i],
			   pfn_pte(page_to_pfn(pages[i]), PAGE_KERNEL | _PAGE_USER));
	lock_addrspaces();
	list_add(&as->live, &live_addrspaces);
	nr_live_addrspaces++;
	if (as->kernel_pmd) {
		pmd_t *kpmd = page_address(as->kernel_pmd);

		/* The kernel's entries below the hypervisor hole; Xen fills in its own. */
		for (unsigned i = 0; i < PTRS_PER_PMD; i++)
			if (pmd_present(kernel_pmd[i]))
				pv_set_pmd(&kpmd[i], kernel_pmd[i]);
		pv_set_pud(&pud[pud_index(PAGE_OFFSET)],
			   pud_make_table(page_to_pfn(as->kernel_pmd)));
	} else {
		pv_set_pud(&pud[pud_index(PAGE_OFFSET)], pud_make_table(kernel_pmd_pfn));
	}
	unlock_addrspaces();
	pv_lazy_leave();
	pv_pin_table(page_to_pfn(as->pud));
	return true;
}

void addrspace_enter(struct addrspace *as)
{
	unsigned long flags = local_irq_save(); /* a cross-CPU call must see both or neither */

	if (this_cpu_read(loaded_as))
		addrspace_leave();
	__atomic_or_fetch(&as->loaded_on.bits, 1u << smp_processor_id(), __ATOMIC_ACQ_REL);
	this_cpu_write(loaded_as, as);
	pv_load_cr3(page_to_pfn(as->pud));
	local_irq_restore(flags);
}

void addrspace_leave(void)
{
	unsigned long flags = local_irq_save();
	struct addrspace *as = this_cpu_read(loaded_as);

	if (as) {
		pv_load_cr3(kernel_pud_pfn);
		this_cpu_write(loaded_as, NULL);
		__atomic_and_fetch(&as->loaded_on.bits, ~(1u << smp_processor_id()),
				   __ATOMIC_ACQ_REL);
	}
	local_irq_restore(flags);
}

/* On a CPU asked to drop @arg: leave it if it is still the one loaded here. */
static void leave_if_loaded(void *arg)
{
	if (this_cpu_read(loaded_as) == arg)
		addrspace_leave();
}

void addrspace_destroy(struct addrspace *as)
{
	cpumask_t users = as->loaded_on;

	if (cpumask_test(&users, smp_processor_id()))
		addrspace_leave();
	users.bits &= ~(1u << smp_processor_id());
	if (users.bits)
		smp_call_function_many(&users, leave_if_loaded, as);
	if (as->loaded_on.bits)
		panic("addrspace %p: still loaded on cpus 0x%x after they were asked to leave", as,
		      as->loaded_on.bits);
	if (as->live.next) {
		lock_addrspaces();
		list_del(&as->live);
		nr_live_addrspaces--;
		unlock_addrspaces();
		pv_unpin_table(page_to_pfn(as->pud));
	}
	/* Unpinned, the frames are plain pages again: no entries need clearing. */
	pgtable_free_frame(as->kernel_pmd);
	pgtable_free_frame(as->pt);
	pgtable_free_frame(as->pmd);
	pgtable_free_frame(as->pud);
	as->pud = as->pmd = as->pt = as->kernel_pmd = NULL;
}

void addrspace_sync_kernel_pmd(unsigned idx)
{
	struct list_head *l;

	if (!pv_mmu->unshared_kernel_pmd)
		return;
	lock_addrspaces();
	for (l = live_addrspaces.next; l != &live_addrspaces; l = l->next) {
		struct addrspace *as = list_entry(l, struct addrspace, live);
		pmd_t *kpmd = page_address(as->kernel_pmd);

		pv_set_pmd(&kpmd[idx], kernel_pmd[idx]);
	}
	unlock_addrspaces();
}

unsigned addrspaces_live(void)
{
	return nr_live_addrspaces;
}
