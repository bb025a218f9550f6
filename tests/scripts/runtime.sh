#!/bin/sh
# runtime.sh: build and run the Check suite of the generic kernels,
# tests/runtime/test_generic.c linked with runtime/sg_generic.c (-Iruntime):
# once with $CC -O2 -Werror, once with address and undefined-behaviour
# sanitizers.  Environment: CC (default cc), BUILD (default build).
# Exit 0 on success, 1 on failure, 77 when the files do not exist yet.
set -u

root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
CC=${CC:-cc}
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

run() { # run LABEL CFLAGS BINARY [VAR=VALUE...]
    label=$1
    flags=$2
    bin=$work/$3
    shift 3
    echo "runtime: $CC $flags tests/runtime/test_generic.c runtime/sg_generic.c"
    # shellcheck disable=SC2086  # flag lists
    if ! $CC $flags $ck_cflags -I "$root/runtime" "$t" "$g" -o "$bin" $ck_libs -lm; then
        echo "runtime: FAIL: $label build"
        exit 1
    fi
    if ! env "$@" "$bin"; then
        echo "runtime: FAIL: $label run"
        exit 1
    fi
}

run "gcc -O2" "-std=c99 -O2 -Wall -Wextra -Wpedantic -Werror" test_generic
run "asan+ubsan" "-std=c99 -Wall -Wextra -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
    test_generic_san CK_TIMEOUT_MULTIPLIER="${CK_TIMEOUT_MULTIPLIER:-10}"
echo "runtime: PASS"
