#!/bin/sh
# runtime.sh: build and run the Check suites of the runtime (stage b), each
# printing Check's summary line:
#  - tests/runtime/test_generic.c linked with runtime/sg_generic.c: $CC -O2
#    -Werror, then address and undefined-behaviour sanitizers;
#  - tests/runtime/test_pthreads.c, the thread pool runtime/sg_pthreads.h and
#    the fake pools runtime/sg_testpar.h: $CC -O2 -Werror, the pool's
#    mutex-only variant (-DSG_PTHREADS_NO_ATOMICS), with -D_GNU_SOURCE
#    (sg_pthreads_pin pins; without it, -1), $CLANG -Werror (when
#    installed), asan+ubsan, and ThreadSanitizer on both variants (skipped
#    with the reason when this compiler or kernel cannot run TSan binaries;
#    tried as is, then under setarch -R);
#  - tests/runtime/test_openmp.c, the adapter examples/app/sg_openmp.h: with
#    -fopenmp when $CC builds and runs OpenMP programs (else serially, and
#    says why), then asan+ubsan;
#  - tests/runtime/pool_speed.c (a timing tool) builds with -Werror;
#  - the three headers included alone and unused: C99 -Werror, C++ too when
#    a C++ compiler is installed.
# Environment: CC (default cc), CLANG (default clang, '' to skip), BUILD
# (default build).
# Exit 0 on success, 1 on failure, 77 when the files do not exist yet.
set -u

root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/scripts/common.sh
. "$root/tests/scripts/common.sh"
CC=${CC:-cc}
CLANG=${CLANG-clang}
BUILD=${BUILD:-build}
work=$BUILD/runtime
t=$root/tests/runtime/test_generic.c
g=$root/runtime/sg_generic.c

for f in "$t" "$g"; do
    if [ ! -f "$f" ]; then
        echo "runtime: ${f#"$root"/} does not exist yet: skipped"
        exit 77
    fi
