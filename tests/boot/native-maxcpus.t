#!/usr/bin/env bash
# maxcpus=2 of four offered: two start, the others stay in wait-for-SIPI.
exec "$(dirname "$0")/boot-kernel" --name native-maxcpus --mem 1G --smp 4 \
	--cmdline 'maxcpus=2 test=native_smp' \
	--expect-line '^cpu: 2 of 2 CPUs up \(4 offered\)$'
