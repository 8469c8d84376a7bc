#!/usr/bin/env bash
# Xen PV, 2 GiB (highmem present), pvmmu=writable: every suite.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-2G-writable --mem 2048 --cmdline 'pvmmu=writable' --highmem-min-mib 1300
