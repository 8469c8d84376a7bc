/* The CPUs the firmware describes (ACPI's MADT, else the MP table): how many, and their APIC IDs.
 */
#ifndef GUEST_FIRMWARE_CPUS_H
#define GUEST_FIRMWARE_CPUS_H

#include "guest/kernel_base.h"
#include "guest/lib/types.h"

/* No boot CPU to put first: keep the table's order. */
#define FIRMWARE_NO_BOOT_ID 0xffffffffu

struct firmware_cpus {
	const char *source; /* "ACPI MADT", "MP table", or NULL: no table found */
	unsigned nr;	    /* enabled processors, all of them (may exceed NR_CPUS) */
	unsigned nr_ids;    /* entries of apic_id[] filled: min(nr, NR_CPUS) */
	u32 apic_id[NR_CPUS];
	bool boot_listed; /* the boot CPU's ID was among the table's enabled entries */
	u32 lapic_phys;	  /* the local APIC address the table gives; 0 if it gives none */
};

/*
 * Read the enabled processors' APIC IDs into @fw and return fw->nr (0 without a readable
 * table). The CPU with @boot_apic_id (the running CPU's own, read from its local APIC) comes
 * first, counted even if the table leaves it out (fw->boot_listed says); then the others in
 * the table's order, each ID once.
 */
unsigned firmware_cpus_read(struct firmware_cpus *fw, u32 boot_apic_id);

/* Enabled processors in the firmware's tables; 0 when it has none the kernel can read. */
unsigned firmware_cpus(void);

#endif
