#!/usr/bin/env bash
# 6 GiB: highmem on both sides of the 4 GiB PCI hole (frames above 4 GiB).
exec "$(dirname "$0")/boot-kernel" --name native-6G --mem 6G --highmem-min-mib 5121 --expect-line 'RAM +\[0x100000000, 0x1c0000000\)'