done
ck_cflags=$(pkg-config --cflags check) || exit 1
ck_libs=$(pkg-config --libs check) || exit 1
mkdir -p -- "$work"
case $work in
/*) ;;
*) work=$PWD/$work ;; # run() compiles from $root
esac

strict="-Wall -Wextra -Wpedantic -Werror"
posix="-std=c99 -D_POSIX_C_SOURCE=200809L"
san="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
tsan="-O1 -g -fsanitize=thread"
prefix="" # a command to run the binary under (setarch -R for TSan)

run() { # run LABEL COMPILER CFLAGS BINARY SOURCES [VAR=VALUE...]
    label=$1
    cc=$2
    flags=$3
    bin=$work/$4
    srcs=$5
    shift 5
    echo "runtime: $cc $flags $srcs"
    set -f
    # shellcheck disable=SC2086  # flag and file lists
    if ! (cd -- "$root" && $cc $flags $ck_cflags -I runtime -I examples/app $srcs \
            -o "$bin" $ck_libs -lm); then
        set +f
        echo "runtime: FAIL: $label build"
        exit 1
    fi
    set +f
    # shellcheck disable=SC2086  # prefix is a command and its arguments
    if ! env "$@" $prefix "$bin"; then
        echo "runtime: FAIL: $label run"
        exit 1
    fi
}

# Can $CC build and run an OpenMP program?  Sets omp_why otherwise.
omp_probe() {
    p=$work/omp_probe
    cat >"$p.c" <<'EOF'
int main(void)
{
    int n = 0;
#pragma omp parallel num_threads(2) reduction(+ : n)
    n++;
    return n != 2;
}
EOF
    if ! $CC -fopenmp "$p.c" -o "$p" >"$p.log" 2>&1; then
        omp_why="$CC -fopenmp does not build ($(grep -m 1 . "$p.log"))"
        return 1
    fi
    if ! "$p" >"$p.log" 2>&1; then
        omp_why="an OpenMP program does not run ($(grep -m 1 . "$p.log"))"
        return 1
    fi
    return 0
}

gen_srcs="tests/runtime/test_generic.c runtime/sg_generic.c"
pt_src=tests/runtime/test_pthreads.c
omp_src=tests/runtime/test_openmp.c
san_env="CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-10}"

echo "-------- generic kernels"
run "gcc -O2" "$CC" "-std=c99 -O2 $strict" test_generic "$gen_srcs"
run "asan+ubsan" "$CC" "-std=c99 -Wall -Wextra $san" test_generic_san "$gen_srcs" "$san_env"

echo "-------- thread pool (sg_pthreads.h) and fake pools (sg_testpar.h)"
run "pthreads -O2" "$CC" "$posix -O2 $strict -pthread" test_pthreads "$pt_src"
run "pthreads mutex-only -O2" "$CC" "$posix -O2 $strict -pthread -DSG_PTHREADS_NO_ATOMICS" \
    test_pthreads_mutex "$pt_src"
if [ -n "$CLANG" ] && command -v "$CLANG" >/dev/null 2>&1; then
    run "pthreads $CLANG" "$CLANG" "$posix -O2 $strict -pthread" test_pthreads_clang "$pt_src"
else
    echo "runtime: pthreads with clang: SKIPPED (CLANG='$CLANG': empty or not installed)"
fi
run "pthreads -D_GNU_SOURCE -O2 (sg_pthreads_pin)" "$CC" "$posix -D_GNU_SOURCE -O2 $strict -pthread" \
    test_pthreads_gnu "$pt_src"
run "pthreads asan+ubsan" "$CC" "$posix $strict -pthread $san" test_pthreads_san "$pt_src" "$san_env"
if sg_tsan_probe "$work/tsan_probe"; then
    prefix=$sg_tsan_prefix
    tsan_env="TSAN_OPTIONS=halt_on_error=1 second_deadlock_stack=1"
    run "pthreads tsan" "$CC" "$posix $strict -pthread $tsan" test_pthreads_tsan "$pt_src" \
        "$san_env" "$tsan_env"
    run "pthreads mutex-only tsan" "$CC" "$posix $strict -pthread $tsan -DSG_PTHREADS_NO_ATOMICS" \
        test_pthreads_mutex_tsan "$pt_src" "$san_env" "$tsan_env"
    prefix=""
else
    echo "runtime: pthreads under ThreadSanitizer: SKIPPED ($sg_tsan_why)"
fi

echo "-------- OpenMP adapter (examples/app/sg_openmp.h)"
if omp_probe; then
    omp="-fopenmp"
else
    echo "runtime: OpenMP: SKIPPED ($omp_why); the adapter is tested serially"
    omp=""
fi
run "openmp -O2" "$CC" "$posix -O2 $strict $omp -pthread" test_openmp "$omp_src"
run "openmp asan+ubsan" "$CC" "$posix $strict $omp -pthread $san" test_openmp_san "$omp_src" "$san_env"

echo "-------- the vector e^x of generated code (templates/simd/exp.c.in) against sg_expf"
# each vector target's Exp_v rendered by the generator's own template code,
# built with -std=c99 (products and sums never contracted into an FMA) and
# compared bit for bit where this machine can run it
for tgt in avx512 avx2 neon; do
    hdr=$work/exp_$tgt.h
    if ! (cd -- "$root" && ${LUA:-lua5.4} -e "package.path = 'gen/?.lua;' .. package.path
            io.write(require('emit').render('simd/exp.c.in', { isa = require('targets').$tgt }))") >"$hdr"; then
        echo "runtime: FAIL: rendering simd/exp.c.in for $tgt"
        exit 1
    fi
    sg_target "$tgt"
    case $tgt in
        avx512) isa=immintrin.h cc=$CC flags="-mavx512f -mfma" ;;
        avx2) isa=immintrin.h cc=$CC flags="-mavx2 -mfma" ;;
        neon) isa=arm_neon.h cc=$sg_cross flags="" ;;
    esac
    if [ -n "$sg_missing" ]; then
        echo "runtime: exp $tgt: SKIPPED ($sg_missing)"
        continue
    fi
    if [ "$tgt" != neon ] && ! sg_cc_x86 "$CC"; then
        echo "runtime: exp $tgt: SKIPPED ($CC does not target x86)"
        continue
    fi
    echo "runtime: $cc -std=c99 -O2 $strict $flags tests/runtime/test_exp.c ($tgt)"
    # shellcheck disable=SC2086  # flag lists
    if ! $cc -std=c99 -O2 $strict $flags -DISA_H="<$isa>" -DEXP_H="\"$hdr\"" -I "$root/runtime" \
            "$root/tests/runtime/test_exp.c" -o "$work/test_exp_$tgt" -lm; then
        echo "runtime: FAIL: exp $tgt build"
        exit 1
    fi
    if [ -n "$sg_norun" ]; then
        echo "runtime: exp $tgt: built, not run ($sg_norun)"
        continue
    fi
    runner=""
    [ "$tgt" = neon ] && runner="qemu-aarch64 -L /usr/aarch64-linux-gnu"
    # shellcheck disable=SC2086  # a command and its arguments
    if ! $runner "$work/test_exp_$tgt"; then
        echo "runtime: FAIL: exp $tgt: Exp_v differs from sg_expf"
        exit 1
    fi
done

echo "-------- tests/runtime/pool_speed.c builds (a timing tool, not run)"
echo "runtime: $CC $posix -O2 $strict -pthread tests/runtime/pool_speed.c"
# shellcheck disable=SC2086  # flag lists
if ! $CC $posix -O2 $strict -pthread -I "$root/runtime" "$root/tests/runtime/pool_speed.c" \
        -o "$work/pool_speed"; then
    echo "runtime: FAIL: pool_speed build"
    exit 1
fi

echo "-------- headers alone"
h=$work/headers.c
printf '#include "sg_pthreads.h"\n#include "sg_testpar.h"\n#include "sg_openmp.h"\n' >"$h"
for c in "$CC" "$CLANG"; do
    if [ -z "$c" ] || ! command -v "$c" >/dev/null 2>&1; then
        continue
    fi
    for v in "" "-DSG_PTHREADS_NO_ATOMICS" "-DSG_PTHREADS_SPIN_NS=0 -U_POSIX_C_SOURCE"; do
        echo "runtime: $c $posix $strict $v -c (the headers, unused)"
        # shellcheck disable=SC2086  # flag lists
        if ! $c $posix $strict $v -I "$root/runtime" -I "$root/examples/app" -c "$h" -o "$work/headers.o"; then
            echo "runtime: FAIL: headers with $c $v"
            exit 1
        fi
    done
done
cxx=""
for c in c++ g++ clang++; do
    if command -v "$c" >/dev/null 2>&1; then
        cxx=$c
        break
    fi
done
if [ -n "$cxx" ]; then
    echo "runtime: $cxx -x c++ -std=c++11 $strict -c (the headers, unused)"
    # shellcheck disable=SC2086  # flag lists
    if ! "$cxx" -x c++ -std=c++11 $strict -I "$root/runtime" -I "$root/examples/app" -c "$h" -o "$work/headers.o"; then
        echo "runtime: FAIL: headers as C++"
        exit 1
    fi
else
    echo "runtime: headers as C++: SKIPPED (no c++, g++ or clang++)"
fi
echo "runtime: PASS"
