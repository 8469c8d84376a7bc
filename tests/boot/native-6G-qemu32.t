#!/usr/bin/env bash
# QEMU's default CPU model (qemu32: PAE, 32-bit physical addresses, no PSE-36) with 6 GiB:
# the RAM above 4 GiB is ignored with a line instead of faulting on a reserved PTE bit.
exec "$(dirname "$0")/boot-kernel" --name native-6G-qemu32 --mem 6G --cpu qemu32 \
	--highmem-min-mib 2000 \
	--expect-line '^mm: CPU addresses 32 bits; ignoring 3072 MiB of RAM above 4096 MiB$' \
	--expect-line '^cache: no self-snoop and no CLFLUSH: a memory-type change flushes every cache with WBINVD$'
