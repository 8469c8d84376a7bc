#!/usr/bin/env bash
# Four vCPUs (xl vcpus=4): each secondary vCPU starts from its own VCPUOP_initialise context
# (per-CPU %fs, own VIRQ_TIMER and IPI ports), and every suite passes with them running.
# The storm and the pkmap sleepers need highmem: xen-4-vcpus-<strategy>.t run them.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-4-vcpus --mem 256 --smp 4 --no-highmem \
	--expect-line '^cpu: 4 of 4 vCPUs up$'
