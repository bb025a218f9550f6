#!/bin/sh
# torch.sh [DIR]: `make test-import`, the ONNX importer against PyTorch.
#
#   1. tests/torch/models.py builds MobileNet v2, MobileNet v3 small, MnasNet
#      0.5 (torchvision, 10 classes) and a factorized net with random weights
#      of order 1 (fixed seeds), exports each to ONNX (opsets 11, 13, 17) and
#      writes its input, its output computed by PyTorch in float64 and the
#      tolerance derived for it (tests/torch/models.py says how) into DIR/models,
#   2. gen/import.lua reads each model (the time it takes is printed; the bar
#      is 2 s, not asserted),
#   3. per model and target (TORCH_TARGETS, default "scalar native"): generate
#      with the imported weights baked in, build tests/torch/run.c with it
#      ($CC -O2 -Werror, plus the generated file's cflags), run it on the
#      input: every output within the tolerance of PyTorch's; for the scalar
#      target of the models in TORCH_SANITIZE also built with
#      -fsanitize=address,undefined and run.
#
# One line per model and target: PASS, FAIL or SKIP.  Without /usr/bin/python3
# and its torch, torchvision and onnx modules (Debian python3-torch,
# python3-torchvision, python3-onnx) it prints SKIP with the reason and exits 77.
#
# Environment: LUA (lua5.4), GEN (gen/main.lua), CC (cc), BUILD (build; DIR
# defaults to $BUILD/torch), PYTHON (/usr/bin/python3: a pyenv or venv python3
# earlier on PATH would not see Debian's packages), TORCH_MODELS (all four),
# TORCH_TARGETS, TORCH_SANITIZE (default: all but mobilenet_v2), TORCH_JOBS
# (parallel jobs, default the number of CPUs).  Exit 0 when everything
# passed, 1 on a failure, 77 when skipped.
#
# Internal: torch.sh --job DIR MODEL TARGET runs step 3 for one pair.
set -u

root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=common.sh
. "$root/tests/scripts/common.sh"

LUA=${LUA:-lua5.4}
GEN=${GEN:-$root/gen/main.lua}
CC=${CC:-cc}
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
ALL_MODELS="mobilenet_v2 mobilenet_v3_small mnasnet0_5 factorized"
TORCH_MODELS=${TORCH_MODELS:-$ALL_MODELS}
TORCH_TARGETS=${TORCH_TARGETS:-scalar native}
# the smaller models (MobileNet v2's -O0 build alone takes 16 s)
TORCH_SANITIZE=${TORCH_SANITIZE-mobilenet_v3_small mnasnet0_5 factorized}
WARN="-std=c99 -Wall -Wextra -Wpedantic"
APT="apt-get install -y python3-torch python3-torchvision python3-onnx"

# seconds since $1 (nanoseconds from date +%s%N), two decimals
elapsed() {
    awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}

# ---- one model on one target -------------------------------------------
job() {
    dir=$1
    model=$2
    target=$3
    d=$dir/$model/$target
    label="$target $model"
    rm -rf -- "$d"
    mkdir -p -- "$d"
    result() { # result PASS|FAIL DETAIL
        printf '%s\t%s\t%s\t%s\n' "$1" "$target" "$model" "$2" >"$d/result"
        echo "$1 [import $label] $2"
    }
    fail() { # fail WHAT [LOG]
        result FAIL "$1${2:+ (log: $2)}"
        if [ -n "${2:-}" ] && [ -f "$2" ]; then
            sg_tail "$2" 30
        fi
        exit 1
    }
    imp=$dir/import
    [ -f "$imp/$model.lua" ] || fail "not imported (see the import line above)"
    out=$d/out
    t_job=$(date +%s%N)
    "$LUA" "$GEN" --quiet --out "$out" --target "$target" --weights "$imp/$model.safetensors" "$imp/$model.lua" \
        >"$d/gen.log" 2>&1 || fail "the generator rejects the imported net" "$d/gen.log"
    c=$out/$model.c
    for f in "$c" "$out/$model.h" "$out/${model}_weights.c" "$out/sg.h"; do
        [ -f "$f" ] || fail "the generator did not write $f"
    done
    cflags=$(sg_gen_cflags "$c")
    times="gen $(elapsed "$t_job")s"
    t_job=$(date +%s%N)
    resolved=$(sed -n '1s/.*(target \([a-z0-9]*\)).*/\1/p' "$c")
    [ "$resolved" = "$target" ] || [ -z "$resolved" ] || label="$target=$resolved $model"
    upper=$(printf '%s\n' "$model" | tr '[:lower:]' '[:upper:]')
    defs="-DSG_NET=$model -DSG_NET_UPPER=$upper"
    mkdir -p -- "$d/o2" "$d/san"
    : >"$d/cc.log"
    for s in "$root/tests/torch/run.c" "$c" "$out/${model}_weights.c"; do
        # shellcheck disable=SC2086  # flag lists are word lists
        $CC $WARN -O2 -Werror $cflags $defs -I "$out" -c "$s" -o "$d/o2/$(basename -- "$s" .c).o" \
            >>"$d/cc.log" 2>&1 || fail "$CC -O2 -Werror build failed on $(basename -- "$s")" "$d/cc.log"
    done
    $CC -o "$d/run" "$d/o2/run.o" "$d/o2/$model.o" "$d/o2/${model}_weights.o" -lm >>"$d/cc.log" 2>&1 ||
        fail "$CC link failed" "$d/cc.log"
    times="$times, cc $(elapsed "$t_job")s"
    m=$dir/models/$model
    tol=$(cut -d ' ' -f 1 "$m.tol")
    timeout 300 "$d/run" "$m.in" "$m.ref" "$tol" >"$d/run.log" 2>&1
    rc=$?
    line=$(head -n 1 "$d/run.log")
    [ "$rc" -eq 0 ] || fail "outside the tolerance of PyTorch (exit status $rc): $line" "$d/run.log"
    detail="$CC -O2${cflags:+ $cflags}: $line"
    t_job=$(date +%s%N)
    case " $TORCH_SANITIZE " in
        *" $model "*)
            if [ "$target" = scalar ]; then
                # -O0: the generated file is large; the weights are data, the -O2 object
                san="-O0 -g1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
                : >"$d/san_cc.log"
                for s in "$root/tests/torch/run.c" "$c"; do
                    # shellcheck disable=SC2086
                    $CC $WARN $san $defs -I "$out" -c "$s" -o "$d/san/$(basename -- "$s" .c).o" \
                        >>"$d/san_cc.log" 2>&1 || fail "$CC sanitizer build failed on $(basename -- "$s")" "$d/san_cc.log"
                done
                # shellcheck disable=SC2086
                $CC $san -o "$d/run_san" "$d/san/run.o" "$d/san/$model.o" "$d/o2/${model}_weights.o" -lm \
                    >>"$d/san_cc.log" 2>&1 || fail "$CC sanitizer link failed" "$d/san_cc.log"
                ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
                    timeout 600 "$d/run_san" "$m.in" "$m.ref" "$tol" >"$d/run_san.log" 2>&1 ||
                    fail "the asan+ubsan build fails" "$d/run_san.log"
                detail="$detail; asan+ubsan: clean, same check"
                times="$times, asan+ubsan $(elapsed "$t_job")s"
            fi
            ;;
    esac
    result PASS "$detail ($times)"
}

