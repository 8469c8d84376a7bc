#!/usr/bin/env bash
# bench= naming no benchmark fails the boot with a line naming it, as test= does.
exec "$(dirname "$0")/boot-kernel" --name native-unknown-bench --mem 256M \
	--cmdline 'test=cmdline bench=doesnotexist' --expect-verdict FAIL \
	--expect-line "^# bench: bench=doesnotexist: no benchmark named 'doesnotexist'$"
