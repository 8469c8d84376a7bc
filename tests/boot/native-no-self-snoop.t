#!/usr/bin/env bash
# A CPU that does not snoop its own caches (QEMU's max model without SS): every memory-type
# change flushes the changed pages with CLFLUSH, counted (set_memory's exact counts).
exec "$(dirname "$0")/boot-kernel" --name native-no-self-snoop --mem 1G --cpu max,-ss \
	--highmem-min-mib 139 --cmdline 'test=set_memory,pat,directmap_split,snapshot' \
	--expect-line '^cache: no self-snoop \(CPUID SS clear\): a memory-type change flushes each changed page with CLFLUSH \(64-byte lines\)$'
