#include "pv/xen/hypercall.h"
#include "guest/x86/cpu.h"
#include "guest/panic.h"
#include "guest/x86/percpu.h"
#include "guest/printk.h"
#include "pv/counters.h"
#include <xen/errno.h> /* enum xen_errno; included again below for the names */
#include <xen/vcpu.h>

/* Filled with one 32-byte stub per hypercall by the domain builder (pv/xen/entry.S). */
extern char hypercall_page[];

struct xen_counters xen_counters[NR_CPUS];

static const struct {
	int value;
	const char *name;
} xen_errnos[] = {
#define XEN_ERRNO(name, value) {value, #name},
#include <xen/errno.h>
#undef XEN_ERRNO
};

static const char *errno_name(long rc)
{
	for (unsigned i = 0; i < ARRAY_SIZE(xen_errnos); i++)
		if (-rc == xen_errnos[i].value)
			return xen_errnos[i].name;
	return "unknown error";
}

const char *xen_errno_name(long rc)
{
	return errno_name(rc);
}

/* Hypercalls whose first argument is a command: counted per command too. */
static bool takes_command(unsigned nr)
{
	switch (nr) {
	case __HYPERVISOR_memory_op:
	case __HYPERVISOR_xen_version:
	case __HYPERVISOR_console_io:
	case __HYPERVISOR_vm_assist:
	case __HYPERVISOR_vcpu_op:
	case __HYPERVISOR_sched_op:
	case __HYPERVISOR_callback_op:
	case __HYPERVISOR_event_channel_op:
		return true;
	}
	return false;
}

/*
 * Enter Xen through the hypercall page: under QEMU's TCG only its int $0x82 stubs reach Xen
 * correctly from a PV guest. Arguments in ebx, ecx, edx, esi, edi; result in eax. Inlined
 * into each typed wrapper (a call would cost ~35 instructions more).
 */
static inline __attribute__((always_inline)) long raw_hypercall(unsigned nr, u32 a1, u32 a2, u32 a3,
								u32 a4, u32 a5)
{
	u32 target = (u32)(uintptr_t)hypercall_page + nr * 32;
	struct xen_counters *c = &xen_counters[smp_processor_id()];
	u64 t0 = 0;
	long ret;

	if (takes_command(nr) && a1 < XEN_NR_SUBOPS)
		c->subops[nr][a1]++;
	/*
	 * Timed only while rdtsc is cheap: when Xen emulates the TSC each read is a #GP into its
	 * privileged-op emulator, dearer than most hypercalls (README, "TSC emulation").
	 */
	if (!xen_tsc.emulated)
		t0 = rdtsc();
	__asm__ volatile("call *%[target]"
			 : "=a"(ret), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
			 : [target] "m"(target)
			 : "memory");
	if (!xen_tsc.emulated)
		c->cycles[nr] += rdtsc() - t0;
	c->traps[nr]++;
	c->calls[nr]++;
	return ret;
}

static void count_mmuext(const struct mmuext_op *op, unsigned count)
{
	struct xen_counters *c = &xen_counters[smp_processor_id()];

	c->mmuext_ops += count;
	for (unsigned i = 0; i < count; i++)
		if (op[i].cmd < XEN_NR_MMUEXT_CMDS)
			c->mmuext_cmds[op[i].cmd]++;
}

void xen_count_batched(const multicall_entry_t *e)
{
	struct xen_counters *c = &xen_counters[smp_processor_id()];

	if (e->op < XEN_NR_HYPERCALLS)
		c->calls[e->op]++;
	c->multicall_entries++;
	if (e->op == __HYPERVISOR_mmu_update)
		c->page_updates += e->args[1];
	else if (e->op == __HYPERVISOR_mmuext_op)
		count_mmuext((const struct mmuext_op *)(uintptr_t)e->args[0], e->args[1]);
}

void xen_mmu_update(mmu_update_t *req, unsigned count)
{
	unsigned done = 0;
	long rc = raw_hypercall(__HYPERVISOR_mmu_update, (u32)(uintptr_t)req, count,
				(u32)(uintptr_t)&done, DOMID_SELF, 0);

	xen_counters[smp_processor_id()].page_updates += count;
	if (rc < 0 || done != count)
		panic(
		    "xen: mmu_update(req[%u] ptr=0x%llx val=0x%llx, count=%u, DOMID_SELF) failed: "
		    "%ld (%s), %u done",
		    done, req[done < count ? done : 0].ptr, req[done < count ? done : 0].val, count,
		    rc, errno_name(rc), done);
}

