#!/usr/bin/env bash
# 1 GiB with directmap=4k: the direct map in 4 KiB pages only, every suite (directmap_split skips).
exec "$(dirname "$0")/boot-kernel" --name native-directmap-4k --mem 1G --highmem-min-mib 139 \
	--cmdline 'directmap=4k' \
	--expect-line '^  direct map : [0-9]+ [KM]iB in 4 KiB pages only: directmap=4k$' \
	--expect-line '^ok [0-9]+ directmap_split # SKIP the direct map is 4 KiB pages only: directmap=4k$'
