#!/bin/sh
# net.sh NET.lua TARGET BUILDDIR: regression-test one net for one target.
#
#   1. generate NET.lua for TARGET into BUILDDIR/out (report in gen.log),
#   2. build the generated Check test with $CC -O2 and -Werror, plus the
#      cflags named in the ` * cflags:` line of the generated <net>.c, run it,
#      and build it again with the command the check file prints (its
#      "Build and run" line, run as printed in BUILDDIR/out),
#   3. when $CLANG exists, check the same files with it (-Werror,
#      -fsyntax-only: clang's warnings all come from its front end),
#   4. build the kernels and the test with -O0 -g1 -fsanitize=address,undefined
#      (-O0: the generated files are large and -O1 instrumentation triples
#      the build time), link them with step 2's -O2 oracle object, run it.
#
# A target the machine cannot run is skipped with the reason: avx2 needs the
# avx2 and fma CPU flags, avx512 needs avx512f (from /proc/cpuinfo); such a
# target is still generated and compiled with $CC and $CLANG (-Werror) first
# when $CC targets x86.  neon needs aarch64-linux-gnu-gcc and qemu-aarch64;
# it links tests/shim/check.h instead of libcheck, is checked with clang
# --target=aarch64-linux-gnu and runs under qemu-aarch64.
#
# Each step logs to BUILDDIR/<step>.log; a failure prints the log's tail.
# BUILDDIR/result gets one line: PASS|FAIL|SKIP, target, net, detail.
#
# Environment: LUA (default lua5.4), GEN (default gen/main.lua), CC (default
# cc), CLANG (default clang; empty to skip), NET_RUN_TIMEOUT (seconds per
# test run, default 600), CK_TIMEOUT_MULTIPLIER (Check's, default 1 for the
# -O2 run and 10 for the sanitizer run), NET_EXTRA_ARGS (generator options
# after the net's own, e.g. --threads 4), NET_SANITIZE=0 (no sanitizer build).
# Exit 0 on pass or skip, 1 on failure.
set -u

