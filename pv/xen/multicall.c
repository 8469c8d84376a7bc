#include "pv/xen/multicall.h"
#include "pv/xen/hypercall.h"
#include "guest/x86/percpu.h"

struct mc_buffer {
	multicall_entry_t entries[MC_BATCH];
	unsigned nr_entries;
	mmu_update_t updates[MC_UPDATES];
	unsigned nr_updates;
	struct mmuext_op ext[MC_EXT_OPS];
	unsigned nr_ext;
};

static struct mc_buffer mc_buffers[NR_CPUS];

static struct mc_buffer *this_buffer(void)
{
	return &mc_buffers[smp_processor_id()];
}

/* The last queued entry, if it is hypercall @op. */
static multicall_entry_t *last_entry(struct mc_buffer *b, unsigned op)
{
	if (!b->nr_entries || b->entries[b->nr_entries - 1].op != op)
		return NULL;
	return &b->entries[b->nr_entries - 1];
}

static multicall_entry_t *new_entry(struct mc_buffer *b, unsigned op)
{
	multicall_entry_t *e;

	if (b->nr_entries == MC_BATCH)
		mc_flush();
	e = &b->entries[b->nr_entries++];
	*e = (multicall_entry_t){.op = op};
	return e;
}

void mc_queue_mmu_update(u64 ptr, u64 val)
{
	struct mc_buffer *b = this_buffer();
	multicall_entry_t *e;

	if (b->nr_updates == MC_UPDATES)
		mc_flush();
	/* Extend the previous mmu_update if its requests end right here. */
	e = last_entry(b, __HYPERVISOR_mmu_update);
	if (!e ||
	    (mmu_update_t *)(uintptr_t)e->args[0] + e->args[1] != &b->updates[b->nr_updates]) {
		e = new_entry(b, __HYPERVISOR_mmu_update); /* may flush: take the slot after */
		e->args[0] = (uintptr_t)&b->updates[b->nr_updates];
		e->args[2] = 0; /* no success count: each entry's result is checked */
		e->args[3] = DOMID_SELF;
	}
	b->updates[b->nr_updates++] = (mmu_update_t){.ptr = ptr, .val = val};
	e->args[1]++;
}

void mc_queue_mmuext(const struct mmuext_op *op)
{
	struct mc_buffer *b = this_buffer();
	multicall_entry_t *e;

	if (b->nr_ext == MC_EXT_OPS)
		mc_flush();
	e = last_entry(b, __HYPERVISOR_mmuext_op);
	if (!e || (struct mmuext_op *)(uintptr_t)e->args[0] + e->args[1] != &b->ext[b->nr_ext]) {
		e = new_entry(b, __HYPERVISOR_mmuext_op);
		e->args[0] = (uintptr_t)&b->ext[b->nr_ext];
		e->args[2] = 0;
		e->args[3] = DOMID_SELF;
	}
	b->ext[b->nr_ext++] = *op;
	e->args[1]++;
}

void mc_queue_update_va_mapping(u32 vaddr, u64 pte, u32 flags)
{
	multicall_entry_t *e = new_entry(this_buffer(), __HYPERVISOR_update_va_mapping);

	e->args[0] = vaddr;
	e->args[1] = (u32)pte;
	e->args[2] = (u32)(pte >> 32);
	e->args[3] = flags;
}

void mc_flush(void)
{
	struct mc_buffer *b = this_buffer();
	multicall_entry_t *e = b->entries;

	if (!b->nr_entries)
		return;
	/* A batch of one is issued as itself: a multicall around it would only add a trap. */
	if (b->nr_entries == 1) {
		switch (e->op) {
		case __HYPERVISOR_mmu_update:
			xen_mmu_update((mmu_update_t *)(uintptr_t)e->args[0], e->args[1]);
			break;
		case __HYPERVISOR_mmuext_op:
			xen_mmuext_op((struct mmuext_op *)(uintptr_t)e->args[0], e->args[1]);
			break;
		default:
			xen_update_va_mapping(e->args[0], e->args[1] | ((u64)e->args[2] << 32),
					      e->args[3]);
		}
	} else {
		xen_multicall(b->entries, b->nr_entries);
	}
	b->nr_entries = b->nr_updates = b->nr_ext = 0;
}

unsigned mc_pending(void)
{
	return this_buffer()->nr_entries;
}
