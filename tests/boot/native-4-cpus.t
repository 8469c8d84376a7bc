#!/usr/bin/env bash
# Four CPUs from ACPI's MADT, all started (INIT-SIPI-SIPI), each on its own LAPIC timer;
# every self-test on each of them (testcpus=all).
exec "$(dirname "$0")/boot-kernel" --name native-4-cpus --mem 3G --smp 4 \
	--cmdline 'testcpus=all' \
	--expect-line '^lapic: timer [0-9]+ kHz, TSC [0-9]+ kHz \(calibrated against the PIT over 50 ms' \
	--expect-line '^cpu: 4 CPUs in the ACPI MADT, APIC IDs 0 1 2 3 \(boot CPU first\)$' \
	--expect-line '^cpu: 4 of 4 CPUs up$'
