#!/usr/bin/env bash
# The kernel build's prerequisite check (tools/ensure-deps --check, run by plain `make`):
# silent on this machine; each missing piece, simulated through the environment (a Xen
# header path that does not exist, a compiler without -m32, an ld without elf_i386; nothing
# is uninstalled), is one line naming the Debian package and `make deps`; `make` stops on
# it with that one line before compiling anything, and runs the check once per invocation.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
# shellcheck source=tests/tools/tap.sh
. tests/tools/tap.sh

# check NAME WANT_RC LINE_REGEX CMD...: CMD's exit status, and its whole output (stdout and
# stderr) is one line matching LINE_REGEX, or nothing when LINE_REGEX is empty.
check() {
	local name=$1 want=$2 pat=$3 rc why=
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	n=$((n + 1))
	[ "$rc" -eq "$want" ] || why+=" exit $rc, want $want;"
	cat "$tmp/out" "$tmp/err" >"$tmp/all"
	if [ -z "$pat" ]; then
		[ ! -s "$tmp/all" ] || why+=" output not empty;"
	else
		[ "$(wc -l <"$tmp/all")" -eq 1 ] || why+=" output is not one line;"
		grep -qE -- "$pat" "$tmp/all" || why+=" output does not match '$pat';"
	fi
	tap_verdict "$name" "$why"
}

tail="; run 'make deps' as root\$"

# Stand-ins: a gcc that refuses -m32 (as one without 32-bit x86 support does), an ld that
# lists no elf_i386, and a gcc that logs each call (to count the checks of one make run).
cat >"$tmp/gcc-no32" <<'SH'
#!/bin/sh
for a; do [ "$a" = -m32 ] && { echo "gcc: error: -m32 unsupported" >&2; exit 1; }; done
exec gcc "$@"
SH
cat >"$tmp/ld-no-i386" <<'SH'
#!/bin/sh
echo "GNU ld (fake)"; echo "  Supported emulations:"; echo "   elf_x86_64"
SH
cat >"$tmp/gcc-log" <<SH
#!/bin/sh
echo "\$*" >>"$tmp/gcc.log"
exec gcc "\$@"
SH
chmod +x "$tmp/gcc-no32" "$tmp/ld-no-i386" "$tmp/gcc-log"

check "this machine: nothing missing, nothing printed" 0 "" tools/ensure-deps --check
start=$(date +%s%N)
tools/ensure-deps --check >/dev/null 2>&1
ms=$((($(date +%s%N) - start) / 1000000))
n=$((n + 1))
if [ "$ms" -lt 1000 ]; then
	echo "ok $n - the check is cheap: $ms ms"
else
	echo "not ok $n - the check took $ms ms"
fi

check "no Xen headers: names libxen-dev" 1 \
	"^pvkmap: missing libxen-dev \\(Xen's public headers: no /nonexistent/xen\\.h\\)$tail" \
	env PVKMAP_XEN_H=/nonexistent/xen.h tools/ensure-deps --check
check "no compiler: names gcc" 1 "^pvkmap: missing gcc \\(no compiler: $tmp/nogcc\\)$tail" \
	env CC="$tmp/nogcc" tools/ensure-deps --check
check "a gcc without -m32: names gcc-multilib" 1 \
	"^pvkmap: missing gcc-multilib \\(.*-m32.*\\)$tail" \
	env CC="$tmp/gcc-no32" tools/ensure-deps --check
check "no linker: names binutils" 1 "^pvkmap: missing binutils \\(no linker: $tmp/nold\\)$tail" \
	env LD="$tmp/nold" tools/ensure-deps --check
check "an ld without elf_i386: names binutils" 1 \
	"^pvkmap: missing binutils \\(.*elf_i386.*\\)$tail" \
	env LD="$tmp/ld-no-i386" tools/ensure-deps --check
check "several missing: still one line, naming each" 1 \
	"^pvkmap: missing libxen-dev \\(.*\\), gcc-multilib \\(.*\\), binutils \\(.*\\)$tail" \
	env PVKMAP_XEN_H=/nonexistent/xen.h CC="$tmp/gcc-no32" LD="$tmp/ld-no-i386" \
	tools/ensure-deps --check

# Through make, the default goal, building into a scratch BUILD: stops with the check's one
# line (in make's "Makefile:N: *** ... Stop.") before compiling anything.
check "plain make without Xen headers: one line, make deps named" 2 \
	"^Makefile:[0-9]+: \\*\\*\\* pvkmap: missing libxen-dev .*; run 'make deps' as root\\.  Stop\\.$" \
	env PVKMAP_XEN_H=/nonexistent/xen.h make --no-print-directory BUILD="$tmp/b1"
ok_if "... and built nothing" test ! -e "$tmp/b1"
check "make build/pvkmap.elf with a gcc without -m32: the same" 2 \
	"^Makefile:[0-9]+: \\*\\*\\* pvkmap: missing gcc-multilib .*Stop\\.$" \
	make --no-print-directory BUILD="$tmp/b2" CC="$tmp/gcc-no32" "$tmp/b2/pvkmap.elf"
ok_if "... and built nothing" test ! -e "$tmp/b2"

# Once per make run, however many objects: the dry run expands every recipe of a clean
# build (into a scratch BUILD), and the stand-in gcc sees one probe (-x c -).
: >"$tmp/gcc.log"
make --no-print-directory -n BUILD="$tmp/build" CC="$tmp/gcc-log" >/dev/null 2>&1
probes=$(grep -c -- '-x c -c -o /dev/null -' "$tmp/gcc.log")
n=$((n + 1))
if [ "$probes" -eq 1 ]; then
	compiles=$(make -n BUILD="$tmp/build" 2>/dev/null | grep -c -- ' -c ')
	echo "ok $n - make runs the check once for all $compiles compiles"
else
	echo "not ok $n - make ran the check $probes times"
fi
echo "1..$n"
