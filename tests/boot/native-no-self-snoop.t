#!/usr/bin/env bash
# A CPU that does not snoop its own caches (QEMU's max model without SS): every memory-type
# change flushes the changed pages with CLFLUSH, counted (the exact counts of set_memory, the
# typed pool and the linear-map benchmarks).
exec "$(dirname "$0")/boot-kernel" --name native-no-self-snoop --mem 1G --cpu max,-ss \
	--highmem-min-mib 139 --cmdline 'test=set_memory,pat,directmap_split,snapshot,typed_pool,linear_map_bench_counts' \
	--expect-line '^cache: no self-snoop \(CPUID SS clear\): a memory-type change flushes each changed page with CLFLUSH \(64-byte lines\)$'
