# TAP helpers shared by the tools' .t scripts (sourced; they set n=0 and $tmp first).

# tap_verdict NAME WHY: test point n passes when WHY is empty; otherwise it says why and shows
# the command's stderr and the start of its stdout ($tmp/err, $tmp/out).
tap_verdict() {
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1:$2"
		sed 's/^/# stderr: /' "$tmp/err"
		head -5 "$tmp/out" | cut -c1-200 | sed 's/^/# stdout: /'
	fi
}

# ok_if NAME COMMAND...: a test point that passes when COMMAND does.
ok_if() {
	local name=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $name"; else echo "not ok $n - $name"; fi
}
