#!/usr/bin/env bash
# A hypervisor without 32-bit PV (pv=no-32): xl's refusal shows, promptly, no hang.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-no-pv32 --mem 128 --xen-args 'pv=no-32' --expect-host-failure 'not supported'
