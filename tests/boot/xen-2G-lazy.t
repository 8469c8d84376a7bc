#!/usr/bin/env bash
# Xen PV, 2 GiB, pvmmu=batched, kmap=lazy without debug checks: lazy costs in hypercalls (one update_va_mapping per kmap_atomic pair).
exec "$(dirname "$0")/boot-kernel" --xen --name xen-2G-lazy --mem 2048 --cmdline 'pvmmu=batched kmap=lazy kmap_debug=off test=all,-highmem' --expect-line '^kmap: lazy unmapping, debug checks off'
