#!/usr/bin/env bash
# vmalloc=256M takes 128 MiB more from lowmem: 755 MiB instead of 883.
exec "$(dirname "$0")/boot-kernel" --name native-vmalloc --mem 3G --cmdline 'vmalloc=256M test=zones,directmap' --expect-line 'lowmem +: 0xc0000000 - 0xef3fe000'
