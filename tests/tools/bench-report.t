#!/usr/bin/env bash
# tools/bench-report as TAP: the report of a fixture results directory in the issue-8 record
# format (tests/tools/fixtures/bench-run: native, COUNTERS=0, the Linux peer, Xen PV in each
# strategy, the TSC-emulation pass, Xen's boot log, run-facts.txt, and the CPU-count sweep:
# synthetic native-smpN and xen-STRATEGY-smpN logs, one that had fewer CPUs than it asked
# for, two boots left out for time), its columns, ratios, Linux "no equivalent" cells,
# env.json, the "Linear map" section (direct map by page size, splits/merges as the tests
# assert, Xen's n/a, pagealloc_debug=on boots, a pool_* row), the "Shootdowns and CPU
# count" section and its plots; pieces missing, measured in
# other units or without "cpus"; --compare (no change, a count change flagged first, a net
# change, records by CPU count); and bad input, which must give one line "bench-report: ..."
# on stderr and exit status 2.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
report=tools/bench-report
fx=tests/tools/fixtures/bench-run
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
# shellcheck source=tests/tools/tap.sh
. tests/tools/tap.sh

# fresh NAME: a copy of the fixture directory in $tmp/NAME.
fresh() {
	rm -rf "${tmp:?}/$1"
	cp -r "$fx" "$tmp/$1"
	echo "$tmp/$1"
}

# check NAME RC STDERR_REGEX STDOUT_REGEX CMD...: run CMD (at most 60 s) and compare. An
# empty STDERR_REGEX wants an empty stderr (a missing gnuplot's note aside); otherwise
# stderr must be that one line and stdout empty. STDOUT_REGEX is looked for in stdout.
check() {
	local name=$1 want=$2 errpat=$3 outpat=$4 rc why=
	shift 4
	timeout -k 5 60 "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	n=$((n + 1))
	[ "$rc" -eq "$want" ] || why+=" exit $rc, want $want;"
	if [ -z "$errpat" ]; then
		grep -v '^bench-report: gnuplot not found' "$tmp/err" | grep -q . && why+=" stderr not empty;"
	else
		[ "$(wc -l <"$tmp/err")" -eq 1 ] || why+=" stderr is not one line;"
		grep -qE -- "^bench-report: ($errpat)" "$tmp/err" || why+=" stderr does not match '$errpat';"
		[ ! -s "$tmp/out" ] || why+=" stdout not empty;"
	fi
	[ -z "$outpat" ] || grep -qE -- "$outpat" "$tmp/out" || why+=" stdout does not match '$outpat';"
	tap_verdict "$name" "$why"
}

# has FILE REGEX: FILE has a line matching the extended REGEX (fixed strings: has_line).
has() { grep -qE -- "$2" "$1" || { echo "# $1 lacks /$2/"; false; }; }
has_line() { grep -qxF -- "$2" "$1" || { echo "# $1 lacks the line: $2"; false; }; }
lacks() { ! grep -qE -- "$2" "$1" || { echo "# $1 has /$2/"; false; }; }
# row FILE OPERATION: that operation's row of the first table holding it.
row() { grep -m1 -F -- "| $2 |" "$1"; }

# py SCRIPT ARGS...: a Python assertion script; its failure message becomes a TAP comment.
py() {
	local out
	out=$(python3 -c "$@" 2>&1) || { echo "$out" | tail -3 | sed 's/^/# /'; return 1; }
}

# --- the full fixture --------------------------------------------------------------------
d=$(fresh full)
check "report of the fixture directory" 0 "" '^\| operation \| native \| Linux 6\.1 \(native\) \|' $report "$d"
cp "$tmp/out" "$tmp/stdout.md"
md=$d/report.md
ok_if "stdout is report.md" cmp -s "$tmp/stdout.md" "$md"
ok_if "main table has every column" has_line "$md" \
	"| operation | native | Linux 6.1 (native) | pvkmap/Linux | xen-hypercall | xen-batched | xen-writable |"
ok_if "unit: instructions under TCG with -icount" has "$md" '^Median net instructions \(TCG, -icount\) per operation'
ok_if "kmap_atomic_strict: net, pvkmap/Linux and PV/native ratios" has_line "$md" \
	"| kmap_atomic_strict | 495 | 268 | 1.85x | 2362 (4.77x) | 2366 (4.78x) | 8043 (16.2x) |"
ok_if "lazy_mmu_32_updates: Linux has none; ratios under 10x with two decimals" has_line "$md" \
	"| lazy_mmu_32_updates | 105.7 | no Linux equivalent | no Linux equivalent | 1078 (10.2x) | 616.7 (5.83x) | 3996 (37.8x) |"
ok_if "flush_tlb_all: pvkmap cheaper than Linux" has_line "$md" \
	"| flush_tlb_all | 9 | 76 | 0.12x | 867 (96.3x) | 869 (96.6x) | 867 (96.3x) |"
ok_if "kmap_atomic_lazy: no Linux equivalent" has_line "$md" \
	"| kmap_atomic_lazy | 393 | no Linux equivalent | no Linux equivalent | 1584 (4.03x) | 1586 (4.04x) | 5101 (13.0x) |"
ok_if "addrspace_create_pin_destroy_64: no Linux equivalent" has "$md" \
	'^\| addrspace_create_pin_destroy_64 \| 18092 \| no Linux equivalent \| no Linux equivalent \|'
ok_if "hypercall_xen_version: Xen only, no Linux equivalent, no ratio" has_line "$md" \
	"| hypercall_xen_version | Xen only | no Linux equivalent | no Linux equivalent | 612 | 612 | 612 |"
ok_if "harness row: group_1 median per column" has_line "$md" \
	"| *harness: empty body, group_1 median per sample* | 9 | 9 |  | 9 | 9 | 9 |"
ok_if "note: no 32-bit Xen PV in Linux since 5.9" has "$md" 'Linux has no 32-bit Xen PV guest since 5\.9'
ok_if "one row per operation (40) plus the harness row" \
	[ "$(sed -n '/^## Cost per operation/,/^## MMU work/p' "$md" | grep -c '^| [a-z*]')" -eq 42 ]
ok_if "main table: UC under Xen is n/a, natively a figure" has "$md" \
	'^\| set_memory_uc_wb_1 \| [0-9]+ \| no Linux equivalent \| no Linux equivalent \| n/a \| n/a \| n/a \|$'
