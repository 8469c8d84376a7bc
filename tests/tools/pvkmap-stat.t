#!/usr/bin/env bash
# pvkmap-stat's command line, as TAP: bad arguments (exit 2), --from-log on good and bad
# files, live mode on a machine without Xen (must fail fast, never hang), and live mode
# against build/tools-tests/fakexen.so, a pretend Xen loaded with LD_PRELOAD (xenstore
# keys, frame choice, mapping, hostile pages, the per-CPU seqlocks under busy writers,
# --watch).
# Every error must be one line "pvkmap-stat: ..." on stderr.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
stat=build/pvkmap-stat
fake=$top/build/tools-tests/fakexen.so
fx=tests/tools/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
# shellcheck source=tests/tools/tap.sh
. tests/tools/tap.sh

# check NAME RC STDERR_REGEX STDOUT_REGEX CMD...: run CMD (at most 30 s) and compare. An
# empty STDERR_REGEX wants an empty stderr; STDOUT_REGEX is looked for in stdout.
check() {
	local name=$1 want=$2 errpat=$3 outpat=$4 rc why=
	shift 4
	timeout --preserve-status -k 5 30 "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	n=$((n + 1))
	[ "$rc" -eq "$want" ] || why+=" exit $rc, want $want;"
	if [ -z "$errpat" ]; then
		[ ! -s "$tmp/err" ] || why+=" stderr not empty;"
	else
		[ "$(wc -l <"$tmp/err")" -eq 1 ] || why+=" stderr is not one line;"
		grep -qE "^pvkmap-stat: ($errpat)" "$tmp/err" || why+=" stderr does not match '$errpat';"
	fi
	[ -z "$outpat" ] || grep -qE -- "$outpat" "$tmp/out" || why+=" stdout does not match '$outpat';"
	tap_verdict "$name" "$why"
}

# JSON lines on stdin: each parses; with "watch", every CPU's block in every snapshot is
# consistent (each fake writer keeps its CPU's counts equal, its cycles ten times that),
# and the snapshots after the first carry deltas.
json_ok() {
	python3 -c '
import json, sys
watch = len(sys.argv) > 1
lines = sys.stdin.read().splitlines()
assert lines, "no output"
for i, line in enumerate(lines):
    s = json.loads(line)["pvkmap_stat"]
    if not watch:
        continue
    assert [c["cpu"] for c in s["cpus"]] == [0, 1], "cpus %s" % s["cpus"]
    for c in s["cpus"]:
        counts = {v["count"] for v in c["ops"].values()}
        cycles = {v["cycles"] for v in c["ops"].values()}
        assert len(counts) == 1, "cpu %d torn: counts %s" % (c["cpu"], sorted(counts))
        assert cycles == {10 * min(counts)}, "cpu %d torn: cycles %s" % (c["cpu"], sorted(cycles))
    assert i == 0 or "count_delta" in s["cpus"][0]["ops"]["set_pte"], "no deltas"
assert not watch or len(lines) >= 2, "fewer than 2 snapshots"
' "$@"
}

# --- bad usage: exit 2 ---------------------------------------------------------------
check "no arguments" 2 "no DOMID given \\(see --help\\)$" "" $stat
check "unknown option" 2 "unknown option '--bogus'" "" $stat --bogus
check "unknown short option" 2 "unknown option '-x'" "" $stat 5 -x
check "negative DOMID is an unknown option" 2 "unknown option '-1'" "" $stat -1
check "--from-log without FILE" 2 "--from-log needs a FILE" "" $stat --from-log
check "DOMID abc" 2 "DOMID 'abc' is not a domain id" "" $stat abc
check "empty DOMID" 2 "DOMID '' is not a domain id" "" $stat ""
check "DOMID 12x" 2 "DOMID '12x' is not a domain id" "" $stat 12x
check "reserved DOMID 32752" 2 "DOMID '32752' is not a domain id \(0..32751\)" "" $stat 32752
check "huge DOMID" 2 "DOMID '99999999999999999999999' is not" "" $stat 99999999999999999999999
check "two DOMIDs" 2 "one DOMID only" "" $stat 1 2
check "DOMID and --from-log" 2 "give a DOMID or --from-log FILE, not both" "" $stat 3 --from-log x
check "--watch with --from-log" 2 "--watch needs a live domain" "" $stat --from-log x --watch
check "--watch 0" 2 "--watch: SECONDS '0' is not a number in 1..86400" "" $stat 3 --watch 0
check "--watch=x" 2 "--watch: SECONDS 'x'" "" $stat 3 --watch=x
check "--watch=86401" 2 "--watch: SECONDS '86401'" "" $stat 3 --watch=86401
check "--watch 5 takes 5 as SECONDS" 2 "no DOMID given" "" $stat --watch 5
check "--help" 0 "" "^usage: pvkmap-stat DOMID" $stat --help

