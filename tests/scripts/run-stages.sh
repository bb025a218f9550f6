#!/bin/sh
# run-stages.sh MAKE BUILD STAGE...: run `MAKE test-STAGE` for each stage in
# order, with a header and the elapsed seconds; stop at the first failure;
# print a summary table.  A stage that skipped itself (nothing to test yet)
# leaves BUILD/stages/STAGE.skipped.  Used by `make test`.
set -u

make_cmd=$1
build=$2
shift 2

title() {
    case $1 in
        lua) echo "a. Lua unit tests (tests/lua/run.lua)" ;;
        runtime) echo "b. runtime: Check suites tests/runtime/ (generic kernels, thread pool, OpenMP adapter)" ;;
        bad) echo "c. bad shapes files (tests/bad/*.lua)" ;;
        determinism) echo "d. determinism across Lua interpreters and runs" ;;
        golden) echo "e. golden output: every net on every target (tests/golden/)" ;;
        import) echo "e2. import: ONNX models from PyTorch, imported and run against PyTorch (tests/torch/)" ;;
        nets) echo "f. nets: generated kernels vs generic kernels, per target" ;;
        threads) echo "g. threads: N_L_par and N_forward_par at 1-4 threads, bit for bit (fake and real pools)" ;;
        mcu) echo "h. mcu: the scalar Check tests on emulated Cortex-M4F and M7, -O2 and -Os (tests/mcu/)" ;;
        *) echo "$1" ;;
    esac
}

mkdir -p -- "$build/stages"
table=""
passed=0
failed=0
skipped=0
start=$(date +%s)
for s in "$@"; do
    echo
    echo "======== $(title "$s") ========"
    rm -f -- "$build/stages/$s.skipped"
    t0=$(date +%s)
    "$make_cmd" --no-print-directory "test-$s"
    rc=$?
    t=$(($(date +%s) - t0))
    if [ "$rc" -ne 0 ]; then
        state=FAIL
        failed=$((failed + 1))
    elif [ -e "$build/stages/$s.skipped" ]; then
        state=SKIP
        skipped=$((skipped + 1))
    else
        state=PASS
        passed=$((passed + 1))
    fi
    echo "-------- $s: $state (${t}s)"
    table="$table$(printf '  %-12s %-5s %5ss' "$s" "$state" "$t")
"
    [ "$state" = FAIL ] && break
done

echo
echo "======== summary ========"
printf '%s' "$table"
for s in "$@"; do
    case $table in
        *"  $s "*) ;;
        *) printf '  %-12s %s\n' "$s" "not run (an earlier stage failed)" ;;
    esac
done
echo "  total        $(($(date +%s) - start))s"
echo "stages: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
