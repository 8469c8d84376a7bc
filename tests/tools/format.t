#!/usr/bin/env bash
# The C sources' formatting (tools/check-format, Debian's clang-format with .clang-format):
# first the checker itself on two files made here, one formatted and one not; then one test
# point per file of the tree it checks. A file that differs is fixed by `make format`.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
# shellcheck source=tests/tools/tap.sh
. tests/tools/tap.sh

if ! command -v "${CLANG_FORMAT:-clang-format}" >/dev/null 2>&1; then
	echo "1..1"
	echo "not ok 1 - clang-format is not installed (make deps installs it)"
	exit 0
fi

# The checker: the tree's style (its .clang-format beside the files), one file each way.
cp .clang-format "$tmp/"
printf 'int f(int a)\n{\n\treturn a + 1;\n}\n' >"$tmp/good.c"
printf 'int f(int a){\n  return a+1;}\n' >"$tmp/bad.c"
ok_if "check-format passes a formatted file" tools/check-format "$tmp/good.c"
out=$(tools/check-format "$tmp/good.c" "$tmp/bad.c")
rc=$?
ok_if "check-format names the file that differs, only it, and exits 1" \
	test "$rc" = 1 -a "$out" = "$tmp/bad.c"
cp "$tmp/bad.c" "$tmp/fixed.c"
ok_if "check-format --fix formats it as the check wants" \
	sh -c 'tools/check-format --fix "$1" && tools/check-format "$1" && cmp -s "$1" "$2"' \
	sh "$tmp/fixed.c" "$tmp/good.c"

# The tree: one test point per file.
tools/check-format --list >"$tmp/files"
tools/check-format >"$tmp/differ" 2>"$tmp/err"
rc=$?
n=$((n + 1))
if [ "$rc" -le 1 ] && [ ! -s "$tmp/err" ] && [ -s "$tmp/files" ]; then
	echo "ok $n - check-format ran on $(wc -l <"$tmp/files") files: $(wc -l <"$tmp/differ") differ"
else
	echo "not ok $n - check-format failed (exit $rc)"
	sed 's/^/# /' "$tmp/err"
fi
while read -r f; do
	n=$((n + 1))
	if grep -qxF -- "$f" "$tmp/differ"; then
		echo "not ok $n - $f is not formatted (make format)"
	else
		echo "ok $n - $f"
	fi
done <"$tmp/files"
echo "1..$n"
