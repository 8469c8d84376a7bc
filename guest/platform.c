/*
 * Which platform runs us, for the boot report and the benchmark labels: CPUID.1:ECX bit 31
 * says a hypervisor is present, and its signature sits at leaf 0x40000000 (or a later
 * multiple of 0x100 when it also offers another's interface, as Xen does with Viridian).
 */
#include "guest/platform.h"
#include "guest/x86/cpu.h"
#include "guest/lib/string.h"

enum platform platform;

void platform_detect(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & (1u << 31))) {
		platform = PLATFORM_BARE;
		return;
	}
	platform = PLATFORM_OTHER_HV;
	for (u32 leaf = 0x40000000; leaf < 0x40010000; leaf += 0x100) {
		char sig[13];

		cpuid(leaf, 0, &a, &b, &c, &d);
		memcpy(sig, &b, 4);
		memcpy(sig + 4, &c, 4);
		memcpy(sig + 8, &d, 4);
		sig[12] = 0;
		if (!strcmp(sig, "TCGTCGTCGTCG")) {
			platform = PLATFORM_QEMU_TCG;
			return;
		}
		if (!memcmp(sig, "KVMKVMKVM", 9)) {
			platform = PLATFORM_KVM;
			return;
		}
		if (!strcmp(sig, "XenVMMXenVMM")) {
			platform = PLATFORM_XEN_HVM;
			return;
		}
	}
}

const char *platform_name(enum platform p)
{
	static const char *const names[] = {
	    [PLATFORM_BARE] = "bare metal",
	    [PLATFORM_QEMU_TCG] = "QEMU TCG",
	    [PLATFORM_KVM] = "KVM",
	    [PLATFORM_XEN_HVM] = "Xen HVM",
	    [PLATFORM_OTHER_HV] = "hypervisor",
	    [PLATFORM_XEN_PV] = "Xen PV",
	};
	return names[p];
}
