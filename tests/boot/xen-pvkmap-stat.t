#!/usr/bin/env bash
# Xen PV, 256 MiB: dom0 reads the live guest's counters page with pvkmap-stat (run-guest
# --dom0-stat), as a table and as JSON, while the guest runs its tests and benchmarks
# (bench=all keeps it alive a few seconds longer than the tests alone).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
name=xen-pvkmap-stat
logdir=$top/build/test-logs
mkdir -p "$logdir"
log=$logdir/$name.log

for f in build/pvkmap.elf build/pvkmap-stat; do
	[ -f "$top/$f" ] || { echo "Bail out! $name: no $f (make; make build/pvkmap-stat)"; exit 1; }
done

"$top/tools/xenhost/run-guest" --config "$top/configs/pvkmap.cfg" \
	--kernel "$top/build/pvkmap.elf" --memory 256 --extra "test=all bench=all" \
	--dom0-stat --timeout 1800 >"$log" 2>&1
rc=$?
tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"

n=0
ok() { n=$((n + 1)); echo "ok $n - $name: $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $name: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else notok "$what"; fi; }
has() { grep -Eq -- "$1" "$log"; }

check "guest powered off (run-guest exit $rc)" [ "$rc" -eq 0 ]
has '^===== run-guest: VERDICT poweroff '
check "verdict is poweroff" [ $? -eq 0 ]
has '^\[pvkmap-stat\] counters-mfn [0-9]+ in xenstore'
check "dom0 found data/pvkmap/counters-mfn in xenstore" [ $? -eq 0 ]
has '^\[pvkmap-stat\] guest running throughout '
check "guest still running when pvkmap-stat ran (xl list)" [ $? -eq 0 ]

# The table: exit status, backend, set_pte counts (one row per CPU; any above 0).
has '^\[pvkmap-stat\] exit status 0: pvkmap-stat [0-9]+$'
check "pvkmap-stat DOMID exited 0" [ $? -eq 0 ]
has '^\[pvkmap-stat\] domain [0-9]+: backend xen,'
check "table names backend xen" [ $? -eq 0 ]
# Page version 2: the header's seq, then each online CPU's block seq, CPU 0 first.
has '^\[pvkmap-stat\] domain [0-9]+: backend xen, version 2, seq [0-9]+ \(cpu 0: [0-9]+(, cpu [1-9]: [0-9]+)*\)$'
check "table: page version 2 with a block seq per online CPU" [ $? -eq 0 ]
table_set_pte=$(awk '$1 == "[pvkmap-stat]" && $3 == "set_pte" { s += $4 } END { print s + 0 }' "$log")
check "table: set_pte count $table_set_pte > 0" [ "$table_set_pte" -gt 0 ]

# The JSON: exit status, parses, set_pte (summed over CPUs) between 1 and the guest's
# own final count (the page is a snapshot taken earlier in the run).
has '^\[pvkmap-stat\] exit status 0: pvkmap-stat [0-9]+ --json$'
check "pvkmap-stat DOMID --json exited 0" [ $? -eq 0 ]
stat_json=$(sed -n 's/^\[pvkmap-stat\] \({"pvkmap_stat":.*\)/\1/p' "$log" | tail -n 1)
guest_json=$(grep '^{"pvkmap_counters":' "$log" | tail -n 1)
printf '%s' "$stat_json" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null
check "pvkmap-stat JSON parses" [ $? -eq 0 ]
set_pte() { # $1 = top-level key; JSON on stdin
	python3 -c 'import json,sys; d=json.load(sys.stdin)[sys.argv[1]]; print(sum(c["ops"]["set_pte"]["count"] for c in d["cpus"]))' "$1" 2>/dev/null
}
stat_n=$(printf '%s' "$stat_json" | set_pte pvkmap_stat)
guest_n=$(printf '%s' "$guest_json" | set_pte pvkmap_counters)
check "JSON set_pte count ${stat_n:-?} > 0" [ "${stat_n:-0}" -gt 0 ]
at_most_final() { [ -n "$stat_n" ] && [ -n "$guest_n" ] && [ "$stat_n" -le "$guest_n" ]; }
check "JSON set_pte count ${stat_n:-?} <= guest's final ${guest_n:-?}" at_most_final

echo "1..$n"