if [ "${1:-}" = --job ]; then
    [ $# -eq 4 ] || { echo "usage: $0 --job DIR MODEL TARGET" >&2; exit 2; }
    job "$2" "$3" "$4"
    exit 0
fi
if [ $# -gt 1 ]; then
    echo "usage: $0 [DIR]" >&2
    exit 2
fi
dir=${1:-$BUILD/torch}

# ---- 0. PyTorch there? ---------------------------------------------------
skip() {
    echo "SKIP [import] $1"
    echo "     install (as root): $APT"
    exit 77
}
[ -x "$PYTHON" ] || skip "$PYTHON not found (the ONNX models come from PyTorch)"
if ! why=$("$PYTHON" -c 'import torch, torchvision, onnx' 2>&1); then
    skip "$PYTHON cannot import torch, torchvision and onnx: $(printf '%s\n' "$why" | tail -n 1)"
fi

mkdir -p -- "$dir"
dir=$(CDPATH='' cd -- "$dir" && pwd)
rm -rf -- "$dir/models" "$dir/import"
for model in $TORCH_MODELS; do rm -rf -- "${dir:?}/$model"; done
t_all=$(date +%s%N)

# ---- 1. models, inputs, float64 outputs, tolerances ------------------------
t0=$(date +%s%N)
# shellcheck disable=SC2086  # a list of model names
if ! "$PYTHON" "$root/tests/torch/models.py" "$dir/models" $TORCH_MODELS >"$dir/models.log" 2>&1; then
    echo "FAIL [import] tests/torch/models.py failed (log: $dir/models.log)"
    sg_tail "$dir/models.log" 30
    exit 1
fi
grep '^models.py: ' "$dir/models.log"
echo "     models exported by PyTorch in $(elapsed "$t0")s"

# ---- 2. import --------------------------------------------------------------
mkdir -p -- "$dir/import"
pairs=""
for model in $TORCH_MODELS; do
    t0=$(date +%s%N)
    if "$LUA" "$root/gen/import.lua" --out "$dir/import" --name "$model" "$dir/models/$model.onnx" \
        >"$dir/import/$model.log" 2>&1; then
        layers=$(grep -c '^    { name = ' "$dir/import/$model.lua")
        echo "     import $model: $(elapsed "$t0")s (the bar: under 2 s), $layers layers"
    else
        rm -f -- "$dir/import/$model.lua"
        echo "     import $model: gen/import.lua failed (log: $dir/import/$model.log)"
        sg_tail "$dir/import/$model.log" 10
    fi
    for target in $TORCH_TARGETS; do pairs="$pairs$model $target
"; done
done

# ---- 3. generate, build, run: TORCH_JOBS pairs at a time --------------------
jobs=${TORCH_JOBS:-$(nproc 2>/dev/null || echo 2)}
printf '%s' "$pairs" | xargs -P "$jobs" -n 2 "$0" --job "$dir"

# ---- summary ------------------------------------------------------------------
echo "-------- import summary ($(elapsed "$t_all")s)"
rc=0
pass=0
nfail=0
for model in $TORCH_MODELS; do
    for target in $TORCH_TARGETS; do
        r=$dir/$model/$target/result
        state=FAIL
        ratio="no result (the job crashed)"
        if [ -f "$r" ]; then
            state=$(cut -f 1 "$r")
            ratio=$(sed -n 's/.*(error\/tolerance \([^)]*\)).*/error\/tolerance \1/p' "$r")
        fi
        printf '  %-5s %-7s %-19s %s\n' "$state" "$target" "$model" "$ratio"
        if [ "$state" = PASS ]; then
            pass=$((pass + 1))
        else
            nfail=$((nfail + 1))
            rc=1
        fi
    done
done
echo "import: $pass passed, $nfail failed"
exit "$rc"