# The linear-map section.
lm=$tmp/lm.md
sed -n '/^## Linear map/,/^## Shootdowns and CPU count/p' "$md" >"$lm"
ok_if "linear map: between the MMU work and the sweep" py '
import sys
t = open(sys.argv[1]).read()
assert t.index("## MMU work per operation") < t.index("## Linear map: ") < t.index("## Shootdowns and CPU count")
' "$md"
ok_if "linear map: direct-map pages by size, each run's boot line" py '
import sys
t = open(sys.argv[1]).read()
for s in ["| run | DirectMap4k | DirectMap2M | page sizes |",
          "| native | 4088 KiB | 880 MiB | 2 MiB pages where they fit |",
          "| native-pagealloc-debug | 905208 KiB | 0 | 4 KiB pages only: pagealloc_debug=on |",
          "| xen-hypercall | 733176 KiB | 0 | 4 KiB pages only: Xen PV has no superpages (Xen refuses PSE in a PV guest" + chr(39) + "s L2 entries) |",
          "| xen-writable-pagealloc-debug | 733176 KiB | 0 | 4 KiB pages only: "]:
    assert s in t, s
assert "Under Xen PV the direct map is 4 KiB pages only (Xen PV has no superpages" in t
assert "there is nothing to split, so no Xen run counts a split or a merge" in t
' "$lm"
ok_if "linear map: a column per run, each naming its direct map" has_line "$lm" \
	"| operation | native (2 MiB direct map) | native-pagealloc-debug (4 KiB direct map) | xen-hypercall (4 KiB direct map) | xen-hypercall-pagealloc-debug (4 KiB direct map) | xen-batched (4 KiB direct map) | xen-batched-pagealloc-debug (4 KiB direct map) | xen-writable (4 KiB direct map) | xen-writable-pagealloc-debug (4 KiB direct map) |"
ok_if "linear map: Xen UC and WC are n/a with the backend's reason" py '
import sys
t = open(sys.argv[1]).read()
row = [l for l in t.splitlines() if l.startswith("| set_memory_wc_wb_16 |")][0]
cells = [c.strip() for c in row.strip("|").split("|")]
assert cells[1].endswith("(splits 1 / merges 1)"), cells
assert cells[2] == "- (not in this run" + chr(39) + "s bench=)", cells
why = "n/a: Xen refuses cache attributes in this domain" + chr(39) + "s L1 entries (no device access): update_va_mapping -> -EINVAL"
assert cells[3] == why and cells[5] == why and cells[7] == why, cells
row = [l for l in t.splitlines() if l.startswith("| set_memory_uc_wb_512 |")][0]
assert row.count(why) == 6, row
' "$lm"
# What mm/linear_map_bench_test.c asserts per iteration: (splits, merges) on a 2 MiB direct
# map; every other column (a 4 KiB direct map) splits and merges nothing.
ok_if "linear map: splits/merges shown are the test-asserted ones, figures bench.json's" py '
import json, re, sys
d = sys.argv[1]
asserted = {"set_memory_uc_wb_1": (1, 1), "set_memory_uc_wb_16": (1, 1), "set_memory_uc_wb_512": (2, 2),
            "set_memory_wc_wb_1": (1, 1), "set_memory_wc_wb_16": (1, 1), "set_memory_wc_wb_512": (2, 2),
            "kernel_map_pages_1": (1, 1), "kernel_map_pages_16": (1, 1), "kernel_map_pages_512": (1, 1),
            "vmap_vunmap_1": (0, 0), "vmap_vunmap_16": (0, 0), "vmap_vunmap_512": (0, 0), "page_alloc_free": (0, 0)}
recs = {(r["name"], r["run"]): r for r in json.load(open(d + "/bench.json"))["records"]}
t = open(d + "/report.md").read().split("## Linear map")[1].split("## Shootdowns")[0]
head = [l for l in t.splitlines() if l.startswith("| operation |")][0]
runs = [c.strip().split(" ")[0] for c in head.strip("|").split("|")[1:]]
seen = set()
for line in t.splitlines():
    cells = [c.strip() for c in line.strip("|").split("|")]
    if cells[0] not in asserted:
        continue
    seen.add(cells[0])
    for run, cell in zip(runs, cells[1:]):
        m = re.fullmatch(r"([0-9.]+) \(splits ([0-9.]+) / merges ([0-9.]+)\)", cell)
        if not m:
            continue
        want = asserted[cells[0]] if run == "native" else (0, 0)
        assert (float(m.group(2)), float(m.group(3))) == want, (cells[0], run, cell, want)
        assert abs(float(m.group(1)) - recs[(cells[0], run)]["median_net"]) < 0.5, (cells[0], run)
assert seen == set(asserted), set(asserted) - seen
' "$d"
ok_if "linear map: page_alloc_free with pagealloc_debug off and on" py '
import sys
t = open(sys.argv[1]).read()
row = [l for l in t.splitlines() if l.startswith("| page_alloc_free |")][0]
cells = [c.strip() for c in row.strip("|").split("|")]
assert all(c.endswith("(splits 0 / merges 0)") for c in cells[1:]), cells
' "$lm"
# Every ratio in the main table from bench.json, independently of the report's code.
ok_if "every PV/native and pvkmap/Linux ratio agrees with bench.json" py '
import json, re, sys
d = sys.argv[1]
recs = {(r["name"], r["run"]): r["median_net"] for r in json.load(open(d + "/bench.json"))["records"]}
table = open(d + "/report.md").read().split("## Cost per operation")[1].split("## MMU work")[0]
cols = ["native", "linux", "ratio", "xen-hypercall", "xen-batched", "xen-writable"]
seen = 0
for line in table.splitlines():
    cells = [c.strip() for c in line.strip("|").split("|")]
    if len(cells) != 7 or not re.fullmatch(r"[a-z0-9_]+", cells[0]) or cells[0] == "operation":
        continue
    name, cells = cells[0], dict(zip(cols, cells[1:]))
    nat, lin = recs.get((name, "native")), recs.get((name, "linux"))
    for c in cols[3:]:
        m = re.search(r"\(([0-9.]+)x\)", cells[c])
        if nat and nat > 0 and (name, c) in recs:
            assert m, (name, c, cells[c])
            assert abs(float(m.group(1)) - recs[(name, c)] / nat) <= max(0.006 * recs[(name, c)] / nat, 0.005), (name, c)  # two decimals below 10x
            seen += 1
    if nat and lin:
        assert abs(float(cells["ratio"].rstrip("x")) - nat / lin) < 0.006, name
        seen += 1
