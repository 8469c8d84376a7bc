/*
 * A separate address space: a PAE tree of its own (PDPT, one page directory, one page table)
 * mapping up to 512 pages at ADDRSPACE_BASE, plus the kernel's top gigabyte: natively the
 * kernel's directory is shared, under Xen each tree gets its own copy (Xen forbids sharing
 * it in PAE), as Linux does. Built, pinned and torn down through the operations table:
 * what a fork or exec costs the MMU, and benchmark 7's subject.
 */
#ifndef MM_ADDRSPACE_H
#define MM_ADDRSPACE_H

#include "mm/gfp.h"

#define ADDRSPACE_BASE 0x00400000u /* user space, PDPT slot 0 */

struct addrspace {
	struct page *pud, *pmd, *pt; /* lowmem frames of the tree */
	struct page *kernel_pmd;     /* its copy of the kernel's directory, where unshared */
	unsigned nr_pages;
};

/* Build a tree mapping @pages[0..n) (n <= 512) and pin it; false without memory. */
bool addrspace_create(struct addrspace *as, struct page *const *pages, unsigned n);
/* Unpin it and give its frames back. */
void addrspace_destroy(struct addrspace *as);

#endif
