#!/usr/bin/env bash
# 3 GiB: the size make run boots; highmem below the PCI hole only.
exec "$(dirname "$0")/boot-kernel" --name native-3G --mem 3G --highmem-min-mib 2187
