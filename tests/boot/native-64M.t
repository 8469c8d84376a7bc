#!/usr/bin/env bash
# 64 MiB: all RAM is lowmem, no highmem zone.
exec "$(dirname "$0")/boot-kernel" --name native-64M --mem 64M --no-highmem
