/* How many CPUs the firmware describes (ACPI's MADT, else the MP table). */
#ifndef GUEST_FIRMWARE_CPUS_H
#define GUEST_FIRMWARE_CPUS_H

/* Enabled processors in the firmware's tables; 0 when it has none the kernel can read. */
unsigned firmware_cpus(void);

#endif