if [ $# -ne 3 ]; then
    echo "usage: $0 NET.lua TARGET BUILDDIR" >&2
    exit 2
fi
net=$1
target=$2
dir=$3

root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=common.sh
. "$root/tests/scripts/common.sh"

LUA=${LUA:-lua5.4}
GEN=${GEN:-$root/gen/main.lua}
CC=${CC:-cc}
CLANG=${CLANG-clang}
NET_RUN_TIMEOUT=${NET_RUN_TIMEOUT:-600}
WARN="-std=c99 -Wall -Wextra -Wpedantic"
label="$target $net"

mkdir -p -- "$dir"
rm -f -- "$dir/result"

result() { # result PASS|FAIL|SKIP DETAIL
    printf '%s\t%s\t%s\t%s\n' "$1" "$target" "$net" "$2" >"$dir/result"
    echo "$1 [$label] $2"
}
skip() {
    result SKIP "$1"
    exit 0
}
fail() { # fail WHAT [LOG]
    result FAIL "$1${2:+ (log: $2)}"
    if [ -n "${2:-}" ] && [ -f "$2" ]; then
        sg_tail "$2" 60
    fi
    exit 1
}
t_step=$(date +%s)
note() { # note TEXT: progress line with the seconds since the last note
    now=$(date +%s)
    echo "     [$label] $1 ($((now - t_step))s)"
    t_step=$now
}

[ -f "$net" ] || fail "no such shapes file: $net"
[ -f "$GEN" ] || fail "generator $GEN does not exist"

# Can this machine run the target's code?  An x86 target the CPU lacks is
# still generated and compiled (gcc and clang, -Werror: compiling needs no
# such CPU), then skipped with the reason before anything runs.
sg_target "$target" || fail "unknown target '$target' (scalar, avx2, avx512, neon, native)"
[ -z "$sg_missing" ] || skip "$sg_missing"
cross=$sg_cross
norun=$sg_norun

# 1. Generate (a net file may ask for generator options on a line
# `-- sepgen-args: ...`, e.g. `--fuse always` to test fused code on every target;
# FUSE from the environment, e.g. make test FUSE=always, applies to all nets).
out=$dir/out
rm -rf -- "$out"
# FUSE (make test FUSE=...) applies to every net; a net's own line wins;
# NET_EXTRA_ARGS wins over both.
extra="$(sg_net_args "$net") ${NET_EXTRA_ARGS:-}"
set -f
# shellcheck disable=SC2086 # extra holds separate options
if ! "$LUA" "$GEN" --out "$out" --target "$target" --fuse "${FUSE:-auto}" $extra "$net" >"$dir/gen.log" 2>&1; then
    set +f
    fail "generator failed" "$dir/gen.log"
fi
set +f
# one <net>.c, plus <net>_weights.c when the net's own sepgen-args bake weights
c=""
for f in "$out"/*.c; do
    case $f in
        *_weights.c) ;;
        *)
            if [ -n "$c" ] || [ ! -f "$f" ]; then
                fail "expected exactly one <net>.c in $out, found: $(echo "$out"/*.c)"
            fi
            c=$f
            ;;
    esac
done
[ -n "$c" ] || fail "expected exactly one <net>.c in $out, found none"
n=$(basename -- "$c" .c)
for f in "$out/$n.h" "$out/sg.h" "$out/check/${n}_check.c" "$out/check/sg_generic.c"; do
    [ -f "$f" ] || fail "generator did not write $f"
done
# SIMD files name their flags (an empty list on neon: the cross compiler needs none)
if [ "$target" != scalar ] && ! sed -n '1,/\*\//p' "$c" | grep -q '^ \* cflags:'; then
    fail "$c has no ' * cflags:' line in its first comment"
fi
cflags=$(sg_gen_cflags "$c")
note "generated $n for $target${cflags:+ (cflags: $cflags)}"
srcs="$out/$n.c $out/check/${n}_check.c $out/check/sg_generic.c"
own_wts=""
if [ -f "$out/${n}_weights.c" ]; then
    # the net's sepgen-args name its weights file: the check runs on it
    own_wts=$(printf '%s\n' "$extra" | sed -n 's/.*--weights  *\([^ ]*\).*/\1/p')
    [ -f "$own_wts" ] || fail "$out/${n}_weights.c written but no --weights file in the net's sepgen-args"
    own_wts=$(CDPATH='' cd -- "$(dirname -- "$own_wts")" && pwd)/$(basename -- "$own_wts")
    srcs="$srcs $out/${n}_weights.c"
fi

# 1b. Baked weights (README "Baked weights"): a one-chain net (its header
# defines <NET>_PACKED_FLOATS) of at most NET_BAKE_MAX packed floats is
# generated again with random weights from gen/mkweights.lua baked in
# (--weights); its check file then also runs N_forward on the baked weights,
# which must equal N_pack of the file's weights bit for bit.  Larger nets
# (the MobileNets: weights.c of 40-70 MB, 10 s and 1 GB of gcc per build)
# are baked by `make test-baked`.
check_args=""
baked=""
packed=$(sed -n 's/^#define [A-Z0-9_]*_PACKED_FLOATS \([0-9]*\)$/\1/p' "$out/$n.h" | tail -n 1)
arena=$(grep -c '^#define [A-Z0-9_]*_ARENA_FLOATS ' "$out/$n.h")
if [ -n "$own_wts" ]; then
    check_args=$own_wts
    baked="baked weights of $own_wts tested"
elif [ "$arena" -eq 0 ]; then
    baked="no baked weights (not one chain)"
elif [ "$packed" -gt "${NET_BAKE_MAX:-1000000}" ]; then
    baked="baked weights not tested ($packed packed floats > NET_BAKE_MAX=${NET_BAKE_MAX:-1000000}; make test-baked tests them)"
else
    wts=$(CDPATH='' cd -- "$dir" && pwd)/weights.safetensors
    "$LUA" "$root/gen/mkweights.lua" "$net" "$wts" >"$dir/mkweights.log" 2>&1 ||
        fail "gen/mkweights.lua failed" "$dir/mkweights.log"
    rm -rf -- "$out"
    set -f
    # shellcheck disable=SC2086 # extra holds separate options
    if ! "$LUA" "$GEN" --out "$out" --target "$target" --fuse "${FUSE:-auto}" $extra --weights "$wts" "$net" \
        >"$dir/gen.log" 2>&1; then
        set +f
        fail "generator failed with --weights" "$dir/gen.log"
    fi
    set +f
    [ -f "$out/${n}_weights.c" ] || fail "generator did not write $out/${n}_weights.c"
    srcs="$srcs $out/${n}_weights.c"
    check_args=$wts
    baked="baked weights ($packed floats) tested"
    note "generated $n again with random weights baked in ($packed floats)"
fi

# clang_check [--target=T] ARGS...: the generated files through $CLANG
# -Werror, front end only (clang's warnings all come from its front end),
# with ARGS (include paths, Check's flags) added; sets clang_done to what ran
# ("" when clang is not installed).
clang_check() {
    clang_done=""
    shown=""
    case ${1:-} in --target=*) shown=" $1" ;; esac
    if [ -n "$CLANG" ] && sg_have "$CLANG"; then
        # shellcheck disable=SC2086  # flag lists are word lists
        $CLANG "$@" $WARN -O2 -Werror -fsyntax-only $cflags -I "$out" $srcs >"$dir/clang.log" 2>&1 ||
            fail "$CLANG$shown -Werror rejects the generated files" "$dir/clang.log"
        clang_done="$CLANG$shown -Werror"
        note "$clang_done -fsyntax-only: clean"
    else
        note "clang not installed: clang compile skipped"
    fi
}

