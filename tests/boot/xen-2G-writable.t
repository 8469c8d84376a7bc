#!/usr/bin/env bash
# Xen PV, 2 GiB (highmem present), pvmmu=writable: every suite but the every-highmem-page fill (it runs with batched at 2 GiB and at 6 GiB).
exec "$(dirname "$0")/boot-kernel" --xen --name xen-2G-writable --mem 2048 --cmdline 'pvmmu=writable test=all,-highmem' --highmem-min-mib 1300
