#!/usr/bin/env bash
# Two vCPUs (xl vcpus=2): vCPU 1 comes up from its VCPUOP_initialise context, and every suite
# passes on each vCPU (testcpus=all; xen_smp: per-CPU copies, IPIs both ways, its own timer).
exec "$(dirname "$0")/boot-kernel" --xen --name xen-2-vcpus --mem 256 --smp 2 --no-highmem \
	--cmdline 'testcpus=all' \
	--expect-line '^cpu: 2 of 2 vCPUs up$'
