#!/usr/bin/env bash
# Four CPUs offered (ACPI's MADT): the kernel says how many it uses until SMP bring-up lands.
exec "$(dirname "$0")/boot-kernel" --name native-4-cpus --mem 3G --smp 4 --cmdline 'test=cmdline' \
	--expect-line '^cpu: 1 of 4 CPUs used \(SMP bring-up is not implemented yet\)$'
