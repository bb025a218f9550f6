#!/bin/sh
# golden.sh check|update: the generator's output for every test net and
# example (tests/nets/*.lua, examples/*.lua), on every target (scalar, avx2,
# avx512, neon), is recorded under tests/golden/<target>/<net>/: the net's
# .h, .c and check/<name>_check.c, and report.txt (the cost report `make gen`
# prints, the output directory written as OUT).  The runtime files the
# generator copies (sg.h, check/sg_generic.c) are not recorded: they must be
# byte-identical to runtime/.
#   check:  generate into $BUILD/golden/now and compare; any difference fails
#           with the list of files that differ and a unified diff
#           ('-' recorded, '+' generated now).  Then every C line of every
#           template must be emitted by some net on some target
#           (tests/lua/template_coverage.lua): the recording reaches every
#           template path.
#   update: regenerate tests/golden/ (`make golden-update`); review the
#           change with `git diff tests/golden` and commit it.
#
# Generation options a net asks for (`-- sepgen-args:`) apply; FUSE does not
# (the recording is of the default plan).
# Environment: LUA, GEN (default gen/main.lua), BUILD (default build),
# GOLDEN_TARGETS (default: all four).  Exit 0 on success, 1 on failure.
set -u

root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=common.sh
. "$root/tests/scripts/common.sh"
cd -- "$root" || exit 1

LUA=${LUA:-lua5.4}
GEN=${GEN:-$root/gen/main.lua}
BUILD=${BUILD:-build}
TARGETS=${GOLDEN_TARGETS:-scalar avx2 avx512 neon}
golden=tests/golden
work=$BUILD/golden
mode=${1:-check}

case $mode in
    check | update) ;;
    *)
        echo "usage: $0 check|update" >&2
        exit 2
        ;;
esac
if [ ! -f "$GEN" ]; then
    echo "golden: generator $GEN does not exist" >&2
    exit 1
fi
set --
for f in tests/nets/*.lua examples/*.lua; do
    [ -f "$f" ] && set -- "$@" "$f"
done
dup=$(for f in "$@"; do basename -- "$f" .lua; done | sort | uniq -d)
if [ -n "$dup" ]; then
    echo "golden: two nets share the name $dup (tests/nets/, examples/): rename one" >&2
    exit 1
fi

rm -rf -- "$work"
mkdir -p -- "$work/now" "$golden"

# gen_target T FILE...: generate every file for target T into $work/now/T.
# Appends failures to $work/T.failed.
gen_target() {
    tg=$1
    shift
    : >"$work/$tg.failed"
    for f in "$@"; do
        key=$(basename -- "$f" .lua)
        d=$work/now/$tg/$key
        extra=$(sg_net_args "$f")
        set -f
        # shellcheck disable=SC2086 # extra holds separate options
        if ! "$LUA" "$GEN" --out "$d" --target "$tg" $extra "$f" >"$work/$tg.$key.out" 2>"$work/$tg.$key.err"; then
            {
                echo "golden: generating $f for $tg failed:"
                sed 's/^/    | /' "$work/$tg.$key.err"
            } >>"$work/$tg.failed"
            set +f
            continue
        fi
        set +f
        # the report names the output directory: record it as OUT
        awk -v d="$d" '{ while ((i = index($0, d)) > 0) $0 = substr($0, 1, i - 1) "OUT" substr($0, i + length(d)); print }' \
            "$work/$tg.$key.out" >"$d/report.txt"
        for rt in sg.h:sg.h check/sg_generic.c:sg_generic.c; do
            if ! cmp -s -- "$d/${rt%%:*}" "runtime/${rt#*:}"; then
                echo "golden: $f ($tg): ${rt%%:*} is not a copy of runtime/${rt#*:}" >>"$work/$tg.failed"
            fi
            rm -f -- "$d/${rt%%:*}"
        done
    done
}

for tg in $TARGETS; do
    gen_target "$tg" "$@" &
done
wait
status=0
for tg in $TARGETS; do
    if [ -s "$work/$tg.failed" ]; then
        cat -- "$work/$tg.failed"
        status=1
    fi
done
[ "$status" -eq 0 ] || exit 1

nfiles=$(find "$work/now" -type f | wc -l)
if [ "$mode" = update ]; then
    changed=0
    for tg in $TARGETS; do
        if ! diff -r -- "$golden/$tg" "$work/now/$tg" >/dev/null 2>&1; then
            changed=1
            if [ -d "$golden/$tg" ]; then
                diff -rq -- "$golden/$tg" "$work/now/$tg" | sed -e "s|$work/now/|(now) |g" -e 's/^/    /'
            else
                echo "    $golden/$tg: new"
            fi
            rm -rf -- "${golden:?}/$tg"
            cp -R -- "$work/now/$tg" "$golden/$tg"
        fi
    done
    if [ "$changed" -eq 0 ]; then
        echo "golden: tests/golden/ is up to date ($nfiles files, $# nets x targets $TARGETS)"
    else
        echo "golden: refreshed tests/golden/ — review with 'git diff --stat tests/golden' and commit it"
    fi
    exit 0
fi

: >"$work/diff"
for tg in $TARGETS; do
    if [ ! -d "$golden/$tg" ]; then
        echo "golden: FAIL: $golden/$tg/ does not exist; run 'make golden-update' and commit it"
        status=1
        continue
    fi
    (cd -- "$work" && diff -ru -- "$root/$golden/$tg" "now/$tg") >>"$work/diff" 2>&1 || status=1
done
if [ "$status" -eq 0 ]; then
    echo "golden: PASS: $# nets x targets ($TARGETS) match tests/golden/ ($nfiles files)"
    # the recording reaches every template path: each C line of every
    # template is emitted by some net on some target
    if ! "$LUA" tests/lua/template_coverage.lua "$@" >"$work/coverage.log" 2>&1; then
        echo "golden: FAIL: C lines of the templates that no test net or example emits (add a net that reaches them):"
        sed 's/^/    /' "$work/coverage.log"
        exit 1
    fi
    echo "golden: $(tail -n 1 "$work/coverage.log")"
    exit 0
fi
echo "golden: FAIL: the generated code differs from the recording in tests/golden/:"
(cd -- "$work" && for tg in $TARGETS; do
    [ -d "$root/$golden/$tg" ] && diff -rq -- "$root/$golden/$tg" "now/$tg"
done) | sed -e "s|$root/||g" -e "s| now/| $work/now/|g" -e 's/^/    /'
lines=$(wc -l <"$work/diff")
echo "golden: the diff ('-' recorded, '+' generated now; an intended change: make golden-update, review, commit):"
sed -e "s|$root/||g" -e "s| now/| $work/now/|g" "$work/diff" | head -n 400
if [ "$lines" -gt 400 ]; then
    echo "golden: ... $lines lines in all: $work/diff"
fi
exit 1
