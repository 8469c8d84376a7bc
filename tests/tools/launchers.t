#!/usr/bin/env bash
# The launchers (tools/pvkmap-qemu, tools/xenhost/run-guest, tools/run-xen, tools/run-bench):
# INT, TERM and HUP stop the run and everything it started (QEMU included) and exit 130,
# 143, 129 with "<tool>: stopped by signal SIG..."; RAM sizes the kernel, PAE or the host
# cannot have are refused with one line before QEMU starts. Real boots, each signalled as
# soon as it runs: pvkmap natively (~1 s each), Xen and dom0 in the test host (~10 s each);
# run-bench in a copy of tools/ whose kernel never ends. A launcher's QEMU is found by a
# path unique to this run in its command line; nothing else is touched. About 40 s.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/launchers-t.XXXXXX")
# Whatever a failed test left running: only processes whose command line names $tmp.
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	local p
	for p in $(pgrep -f -- "$tmp/"); do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
n=0
# shellcheck source=tests/tools/tap.sh
. tests/tools/tap.sh
: >"$tmp/out"
: >"$tmp/err"
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# A QEMU that only says it ran: what refused arguments must never start.
mkdir -p "$tmp/shim"
printf '#!/bin/sh\ntouch "%s/qemu-ran"\nexit 1\n' "$tmp" >"$tmp/shim/qemu-system-x86_64"
chmod +x "$tmp/shim/qemu-system-x86_64"

# refused NAME WANT_LINE_REGEX CMD...: exit 2, one line on stderr matching the regex,
# nothing on stdout, no QEMU.
refused() {
	local name=$1 want=$2 rc why=''
	shift 2
	rm -f "$tmp/qemu-ran"
	PATH=$tmp/shim:$PATH "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	n=$((n + 1))
	[ "$rc" = 2 ] || why+=" exit $rc, want 2;"
	[ "$(wc -l <"$tmp/err")" = 1 ] || why+=" $(wc -l <"$tmp/err") lines on stderr, want 1;"
	grep -Eq -- "$want" "$tmp/err" || why+=" stderr does not match /$want/;"
	[ ! -s "$tmp/out" ] || why+=" stdout not empty;"
	[ ! -e "$tmp/qemu-ran" ] || why+=" QEMU started;"
	tap_verdict "$name" "$why"
}

# alive PID: PID runs (not a zombie).
alive() {
	local s
	read -r s 2>/dev/null </proc/"$1"/stat || return 1
	s=${s##*) }
	[[ ${s%% *} != Z ]]
}
# wait_until SECONDS COMMAND...: poll COMMAND every 0.1 s; its status at the end.
wait_until() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		"${@:2}" && return 0
		sleep 0.1
	done
	"${@:2}"
}
grep_q() { grep -Eq -- "$1" "$2"; }
no_process() { ! pgrep -f -- "$1" >/dev/null; }
not_alive() { ! alive "$1"; }
# start CMD...: CMD in the background in its own session and process group, with INT, TERM
# and HUP at their defaults (an asynchronous command of a script ignores INT), stdout and
# stderr to $tmp/out and $tmp/err. Sets pid.
start() {
	: >"$tmp/out"
	: >"$tmp/err"
	setsid env --default-signal=INT,TERM,HUP "$@" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
}
# signal_run NAME SIG pid|group MARKER TOOL EXIT BOUND [EXTRA_REGEX]: send SIG to the
# launcher $pid (or its process group, as Ctrl-C does) and check it exits EXIT within BOUND
# seconds saying "TOOL: stopped by signal SIGSIG", and that no process whose command line
# contains MARKER is left.
signal_run() {
	local name=$1 sig=$2 to=$3 marker=$4 tool=$5 want=$6 bound=$7 extra=${8-} why='' t0 t rc
	t0=${EPOCHREALTIME/./}
	if [ "$to" = group ]; then kill -"$sig" -- "-$pid"; else kill -"$sig" "$pid"; fi
	wait_until "$bound" not_alive "$pid"
	t=$(((${EPOCHREALTIME/./} - t0) / 100000))
	if alive "$pid"; then
		why+=" still running after ${bound} s;"
		kill -KILL "$pid"
	fi
	wait "$pid"
	rc=$?
	n=$((n + 1))
	[ "$rc" = "$want" ] || why+=" exit $rc, want $want;"
	grep -Eq "^$tool: stopped by signal SIG$sig(;|\$)" "$tmp/err" || why+=" no '$tool: stopped by signal SIG$sig' on stderr;"
	! grep -q 'without a verdict\|host failure' "$tmp/out" "$tmp/err" || why+=" reported as a broken VM;"
	[ -z "$extra" ] || grep -Eq -- "$extra" "$tmp/out" "$tmp/err" || why+=" no /$extra/;"
	wait_until 5 no_process "$marker" || why+=" a process with $marker in its command line is left: $(pgrep -af -- "$marker" | cut -c1-120);"
	tap_verdict "$name (stopped in $((t / 10)).$((t % 10)) s)" "$why"
}