# build_line [CC CHECKFLAGS]: the check file's "Build and run" command, run
# as printed in OUT (it compiles and links OUT's files into OUT/<net>_check);
# with arguments, `cc` and Check's pkg-config flags replaced by CC and
# CHECKFLAGS (the cross toolchain for neon).
build_line() {
    line=$(sed -n 's/^ \*   \(cc -std=c99 .*\)$/\1/p' "$out/check/${n}_check.c")
    [ -n "$line" ] || fail "check/${n}_check.c has no Build line"
    if [ $# -eq 2 ]; then
        line="$1${line#cc}"
        line=$(printf '%s\n' "$line" | sed "s|\$(pkg-config --cflags --libs check)|$2|")
    fi
    (cd -- "$out" && eval "$line") >"$dir/buildline.log" 2>&1 ||
        fail "the check file's Build line does not build as printed: $line" "$dir/buildline.log"
    note "the check file's Build line builds${1:+ (with $1 for cc)}"
}

# neon: cross-compile the generated Check test against tests/shim/check.h
# (Debian ships no aarch64 libcheck), check the same files with clang for
# aarch64 (front end only, like step 3), and run the test under qemu-aarch64
# (MobileNet v1, the largest net, takes about 20 s there).  Correctness only;
# sanitizers are not run under emulation.
if [ -n "$cross" ]; then
    # shellcheck disable=SC2086  # flag lists
    $cross $WARN -O2 -Werror $cflags -I "$root/tests/shim" -I "$out" $srcs -o "$dir/check_neon" -lm \
        >"$dir/cross.log" 2>&1 || fail "$cross -O2 -Werror build failed" "$dir/cross.log"
    clang_check --target=aarch64-linux-gnu -I "$root/tests/shim"
    build_line "$cross" "-I$root/tests/shim"
    # shellcheck disable=SC2086 # check_args: the weights file or nothing
    (cd -- "$dir" && timeout "$NET_RUN_TIMEOUT" qemu-aarch64 -L /usr/aarch64-linux-gnu ./check_neon $check_args) \
        >"$dir/run_neon.log" 2>&1
    rc=$?
    [ "$rc" -ne 124 ] || fail "check_neon timed out after ${NET_RUN_TIMEOUT}s" "$dir/run_neon.log"
    [ "$rc" -eq 0 ] || fail "check_neon failed under qemu-aarch64 (exit status $rc)" "$dir/run_neon.log"
    summary=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$dir/run_neon.log" | tail -n 1)
    case $summary in
        "100%: Checks: "*", Failures: 0, Errors: 0") ;;
        *) fail "check_neon: ${summary:-no summary line}" "$dir/run_neon.log" ;;
    esac
    result PASS "$cross -O2 -Werror${clang_done:+, $clang_done}, qemu-aarch64: $summary (sanitizers not run under emulation; $baked)"
    exit 0
