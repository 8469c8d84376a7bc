#!/usr/bin/env bash
# test= naming a suite that cannot run here (xen, natively): a SKIP line with the reason, and
# the verdict FAIL, since what was asked for did not run.
exec "$(dirname "$0")/boot-kernel" --name native-named-suite-cannot-run --mem 1G \
	--cmdline 'test=xen' --expect-verdict FAIL \
	--expect-line '^ok 1 xen # SKIP not a Xen PV guest$' \
	--expect-line "^# ktest: test=xen: suite 'xen' cannot run here \(not a Xen PV guest\): FAIL$"
