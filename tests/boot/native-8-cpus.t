#!/usr/bin/env bash
# Eight CPUs (NR_CPUS): every self-test on each of them (testcpus=all).
exec "$(dirname "$0")/boot-kernel" --name native-8-cpus --mem 1G --smp 8 --cmdline 'testcpus=all' \
	--expect-line '^cpu: 8 of 8 CPUs up$'
