/* Writing a PAE entry with 32-bit stores, for backends that store entries themselves. */
#ifndef PV_PTE_STORE_H
#define PV_PTE_STORE_H

#include "guest/x86/cpu.h"
#include "pv/pte.h"

/*
 * A 32-bit CPU writes a PAE entry as two stores. Making an entry present: high word first, so
 * the walker never sees the present bit with a stale frame. Clearing: low word (present bit)
 * first. Both are volatile accesses, which the compiler keeps in program order, and x86
 * keeps stores in order; no barrier is needed, so other loads around an entry write (the
 * prot mask, mem_map) can stay in registers. (Xen's writable page tables emulate each half
 * separately and rely on the same order.)
 */
static inline void pte_store_halves(u64 *p, u64 v)
{
	volatile u32 *w = (volatile u32 *)p;

	if (v & _PAGE_PRESENT) {
		w[1] = (u32)(v >> 32);
		w[0] = (u32)v;
	} else {
		w[0] = (u32)v;
		w[1] = (u32)(v >> 32);
	}
}

#endif
