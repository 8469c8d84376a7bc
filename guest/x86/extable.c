#include "guest/x86/extable.h"

struct extable_entry {
	u32 insn, fixup;
};

extern const struct extable_entry __ex_table_start[], __ex_table_end[];
u32 extable_fixups;

bool extable_fixup(struct trap_frame *f)
{
	for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn == f->eip) {
			f->eip = e->fixup;
			extable_fixups++;
			return true;
		}
	}
	return false;
}