assert seen > 60, seen
' "$d"
ok_if "MMU work: hypercalls / PTEs / flushes per strategy" has_line "$md" \
	"| kmap_atomic_strict | 2 / 1 | 2 / 2 / 1 | 2 / 2 / 1 | 1 / 2 / 1 |"
ok_if "MMU work: batching shows in lazy_mmu_512_updates" has_line "$md" \
	"| lazy_mmu_512_updates | 1 / 0 | 1 / 1 / 0 | 0.001 / 1 / 0 | 0 / 1 / 0 |"
ok_if "MMU work: event-delivery xen_version calls left out" has_line "$md" \
	"| kmap_local_pair | 2 / 1 | 2 / 2 / 1 | 2 / 2 / 1 | 1 / 2 / 1 |"
ok_if "MMU work: hypercall_xen_version is one hypercall, no MMU work" has_line "$md" \
	"| hypercall_xen_version | - | 1 / 0 / 0 | 1 / 0 / 0 | 1 / 0 / 0 |"
ok_if "TSC emulation: native vs always_emulate, difference, harness per op" has_line "$md" \
	"| kmap_atomic_strict | 2362 | 8563 | +6201 | +262.5% | 9 | 1509 | same |"
ok_if "TSC emulation: harness of each mode" has "$md" \
	'tsc_mode native 9 ticks \(tsc "native"\), always_emulate 1509 ticks \(tsc "trapping"\)'
ok_if "TSC emulation: the five operations of the pass" \
	[ "$(sed -n '/^## TSC emulation/,/^## Counting/p' "$md" | grep -c '| same |$')" -eq 5 ]
ok_if "counting overhead: the counted-vs-not table" has_line "$md" "| benchmark | counted | not counted | overhead |"
ok_if "counting overhead: a row and the mean" has "$md" '^\| kmap_atomic_strict \| 495 \| 481 \| \+2\.9% \|$'
ok_if "no RDTSC-trapping or units warning when nothing traps" lacks "$md" 'RDTSC TRAPS|UNITS DIFFER|did not trap'
ok_if "header: pvkmap version, Xen, tsc_mode, Linux peer" py '
import sys
t = open(sys.argv[1]).read()
for s in ["| pvkmap | 166a34b (clean) |", "| build flags (KCFLAGS) | `-m32",
          "| Xen | 4.17.5 (Debian ) (@)", "| Xen command line | console=com1",
          "Xen settings: BTI-Thunk: RETPOLINE", "| domain tsc_mode | native (pvkmap-bench.cfg); the guest saw: xen-hypercall native",
          "| TSC-emulation pass | tsc_mode always_emulate; the guest saw: trapping |",
          "| dom0 kernel | 6.1.0-57-amd64", "| Linux peer | kernel 6.1.0-57-686-pae, package 6.1.192-3; image_package",
          "CONFIG_HIGHMEM64G", "| host CPU | AMD EPYC, 2 cores |", "| unit | instructions (TCG, -icount) |"]:
    assert s in t, s
' "$md"
ok_if "env.json: every field, and each from its source" py '
import json, sys
e = json.load(open(sys.argv[1] + "/env.json"))
def walk(o, p=""):
    if isinstance(o, dict):
        for k, v in o.items(): walk(v, p + "." + k)
    elif isinstance(o, list):
        assert o, p
        for v in o: walk(v, p)
    else:
        assert o not in (None, ""), p
        assert not str(o).startswith(("not recorded", "not run")), (p, o)
walk(e)
assert e["pvkmap"]["version"] == "166a34b" and e["pvkmap"]["dirty"] is False
assert "-O2" in e["pvkmap"]["kcflags"] and e["pvkmap"]["kcflags_nocount"].endswith("-DPVKMAP_NO_COUNTERS")
assert e["qemu"]["version"].startswith("QEMU emulator version 7.2")
assert e["qemu"]["native"]["accelerator"] == "tcg" and e["qemu"]["native"]["cpu"] == "max"
assert e["qemu"]["native"]["icount"] == "shift=0,sleep=off"
assert e["qemu"]["xen_test_host"] == {"accelerator": "tcg", "cpu": "max,-smap", "icount": "shift=0,sleep=off"}
assert e["host"] == {"cpu_model": "AMD EPYC", "cores": 2}
x = e["xen"]
assert x["version"].startswith("4.17.5 ") and "pv=32" in x["command_line"]
assert x["speculative_mitigations"][0] == "Speculative mitigation facilities:"
assert any(l.startswith("Xen settings: ") for l in x["speculative_mitigations"])
assert x["tsc_mode"]["config"] == "native"
assert x["tsc_mode"]["guest_saw"] == {"xen-hypercall": "native", "xen-batched": "native", "xen-writable": "native"}
assert x["tsc_mode"]["tsc_emulation_pass"] == {"config": "always_emulate", "guest_saw": "trapping"}
assert x["dom0_kernel"].startswith("6.1.0-57-amd64")
l = e["linux_peer"]
assert l["kernel"] == "6.1.0-57-686-pae" and l["package"] == "6.1.192-3"
assert l["qemu_command_line"].startswith("qemu-system-i386 -machine pc -accel tcg -icount shift=0,sleep=off")
assert l["env"]["config"]["CONFIG_HZ"] == "250" and e["units"]["linux"] == e["unit"]
assert e["unit"] == "instructions (TCG, -icount)" and e["date"].startswith("2026-")
main = {"native", "native-nocount", "linux", "xen-hypercall", "xen-batched", "xen-writable", "xen-tsc-emulate",
        "native-pagealloc-debug", "xen-hypercall-pagealloc-debug", "xen-batched-pagealloc-debug",
        "xen-writable-pagealloc-debug"}
sweep = {"native-smp2", "native-smp4", "native-smp8", "xen-batched-smp2", "xen-batched-smp4",
         "xen-hypercall-smp2", "xen-hypercall-smp4"}
assert set(e["runs"]) == main | sweep, set(e["runs"]) ^ (main | sweep)
assert e["runs"]["native-smp4"]["cpus"] == [4] and e["runs"]["linux"]["cpus"] == [1]
assert e["runs"]["xen-batched-pagealloc-debug"]["log"] == "xen-batched-pagealloc-debug.log"
assert "pagealloc_debug=on" in e["bench"]["pagealloc_debug"]
assert x["physical_cpus"] == 2 and x["scheduler"].startswith("SMP Credit Scheduler rev2")
s = e["smp"]
assert s["native"].startswith("pvkmap-qemu --icount --mem 1G --smp N") and "kmap_full_wrap_amortized" in s["native_bench"]
assert s["runs"]["xen-hypercall-smp4"] == {"log": "xen-hypercall-smp4.log", "asked": 4, "cpus": [2], "ram": "2048MiB",
    "kernel": "cpu: 2 of 4 vCPUs up", "command_line": s["runs"]["xen-hypercall-smp4"]["command_line"]}
