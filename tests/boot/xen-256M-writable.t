#!/usr/bin/env bash
# Xen PV, 256 MiB (no highmem), pvmmu=writable: every suite, lowmem below Xen's hole, Xen refuses cache attributes (a plain domU), and the guest's hypercall counts equal Xen's perf counters.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-256M-writable --mem 256 --cmdline 'pvmmu=writable' --no-highmem --xenperf-crosscheck --expect-line 'hypervisor : 0xf5800000' --expect-line '^Xen PV: [0-9]+ pages = ' --expect-line '^cache attributes: Xen accepts WB only for this domain \(no device access\)$'