void xen_mmuext_op(struct mmuext_op *op, unsigned count)
{
	unsigned done = 0;
	long rc = raw_hypercall(__HYPERVISOR_mmuext_op, (u32)(uintptr_t)op, count,
				(u32)(uintptr_t)&done, DOMID_SELF, 0);

	count_mmuext(op, count);
	if (rc < 0 || done != count)
		panic("xen: mmuext_op(op[%u] cmd=%u arg1=0x%lx, count=%u, DOMID_SELF) failed: "
		      "%ld (%s), %u done",
		      done, op[done < count ? done : 0].cmd,
		      (unsigned long)op[done < count ? done : 0].arg1.mfn, count, rc,
		      errno_name(rc), done);
}

long xen_update_va_mapping_may_fail(u32 vaddr, u64 pte, u32 flags)
{
	return raw_hypercall(__HYPERVISOR_update_va_mapping, vaddr, (u32)pte, (u32)(pte >> 32),
			     flags, 0);
}

void xen_update_va_mapping(u32 vaddr, u64 pte, u32 flags)
{
	long rc = raw_hypercall(__HYPERVISOR_update_va_mapping, vaddr, (u32)pte, (u32)(pte >> 32),
				flags, 0);

	if (rc < 0)
		panic("xen: update_va_mapping(va=0x%08x pte=0x%llx flags=0x%x) failed: %ld (%s)",
		      vaddr, pte, flags, rc, errno_name(rc));
}

void xen_multicall(multicall_entry_t *calls, unsigned count)
{
	long rc;

	/* Count first: Xen rewrites an entry's arguments when it preempts and continues it. */
	for (unsigned i = 0; i < count; i++)
		xen_count_batched(&calls[i]);
	rc = raw_hypercall(__HYPERVISOR_multicall, (u32)(uintptr_t)calls, count, 0, 0, 0);
	if (rc < 0)
		panic("xen: multicall(%u entries) failed: %ld (%s)", count, rc, errno_name(rc));
	for (unsigned i = 0; i < count; i++) {
		if ((long)calls[i].result < 0)
			panic("xen: multicall entry %u of %u: hypercall %lu(0x%lx, 0x%lx, 0x%lx, "
			      "0x%lx) failed: %ld (%s)",
			      i, count, (unsigned long)calls[i].op, (unsigned long)calls[i].args[0],
			      (unsigned long)calls[i].args[1], (unsigned long)calls[i].args[2],
			      (unsigned long)calls[i].args[3], (long)calls[i].result,
			      errno_name((long)calls[i].result));
	}
}

void xen_set_trap_table(const trap_info_t *table)
{
	long rc = raw_hypercall(__HYPERVISOR_set_trap_table, (u32)(uintptr_t)table, 0, 0, 0, 0);

	if (rc < 0)
		panic("xen: set_trap_table(%p) failed: %ld (%s)", table, rc, errno_name(rc));
}

void xen_callback_register(struct callback_register *cb)
{
	long rc = raw_hypercall(__HYPERVISOR_callback_op, CALLBACKOP_register, (u32)(uintptr_t)cb,
				0, 0, 0);

	if (rc < 0)
		panic("xen: callback_op(register, type=%u eip=0x%lx) failed: %ld (%s)", cb->type,
		      (unsigned long)cb->address.eip, rc, errno_name(rc));
}

void xen_stack_switch(u32 ss, u32 esp)
{
	long rc = raw_hypercall(__HYPERVISOR_stack_switch, ss, esp, 0, 0, 0);

	if (rc < 0)
		panic("xen: stack_switch(ss=0x%x esp=0x%x) failed: %ld (%s)", ss, esp, rc,
		      errno_name(rc));
}

long xen_xen_version(int cmd, void *arg)
{
	long rc = raw_hypercall(__HYPERVISOR_xen_version, (u32)cmd, (u32)(uintptr_t)arg, 0, 0, 0);

	if (rc < 0)
		panic("xen: xen_version(cmd=%d) failed: %ld (%s)", cmd, rc, errno_name(rc));
	return rc;
}

long xen_memory_op(unsigned cmd, void *arg)
{
	long rc = raw_hypercall(__HYPERVISOR_memory_op, cmd, (u32)(uintptr_t)arg, 0, 0, 0);

	if (rc < 0)
		panic("xen: memory_op(cmd=%u) failed: %ld (%s)", cmd, rc, errno_name(rc));
	return rc;
}

