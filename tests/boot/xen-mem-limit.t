#!/usr/bin/env bash
# mem= under Xen: the pages above it are a named term of the page accounting (left unused),
# and the xen suite's accounting holds; a mem= not below the domain's size is ignored.
exec "$(dirname "$0")/boot-kernel" --xen --name xen-mem-limit --mem 1024 --cmdline 'test=xen,zones mem=512M' \
	--expect-line '^Xen PV: 262144 pages = .* \+ 131072 above mem= \(left unused\); '
