#!/bin/sh
# golden.sh check|update: the generator's output for tests/golden/net.lua
# (TARGET=scalar) is recorded in tests/golden/out/.
#   check:  generate into a temp dir and `diff -r` against tests/golden/out/;
#           any difference fails, with the diff shown.
#   update: regenerate tests/golden/out/ (`make golden`); review and commit it.
#
# Environment: LUA, GEN (default gen/main.lua), BUILD (default build).
# Exit 0 on success, 1 on failure, 77 when tests/golden/net.lua is missing.
set -u

root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
cd -- "$root" || exit 1

LUA=${LUA:-lua5.4}
GEN=${GEN:-$root/gen/main.lua}
BUILD=${BUILD:-build}
net=tests/golden/net.lua
golden=tests/golden/out
work=$BUILD/golden
mode=${1:-check}

case $mode in
    check | update) ;;
    *)
        echo "usage: $0 check|update" >&2
        exit 2
        ;;
esac
if [ ! -f "$net" ]; then
    echo "golden: tests/golden/net.lua does not exist: skipped"
    exit 77
fi
if [ ! -f "$GEN" ]; then
    echo "golden: generator $GEN does not exist" >&2
    exit 1
fi

rm -rf -- "$work"
mkdir -p -- "$work"
if ! "$LUA" "$GEN" --quiet --out "$work/out" --target scalar "$net" >"$work/gen.log" 2>&1; then
    echo "golden: generating tests/golden/net.lua failed:"
    sed 's/^/    | /' "$work/gen.log"
    exit 1
fi

if [ "$mode" = update ]; then
    if [ -d "$golden" ] && diff -r -- "$golden" "$work/out" >/dev/null 2>&1; then
        echo "golden: tests/golden/out/ is up to date"
        exit 0
    fi
    if [ -d "$golden" ]; then
        echo "golden: changes:"
        diff -rq -- "$golden" "$work/out" | sed -e "s|$work/out|(new)|g" -e 's/^/    /'
    fi
    rm -rf -- "$golden"
    cp -R -- "$work/out" "$golden"
    echo "golden: refreshed tests/golden/out/ — review with 'git diff tests/golden' and commit it"
    exit 0
fi

if [ ! -d "$golden" ]; then
    echo "golden: FAIL: tests/golden/out/ does not exist; run 'make golden' and commit it"
    exit 1
fi
if diff -ru -- "$golden" "$work/out" >"$work/diff" 2>&1; then
    echo "golden: PASS: output for tests/golden/net.lua matches tests/golden/out/ ($(find "$golden" -type f | wc -l) files)"
    exit 0
fi
lines=$(wc -l <"$work/diff")
echo "golden: FAIL: the output for tests/golden/net.lua differs from tests/golden/out/"
echo "golden: ('-' recorded, '+' generated now; if the change is intended, run 'make golden' and commit)"
head -n 300 -- "$work/diff"
if [ "$lines" -gt 300 ]; then
    echo "golden: ... $lines lines in all: $work/diff"
fi
exit 1