assert s["runs"]["native"]["asked"] == 1 and s["runs"]["native-smp8"]["cpus"] == [8]
assert set(s["timed_out"]) == {"xen-batched-smp8", "xen-hypercall-smp8"}
assert s["left_out"].count("no verdict within 240 s") == 1 and s["left_out"].count("not started") == 1
assert s["timed_out"]["xen-hypercall-smp8"]["log"] == "none: not started"
' "$d"
ok_if "bench.json: env and every record of every log" py '
import json, sys, glob
d = sys.argv[1]
b = json.load(open(d + "/bench.json"))
assert b["env"] == json.load(open(d + "/env.json"))
lines = sum(open(f).read().count("\n{\"pvkmap_bench\":") for f in glob.glob(d + "/*.log"))
assert len(b["records"]) == lines == 221, (len(b["records"]), lines)
assert {r["cpus"] for r in b["records"] if r["run"] == "xen-hypercall-smp4"} == {2}
assert not any("cpus" in r for r in b["records"] if r["run"] == "linux")
assert b["harness"]["xen-tsc-emulate"]["group_1"]["median"] == 1509
' "$d"
ok_if "bench.csv: raw, harness, net and counts, one row per record" py '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/bench.csv")))
assert len(rows) == 221
r = [r for r in rows if r["run"] == "xen-batched" and r["benchmark"] == "kmap_atomic_strict"][0]
assert (r["median_raw"], r["harness"], r["median_net"]) == ("2375.0", "9.0", "2366.0"), r
assert (r["mmu_hypercalls_per_op"], r["pte_updates_per_op"], r["flushes_per_op"]) == ("2.0", "2.0", "1.0"), r
r = [r for r in rows if r["run"] == "native-smp4" and r["benchmark"] == "shootdown_page"][0]
assert (r["cpus"], r["median_net"], r["flushes_per_op"]) == ("4", "7344.0", "4.0"), r
assert [r["cpus"] for r in rows if r["run"] == "linux"][0] == "1"
' "$d"
if command -v gnuplot >/dev/null; then
	ok_if "plots: ops, batch and one PV/native ratio plot per strategy" py '
import sys, os
d = sys.argv[1]
for f in ["ops.png", "batch.png", "ratio-hypercall.png", "ratio-batched.png", "ratio-writable.png"]:
    assert open(os.path.join(d, f), "rb").read(8) == b"\x89PNG\r\n\x1a\n", f
' "$d"
	ok_if "plots: Linux in the per-operation plot" has "$d/ops.dat" $'^op\tnative\tLinux 6\\.1 \\(native\\)\txen-hypercall'
	ok_if "plots: shootdown.png and kmap-scaling.png against CPUs online" py '
import sys, os
d = sys.argv[1]
for f in ["shootdown.png", "kmap-scaling.png"]:
    assert open(os.path.join(d, f), "rb").read(8) == b"\x89PNG\r\n\x1a\n", f
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(d, "shootdown.dat"))]
assert rows[0][:5] == ["cpus", "shootdown_page native", "shootdown_page Xen MULTI (batched)",
                       "shootdown_page Xen INVLPG_ALL (batched)", "shootdown_page Xen event-channel IPI (batched)"], rows[0]
assert [r[0] for r in rows[1:]] == ["1", "2", "4", "8"]
assert rows[3][1:3] == ["7344.0", "1688.0"] and rows[4][2] == "NaN", rows
k = [l.rstrip("\n").split("\t") for l in open(os.path.join(d, "kmap-scaling.dat"))]
assert k[0] == ["cpus", "kmap native", "kmap_local native", "kmap Xen (hypercall)", "kmap_local Xen (hypercall)"], k[0]
assert k[2] == ["2", "1507.0", "85.0", "1811.0", "2068.0"], k[2]
' "$d"
	ok_if "plots: the section names them" has "$md" '^Plots: shootdown\.png, shootdowns, against CPUs online; kmap-scaling\.png'
else
	for _ in 1 2 3 4; do n=$((n + 1)); echo "ok $n # SKIP no gnuplot"; done
fi
# The CPU-count sweep's section.
sec=$tmp/smp.md
sed -n '/^## Shootdowns and CPU count/,/^## TSC emulation/p' "$md" >"$sec"
ok_if "sweep: the section comes after the MMU work" py '
import sys
t = open(sys.argv[1]).read()
assert t.index("## MMU work per operation") < t.index("## Shootdowns and CPU count") < t.index("## TSC emulation")
' "$md"
ok_if "sweep: how it ran, beside the figures" py '
import sys
t = open(sys.argv[1]).read()
for s in ["| native | pvkmap-qemu --icount --mem 1G --smp N, N in: 2 4 8 (native-smpN.log) |",
          "| Xen bench= | batched: shootdown_page,shootdown_all,shootdown_page_xen_invlpg_all,shootdown_page_xen_evtchn_ipi,kmap_full_wrap_amortized; hypercall: shootdown_page,shootdown_all,kmap_pair_all_cpus_mapping,kmap_local_pair_all_cpus_mapping,kmap_full_wrap_amortized |",
          "| Xen test host | 2 physical CPUs, scheduler SMP Credit Scheduler rev2 (credit2) |",
          "| native-smp4 | 4 | 4 | 1G | `cpu: 4 of 4 CPUs up` | `test=none bench=shootdown_page,",
          "| xen-batched | 1 | 1 | 2048MiB | `cpu: 1 of 1 vCPUs up` | `test=none bench=all kmap_debug=off pvmmu=batched` |"]:
    assert s in t, s
' "$sec"
ok_if "sweep: -icount schedule: one host thread, spinning counts, counts exact" py '
import sys
t = " ".join(open(sys.argv[1]).read().split())
for s in ["one host thread, round-robin", "one machine-wide count of the instructions",
          "a CPU spinning on an acknowledgement counts its own instructions",
          "until QEMU switches to the CPU that must answer", "The counts (IPIs, hypercalls, flushes) are exact",
          "the instruction figures are that schedule", "not hardware", "test host" + chr(39) + "s physical CPUs (2 of them"]:
    assert s in t, s
