#!/usr/bin/env bash
# 1 GiB, 2 CPUs, pagealloc_debug=on: free lowmem out of the direct map (4 KiB pages forced),
# every suite with the allocator's map/unmap costs in the exact counts, and a touch of a
# freed page caught and reported (the pagealloc_debug suite).
exec "$(dirname "$0")/boot-kernel" --name native-pagealloc-debug --mem 1G --smp 2 \
	--highmem-min-mib 139 --cmdline 'pagealloc_debug=on' \
	--expect-line '^pagealloc_debug: on: [0-9]+ free lowmem pages out of the direct map, mapped again when allocated \(4 KiB direct map\)$' \
	--expect-line '^  direct map : [0-9]+ KiB in 4 KiB pages only: pagealloc_debug=on$' \
	--expect-line '^pagealloc_debug: touch of free frame 0x[0-9a-f]+ at 0x[0-9a-f]+ \(eip 0x[0-9a-f]+\), freed by '
