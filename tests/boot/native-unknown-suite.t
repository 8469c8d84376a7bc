#!/usr/bin/env bash
# A test= naming no suite fails the boot instead of passing with nothing run.
exec "$(dirname "$0")/boot-kernel" --name native-unknown-suite --mem 64M --cmdline 'test=nosuch' --expect-verdict FAIL --expect-line "no suite named 'nosuch'"
