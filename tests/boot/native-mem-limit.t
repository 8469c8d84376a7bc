#!/usr/bin/env bash
# mem= caps RAM: a 3 GiB VM booted with mem=512M has no highmem.
exec "$(dirname "$0")/boot-kernel" --name native-mem-limit --mem 3G --cmdline 'mem=512M' --no-highmem --expect-line 'lowmem +: 0xc0000000 - 0xe0000000'