' "$sec"
ok_if "sweep: shootdown_page rows by CPUs online, four columns, counts beside them" py '
import sys
t = open(sys.argv[1]).read().split("### shootdown_page, Xen pvmmu=batched")[1].split("###")[0]
for s in ["| CPUs | native | counts | Xen MULTI | counts | Xen INVLPG_ALL | counts | Xen event-channel IPI | counts |",
          "| 1 | 8 | IPIs 0/0; hcalls 0; flushes 1; multi 0 | 822 | IPIs 0/0; hcalls 1; flushes 1; multi 0 | 874 | IPIs 0/0; hcalls 1; flushes 0; multi 0 | 1045 | IPIs 0/0; hcalls 1; flushes 1; multi 0 |",
          "| 4 | 7344 | IPIs 3/3; hcalls 0; flushes 4; multi 1 | 1688 | IPIs 0/0; hcalls 1; flushes 0; multi 1 | 1652 | IPIs 0/0; hcalls 1; flushes 0; multi 0 | 41873 | IPIs 3/3; hcalls 7; flushes 4; multi 0 |",
          "| 8 | 17221 | IPIs 7/7; hcalls 0; flushes 8; multi 1 | left out (time limit) |  | left out (time limit) |  | left out (time limit) |  |"]:
    assert s in t, s
' "$sec"
ok_if "sweep: shootdown_all and the wrap have native and MULTI columns" py '
import sys
t = open(sys.argv[1]).read()
a = t.split("### shootdown_all, Xen pvmmu=batched")[1].split("###")[0]
assert "| CPUs | native | counts | Xen MULTI | counts |" in a
assert "| 2 | 2431 | IPIs 1/1; hcalls 0; flushes 2; multi 1 | 1233 | IPIs 0/0; hcalls 1; flushes 0; multi 1 |" in a
w = t.split("### kmap_full_wrap_amortized, Xen pvmmu=batched")[1].split("###")[0]
assert "| 4 | 769.8 | IPIs 0.005/0.005; hcalls 0; flushes 0.007; multi 0.001 | 2338 | IPIs 0/0; hcalls 1.002; flushes 0; multi 0.001 |" in w
' "$sec"
ok_if "sweep: a run that had fewer CPUs than it asked for, said plainly" py '
import sys
t = open(sys.argv[1]).read()
h = t.split("### shootdown_page, Xen pvmmu=hypercall")[1].split("###")[0]
assert "| 2 | 2418 | IPIs 1/1; hcalls 0; flushes 2; multi 1 | 1201 |" in h, h
assert "| CPUs | native | counts | Xen MULTI | counts |" in h, h  # hypercall ran none of the Xen-only ones
assert "| 4 | 7344 | IPIs 3/3; hcalls 0; flushes 4; multi 1 | asked 4, got 2 |  |" in h, h
assert "| xen-hypercall-smp4 | 4 | 2 (FEWER) | 2048MiB | `cpu: 2 of 4 vCPUs up` |" in t
assert "**FEWER CPUS THAN ASKED: xen-hypercall-smp4 asked for 4 and had 2. The kernel says why in each run" in t
assert "(xen-hypercall-smp4: `cpu: 2 of 4 vCPUs up`)" in t
' "$sec"
ok_if "sweep: the loud line at the top names it too" has "$md" \
	'^\*\*WARNING: FEWER CPUS THAN ASKED in 1 of the CPU-count sweep.s runs \(xen-hypercall-smp4\)'
ok_if "sweep: kmap vs kmap_local, natively and under Xen, with their ratio" py '
import sys
t = open(sys.argv[1]).read().split("### kmap vs kmap_local with every CPU mapping at once")[1]
assert "| CPUs | native: kmap | counts | native: kmap_local | counts | kmap/kmap_local | xen-hypercall: kmap | counts | xen-hypercall: kmap_local | counts | kmap/kmap_local |" in t
assert "| 2 | 1507 | PTEs 0; IPIs 0/0; hcalls 0; flushes 0; multi 0 | 85 | PTEs 4; IPIs 0/0; hcalls 0; flushes 2; multi 0 | 17.7x | 1811 | PTEs 0; IPIs 0/0; hcalls 0; flushes 0; multi 0 | 2068 | PTEs 4; IPIs 0/0; hcalls 4; flushes 2; multi 0 | 0.88x |" in t
assert "| 8 | 11204 |" in t and "| left out (time limit) |  | left out (time limit) |  | - |" in t
' "$sec"
ok_if "running it again gives the same report" bash -c "$report $d >/dev/null && cmp -s $tmp/stdout.md $md"