# --- --from-log ----------------------------------------------------------------------
printf '\x00\xff garbage\n{"pvkmap_counters" no colon\n' >"$tmp/garbage"
head -c 8192 /dev/urandom >"$tmp/random"
grep '^{"pvkmap_counters"' $fx/native-3G.log | head -c 300 >"$tmp/truncated"
sed 's/"version":1/"version":7/' $fx/xen-2G-batched.log >"$tmp/version7"
check "log: missing file" 1 "cannot open /nonexistent/log: No such file or directory" "" \
	$stat --from-log /nonexistent/log
check "log: a directory" 1 "cannot read $tmp: Is a directory" "" $stat --from-log "$tmp"
check "log: empty file" 1 "/dev/null: no line starts with" "" $stat --from-log /dev/null
check "log: garbage" 1 ".*/garbage: no line starts with \{\"pvkmap_counters\":" "" \
	$stat --from-log "$tmp/garbage"
check "log: random bytes" 1 ".*/random: no line starts with" "" $stat --from-log "$tmp/random"
check "log: truncated counters line" 1 ".*/truncated: line 1, column 301: " "" \
	$stat --from-log "$tmp/truncated"
check "log: unknown version" 1 ".*/version7: line [0-9]+: pvkmap_counters: version 7 unsupported" "" \
	$stat --from-log "$tmp/version7"
check "log: native table" 0 "" "^0 +set_pte +226303 +24521180 +108$" \
	$stat --from-log $fx/native-3G.log
check "log: xen table has hypercalls" 0 "" "^1 +mmu_update +363 +362 +182191707 " \
	$stat --from-log $fx/xen-2G-batched.log
check "log: Xen's split console lines are skipped" 0 "" "^18 +console_io +25 +25 +14352267 " \
	$stat --from-log $fx/xen-too-little-memory.log
check "log: --json" 0 "" '"mmu_update":\{"nr":1,"calls":363,"traps":362,"cycles":182191707\}' \
	$stat --from-log $fx/xen-2G-batched.log --json
