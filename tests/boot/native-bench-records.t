#!/usr/bin/env bash
# The benchmarks natively, as make run runs them (-icount, 3 GiB, debug checks off): every
# record well formed and self-consistent (tests/boot/check-bench-records), verdict PASS.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
log=$top/build/test-logs/native-bench-records.log
mkdir -p "$(dirname "$log")"
"$top/tools/pvkmap-qemu" --icount --mem 3G --timeout 600 \
	--cmdline "test=none bench=all kmap_debug=off" >"$log" 2>&1
rc=$?
"$top/tests/boot/check-bench-records" "$log" native-bench-records | sed '/^1\.\./d' > "$log.tap"
cat "$log.tap"
n=$(grep -cE '^(not )?ok ' "$log.tap")
if [ "$rc" -eq 0 ]; then echo "ok $((n + 1)) - native-bench-records: verdict PASS"
else echo "not ok $((n + 1)) - native-bench-records: pvkmap-qemu exited $rc"; fi
echo "1..$((n + 1))"
