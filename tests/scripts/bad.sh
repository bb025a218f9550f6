#!/bin/sh
# bad.sh [FILE.lua...]: the generator must reject every bad shapes file
# cleanly.  Default files: tests/bad/*.lua.
#
# Each file's first line is `-- expect: <substring>`.  For each file, a scratch
# OUT directory is filled with a sentinel file and copies of generated files
# (each with a marker appended, so that any write shows), the generator runs
# on the file, and the test requires:
#   - exit status 2,
#   - stderr containing the expected substring and the file's name,
#   - OUT byte-for-byte as before (names, sizes, modes, mtimes, SHA-256),
#   - nothing left beside OUT (no stray temp directory).
# Then bad command lines, bad weights files (tests/bad/weights) and bad ONNX
# models for gen/import.lua (tests/bad/onnx), with the same OUT check; and
# hostile file paths (hostile.sh): generated code must stay valid C; then a
# short fuzz round and the saved fuzz cases (tests/fuzz/run.sh --short).
#
# Environment: LUA (default lua5.4), GEN (default gen/main.lua), BUILD
# (default build; scratch space is $BUILD/bad), BAD_TIMEOUT (seconds per
# file, default 120), BAD_JOBS (files tested at once, default nproc).
# Exit 0 when all pass, 1 on any failure, 77 when there is no bad file.
set -u

root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=common.sh
. "$root/tests/scripts/common.sh"

LUA=${LUA:-lua5.4}
GEN=${GEN:-$root/gen/main.lua}
BUILD=${BUILD:-build}
BAD_TIMEOUT=${BAD_TIMEOUT:-120}
BAD_JOBS=${BAD_JOBS:-$(nproc 2>/dev/null || echo 2)}
work=$BUILD/bad
cr=$(printf '\r')

if [ $# -eq 0 ]; then
    set -- "$root"/tests/bad/*.lua
    if [ ! -e "$1" ]; then
        echo "bad: no tests/bad/*.lua files: skipped"
        exit 77
    fi
fi
if [ ! -f "$GEN" ]; then
    echo "bad: generator $GEN does not exist" >&2
    exit 1
fi

rm -rf -- "$work"
mkdir -p -- "$work/ref"

# The template OUT: the output of the first good net that generates (else
# at least the runtime header copy), every file with a marker appended, a
# sentinel file and an empty directory.
ref_from=""
for good in "$root"/tests/nets/golden.lua "$root"/examples/*.lua "$root"/tests/nets/*.lua; do
    [ -f "$good" ] || continue
    if "$LUA" "$GEN" --quiet --out "$work/ref/out" --target scalar "$good" \
        >"$work/ref/log" 2>&1; then
        ref_from=$good
        break
    fi
    rm -rf -- "$work/ref/out"
done
if [ -z "$ref_from" ]; then
    echo "bad: note: no good shapes file generated; pre-populating OUT with runtime/sg.h only"
    mkdir -p -- "$work/ref/out"
    cp -- "$root/runtime/sg.h" "$work/ref/out/sg.h"
else
    echo "bad: pre-populating each OUT with the output for ${ref_from#"$root"/} (marked), plus a sentinel"
fi
find "$work/ref/out" -type f -exec sh -c \
    'for x; do printf "\n/* bad.sh: pre-existing copy */\n" >>"$x"; done' sh {} +
echo "sentinel: the generator must not touch this" >"$work/ref/out/SENTINEL"
mkdir -p -- "$work/ref/out/check/sub"
before=$(sg_tree_listing "$work/ref/out")

# check_one N FILE: test one file in $work/cases/N; writes N/report, whose
# first line is PASS or FAIL.
check_one() {
    d=$work/cases/$1
    f=$2
    name=${f##*/}
    rel=${f#"$root"/}
    out=$d/out
    mkdir -p -- "$d"
    cp -a -- "$work/ref/out" "$out" # -a keeps the mtimes: same listing

    problems=""
    first=""
    IFS= read -r first <"$f" || true
    first=${first%"$cr"}
    case $first in
        --*expect:*)
            expect=${first#*expect:}
            # trim blanks on both sides
            expect=${expect#"${expect%%[![:space:]]*}"}
            expect=${expect%"${expect##*[![:space:]]}"}
            [ -n "$expect" ] || problems="${problems}empty expected substring; "
            ;;
        *)
            expect=""
            problems="${problems}first line is not '-- expect: <substring>'; "
            ;;
    esac

    timeout "$BAD_TIMEOUT" "$LUA" "$GEN" --out "$out" --target scalar "$f" \
        >"$d/stdout" 2>"$d/stderr"
    rc=$?
    after=$(sg_tree_listing "$out")

    case $rc in
        2) ;;
        124) problems="${problems}timed out after ${BAD_TIMEOUT}s; " ;;
        *) problems="${problems}exit status $rc, expected 2; " ;;
    esac
    err=""
    while IFS= read -r line || [ -n "$line" ]; do
        err="$err$line
"
    done <"$d/stderr"
    case $err in
        *"$expect"*) ;;
        *) problems="${problems}stderr lacks \"$expect\"; " ;;
    esac
    case $err in
        *"$name"*) ;;
        *) problems="${problems}stderr does not name the file ($name); " ;;
    esac
    [ "$before" = "$after" ] || problems="${problems}OUT changed; "
    extra=""
    for e in "$d"/* "$d"/.[!.]*; do
        case ${e##*/} in
            out | stdout | stderr | "*" | ".[!.]*") ;;
            *) extra="$extra ${e##*/}" ;;
        esac
    done
    [ -z "$extra" ] || problems="${problems}left beside OUT:$extra; "

    {
        if [ -z "$problems" ]; then
            echo "PASS $rel"
        else
            echo "FAIL $rel: ${problems%; }"
            echo "    expected substring: $expect"
            echo "    stderr (first 10 lines):"
            head -n 10 -- "$d/stderr" | sed 's/^/    | /'
            if [ "$before" != "$after" ]; then
                echo "    OUT listing diff (before → after):"
                printf '%s\n' "$before" >"$d/before"
                printf '%s\n' "$after" >"$d/after"
                diff -- "$d/before" "$d/after" | head -n 20 | sed 's/^/    | /'
            fi
        fi
    } >"$d/report"
}

