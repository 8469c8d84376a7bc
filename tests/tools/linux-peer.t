#!/usr/bin/env bash
# The Linux 6.1 peer (tools/linux-peer): Debian's i386 686-pae kernel boots in QEMU with the
# measurement module, which prints one well-formed record per benchmark with the harness
# semantics pvkmap uses (checked field by field by check-records --strict). Figures are not
# asserted: they are benchmark output.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
log=$top/build/test-logs/linux-peer.log
mkdir -p "$(dirname "$log")"
echo "1..3"
"$top/tools/linux-peer/run" --out "$log" --quiet --timeout 900
rc=$?
if [ "$rc" -eq 0 ]; then echo "ok 1 - linux-peer: Linux booted, the module ran every benchmark"
else echo "not ok 1 - linux-peer: run exited $rc (log: $log)"; fi
if "$top/tools/linux-peer/check-records" --strict "$log" 2>"$log.check"; then
	echo "ok 2 - linux-peer: every record has the fields and consistency pvkmap's have"
else
	echo "not ok 2 - linux-peer: records malformed"; sed 's/^/# /' "$log.check"
fi
if grep -q '"CONFIG_HIGHMEM64G":"y"' "$log" && grep -q '"linux_peer_env"' "$log"; then
	echo "ok 3 - linux-peer: the env line names the kernel and its config (HIGHMEM64G=y)"
else
	echo "not ok 3 - linux-peer: no env line with CONFIG_HIGHMEM64G=y"
fi
