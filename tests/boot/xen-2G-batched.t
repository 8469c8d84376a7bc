#!/usr/bin/env bash
# Xen PV, 2 GiB (highmem present), pvmmu=batched: every suite.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-2G-batched --mem 2048 --cmdline 'pvmmu=batched' --highmem-min-mib 1300
