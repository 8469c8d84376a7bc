#!/usr/bin/env bash
# tools/check-mmu-rule (run on every link): the tree passes, and each fixture that writes an
# entry, CR3 or the TLB outside pv/ is refused, naming the line; what mm/ may do passes.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
fx=tests/tools/fixtures/mmu-rule
n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

tools/check-mmu-rule >/dev/null 2>&1
t $? "the tree's guest/ and mm/ keep the rule"
tools/check-mmu-rule "$fx/allowed.c" >/dev/null 2>&1
t $? "reading, comparing and saving entries, writing through pv/: allowed"
for f in plain-store offset-store array-store val-store cr3; do
	err=$(tools/check-mmu-rule "$fx/$f.c" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -ne 0 ] && grep -q "$fx/$f.c:[0-9]" <<<"$err"
	t $? "$f: refused, with the file and line (exit $rc)"
done
echo "1..$n"
