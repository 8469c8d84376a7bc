#!/usr/bin/env bash
# A command line longer than the kernel keeps (8191 bytes; multiboot sets no limit): one line
# naming its length and where it was cut; what was kept still applies, the boot passes.
long=$(printf 'loglevel=7 %.0s' $(seq 1 800))
exec "$(dirname "$0")/boot-kernel" --name native-cmdline-too-long --mem 512M \
	--cmdline "test=cmdline mem=200M $long mem=300M" \
	--expect-line '^cmdline: 88[0-9][0-9] bytes, more than the 8191 kept: options after .* are ignored$' \
	--expect-line '^  lowmem     : 0xc0000000 - 0xcc800000   \( 200 MiB\)$'
