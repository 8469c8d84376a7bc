#!/usr/bin/env bash
# Four CPUs under QEMU's -icount: one host thread runs the vCPUs in turn, so a CPU that
# spins without pausing holds the others up; every self-test still passes.
exec "$(dirname "$0")/boot-kernel" --name native-4-cpus-icount --mem 1G --smp 4 --icount \
	--expect-line '^cpu: 4 of 4 CPUs up$'
