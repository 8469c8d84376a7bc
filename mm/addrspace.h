/*
 * A separate address space: a PAE tree of its own (PDPT, one page directory, one page table)
 * mapping up to 512 pages at ADDRSPACE_BASE, plus the kernel's top gigabyte: natively the
 * kernel's directory is shared, under Xen each tree gets its own copy (Xen forbids sharing
 * it in PAE), as Linux does. Built, pinned and torn down through the operations table:
 * what a fork or exec costs the MMU, and benchmark 7's subject.
 *
 * A CPU enters one with addrspace_enter() and goes back to the kernel's tree with
 * addrspace_leave(); the tree records which CPUs have it loaded. Destroying it first makes
 * every other CPU that has it loaded leave it, by cross-CPU call (Xen refuses to unpin a tree
 * some vCPU still uses, and a native CPU would go on walking freed tables), as Linux does
 * before it frees or unpins a page directory.
 */
#ifndef MM_ADDRSPACE_H
#define MM_ADDRSPACE_H

#include "mm/gfp.h"
#include "guest/smp.h"

#define ADDRSPACE_BASE 0x00400000u /* user space, PDPT slot 0 */

struct addrspace {
	struct page *pud, *pmd, *pt; /* lowmem frames of the tree */
	struct page *kernel_pmd;     /* its copy of the kernel's directory, where unshared */
	unsigned nr_pages;
	cpumask_t loaded_on;   /* CPUs running on this tree */
	struct list_head live; /* on the list of live address spaces; NULL links: not on it */
};

/* Build a tree mapping @pages[0..n) (n <= 512) and pin it; false without memory. */
bool addrspace_create(struct addrspace *as, struct page *const *pages, unsigned n);
/* Run this CPU on @as's tree (a CR3 load), and back on the kernel's. */
void addrspace_enter(struct addrspace *as);
void addrspace_leave(void);
/* Make every CPU running on @as leave it, then unpin it and give its frames back. */
void addrspace_destroy(struct addrspace *as);

/*
 * Kernel entry @idx of the top gigabyte's directory (kernel_pmd[@idx]) was just made present:
 * install it in every live address space's copy of that directory, one set_pmd each, where
 * the backend unshares it (Xen); natively every tree shares kernel_pmd and this costs nothing.
 * Call once the kernel_pmd write has completed (not still queued in a lazy section), so an
 * address space being created meanwhile either copies the entry or is synced here.
 */
void addrspace_sync_kernel_pmd(unsigned idx);
/* Address spaces created and not yet destroyed (each costs a set_pmd per synced entry). */
unsigned addrspaces_live(void);

#endif
