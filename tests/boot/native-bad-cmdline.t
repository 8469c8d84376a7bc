#!/usr/bin/env bash
# Bad command-line values are reported on one line each and the boot still passes.
exec "$(dirname "$0")/boot-kernel" --name native-bad-cmdline --mem 256M --cmdline 'mem=abc vmalloc=2G loglevel=12 bogus=1 directmap=1g' --expect-line '^cmdline: mem=abc: not a size' --expect-line '^cmdline: vmalloc=2G: outside 8M..800M; using 128M' --expect-line '^cmdline: loglevel=12: not a level' --expect-line "^cmdline: unknown option 'bogus=1' ignored" --expect-line '^cmdline: directmap=1g: not 2m or 4k; using 2m$'