for f in $fx/*.log; do
	ok_if "log: --json of $(basename "$f") is valid JSON" \
		bash -c "'$stat' --from-log '$f' --json | python3 -c 'import json,sys; json.load(sys.stdin)'"
done
if [ -w /dev/full ]; then
	check "log: output to a full disk" 1 "cannot write the output: No space left on device" "" \
		bash -c "'$stat' --from-log $fx/native-3G.log >/dev/full"
fi

# --- live, without Xen ---------------------------------------------------------------
if [ -e /proc/xen/privcmd ] || [ -e /dev/xen/privcmd ]; then
	live_err="domain 32000 does not exist"
else
	live_err="cannot reach Xen: .*is this a Xen dom0"
fi
check "live: no Xen (or no such domain), no hang" 1 "$live_err" "" $stat 32000
check "live: --watch without Xen does not hang" 1 "$live_err" "" $stat 32000 --watch 1

# --- live, against the pretend Xen ---------------------------------------------------
build/tools-tests/mkseeds "$tmp" || echo "# mkseeds failed"
page=$tmp/page-2x14x4
# nr_ops (a u16 at byte 18) = 200; version (a u16 at byte 4) = 1; then random bytes.
cp "$page" "$tmp/bad-nr-ops" && printf '\xc8\x00' |
	dd of="$tmp/bad-nr-ops" bs=1 seek=18 conv=notrunc status=none
cp "$page" "$tmp/version-1" && printf '\x01\x00' |
	dd of="$tmp/version-1" bs=1 seek=4 conv=notrunc status=none
head -c 4096 /dev/urandom >"$tmp/random-page"
fk=(env LD_PRELOAD="$fake" FAKEXEN_DOMID=5)
pv="FAKEXEN_XS=counters=100 counters-mfn=7"
check "fake: no such domain" 1 "domain 3 does not exist$" "" "${fk[@]}" $stat 3
check "fake: domain above every other" 1 "domain 9 does not exist$" "" "${fk[@]}" $stat 9
check "fake: no counters key" 1 "domain 5 has no data/pvkmap/counters in xenstore" "" "${fk[@]}" $stat 5
check "fake: counters key not a number" 1 "/local/domain/5/data/pvkmap/counters is \"12x\", not a number" "" \
	"${fk[@]}" FAKEXEN_XS="counters=12x" $stat 5
check "fake: PV guest with only a pfn" 1 "domain 5 is a PV guest and publishes only a pfn \(100\)" "" \
	"${fk[@]}" FAKEXEN_XS="counters=100" $stat 5
check "fake: PV guest mapped by counters-mfn" 0 "" "^1 +hcall3 +10003 +6003$" \
	"${fk[@]}" "$pv" FAKEXEN_FRAME=7 $stat 5
check "fake: HVM guest mapped by its pfn" 0 "" "^0 +set_pte +1000000 +4294967296 " \
	"${fk[@]}" FAKEXEN_XS="counters=100 counters-mfn=7" FAKEXEN_HVM=1 FAKEXEN_FRAME=100 $stat 5
check "fake: PV guest mapped by counters-va" 0 "" \
	"^domain 5: backend xen, version 2, seq 42 \(cpu 0: 100, cpu 1: 102\)$" \
	"${fk[@]}" FAKEXEN_XS="counters=100 counters-va=3221225472" FAKEXEN_VA_FRAME=9 FAKEXEN_FRAME=9 $stat 5
check "fake: counters-va not page-aligned" 1 "domain 5: data/pvkmap/counters-va 0xc0000010 is not page-aligned" "" \
	"${fk[@]}" FAKEXEN_XS="counters=100 counters-va=3221225488" $stat 5
check "fake: counters-va does not translate" 1 "domain 5: cannot translate counters-va 0xc0000000" "" \
	"${fk[@]}" FAKEXEN_XS="counters=100 counters-va=3221225472" $stat 5
check "fake: Xen refuses the frame" 1 "cannot map frame 0x7 of domain 5 read-only: Operation not permitted$" "" \
	"${fk[@]}" "$pv" FAKEXEN_FRAME=8 $stat 5
check "fake: hostile page" 1 "domain 5's counters page: nr_ops 200 out of range 1..64$" "" \
	"${fk[@]}" "$pv" FAKEXEN_FRAME=7 FAKEXEN_PAGE="$tmp/bad-nr-ops" $stat 5
check "fake: version 1 page refused" 1 "domain 5's counters page: version 1 unsupported \(want 2\)$" "" \
	"${fk[@]}" "$pv" FAKEXEN_FRAME=7 FAKEXEN_PAGE="$tmp/version-1" $stat 5
check "fake: random page" 1 "domain 5's counters page: " "" \
	"${fk[@]}" "$pv" FAKEXEN_FRAME=7 FAKEXEN_PAGE="$tmp/random-page" $stat 5
check "fake: header seq odd for ever" 1 "domain 5's counters page: the header was torn in all 1000 copies" "" \
	"${fk[@]}" "$pv" FAKEXEN_FRAME=7 FAKEXEN_ODD=1 $stat 5
check "fake: cpu 1's block seq odd for ever" 1 \
	"domain 5's counters page: cpu 1's block was torn in all 1000 copies \(seq 43: " "" \
	"${fk[@]}" "$pv" FAKEXEN_FRAME=7 FAKEXEN_ODD_CPU=1 $stat 5
check "fake: xenstore never answers" 1 "no answer from xenstore in 10 s" "" \
	"${fk[@]}" "$pv" FAKEXEN_XS_HANG=1 $stat 5
check "fake: --json" 0 "" '^\{"pvkmap_stat":\{"domid":5,"seq":42,.*"cpus":\[\{"cpu":0,"seq":100,.*\{"cpu":1,"seq":102,' \
	"${fk[@]}" "$pv" FAKEXEN_FRAME=7 $stat 5 --json
ok_if "fake: --json is valid JSON" json_ok <"$tmp/out"
check "fake: domain gone during --watch" 1 "domain 5 has gone$" "deltas over 1 s" \
	"${fk[@]}" "$pv" FAKEXEN_FRAME=7 FAKEXEN_GONE_AFTER=3 $stat 5 --watch 1
# A writer per CPU rewriting its block all the time: every block copied must be whole; ^C
# ends with 0.
n=$((n + 1))
"${fk[@]}" "$pv" FAKEXEN_FRAME=7 FAKEXEN_WRITER=1 timeout --preserve-status -s INT 3.5 \
	$stat 5 --json --watch 1 >"$tmp/watch" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && json_ok watch <"$tmp/watch" 2>>"$tmp/err"; then
	echo "ok $n - fake: --watch under busy per-CPU writers: $(wc -l <"$tmp/watch") whole snapshots, ^C exits 0"
else
	echo "not ok $n - fake: --watch under busy per-CPU writers (exit $rc)"
	tail -3 "$tmp/err" | sed 's/^/# /'
	cut -c1-300 "$tmp/watch" | sed 's/^/# /'
fi

echo "1..$n"
