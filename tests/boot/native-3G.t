#!/usr/bin/env bash
# 3 GiB: the size make run boots; highmem below the PCI hole only; IA32_PAT holds Xen's PV layout.
exec "$(dirname "$0")/boot-kernel" --name native-3G --mem 3G --highmem-min-mib 2187 --expect-line '^PAT: WB WT UC- UC WC WP UC UC \(Xen.s PV layout, programmed on every CPU\)$'
