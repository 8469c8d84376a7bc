#!/usr/bin/env bash
# Xen PV, 2 GiB (highmem present), pvmmu=hypercall: every suite.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-2G-hypercall --mem 2048 --cmdline 'pvmmu=hypercall' --highmem-min-mib 1300
