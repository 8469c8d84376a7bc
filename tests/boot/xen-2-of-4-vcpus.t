#!/usr/bin/env bash
# xl vcpus=2 maxvcpus=4: four vCPUs exist (VCPUOP_is_up), but libxl marks 2 and 3 offline in
# xenstore (cpu/N/availability), so the kernel starts only vCPU 1.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-2-of-4-vcpus --mem 256 --smp 2 --maxvcpus 4 \
	--no-highmem --expect-line '^cpu: 2 of 2 vCPUs up \(2 more offline by the platform\)$' \
	--expect-line '^run-guest: domain name=.* vcpus=4$'
