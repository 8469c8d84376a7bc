#!/usr/bin/env bash
# Xen PV, 256 MiB (no highmem), pvmmu=batched: every suite, lowmem below Xen's hole, and the guest's hypercall counts equal Xen's perf counters.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-256M-batched --mem 256 --cmdline 'pvmmu=batched' --no-highmem --xenperf-crosscheck --expect-line 'hypervisor : 0xf5800000' --expect-line '^Xen PV: [0-9]+ pages = ' --expect-line '^  direct map : [0-9]+ [KM]iB in 4 KiB pages only: Xen PV has no superpages'