# --- pvkmap-qemu: RAM sizes.
pq=tools/pvkmap-qemu
refused "pvkmap-qemu --mem 1M refused, naming the minimum" "^pvkmap-qemu: --mem '1M' is below the minimum 17M" $pq --mem 1M
refused "pvkmap-qemu --mem 0M refused (QEMU would boot 128M)" "^pvkmap-qemu: --mem '0M' is below the minimum 17M" $pq --mem 0M
refused "pvkmap-qemu --mem 16M refused (the kernel panics: QEMU keeps 128 KiB)" "^pvkmap-qemu: --mem '16M' is below the minimum 17M" $pq --mem 16M
refused "pvkmap-qemu --mem abc refused" "^pvkmap-qemu: --mem 'abc' is not a size" $pq --mem abc
refused "pvkmap-qemu --mem 100G refused, naming the maximum" "^pvkmap-qemu: --mem '100G' is above the maximum 64G" $pq --mem 100G
refused "pvkmap-qemu --mem 99999999999999999999G refused" "is above the maximum 64G" $pq --mem 99999999999999999999G
host_mib=$(awk '/^(MemTotal|SwapTotal):/ { kib += $2 } END { print int(kib / 1024) }' /proc/meminfo)
if [ "$(cat /proc/sys/vm/overcommit_memory)" != 1 ] && [ "$host_mib" -lt 65535 ]; then
	refused "pvkmap-qemu --mem $((host_mib + 1))M refused: more than this host's RAM + swap" \
		"^pvkmap-qemu: --mem '$((host_mib + 1))M' is more than this host's RAM \+ swap \(${host_mib}M\)" \
		$pq --mem $((host_mib + 1))M
else
	skip "pvkmap-qemu: more than the host's RAM + swap refused" "the host has 64 GiB or overcommits"
fi

# --- pvkmap-qemu: signals, on real boots of a copy of the kernel (its path is the marker).
if [ -r build/pvkmap.elf ]; then
	cp build/pvkmap.elf "$tmp/pvkmap.elf"
	start $pq --kernel "$tmp/pvkmap.elf" --mem 17M --cmdline "test=none" --timeout 60
	wait "$pid"
	rc=$?
	ok_if "pvkmap-qemu --mem 17M, the minimum, boots and passes (exit $rc)" [ "$rc" = 0 ]
	for s in "TERM pid 143" "INT group 130" "HUP pid 129"; do
		# shellcheck disable=SC2086 # SIG TO EXIT
		set -- $s
		start $pq --kernel "$tmp/pvkmap.elf" --mem 1G --cmdline "test=all" --timeout 300
		if ! wait_until 30 grep_q '^pvkmap: command line' "$tmp/out"; then
			n=$((n + 1))
			tap_verdict "pvkmap-qemu: SIG$1 while the kernel runs" " the kernel did not start in 30 s"
			kill -KILL -- "-$pid"
			continue
		fi
		signal_run "pvkmap-qemu: SIG$1 to the $2 while the kernel runs: exit $3, its QEMU gone" \
			"$1" "$2" "$tmp/pvkmap.elf" pvkmap-qemu "$3" 10
	done
else
	skip "pvkmap-qemu: signals on a real boot" "no build/pvkmap.elf (make)"
fi
# A QEMU that ignores TERM (and its child): KILL after 5 s, the whole group.
mkdir -p "$tmp/stubborn"
# shellcheck disable=SC2016 # the fake's own "$0"
printf '#!/bin/bash\ntrap "" TERM INT HUP\nbash -c "sleep 300; :" "$0" &\nwait\n' >"$tmp/stubborn/qemu-system-x86_64"
chmod +x "$tmp/stubborn/qemu-system-x86_64"
start env PATH="$tmp/stubborn:$PATH" $pq --kernel "$top/tools/pvkmap-qemu" --mem 64M --timeout 300
if wait_until 10 pgrep -f -- "$tmp/stubborn/qemu" >/dev/null; then
	signal_run "pvkmap-qemu: SIGTERM, QEMU ignoring TERM: killed after 5 s, exit 143" \
		TERM pid "$tmp/stubborn" pvkmap-qemu 143 10
