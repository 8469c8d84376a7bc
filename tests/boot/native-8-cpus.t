#!/usr/bin/env bash
# Eight CPUs (NR_CPUS): every self-test on each of them (testcpus=all): eight snapshot passes
# over all of RAM and eight set_memory suites shooting down eight CPUs take over 300 s of TCG.
exec "$(dirname "$0")/boot-kernel" --name native-8-cpus --mem 1G --smp 8 --cmdline 'testcpus=all' --timeout 900 \
	--expect-line '^cpu: 8 of 8 CPUs up$'
