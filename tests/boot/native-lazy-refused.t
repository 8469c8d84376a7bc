#!/usr/bin/env bash
# kmap=lazy is refused while the debug checks are on: a one-line warning, strict is used.
exec "$(dirname "$0")/boot-kernel" --name native-lazy-refused --mem 64M --cmdline 'kmap=lazy test=cmdline' --expect-line '^kmap: kmap=lazy refused while kmap_debug is on' --expect-line '^kmap: strict unmapping, debug checks on'