fi

ck_cflags=$(pkg-config --cflags check) || fail "pkg-config --cflags check failed"
ck_libs=$(pkg-config --libs check) || fail "pkg-config --libs check failed"

# run_check BINARY LOG [VAR=VALUE...]: run a Check binary in that
# environment; require exit 0 and a 100% summary line.
run_check() {
    bin=$1
    log=$2
    shift 2
    # shellcheck disable=SC2086 # check_args: the weights file or nothing
    (cd -- "$dir" && env "$@" timeout "$NET_RUN_TIMEOUT" "./$bin" $check_args) >"$log" 2>&1
    rc=$?
    [ "$rc" -ne 124 ] || fail "$bin timed out after ${NET_RUN_TIMEOUT}s" "$log"
    [ "$rc" -eq 0 ] || fail "$bin failed (exit status $rc)" "$log"
    summary=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" | tail -n 1)
    case $summary in
        "100%: Checks: "*", Failures: 0, Errors: 0") ;;
        "") fail "$bin printed no Check summary line" "$log" ;;
        *) fail "$bin: $summary" "$log" ;;
    esac
}

# An x86 target this CPU cannot run is compiled by steps 2 and 3 (compiling
# needs no such CPU) and skipped before anything links or runs; on a host
# whose compiler does not target x86 (an ARM board), only skipped.
if [ -n "$norun" ] && ! sg_cc_x86 "$CC"; then
    skip "$norun; not compiled either: $CC does not target x86 ($($CC -dumpmachine 2>/dev/null))"
fi

# 2. $CC -O2 -Werror: one object per file (the oracle's is reused by step 4;
# objects, not -fsyntax-only: some gcc warnings need the optimizer), linked
# and run.
mkdir -p -- "$dir/o2" "$dir/san"
: >"$dir/cc.log"
wobj=""
[ -z "$check_args" ] || wobj="$dir/o2/${n}_weights.o" # the data, reused by step 4
for s in $srcs; do
    # shellcheck disable=SC2086  # flag lists are word lists
    $CC $WARN -O2 -Werror $cflags $ck_cflags -I "$out" -c "$s" -o "$dir/o2/$(basename -- "$s" .c).o" \
        >>"$dir/cc.log" 2>&1 || fail "$CC -O2 -Werror build failed on $(basename -- "$s")" "$dir/cc.log"
done
build_line
if [ -n "$norun" ]; then
    # shellcheck disable=SC2086  # Check's flags are a word list
    clang_check $ck_cflags
    skip "compiled clean with $CC -O2 -Werror${clang_done:+ and $clang_done}, not run: $norun${check_args:+ (weights baked)}"
fi
# shellcheck disable=SC2086
$CC -o "$dir/check_O2" "$dir/o2/$n.o" "$dir/o2/${n}_check.o" "$dir/o2/sg_generic.o" $wobj $ck_libs -lm \
    >>"$dir/cc.log" 2>&1 || fail "$CC -O2 link failed" "$dir/cc.log"
run_check check_O2 "$dir/run_O2.log" CK_TIMEOUT_MULTIPLIER="${CK_TIMEOUT_MULTIPLIER:-1}"
note "$CC -O2: $summary"

