#!/usr/bin/env bash
# Xen PV, 6 GiB: machine frames above 4 GiB in the guest's page tables, HighMem above 5 GiB.
# The highmem fill takes minutes here: it must show progress (at least every 10 s of guest
# time), so a slow run can be told from a hang.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-6G --mem 6144 --cmdline 'pvmmu=batched' \
	--highmem-min-mib 5121 \
	--expect-line '^    # every_highmem_page_through_kmap_and_kmap_atomic: [0-9]+ of [0-9]+ highmem pages (written through kmap|read through kmap_atomic)$'
