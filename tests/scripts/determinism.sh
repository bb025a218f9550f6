#!/bin/sh
# determinism.sh [FILE.lua...]: the generator's output must not depend on the
# Lua interpreter nor on the run.  Default files: tests/nets/*.lua and
# examples/*.lua.
#
# Every file is generated for each of $TARGETS (default scalar), into one tree
# per run,
#   - twice with lua5.4 (the reference), into separate trees,
#   - with luajit, and with lua5.1 when installed, and with $LUA when it is
#     none of those,
# and the trees, including each run's stdout (the cost report, with the
# output directory's name replaced by OUT), must be identical (`diff -r`).
# Then the reference run is repeated into its own tree, which must stay
# untouched: files are written only when their bytes change.
# Each run also imports the ONNX models of tests/onnx/ (gen/import.lua, once,
# not per target): their .lua and .safetensors files and stdout are part of
# the trees.
#
# Environment: LUA, GEN (default gen/main.lua), BUILD (default build; trees go
# to $BUILD/determinism), TARGETS (default scalar).  Exit 0 on success, 1 on
# failure, 77 when there is nothing to test.
set -u

root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=common.sh
. "$root/tests/scripts/common.sh"

LUA=${LUA:-lua5.4}
GEN=${GEN:-$root/gen/main.lua}
BUILD=${BUILD:-build}
TARGETS=${TARGETS:-scalar}
work=$BUILD/determinism

