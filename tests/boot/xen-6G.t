#!/usr/bin/env bash
# Xen PV, 6 GiB: machine frames above 4 GiB in the guest's page tables, HighMem above 5 GiB.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-6G --mem 6144 --cmdline 'pvmmu=batched' --highmem-min-mib 5121