# --- variations ----------------------------------------------------------------------------
d=$(fresh crlf)
for f in "$d"/*.log; do sed -i 's/$/\r/' "$f"; done
check "CRLF console logs read the same" 0 "" "" $report "$d"
ok_if "CRLF: same report" cmp -s "$tmp/stdout.md" "$d/report.md"

d=$(fresh pool)
grep '"name":"set_memory_uc_wb_16"' "$fx/native.log" | sed 's/"set_memory_uc_wb_16"/"pool_uc_16"/' >>"$d/native.log"
rm "$d"/*-pagealloc-debug.log
check "a pool_* record, and no pagealloc_debug=on boots" 0 "" "" $report "$d"
ok_if "pool: its row comes after the linear-map benchmarks, the same way" py '
import sys
t = open(sys.argv[1] + "/report.md").read().split("## Linear map")[1].split("## Shootdowns")[0]
rows = [l.split("|")[1].strip() for l in t.splitlines() if l.startswith("| ") and "(splits" in l or l.startswith("| pool_")]
assert rows[-1] == "pool_uc_16" and rows[-2] == "page_alloc_free", rows
row = [l for l in t.splitlines() if l.startswith("| pool_uc_16 |")][0]
assert "(splits 1 / merges 1)" in row and "| - (not in this run" in row, row
assert "Not run: native-pagealloc-debug (no native-pagealloc-debug.log in the results directory); xen-hypercall-pagealloc-debug" in t
' "$d"

d=$(fresh trapping)
sed -i 's/"tsc":"native"/"tsc":"trapping"/' "$d/xen-batched.log"
check "records that say tsc trapping" 0 "" "" $report "$d"
ok_if "a loud line names the trapping run" has "$d/report.md" '^\*\*WARNING: RDTSC TRAPS in the xen-batched run'
ok_if "the harness cell says TRAPPING" has "$d/report.md" '\| 9 \| 9 \(TRAPPING\) \| 9 \|$'

d=$(fresh noemulate)
sed -i 's/"tsc":"trapping"/"tsc":"native"/' "$d/xen-tsc-emulate.log"
check "a TSC-emulation pass that did not trap" 0 "" "" $report "$d"
ok_if "says always_emulate did not take effect" has "$d/report.md" 'WARNING: the TSC-emulation pass did not trap RDTSC'

d=$(fresh nolinux)
rm "$d/linux.log"
echo "linux: not run: run-bench --no-linux" >>"$d/run-facts.txt"
check "no Linux peer (run-bench --no-linux)" 0 "" "" $report "$d"
ok_if "Linux column says not run" has_line "$d/report.md" \
	"| kmap_atomic_strict | 495 | not run | - | 2362 (4.77x) | 2366 (4.78x) | 8043 (16.2x) |"
ok_if "env.json: linux_peer says why" py '
import json, sys
e = json.load(open(sys.argv[1] + "/env.json"))
assert e["linux_peer"] == "not run: run-bench --no-linux", e["linux_peer"]
assert e["runs"]["linux"] == "not run: run-bench --no-linux"
' "$d"

d=$(fresh bare)
rm "$d/run-facts.txt" "$d/xen-hypercall.serial.log" "$d/xenhost-manifest" "$d"/*.cfg \
	"$d/xen-tsc-emulate.log" "$d/native-nocount.log" "$d/xen-writable.log"
check "only logs, nothing about what produced them" 0 "" "" $report "$d"
ok_if "env.json: every field still present, saying why it is unknown" py '
import json, sys
e = json.load(open(sys.argv[1] + "/env.json"))
assert e["pvkmap"]["version"].startswith("not recorded: no run-facts.txt"), e["pvkmap"]
assert e["qemu"]["version"].startswith("not recorded") and e["host"]["cores"].startswith("not recorded")
assert e["xen"]["version"].startswith("not recorded: no Xen boot log"), e["xen"]["version"]
assert e["xen"]["speculative_mitigations"].startswith("not recorded")
assert e["xen"]["tsc_mode"]["config"].startswith("not recorded: no pvkmap-bench.cfg")
assert e["xen"]["tsc_mode"]["tsc_emulation_pass"]["guest_saw"].startswith("not run: no xen-tsc-emulate.log")
assert e["runs"]["xen-writable"].startswith("not run: no xen-writable.log")
assert e["linux_peer"]["kernel"] == "6.1.0-57-686-pae"
for k in ("date", "pvkmap", "host", "qemu", "unit", "xen", "linux_peer", "runs", "bench"):
    assert k in e, k
' "$d"
ok_if "missing runs and sections say not run" py '
import sys
t = open(sys.argv[1] + "/report.md").read()
assert "| kmap_atomic_strict | 495 | 268 | 1.85x | 2362 (4.77x) | 2366 (4.78x) | not run |" in t
assert "Not run: xen-writable (no xen-writable.log in the results directory)." in t
assert "## TSC emulation\n\nNot run: not run: " not in t and "## TSC emulation\n\nNot run: no xen-tsc-emulate.log" in t
assert "## Counting overhead" in t and "Not run: no native-nocount.log" in t
' "$d"

d=$(fresh dom0)
rm "$d/xen-hypercall.serial.log" "$d/xenhost-manifest"
sed -i 's/^xen_host: .*/xen_host: dom0 (xl create on this machine'"'"'s Xen)/' "$d/run-facts.txt"
echo "dom0_kernel: 6.1.0-28-amd64" >>"$d/run-facts.txt"
printf '%s\n' "host                   : pvk-dom0" "xen_major              : 4" "xen_minor              : 17" \
	"xen_version            : 4.17.5" "xen_caps               : xen-3.0-x86_64 hvm-3.0-x86_32 xen-3.0-x86_32p" \
	"xen_commandline        : placeholder dom0_mem=2G pv=32 cet=no-shstk" >"$d/xl-info.txt"
grep '^(XEN)' "$fx/xen-hypercall.serial.log" >"$d/xen-dmesg.log"
for f in "$d"/xen-*.log; do sed -i '/^run-guest: accelerator/d' "$f"; done
check "a dom0 run: xl info, xl dmesg, Xen on the hardware" 0 "" "" $report "$d"
ok_if "dom0: Xen from xl info, mitigations from xl dmesg, no QEMU for Xen" py '
import json, sys
e = json.load(open(sys.argv[1] + "/env.json"))
x = e["xen"]
assert x["version"] == "4.17.5" and x["command_line"] == "placeholder dom0_mem=2G pv=32 cet=no-shstk", x
assert any(l.startswith("Xen settings: ") for l in x["speculative_mitigations"])
assert x["dom0_kernel"] == "6.1.0-28-amd64", x["dom0_kernel"]
assert e["qemu"]["xen_test_host"].startswith("not run: Xen PV ran on this machine"), e["qemu"]
assert e["units"]["xen-hypercall"] == "cycles"
' "$d"
ok_if "dom0: units differ from the TCG native run: loud line, no PV/native ratios" py '
import sys
t = open(sys.argv[1] + "/report.md").read()
assert "**WARNING: UNITS DIFFER: xen-hypercall is in cycles, native in instructions (TCG, -icount)" in t
assert "| kmap_atomic_strict | 495 | 268 | 1.85x | 2362 | 2366 | 8043 |" in t
' "$d"

d=$(fresh kvm)
sed -i 's/^pvkmap-qemu: accelerator: .*/pvkmap-qemu: accelerator: hardware KVM (kvm_amd); RAM 3G, 1 vCPU(s)/' "$d"/native*.log
sed -i 's/"platform":"QEMU TCG"/"platform":"KVM"/' "$d"/native*.log
sed -i 's/^run-guest: accelerator: .*/run-guest: accelerator: kvm; icount: off; cpu: host/' "$d"/xen-*.log
sed -i 's/-accel tcg -icount shift=0,sleep=off/-accel kvm/; s/"platform":"QEMU TCG"/"platform":"KVM"/' "$d/linux.log"
check "hardware virtualization: cycles" 0 "" "" $report "$d"
ok_if "KVM: the unit is cycles" has "$d/report.md" '^Median net cycles per operation'
ok_if "KVM: ratios kept, no unit warning" py '
import sys
t = open(sys.argv[1] + "/report.md").read()
assert "UNITS DIFFER" not in t and "| kmap_atomic_strict | 495 | 268 | 1.85x | 2362 (4.77x) |" in t
assert "| native run | kvm, -cpu host, -icount off: KVM" in t
' "$d"

d=$(fresh nocpus)
sed -i 's/"cpus":[0-9]*,//' "$d"/*.log
check "records without cpus (older results)" 0 "" "" $report "$d"
ok_if "without cpus: every record counts as 1 CPU, every sweep run had fewer" py '
import sys
t = open(sys.argv[1] + "/report.md").read()
p = t.split("### shootdown_page, Xen pvmmu=batched")[1].split("###")[0]
assert "| 1 | 8 | IPIs 0/0; hcalls 0; flushes 1; multi 0 | 822 |" in p, p
assert "| 2 | asked 2, got 1 |  | asked 2, got 1 |" in p and "| 8 | asked 8, got 1 |  | left out (time limit) |" in p, p
assert "| native-smp4 | 4 | 1 (FEWER) | 1G | `cpu: 4 of 4 CPUs up` |" in t
assert "FEWER CPUS THAN ASKED in 7 of the CPU-count sweep" in t
' "$d"

d=$(fresh asked)
rm "$d/xen-hypercall-smp2.log"
check "a CPU count only a larger run reached" 0 "" "" $report "$d"
ok_if "the 2-vCPU row from the run that asked for 4, marked (asked 4)" py '
import sys
t = open(sys.argv[1] + "/report.md").read().split("### shootdown_page, Xen pvmmu=hypercall")[1].split("###")[0]
assert "| 2 | 2418 | IPIs 1/1; hcalls 0; flushes 2; multi 1 | 1199 (asked 4) | IPIs 0/0; hcalls 1; flushes 0; multi 1 |" in t, t
assert "| 4 | 7344 | IPIs 3/3; hcalls 0; flushes 4; multi 1 | asked 4, got 2 |" in t, t
' "$d"

d=$(fresh nosmp)
rm "$d"/*-smp*.log
sed -i '/^smp_/d' "$d/run-facts.txt"
echo "smp: not run: run-bench --no-smp" >>"$d/run-facts.txt"
check "no CPU-count sweep (run-bench --no-smp)" 0 "" "" $report "$d"
ok_if "no sweep: the section says why; env.json too" py '
import json, sys
d = sys.argv[1]
t = open(d + "/report.md").read()
assert "## Shootdowns and CPU count\n\nNot run: run-bench --no-smp.\n" in t
assert "FEWER" not in t
assert json.load(open(d + "/env.json"))["smp"] == "not run: run-bench --no-smp"
' "$d"
rm "$d/run-facts.txt"
check "no sweep and no run-facts.txt" 0 "" "" $report "$d"
ok_if "no sweep logs: the section says so" has "$d/report.md" '^Not run: no FAMILY-smpN\.log'

# --- --compare -------------------------------------------------------------------------------
a=$(fresh cmp-old)
$report "$a" >/dev/null 2>&1
check "compare a directory with itself: no change" 0 "" '^no change: 221 records, counts and median_net identical$' \
	$report --compare "$a" "$a"
ok_if "compare with itself: nothing else reported" lacks "$tmp/out" 'CHANGED|changes|one side|differs'
b=$(fresh cmp-count)
sed -i '/"name":"kmap_atomic_strict"/s/"update_va_mapping":2\.000/"update_va_mapping":3.000/; /"name":"copy_highpage"/s/"median_net":8843\.000/"median_net":9000.000/' \
	"$b/xen-batched.log"
$report "$b" >/dev/null 2>&1
check "compare after a count change" 0 "" '^COUNT CHANGED  kmap_atomic_strict \[xen-batched\]: hypercalls 2 -> 3; update_va_mapping 2 -> 3$' \
	$report --compare "$a" "$b"
ok_if "the count change comes first, before the net changes" py '
import sys
t = open(sys.argv[1]).read()
i, j = t.index("COUNT CHANGED"), t.index("median_net changes")
assert i < j and "no change" not in t
assert "| copy_highpage | xen-batched | 8843 | 9000 | +157 | +1.8% |" in t
' "$tmp/out"
c=$(fresh cmp-net)
sed -i '/"name":"flush_tlb_all"/s/"median_net":9\.000/"median_net":8.000/' "$c/native.log"
sed -i '/"name":"load_cr3"/d' "$c/xen-writable.log"
$report "$c" >/dev/null 2>&1
check "compare after a net change and a lost record" 0 "" '^\| flush_tlb_all \| native \| 9 \| 8 \| -1 \| -11\.1% \|$' \
	$report --compare "$a" "$c"
ok_if "net change only: no count flagged; the lost record listed" py '
import sys
t = open(sys.argv[1]).read()
assert "COUNT CHANGED" not in t and "only in OLD: load_cr3 [xen-writable]" in t
' "$tmp/out"
e=$(fresh cmp-noise)
sed -i '/"name":"kmap_local_pair"/s/"xen_version":0\.001/"xen_version":0.004/' "$e/xen-hypercall.log"
$report "$e" >/dev/null 2>&1
check "compare: event-delivery hypercalls changed" 0 "" '^  kmap_local_pair \[xen-hypercall\]: xen_version 0\.001 -> 0\.004$' \
	$report --compare "$a" "$e"
ok_if "event-delivery hypercalls are listed, not flagged" lacks "$tmp/out" 'COUNT CHANGED|^no change'
sed -i '/"name":"hypercall_xen_version"/s/"xen_version":1\.000/"xen_version":2.000/' "$e/xen-writable.log"
$report "$e" >/dev/null 2>&1
check "compare: a benchmark's own hypercall changed" 0 "" \
	'^COUNT CHANGED  hypercall_xen_version \[xen-writable\]: hypercalls 1 -> 2; xen_version 1 -> 2$' \
	$report --compare "$a" "$e"
f=$(fresh cmp-cpus)
sed -i 's/"cpus":4,/"cpus":2,/' "$f/native-smp4.log"
sed -i '/"name":"shootdown_page"/s/"ipis_sent":1\.000/"ipis_sent":2.000/' "$f/native-smp2.log"
$report "$f" >/dev/null 2>&1
check "compare: records by CPU count" 0 "" \
	'^COUNT CHANGED  shootdown_page \[native-smp2, 2 CPUs\]: ipis_sent 1 -> 2$' $report --compare "$a" "$f"
ok_if "compare: a run at another CPU count is another record, not a change" py '
import sys
t = open(sys.argv[1]).read()
assert "only in OLD: shootdown_page [native-smp4, 4 CPUs]" in t and "only in NEW: shootdown_page [native-smp4, 2 CPUs]" in t, t
assert "[native-smp4, " not in t.split("## Records on one side only")[0], t
' "$tmp/out"
mkdir -p "$tmp/oldfmt" && python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))
for r in b["records"]:
    if r["run"] in ("native", "xen-batched"):
        r.pop("cpus", None)
json.dump(b, open(sys.argv[2], "w"))
' "$a/bench.json" "$tmp/oldfmt/bench.json"
check "compare: an older bench.json without cpus counts them as 1 CPU" 0 "" \
	'^no change: 221 records, counts and median_net identical$' $report --compare "$tmp/oldfmt" "$a"
ok_if "make compare OLD= NEW=" bash -c "make -s compare OLD=$a NEW=$a | grep -q '^no change'"

# --- bad input: one line on stderr, exit 2 ----------------------------------------------------
check "no arguments" 2 "usage: bench-report RESULTS_DIR" "" $report
check "unknown option" 2 "unknown option '--bogus'" "" $report --bogus
check "two directories without --compare" 2 "usage: " "" $report "$a" "$a"
check "--compare with one directory" 2 "--compare needs two results directories" "" $report --compare "$a"
check "missing results directory" 2 "$tmp/nonexistent: no such directory" "" $report "$tmp/nonexistent"
mkdir -p "$tmp/empty"
check "a directory without native.log" 2 ".*/empty: no native.log" "" $report "$tmp/empty"
check "compare: missing directory" 2 ".*/nonexistent: no such directory" "" $report --compare "$tmp/nonexistent" "$a"
check "compare: no bench.json" 2 ".*/empty/bench.json: missing" "" $report --compare "$a" "$tmp/empty"
mkdir -p "$tmp/badjson" && printf '{"records": [' >"$tmp/badjson/bench.json"
check "compare: malformed bench.json" 2 ".*/badjson/bench.json: malformed JSON" "" $report --compare "$tmp/badjson" "$a"
mkdir -p "$tmp/notours" && echo '[1, 2]' >"$tmp/notours/bench.json"
check "compare: JSON that is not a bench.json" 2 ".*/notours/bench.json: not a bench-report bench.json" "" \
	$report --compare "$a" "$tmp/notours"
mkdir -p "$tmp/badrec" && python3 -c '
import json, sys
b = json.load(open(sys.argv[1])); b["records"][3]["median_net"] = "fast"; json.dump(b, open(sys.argv[2], "w"))
' "$a/bench.json" "$tmp/badrec/bench.json"
check "compare: a bad record in bench.json" 2 ".*/badrec/bench.json: record 3: missing or non-numeric 'median_net'" "" \
	$report --compare "$a" "$tmp/badrec"

# bad_log NAME FILE STDERR_REGEX: the fixture with FILE's content from stdin fails that way.
bad_log() {
	local name=$1 file=$2 pat=$3 d
	d=$(fresh bad)
	cat >"$d/$file"
	check "$name" 2 "$pat" "" $report "$d"
}
bad_log "truncated benchmark line" xen-batched.log ".*/xen-batched.log:2: malformed pvkmap_bench line" <<'EOF'
pvkmap: 32-bit PAE kernel, MMU backend xen, platform Xen PV
{"pvkmap_bench":{"name":"flush_tlb_all","backend":"xen","pvmmu":"batched","platform":"Xen
EOF
bad_log "old format (median_cycles)" native.log ".*/native.log:1: old record format \(median_cycles\)" <<'EOF'
{"pvkmap_bench":{"name":"flush_tlb_all","backend":"native","pvmmu":"n/a","platform":"QEMU TCG","iterations":512,"ops_per_iteration":1,"median_cycles":9,"p99_cycles":9,"per_op":{"flush_tlb_all":1.000},"backend_per_op":{}}}
EOF
bad_log "records of another strategy" xen-batched.log \
	".*/xen-batched.log:1: a xen/writable record in the log of the xen-batched run" < <(grep pvkmap_bench "$fx/xen-writable.log")
bad_log "a non-numeric median_net" xen-hypercall.log ".*/xen-hypercall.log:[0-9]+: missing or non-numeric 'median_net'" \
	< <(sed 's/"median_net":1311\.000/"median_net":"1311"/' "$fx/xen-hypercall.log")
bad_log "an unknown tsc verdict" native.log ".*/native.log:[0-9]+: tsc \"maybe\" is neither" \
	< <(sed 's/"tsc":"native"/"tsc":"maybe"/' "$fx/native.log")
bad_log "a cpus that is not a positive integer" native-smp4.log ".*/native-smp4.log:[0-9]+: 'cpus' is not a positive integer \(0\)" \
	< <(sed 's/"cpus":4,/"cpus":0,/' "$fx/native-smp4.log")
bad_log "a sweep log of another backend" xen-batched-smp2.log \
	".*/xen-batched-smp2.log:[0-9]+: a native/n/a record in the log of the xen-batched-smp2 run" < "$fx/native-smp2.log"
bad_log "a negative count" native.log ".*/native.log:[0-9]+: 'per_op.set_pte' is not a count" \
	< <(sed 's/"per_op":{"set_pte":1\.000/"per_op":{"set_pte":-1/' "$fx/native.log")
bad_log "a bad harness line" xen-writable.log ".*/xen-writable.log:[0-9]+: harness line: no group_1.median" \
	< <(sed 's/"group_1":{"median":9,/"group_1":{"median":"x",/' "$fx/xen-writable.log")
bad_log "a benchmark twice in one log" linux.log ".*/linux.log:[0-9]+: benchmark [a-z_0-9]+ appears twice" \
	< <(cat "$fx/linux.log"; grep -m1 pvkmap_bench "$fx/linux.log")
bad_log "two harness lines in one log" xen-writable.log ".*/xen-writable.log:[0-9]+: a second harness line" \
	< <(cat "$fx/xen-writable.log"; grep -m1 pvkmap_harness "$fx/xen-writable.log")
bad_log "a record that is not an object" native.log ".*/native.log:1: the record is not an object" <<<'{"pvkmap_bench":[1,2]}'
bad_log "a log without records" xen-batched.log ".*/xen-batched.log: no benchmark records" <<<"pvkmap: verdict PASS"
bad_log "two keys on a record line" native.log ".*/native.log:1: a pvkmap_bench line must be one object" \
	<<<'{"pvkmap_bench":{"name":"x"},"extra":1}'
bad_log "a malformed run-facts.txt" run-facts.txt ".*/run-facts.txt:1: not a 'key: value' line" <<<"not a fact line"

echo "1..$n"