void xen_vm_assist(unsigned cmd, unsigned type)
{
	long rc = raw_hypercall(__HYPERVISOR_vm_assist, cmd, type, 0, 0, 0);

	if (rc < 0)
		panic("xen: vm_assist(cmd=%u type=%u) failed: %ld (%s)", cmd, type, rc,
		      errno_name(rc));
}

void xen_event_channel_op(int cmd, void *arg)
{
	long rc =
	    raw_hypercall(__HYPERVISOR_event_channel_op, (u32)cmd, (u32)(uintptr_t)arg, 0, 0, 0);

	if (rc < 0)
		panic("xen: event_channel_op(cmd=%d) failed: %ld (%s)", cmd, rc, errno_name(rc));
}

void xen_sched_yield(void)
{
	long rc = raw_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);

	if (rc < 0)
		panic("xen: sched_op(yield) failed: %ld (%s)", rc, errno_name(rc));
}

void xen_sched_block(void)
{
	long rc = raw_hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0, 0, 0);

	if (rc < 0)
		panic("xen: sched_op(block) failed: %ld (%s)", rc, errno_name(rc));
}

void xen_set_timer_op(u64 deadline_ns)
{
	long rc = raw_hypercall(__HYPERVISOR_set_timer_op, (u32)deadline_ns,
				(u32)(deadline_ns >> 32), 0, 0, 0);

	if (rc < 0)
		panic("xen: set_timer_op(%llu) failed: %ld (%s)", deadline_ns, rc, errno_name(rc));
}

long xen_vcpu_op(int cmd, unsigned vcpu, void *arg)
{
	long rc = raw_hypercall(__HYPERVISOR_vcpu_op, (u32)cmd, vcpu, (u32)(uintptr_t)arg, 0, 0);

	if (rc < 0)
		panic("xen: vcpu_op(cmd=%d vcpu=%u) failed: %ld (%s)", cmd, vcpu, rc,
		      errno_name(rc));
	return rc;
}

long xen_vcpu_initialise(unsigned vcpu, vcpu_guest_context_t *ctxt)
{
	long rc = raw_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_initialise, vcpu, (u32)(uintptr_t)ctxt,
				0, 0);

	if (rc < 0)
		pr_err("xen: vcpu_op(VCPUOP_initialise vcpu=%u eip=0x%lx esp=0x%lx fs=0x%x "
		       "cr3=0x%lx gdt_frames[0]=0x%lx gdt_ents=%lu) failed: %ld (%s)\n",
		       vcpu, (unsigned long)ctxt->user_regs.eip, (unsigned long)ctxt->user_regs.esp,
		       ctxt->user_regs.fs, (unsigned long)ctxt->ctrlreg[3],
		       (unsigned long)ctxt->gdt_frames[0], (unsigned long)ctxt->gdt_ents, rc,
		       errno_name(rc));
	return rc;
}

long xen_vcpu_up(unsigned vcpu)
{
	long rc = raw_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_up, vcpu, 0, 0, 0);

	if (rc < 0)
		pr_err("xen: vcpu_op(VCPUOP_up vcpu=%u) failed: %ld (%s)\n", vcpu, rc,
		       errno_name(rc));
	return rc;
}

long xen_update_descriptor(u64 maddr, u64 desc)
{
	long rc = raw_hypercall(__HYPERVISOR_update_descriptor, (u32)maddr, (u32)(maddr >> 32),
				(u32)desc, (u32)(desc >> 32), 0);

	if (rc < 0)
		pr_err("xen: update_descriptor(maddr=0x%llx desc=0x%016llx) failed: %ld (%s)\n",
		       maddr, desc, rc, errno_name(rc));
	return rc;
}

bool xen_vcpu_exists(unsigned vcpu)
{
	long rc = raw_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, vcpu, 0, 0, 0);

	if (rc == -XEN_ENOENT)
		return false;
	if (rc < 0)
		panic("xen: vcpu_op(VCPUOP_is_up vcpu=%u) failed: %ld (%s)", vcpu, rc,
		      errno_name(rc));
	return true;
}

long xen_console_write(const char *s, unsigned len)
{
	return raw_hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, len, (u32)(uintptr_t)s, 0,
			     0);
}