i=0
for f in "$@"; do
    i=$((i + 1))
    check_one "$i" "$f" &
    if [ $((i % BAD_JOBS)) -eq 0 ]; then wait; fi
done
wait

passed=0
failed=0
i=0
for f in "$@"; do
    i=$((i + 1))
    r=$work/cases/$i/report
    if [ -f "$r" ]; then
        cat -- "$r"
        read -r state _ <"$r"
    else
        echo "FAIL ${f#"$root"/}: no report (the test itself broke)"
        state=FAIL
    fi
    if [ "$state" = PASS ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done

# Bad command lines: exit 2, a message naming the problem, OUT untouched.
good=$root/tests/nets/golden.lua
usage_case() { # usage_case EXPECT ARGS...
    expect=$1
    shift
    out=$work/usage/out
    rm -rf -- "$work/usage"
    mkdir -p -- "$work/usage"
    cp -a -- "$work/ref/out" "$out"
    timeout "$BAD_TIMEOUT" "$LUA" "$GEN" "$@" >"$work/usage/stdout" 2>"$work/usage/stderr"
    rc=$?
    problems=""
    [ "$rc" -eq 2 ] || problems="exit status $rc, expected 2; "
    grep -qF -- "$expect" "$work/usage/stderr" || problems="${problems}stderr lacks \"$expect\"; "
    [ "$before" = "$(sg_tree_listing "$out")" ] || problems="${problems}OUT changed; "
    if [ -z "$problems" ]; then
        echo "PASS usage: $*"
        passed=$((passed + 1))
    else
        echo "FAIL usage: $*: ${problems%; }"
        failed=$((failed + 1))
    fi
}
usage_case "unknown --fuse sometimes" --out "$work/usage/out" --fuse sometimes "$good"
usage_case "unknown target avx1024" --out "$work/usage/out" --target avx1024 "$good"
usage_case "unknown option --fast" --out "$work/usage/out" --fast "$good"
usage_case "no shapes file given" --out "$work/usage/out" --fuse never
usage_case "--fuse needs auto, always or never" --out "$work/usage/out" "$good" --fuse
usage_case "more than one shapes file" --out "$work/usage/out" "$good" "$good"
usage_case "unknown --optimize smallest" --out "$work/usage/out" --optimize smallest "$good"
# --out naming a file (as --out /etc/passwd does): exit 2, not 1
usage_case "cannot create the directory" --out "$work/usage/stdout" "$good"
# an empty OUT= on make's line: the shapes file is taken for the directory
usage_case "--out needs a directory; '$good' looks like the shapes file" --out "$good"
usage_case "--weights needs a safetensors file" --out "$work/usage/out" "$good" --weights

# Bad weights files (tests/bad/weights/cases.txt, written by make.lua there):
# exit 2, the message naming the weights file and what is wrong, OUT
# untouched; good.safetensors must generate.
wdir=$root/tests/bad/weights
if [ -f "$wdir/cases.txt" ]; then
    while read -r wf wexpect; do
        [ -n "$wf" ] || continue
        if [ "$wexpect" = "-" ]; then
            if "$LUA" "$GEN" --quiet --out "$work/weights_good" --target scalar --weights "$wdir/$wf" \
                "$root/tests/nets/wnet.lua" >"$work/weights_good.log" 2>&1 && [ -f "$work/weights_good/wnet_weights.c" ]; then
                echo "PASS weights: $wf generates wnet_weights.c"
                passed=$((passed + 1))
            else
                echo "FAIL weights: $wf does not generate (log: $work/weights_good.log)"
                failed=$((failed + 1))
            fi
            continue
        fi
        usage_case "$wf: $wexpect" --out "$work/usage/out" --weights "$wdir/$wf" "$root/tests/nets/wnet.lua"
    done <"$wdir/cases.txt"
    usage_case "absent.safetensors: cannot read the weights file" --out "$work/usage/out" \
        --weights "$wdir/absent.safetensors" "$root/tests/nets/wnet.lua"
    usage_case "good.safetensors: weights are baked for N_forward, which needs" --out "$work/usage/out" \
        --weights "$wdir/good.safetensors" "$root/tests/nets/wholenet_ops.lua"
else
    echo "FAIL weights: $wdir/cases.txt is missing"
    failed=$((failed + 1))
fi

# Bad ONNX models (tests/bad/onnx/cases.txt, written with the models by
# tests/onnx/make_fixtures.py: a file and a substring per line, a file may
# have several lines): gen/import.lua must exit 2 with a message naming the
# model file and containing the substring (for a node's fault: the node, its
# position and op), never report an internal error, and leave OUT untouched.
IMPORT=$root/gen/import.lua
import_case() { # import_case LABEL EXPECT ARGS...
    label=$1
    expect=$2
    shift 2
    out=$work/import/out
    rm -rf -- "$work/import"
    mkdir -p -- "$work/import"
    cp -a -- "$work/ref/out" "$out"
    timeout "$BAD_TIMEOUT" "$LUA" "$IMPORT" --out "$out" "$@" >"$work/import/stdout" 2>"$work/import/stderr"
    rc=$?
    problems=""
    [ "$rc" -eq 2 ] || problems="exit status $rc, expected 2; "
    grep -qF -- "$expect" "$work/import/stderr" || problems="${problems}stderr lacks \"$expect\"; "
    case $label in
        usage:*) ;;
        *) grep -qF -- "$label" "$work/import/stderr" || problems="${problems}stderr does not name $label; " ;;
    esac
    ! grep -qi "internal error" "$work/import/stderr" || problems="${problems}internal error; "
    [ "$before" = "$(sg_tree_listing "$out")" ] || problems="${problems}OUT changed; "
    if [ -z "$problems" ]; then
        echo "PASS import: $label: $expect"
        passed=$((passed + 1))
    else
        echo "FAIL import: $label: ${problems%; }"
        sed 's/^/    | /' "$work/import/stderr" | head -n 5
        failed=$((failed + 1))
    fi
}
odir=$root/tests/bad/onnx
if [ -f "$odir/cases.txt" ]; then
    while read -r of oexpect; do
        case $of in "" | "#"*) continue ;; esac
        import_case "$of" "$oexpect" "$odir/$of"
    done <"$odir/cases.txt"
    import_case absent.onnx "absent.onnx: cannot read the model file" "$odir/absent.onnx"
    good_onnx=$root/tests/onnx/conv_pw.onnx
    import_case "usage: no model" "import: no model file given" --name x
    import_case "usage: --fast" "import: unknown option --fast" --fast "$good_onnx"
    import_case "usage: two models" "import: more than one model file" "$good_onnx" "$good_onnx"
    import_case "usage: --name" "import: --name 9lives: a net name is [a-z][a-z0-9_]*" --name 9lives "$good_onnx"
    import_case "usage: --name empty" "import: --name needs a value" "$good_onnx" --name
else
    echo "FAIL import: $odir/cases.txt is missing"
    failed=$((failed + 1))
fi

# file paths that try to close the generated comments or strings
if LUA="$LUA" GEN="$GEN" sh "$root/tests/scripts/hostile.sh" "$work/hostile"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi

# a short fuzz round with a fixed seed (random valid nets on scalar and
# native, invalid mutants of the test nets) and the saved fuzz cases of
# tests/fuzz/found/ (tests/fuzz/README.md)
if BUILD="$BUILD" sh "$root/tests/fuzz/run.sh" --short; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi

echo "bad: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
