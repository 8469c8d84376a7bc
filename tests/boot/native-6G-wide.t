#!/usr/bin/env bash
# A wide CPU model (phenom: 48-bit physical addresses from CPUID 0x80000008) with 6 GiB: all
# of it used, highmem on both sides of the PCI hole.
exec "$(dirname "$0")/boot-kernel" --name native-6G-wide --mem 6G --cpu phenom \
	--cmdline 'test=highmem,zones' --highmem-min-mib 5000