void xen_shutdown(unsigned reason)
{
	struct sched_shutdown arg = {.reason = reason};

	/* No panic here: this is where panics end. If Xen refuses, there is nothing left. */
	for (;;)
		raw_hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (u32)(uintptr_t)&arg, 0, 0,
			      0);
}

static u64 sum(const u64 *first)
{
	size_t off = (const char *)first - (const char *)&xen_counters[0];
	u64 s = 0;

	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		s += *(const u64 *)((const char *)&xen_counters[cpu] + off);
	return s;
}

u64 xen_count_calls(unsigned nr)
{
	return sum(&xen_counters[0].calls[nr]);
}

u64 xen_count_traps(unsigned nr)
{
	return sum(&xen_counters[0].traps[nr]);
}

u64 xen_count_page_updates(void)
{
	return sum(&xen_counters[0].page_updates);
}

u64 xen_count_mmuext_ops(void)
{
	return sum(&xen_counters[0].mmuext_ops);
}

u64 xen_count_mmuext_cmd(unsigned cmd)
{
	return sum(&xen_counters[0].mmuext_cmds[cmd]);
}

void xen_snapshot(struct xen_count_snapshot *s)
{
	for (unsigned nr = 0; nr < XEN_NR_HYPERCALLS; nr++) {
		s->calls[nr] = xen_count_calls(nr);
		s->traps[nr] = xen_count_traps(nr);
	}
	s->page_updates = xen_count_page_updates();
	s->mmuext_ops = xen_count_mmuext_ops();
	for (unsigned cmd = 0; cmd < XEN_NR_MMUEXT_CMDS; cmd++)
		s->mmuext_cmds[cmd] = xen_count_mmuext_cmd(cmd);
}

/* @after - @before, field by field, into @delta. */
static void xen_snapshot_delta(const struct xen_count_snapshot *before,
			       const struct xen_count_snapshot *after,
			       struct xen_count_snapshot *delta)
{
	const u64 *b = (const u64 *)before, *a = (const u64 *)after;
	u64 *d = (u64 *)delta;

	for (size_t i = 0; i < sizeof(*delta) / sizeof(u64); i++)
		d[i] = a[i] - b[i];
}

void xen_snapshot_since(const struct xen_count_snapshot *before, struct xen_count_snapshot *delta)
{
	struct xen_count_snapshot now;

	xen_snapshot(&now);
	xen_snapshot_delta(before, &now, delta);
}

static const char *const hypercall_names[XEN_NR_HYPERCALLS] = {
    [__HYPERVISOR_set_trap_table] = "set_trap_table",
    [__HYPERVISOR_mmu_update] = "mmu_update",
    [__HYPERVISOR_stack_switch] = "stack_switch",
    [__HYPERVISOR_memory_op] = "memory_op",
    [__HYPERVISOR_multicall] = "multicall",
    [__HYPERVISOR_update_va_mapping] = "update_va_mapping",
    [__HYPERVISOR_set_timer_op] = "set_timer_op",
    [__HYPERVISOR_xen_version] = "xen_version",
    [__HYPERVISOR_update_descriptor] = "update_descriptor",
    [__HYPERVISOR_console_io] = "console_io",
    [__HYPERVISOR_vm_assist] = "vm_assist",
    [__HYPERVISOR_vcpu_op] = "vcpu_op",
    [__HYPERVISOR_mmuext_op] = "mmuext_op",
    [__HYPERVISOR_sched_op] = "sched_op",
    [__HYPERVISOR_callback_op] = "callback_op",
    [__HYPERVISOR_event_channel_op] = "event_channel_op",
};

static const char *hypercall_name(unsigned nr)
{
	return hypercall_names[nr] ? hypercall_names[nr] : "other";
}

/* The hypercalls behind the backend events (pv/ops.h), which the counters page carries too. */
static const unsigned page_slots[PV_EV_PAGE_UPDATES] = {
    [PV_EV_MMU_UPDATE] = __HYPERVISOR_mmu_update,
    [PV_EV_UPDATE_VA_MAPPING] = __HYPERVISOR_update_va_mapping,
    [PV_EV_MMUEXT_OP] = __HYPERVISOR_mmuext_op,
    [PV_EV_MULTICALL] = __HYPERVISOR_multicall,
    [PV_EV_EVTCHN_OP] = __HYPERVISOR_event_channel_op,
    [PV_EV_SCHED_OP] = __HYPERVISOR_sched_op,
    [PV_EV_SET_TIMER_OP] = __HYPERVISOR_set_timer_op,
    [PV_EV_XEN_VERSION] = __HYPERVISOR_xen_version,
    [PV_EV_CONSOLE_IO] = __HYPERVISOR_console_io,
    [PV_EV_MEMORY_OP] = __HYPERVISOR_memory_op,
    [PV_EV_VCPU_OP] = __HYPERVISOR_vcpu_op,
    [PV_EV_CALLBACK_OP] = __HYPERVISOR_callback_op,
};
/* The page's names hold 15 characters: short forms, as xenperf's. */
static const char *const page_slot_names[ARRAY_SIZE(page_slots)] = {
    "mmu_update",   "update_va_map", "mmuext_op",  "multicall", "evtchn_op", "sched_op",
    "set_timer_op", "xen_version",   "console_io", "memory_op", "vcpu_op",   "callback_op",
};

