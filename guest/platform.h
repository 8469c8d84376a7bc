#ifndef GUEST_PLATFORM_H
#define GUEST_PLATFORM_H

enum platform {
	PLATFORM_BARE,
	PLATFORM_QEMU_TCG,
	PLATFORM_KVM,
	PLATFORM_XEN_HVM,
	PLATFORM_OTHER_HV,
	PLATFORM_XEN_PV
};

extern enum platform platform;

/* Identify the platform from CPUID's hypervisor leaves (the Xen PV entry sets XEN_PV itself). */
void platform_detect(void);
const char *platform_name(enum platform p);

#endif
