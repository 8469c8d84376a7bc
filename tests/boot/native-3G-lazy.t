#!/usr/bin/env bash
# 3 GiB, kmap=lazy without debug checks: every suite, lazy costs asserted (one update per kmap_atomic pair).
exec "$(dirname "$0")/boot-kernel" --name native-3G-lazy --mem 3G --cmdline 'kmap=lazy kmap_debug=off' --expect-line '^kmap: lazy unmapping, debug checks off'
