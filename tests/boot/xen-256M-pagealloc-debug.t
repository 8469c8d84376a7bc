#!/usr/bin/env bash
# Xen PV, 256 MiB, 2 vCPUs, pvmmu=hypercall, pagealloc_debug=on: every free lowmem page's
# direct-map entry cleared by a hypercall, every suite's exact counts with those costs, and a
# touch of a freed page caught.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-256M-pagealloc-debug --mem 256 --smp 2 \
	--no-highmem --cmdline 'pvmmu=hypercall pagealloc_debug=on' \
	--expect-line '^pagealloc_debug: on: [0-9]+ free lowmem pages out of the direct map, mapped again when allocated \(4 KiB direct map\)$' \
	--expect-line '^  direct map : [0-9]+ [KM]iB in 4 KiB pages only: Xen PV has no superpages' \
	--expect-line '^pagealloc_debug: touch of free frame 0x[0-9a-f]+ at 0x[0-9a-f]+ \(eip 0x[0-9a-f]+\), freed by '
