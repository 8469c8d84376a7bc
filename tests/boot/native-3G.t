#!/usr/bin/env bash
# 3 GiB: the size make run boots; highmem below the PCI hole only; IA32_PAT holds Xen's PV layout; the direct map in 2 MiB pages.
exec "$(dirname "$0")/boot-kernel" --name native-3G --mem 3G --highmem-min-mib 2187 \
	--expect-line '^PAT: WB WT UC- UC WC WP UC UC \(Xen.s PV layout, programmed on every CPU\)$' \
	--expect-line '^cache: the CPU snoops its own caches \(CPUID SS\): a memory-type change flushes nothing$' \
	--expect-line '^  direct map : [0-9]+ [KM]iB in 4 KiB pages, [0-9]+ MiB in 2 MiB pages \(DirectMap4k/2M\)$'
