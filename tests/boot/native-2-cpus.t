#!/usr/bin/env bash
# Two CPUs: every self-test with the second CPU running.
exec "$(dirname "$0")/boot-kernel" --name native-2-cpus --mem 1G --smp 2 \
	--expect-line '^cpu: 2 of 2 CPUs up$'
