#!/usr/bin/env bash
# Two CPUs: every self-test on each of them (testcpus=all).
exec "$(dirname "$0")/boot-kernel" --name native-2-cpus --mem 1G --smp 2 --cmdline 'testcpus=all' \
	--expect-line '^cpu: 2 of 2 CPUs up$'
