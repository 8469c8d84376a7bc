#!/usr/bin/env bash
# 1 GiB: just past the lowmem limit, a small highmem zone.
exec "$(dirname "$0")/boot-kernel" --name native-1G --mem 1G --highmem-min-mib 139