static const u64 *page_slot_value(unsigned cpu, unsigned slot, bool traps)
{
	unsigned nr = page_slots[slot];

	return traps ? &xen_counters[cpu].traps[nr] : &xen_counters[cpu].calls[nr];
}

u64 xen_backend_count(unsigned ev)
{
	if (ev < PV_EV_PAGE_UPDATES)
		return xen_count_traps(page_slots[ev]);
	if (ev == PV_EV_PAGE_UPDATES)
		return xen_count_page_updates();
	if (ev == PV_EV_MMUEXT_OPS)
		return xen_count_mmuext_ops();
	panic("xen: no backend event %u (pv/ops.h has %u)", ev, PV_EV_NR);
}

pfn_t xen_counters_page_init(void)
{
	return counters_page_init(page_slot_names, ARRAY_SIZE(page_slots), page_slot_value);
}

void xen_counters_print_json(void)
{
	bool first = true;

	cprintf(",\"hypercalls\":{");
	for (unsigned nr = 0; nr < XEN_NR_HYPERCALLS; nr++) {
		u64 calls = xen_count_calls(nr);

		if (!calls)
			continue;
		cprintf("%s\"%s\":{\"nr\":%u,\"calls\":%llu,\"traps\":%llu,\"cycles\":%llu}",
			first ? "" : ",", hypercall_name(nr), nr, calls, xen_count_traps(nr),
			sum(&xen_counters[0].cycles[nr]));
		first = false;
	}
	cprintf("},\"page_updates\":%llu,\"mmuext_ops\":%llu,\"multicall_entries\":%llu,"
		"\"mmuext_cmds\":{",
		xen_count_page_updates(), xen_count_mmuext_ops(),
		sum(&xen_counters[0].multicall_entries));
	first = true;
	for (unsigned cmd = 0; cmd < XEN_NR_MMUEXT_CMDS; cmd++) {
		if (!xen_count_mmuext_cmd(cmd))
			continue;
		cprintf("%s\"%u\":%llu", first ? "" : ",", cmd, xen_count_mmuext_cmd(cmd));
		first = false;
	}
	cprintf("},\"subops\":{");
	first = true;
	for (unsigned nr = 0; nr < XEN_NR_HYPERCALLS; nr++) {
		bool any = false;

		for (unsigned cmd = 0; cmd < XEN_NR_SUBOPS; cmd++) {
			u64 n = sum(&xen_counters[0].subops[nr][cmd]);

			if (!n)
				continue;
			if (!any)
				cprintf("%s\"%s\":{", first ? "" : ",", hypercall_name(nr));
			cprintf("%s\"%u\":%llu", any ? "," : "", cmd, n);
			first = false;
			any = true;
		}
		if (any)
			cprintf("}");
	}
	cprintf("}");
}

void xen_counters_print_table(void)
{
	cprintf(
	    "Hypercalls (calls include those inside multicalls; traps are entries into Xen):\n");
	cprintf("  %-20s %4s %12s %12s %16s\n", "hypercall", "nr", "calls", "traps", "cycles");
	for (unsigned nr = 0; nr < XEN_NR_HYPERCALLS; nr++)
		if (xen_count_calls(nr))
			cprintf("  %-20s %4u %12llu %12llu %16llu\n", hypercall_name(nr), nr,
				xen_count_calls(nr), xen_count_traps(nr),
				sum(&xen_counters[0].cycles[nr]));
	cprintf("  page updates %llu, mmuext ops %llu, multicall entries %llu\n",
		xen_count_page_updates(), xen_count_mmuext_ops(),
		sum(&xen_counters[0].multicall_entries));
}