if [ $# -eq 0 ]; then
    for f in "$root"/tests/nets/*.lua "$root"/examples/*.lua; do
        [ -f "$f" ] && set -- "$@" "$f"
    done
    if [ $# -eq 0 ]; then
        echo "determinism: no tests/nets/*.lua or examples/*.lua: skipped"
        exit 77
    fi
fi
if [ ! -f "$GEN" ]; then
    echo "determinism: generator $GEN does not exist" >&2
    exit 1
fi

# The interpreters: label=command.
ref=lua5.4
if ! sg_have lua5.4; then
    echo "determinism: lua5.4 is not installed; $LUA is the reference instead"
    ref=$LUA
fi
runs="ref-a=$ref ref-b=$ref"
skipped=""
for i in luajit lua5.1; do
    if sg_have "$i"; then
        runs="$runs $i=$i"
    else
        case $i in
            luajit) why="not installed (make deps installs it)" ;;
            *) why="not installed (optional: apt-get install lua5.1)" ;;
        esac
        skipped="$skipped
    $i: $why"
    fi
done
case " lua5.4 luajit lua5.1 $ref " in
    *" $LUA "*) ;;
    *) sg_have "$LUA" && runs="$runs lua=$LUA" ;;
esac

# The ONNX models every run imports (tiny: tests/onnx/make_fixtures.py).
ONNX_MODELS=""
for m in "$root"/tests/onnx/*.onnx; do
    [ -f "$m" ] && ONNX_MODELS="$ONNX_MODELS $m"
done
if [ -z "$ONNX_MODELS" ]; then
    echo "determinism: no tests/onnx/*.onnx: the import is SKIPPED"
fi

rm -rf -- "$work"
mkdir -p -- "$work"
echo "determinism: $# shapes files, $(echo "$ONNX_MODELS" | wc -w) ONNX models, targets: $TARGETS; runs: $runs"
if [ -n "$skipped" ]; then
    echo "determinism: SKIPPED interpreters:$skipped"
fi

# gen_all LABEL CMD FILE...: generate every file with CMD into $work/LABEL.
# Writes $work/LABEL.status: "ok" or the failures.
gen_all() {
    label=$1
    cmd=$2
    shift 2
    t=$work/$label
    mkdir -p -- "$t/_stdout"
    : >"$work/$label.status"
    for tg in $TARGETS; do
        for f in "$@"; do
            key=$tg/$(sg_key "${f#"$root"/}")
            s=$tg.$(sg_key "${f#"$root"/}")
            extra=$(sg_net_args "$f")
            set -f
            # shellcheck disable=SC2086 # extra holds separate options
            if ! "$cmd" "$GEN" --out "$t/$key" --target "$tg" $extra "$f" \
                >"$t/_stdout/$s.raw" 2>"$work/$label.$s.stderr"; then
                echo "$label ($cmd): generating ${f#"$root"/} for $tg failed: $(head -n 3 "$work/$label.$s.stderr")" \
                    >>"$work/$label.status"
            fi
            set +f
            # The report may name the output directory: make it run-independent.
            awk -v d="$t/$key" '{ while ((i = index($0, d)) > 0) $0 = substr($0, 1, i - 1) "OUT" substr($0, i + length(d)); print }' \
                "$t/_stdout/$s.raw" >"$t/_stdout/$s.txt"
            rm -f -- "$t/_stdout/$s.raw"
        done
        # baked weights: the random weights file and the net generated with
        # it (one weights file for every run: the generated comment names it)
        for f in $BAKED; do
            b=$(basename -- "$f" .lua)
            mkdir -p -- "$t/_weights"
            if ! "$cmd" "$root/gen/mkweights.lua" "$f" "$t/_weights/$b.safetensors" \
                >"$work/$label.$b.mkw" 2>&1; then
                echo "$label ($cmd): gen/mkweights.lua on $b failed: $(head -n 3 "$work/$label.$b.mkw")" \
                    >>"$work/$label.status"
            fi
            if ! "$cmd" "$GEN" --quiet --out "$t/baked/$tg/$b" --target "$tg" --weights "$work/$b.safetensors" "$f" \
                >"$work/$label.$b.bk" 2>&1; then
                echo "$label ($cmd): generating $b for $tg with --weights failed: $(head -n 3 "$work/$label.$b.bk")" \
                    >>"$work/$label.status"
            fi
        done
    done
    # the ONNX fixtures: the importer's output must not depend on the Lua
    for m in $ONNX_MODELS; do
        b=$(basename -- "$m" .onnx)
        if ! "$cmd" "$root/gen/import.lua" --out "$t/import/$b" "$m" >"$t/_stdout/import.$b.raw" \
            2>"$work/$label.import.$b.stderr"; then
            echo "$label ($cmd): importing ${m#"$root"/} failed: $(head -n 3 "$work/$label.import.$b.stderr")" \
                >>"$work/$label.status"
        fi
        awk -v d="$t/import/$b" '{ while ((i = index($0, d)) > 0) $0 = substr($0, 1, i - 1) "OUT" substr($0, i + length(d)); print }' \
            "$t/_stdout/import.$b.raw" >"$t/_stdout/import.$b.txt"
        rm -f -- "$t/_stdout/import.$b.raw"
    done
}

# Nets also generated with random weights baked in (--weights).
BAKED=""
for f in "$root/tests/nets/chain.lua" "$root/examples/factorized.lua"; do
    [ -f "$f" ] || continue
    BAKED="$BAKED $f"
    "$ref" "$root/gen/mkweights.lua" "$f" "$work/$(basename -- "$f" .lua).safetensors" || {
        echo "determinism: gen/mkweights.lua failed on $f"
        exit 1
    }
done

# Each interpreter's batch runs in the background; at most 2 at a time.
n=0
for r in $runs; do
    gen_all "${r%%=*}" "${r#*=}" "$@" &
    n=$((n + 1))
    if [ $((n % 2)) -eq 0 ]; then wait; fi
done
wait

status=0
for r in $runs; do
    label=${r%%=*}
    if [ -s "$work/$label.status" ]; then
        cat -- "$work/$label.status"
        status=1
    fi
done
[ "$status" -eq 0 ] || { echo "determinism: generation failed"; exit 1; }

# The trees must be identical (the stdout files are named by net, not by run).
for r in $runs; do
    label=${r%%=*}
    [ "$label" = ref-a ] && continue
    if diff -r -- "$work/ref-a" "$work/$label" >"$work/$label.diff" 2>&1; then
        echo "PASS ${r#*=} ($label) = $ref (ref-a): identical trees"
    else
        echo "FAIL ${r#*=} ($label) differs from the reference run ($ref):"
        diff -rq -- "$work/ref-a" "$work/$label" 2>&1 | head -n 20 | sed 's/^/    /'
        echo "    first lines of the diff:"
        head -n 40 -- "$work/$label.diff" | sed 's/^/    | /'
        echo "    (whole diff: $work/$label.diff)"
        status=1
    fi
done

# Regenerating into an up-to-date tree must not write any file.
sg_tree_listing "$work/ref-a" >"$work/rewrite.before"
for tg in $TARGETS; do
    for f in "$@"; do
        key=$tg/$(sg_key "${f#"$root"/}")
        extra=$(sg_net_args "$f")
        set -f
        # shellcheck disable=SC2086 # extra holds separate options
        "$ref" "$GEN" --quiet --out "$work/ref-a/$key" --target "$tg" $extra "$f" >/dev/null 2>&1 || {
            echo "FAIL regenerating ${f#"$root"/} ($tg) into an existing tree failed"
            status=1
        }
        set +f
    done
done
sg_tree_listing "$work/ref-a" >"$work/rewrite.after"
if cmp -s "$work/rewrite.before" "$work/rewrite.after"; then
    echo "PASS regeneration into up-to-date trees wrote no file"
else
    echo "FAIL regeneration rewrote files whose bytes did not change:"
    diff -- "$work/rewrite.before" "$work/rewrite.after" | head -n 20 | sed 's/^/    | /'
    status=1
fi

if [ "$status" -eq 0 ]; then
    echo "determinism: passed ($# files)"
else
    echo "determinism: FAILED"
fi
exit "$status"