else
	n=$((n + 1))
	tap_verdict "pvkmap-qemu: SIGTERM with a QEMU ignoring TERM" " the fake QEMU did not start"
fi

# --- run-guest and run-xen: arguments.
rg=tools/xenhost/run-guest
refused "run-guest --memory 0 refused" "^run-guest: error: --memory '0': expected MiB" $rg --kernel build/pvkmap.elf --memory 0
refused "run-guest --memory abc refused" "^run-guest: error: --memory 'abc': expected MiB" $rg --kernel build/pvkmap.elf --memory abc
refused "run-guest --memory 65537 refused, naming the maximum" "^run-guest: error: --memory '65537': above the maximum 65536 MiB" \
	$rg --kernel build/pvkmap.elf --memory 65537
if [ "$(cat /proc/sys/vm/overcommit_memory)" != 1 ] && [ "$host_mib" -le 65536 ]; then
	refused "run-guest --memory $host_mib refused: the test host would need more than RAM + swap" \
		"^run-guest: error: --memory '$host_mib': the test host would need $((host_mib + 896)) MiB" \
		$rg --kernel build/pvkmap.elf --memory "$host_mib"
else
	skip "run-guest: more than the host's RAM + swap refused" "the host has more than 64 GiB or overcommits"
fi
refused "run-guest --maxvcpus 0 refused" "^run-guest: error: --maxvcpus '0': expected a positive integer" \
	$rg --kernel build/pvkmap.elf --maxvcpus 0
refused "run-guest --maxvcpus below --vcpus refused" "^run-guest: error: --maxvcpus '2': below --vcpus 4" \
	$rg --kernel build/pvkmap.elf --vcpus 4 --maxvcpus 2
refused "run-guest --maxvcpus 513 refused, naming the maximum" "^run-guest: error: --maxvcpus '513': above 512" \
	$rg --kernel build/pvkmap.elf --maxvcpus 513
refused "run-xen --memory 0 refused" "^run-xen: --memory '0' is not a number of MiB" tools/run-xen --memory 0
refused "run-xen --memory 70000 refused" "^run-xen: --memory '70000' is above the maximum 65536 MiB" tools/run-xen --memory 70000

# --- run-xen in a dom0 (a fake xl; the capabilities file says control_d): SIGTERM stops
# xl create -c and its console child and destroys the domain.
mkdir -p "$tmp/dom0"
echo control_d >"$tmp/dom0/capabilities"
cat >"$tmp/dom0/xl" <<EOF
#!/bin/bash
echo "xl \$*" >>"$tmp/dom0/log"
case \$1 in
create) touch "$tmp/dom0/domain"; sleep 300 & wait ;;
domid) [ -e "$tmp/dom0/domain" ] ;;
destroy) rm -f "$tmp/dom0/domain" ;;
esac
EOF
chmod +x "$tmp/dom0/xl"
start env PATH="$tmp/dom0:$PATH" PVKMAP_XEN_CAPABILITIES="$tmp/dom0/capabilities" tools/run-xen --memory 64
if wait_until 10 test -e "$tmp/dom0/domain"; then
	signal_run "run-xen in a dom0: SIGTERM: exit 143, xl and its console child gone" \
		TERM pid "$tmp/dom0/xl" run-xen 143 30
	ok_if "run-xen in a dom0: SIGTERM destroyed the domain it created" \
		grep -qx 'xl destroy pvkmap' "$tmp/dom0/log"
else
	n=$((n + 1))
	tap_verdict "run-xen in a dom0: SIGTERM" " the fake xl create did not run"
fi

# --- run-guest and run-xen: signals on real Xen boots (the test host cached by build-host;
# TMPDIR puts run-guest's temp dir, which QEMU's -initrd names, under $tmp).
if ! [ -r build/pvkmap.elf ]; then
	skip "run-guest: signals on a real Xen boot" "no build/pvkmap.elf (make)"
elif ! tools/xenhost/build-host --quiet >"$tmp/build-host.log" 2>&1; then
	skip "run-guest: signals on a real Xen boot" "tools/xenhost/build-host failed: $(tail -n 1 "$tmp/build-host.log")"
