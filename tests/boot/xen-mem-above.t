#!/usr/bin/env bash
# mem= above the domain's memory under Xen: ignored with a line, every page accounted.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-mem-above --mem 256 --cmdline 'test=xen mem=4G' \
	--expect-line "^cmdline: mem=4096M is not below the domain's 256 MiB: ignored$" \
	--expect-line '^Xen PV: 65536 pages = .* \+ 0 above mem= \(left unused\); '
