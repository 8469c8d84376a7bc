#!/usr/bin/env bash
# Fuzz pvkmap-stat's two parsers (build/pvkmap-stat-fuzz, libFuzzer with ASan and UBSan)
# for a bounded time, PVKMAP_FUZZ_SECONDS (default 20), from a generated seed corpus plus
# the console log fixtures, in a fresh directory each run (so every run costs the same).
# TAP; a crash leaves its input in build/test-logs/pvkmap-stat-fuzz-crash-*.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
fuzz=build/pvkmap-stat-fuzz
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
log=build/test-logs/pvkmap-stat-fuzz.log
secs=${PVKMAP_FUZZ_SECONDS:-20}
mkdir -p build/test-logs
echo "1..2"

if build/tools-tests/mkseeds "$corpus" && cp tests/tools/fixtures/*.log "$corpus/"; then
	echo "ok 1 - seed corpus: $(find "$corpus" -type f | wc -l) inputs"
else
	echo "not ok 1 - seed corpus (is build/tools-tests/mkseeds built?)"
fi

# -max_len: the fixtures are console logs of up to ~10 KiB.
"$fuzz" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
	-dict=tests/tools/fuzz.dict -artifact_prefix=build/test-logs/pvkmap-stat-fuzz- \
	-print_final_stats=1 "$corpus" >"$log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
if [ $rc -eq 0 ] && [ -n "$runs" ]; then
	echo "ok 2 - fuzzed both parsers for $secs s: $runs inputs, $rate/s, no crash"
else
	echo "not ok 2 - fuzzer exit $rc (log: $log)"
	grep -E 'ERROR|SUMMARY|Test unit written|runtime error' "$log" | head -20 | sed 's/^/# /'
fi