else
	mkdir -p "$tmp/rg" "$tmp/rx"
	start env TMPDIR="$tmp/rg" $rg --kernel build/pvkmap.elf --memory 64 --extra "test=all" --timeout 300
	if wait_until 150 grep_q '^run-guest: Xen and dom0 up' "$tmp/out"; then
		signal_run "run-guest: SIGTERM once dom0 is up: exit 143, QEMU gone" \
			TERM pid "$tmp/rg/" run-guest 143 20 \
			'^===== run-guest: VERDICT stopped by signal SIGTERM \(exit 143\) after'
		ok_if "run-guest: its temp dir is gone" test -z "$(ls -A "$tmp/rg")"
	else
		n=$((n + 1))
		tap_verdict "run-guest: SIGTERM once dom0 is up" " dom0 not up in 150 s"
		kill -TERM "$pid"
	fi
	# run-xen's Ctrl-C (INT to its process group) while the test host boots.
	start env TMPDIR="$tmp/rx" tools/run-xen --memory 64 --extra "test=all"
	if wait_until 60 grep_q '^run-guest: accelerator' "$tmp/out" && wait_until 10 pgrep -f -- "$tmp/rx/" >/dev/null; then
		signal_run "run-xen: SIGINT to its group while the test host boots: exit 130, run-guest and QEMU gone" \
			INT group "$tmp/rx/" run-xen 130 30 '^run-guest: stopped by signal SIGTERM'
	else
		n=$((n + 1))
		tap_verdict "run-xen: SIGINT while the test host boots" " QEMU did not start"
		kill -TERM "$pid"
	fi
fi

# --- run-bench: a signal stops the current step and the run. A copy of run-bench and
# pvkmap-qemu in $tmp/tree, a kernel that never ends (a multiboot header and a hlt loop),
# build-host and make as stubs; the real QEMU runs the native step.
tree=$tmp/tree
mkdir -p "$tree/tools/xenhost" "$tree/configs" "$tree/build" "$tree/bin" "$tree/host"
printf '\t.text\n\t.align 4\n\t.long 0x1badb002, 0, -0x1badb002\n\t.globl _start\n_start:\tcli\n1:\thlt\n\tjmp 1b\n' >"$tmp/spin.S"
if gcc -m32 -c "$tmp/spin.S" -o "$tmp/spin.o" 2>"$tmp/spin.err" &&
	ld -m elf_i386 -z noexecstack -Ttext 0x100000 -e _start -o "$tree/build/pvkmap.elf" "$tmp/spin.o" 2>>"$tmp/spin.err"; then
	cp tools/run-bench tools/pvkmap-qemu "$tree/tools/"
	cp configs/pvkmap-bench.cfg "$tree/configs/"
	echo stub >"$tree/host/manifest"
	printf '#!/bin/sh\necho "%s"\n' "$tree/host" >"$tree/tools/xenhost/build-host"
	printf '#!/bin/sh\necho -O2\n' >"$tree/bin/make"
	chmod +x "$tree/tools/xenhost/build-host" "$tree/bin/make"
	for s in "TERM pid 143" "INT group 130"; do
		# shellcheck disable=SC2086 # SIG TO EXIT
		set -- $s
		rm -rf "$tree/out"
		start env PATH="$tree/bin:$PATH" "$tree/tools/run-bench" --no-linux --out "$tree/out"
		if wait_until 30 pgrep -f -- "$tree/build/pvkmap.elf" >/dev/null; then
			signal_run "run-bench: SIG$1 to the $2 during the native step: exit $3, its QEMU gone" \
				"$1" "$2" "$tree/build/" run-bench "$3" 30
			# shellcheck disable=SC2016 # sh's own $1 and $2
			ok_if "run-bench: SIG$1: the step's launcher stopped too, no next step" \
				sh -c 'grep -qx "pvkmap-qemu: stopped by signal SIGTERM" "$1" && ! grep -q "\[2/[0-9]*\]" "$2"' \
				sh "$tree/out/native.log" "$tmp/err"
		else
			n=$((n + 1))
			tap_verdict "run-bench: SIG$1 during the native step" " its QEMU did not start in 30 s"
			kill -KILL -- "-$pid"
		fi
	done
else
	skip "run-bench: signals" "cannot build a 32-bit test kernel: $(head -n 1 "$tmp/spin.err")"
fi

echo "1..$n"
