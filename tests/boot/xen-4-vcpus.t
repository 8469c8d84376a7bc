#!/usr/bin/env bash
# Four vCPUs in the domain (xl vcpus=4; VCPUOP_is_up counts them): the kernel says it uses one.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-4-vcpus --mem 256 --smp 4 --cmdline 'test=cmdline' \
	--expect-line '^cpu: 1 of 4 vCPUs used \(SMP bring-up is not implemented yet\)$'
