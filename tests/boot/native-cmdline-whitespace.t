#!/usr/bin/env bash
# Options split on any whitespace (a tab here), and a console line longer than printk's
# buffer (the echo of a long command line) is cut with a marker instead of running into
# the next message.
long=$(printf 'loglevel=7 %.0s' $(seq 1 60))
exec "$(dirname "$0")/boot-kernel" --name native-cmdline-whitespace --mem 512M \
	--cmdline "test=cmdline	mem=200M $long" \
	--expect-line '^  lowmem     : 0xc0000000 - 0xcc800000   \( 200 MiB\)$' \
	--expect-line '^pvkmap: command line .* \[\.\.\. cut\]$'