# 3. clang -Werror, front end only (not linked, not run).
# shellcheck disable=SC2086  # Check's flags are a word list
clang_check $ck_cflags

# 3b. scalar: the kernels also build for a 32-bit microcontroller
# (Cortex-M7, hard float, freestanding: no libc), into an object that
# references no external symbol (README "Compiling for a target").
if [ "$target" = scalar ] && [ -n "$clang_done" ]; then
    m7=$dir/m7.o
    # shellcheck disable=SC2086
    $CLANG --target=thumbv7em-none-eabihf -mcpu=cortex-m7 -ffreestanding $WARN -O2 -Werror -I "$out" \
        -c "$out/$n.c" -o "$m7" >"$dir/m7.log" 2>&1 ||
        fail "$CLANG --target=thumbv7em-none-eabihf rejects the scalar kernels" "$dir/m7.log"
    undef=$(llvm-nm "$m7" 2>/dev/null || nm "$m7" 2>/dev/null)
    undef=$(printf '%s\n' "$undef" | awk '$1 == "U" { print $2 }')
    [ -z "$undef" ] || fail "the Cortex-M7 object needs external symbols: $undef"
    note "$CLANG --target=thumbv7em-none-eabihf -ffreestanding: clean, no external symbol"
fi

# 4'. Which builds run under the sanitizers.  The sanitizer build is the
# slowest step (the large generated files at -O0, then a slow run), so to keep
# `make test` within its time budget it runs for the test nets (tests/nets:
# every tile, border and template path) on every target this machine runs;
# the example nets run the -O2 build above.  SANITIZE_ALL=1 runs it for them
# too.
if [ "${NET_SANITIZE:-1}" = 0 ]; then
    result PASS "$CC -O2: $summary; sanitizer build skipped (NET_SANITIZE=0); $baked"
    exit 0
fi
if [ -z "${SANITIZE_ALL:-}" ]; then
    case $net in
        examples/* | */examples/*)
            result PASS "$CC -O2: $summary; sanitizer build skipped for example nets (tests/nets run under ASan+UBSan; SANITIZE_ALL=1 runs it); $baked"
            exit 0
            ;;
    esac
fi

# 4. Sanitizers on the generated kernels and the generated test, linked with
# the -O2 object of the oracle (sg_generic.c, itself run under sanitizers in
# stage b): ASan still sees every access the kernels make to the test's heap
# buffers, and the oracle does not dominate the run.  -O0: the generated files
# are large and instrumenting them at -O1 triples the build time.  No -Werror
# here: instrumentation makes gcc's flow warnings noisy; step 2 already holds
# the code to -Werror.
# -g1: line tables (all the reports need) at three quarters of -g's build time.
san="-O0 -g1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
: >"$dir/san_cc.log"
for s in "$out/$n.c" "$out/check/${n}_check.c"; do
    # shellcheck disable=SC2086
    $CC $WARN $san $cflags $ck_cflags -I "$out" -c "$s" -o "$dir/san/$(basename -- "$s" .c).o" \
        >>"$dir/san_cc.log" 2>&1 || fail "$CC sanitizer build failed on $(basename -- "$s")" "$dir/san_cc.log"
done
# shellcheck disable=SC2086
$CC $san -o "$dir/check_san" "$dir/san/$n.o" "$dir/san/${n}_check.o" "$dir/o2/sg_generic.o" $wobj $ck_libs -lm \
    >>"$dir/san_cc.log" 2>&1 || fail "$CC sanitizer link failed" "$dir/san_cc.log"
run_check check_san "$dir/run_san.log" \
    ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
    UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}" \
    CK_TIMEOUT_MULTIPLIER="${CK_TIMEOUT_MULTIPLIER:-10}"
note "$CC -fsanitize=address,undefined: $summary"

result PASS "$CC -O2, ${clang_done:+$CLANG, }asan+ubsan: $summary; $baked"
