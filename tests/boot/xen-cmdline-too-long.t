#!/usr/bin/env bash
# Under Xen the command line reaches the guest through start_info, at most MAX_GUEST_CMDLINE
# bytes: a longer xl extra= is cut by the toolstack, and the kernel says so in one line.
long=$(printf 'loglevel=7 %.0s' $(seq 1 100))
exec "$(dirname "$0")/boot-kernel" --xen --name xen-cmdline-too-long --mem 256 \
	--cmdline "test=cmdline $long mem=128M" \
	--expect-line '^cmdline: 1023 bytes, the most the boot protocol passes \(1023\): anything after .* was cut before the kernel saw it$'
