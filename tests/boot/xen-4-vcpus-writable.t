#!/usr/bin/env bash
# Four vCPUs with pvmmu=writable: shootdowns (one MULTI hypercall), a remap seen by every vCPU,
# pkmap sleepers woken from another vCPU and the storm, in this strategy too.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-4-vcpus-writable --mem 1024 --smp 4 \
	--cmdline 'pvmmu=writable test=smp,smp_storm,pkmap,addrspace' \
	--expect-line '^cpu: 4 of 4 vCPUs up$' \
	--expect-line '^    # storm: [0-9]+ operations by 8 threads on 4 CPUs in [0-9]+ ticks, 0 mismatches, 0 in the final check of 256 pages$'
