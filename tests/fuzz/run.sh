#!/bin/sh
# run.sh: the fuzzer's entry point (tests/fuzz/README.md).
#
#   run.sh [fuzz.lua options]   a round: make fuzz [SECONDS=600] [SEED=n] [NETS=n]
#   run.sh --short              the round of make test (stage c, from bad.sh): a
#                               fixed seed, 10 nets on scalar and native, 50
#                               mutants, findings saved under $BUILD/fuzz/found;
#                               then every tests/fuzz/found/*.lua as a
#                               regression test
#   run.sh --regress [DIR|FILE...]  the saved cases (default tests/fuzz/found)
#
# Environment: LUA (the Lua the generator runs on, default lua5.4; the driver
# itself runs on lua5.4), BUILD (build), CC,
# FUZZ_JOBS (default nproc).  Exit status: 0 when nothing new failed.
set -u

root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
cd -- "$root" || exit 1
BUILD=${BUILD:-build}
export BUILD
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
# the driver uses Lua 5.3+ (integers, bit operators); the generator it
# tests runs on $LUA
FUZZ_LUA=lua5.4
command -v "$FUZZ_LUA" >/dev/null 2>&1 || { echo "fuzz: lua5.4 not installed" >&2; exit 2; }

case ${1:-} in
    --short)
        shift
        rc=0
        "$FUZZ_LUA" tests/fuzz/fuzz.lua --seed 44 --nets 10 --mutants-per-net 5 --seconds 60 \
            --targets "scalar native" --max-layers 4 --max-code 100000 --accepted-upto cc --no-examples \
            --max-c 120000 --shrink-seconds 30 --jobs "$jobs" --work "$BUILD/fuzz/short" --found "$BUILD/fuzz/found" \
            --label "tests/fuzz/run.sh --short" "$@" || rc=1
        set -- tests/fuzz/found/*.lua
        if [ -e "$1" ]; then
            "$FUZZ_LUA" tests/fuzz/fuzz.lua --jobs "$jobs" --work "$BUILD/fuzz/regress" --regress "$@" || rc=1
        else
            echo "fuzz regressions: no tests/fuzz/found/*.lua yet"
        fi
        exit $rc
        ;;
    --regress)
        shift
        [ $# -gt 0 ] || set -- tests/fuzz/found
        exec "$FUZZ_LUA" tests/fuzz/fuzz.lua --jobs "$jobs" --work "$BUILD/fuzz/regress" --regress "$@"
        ;;
esac
exec "$FUZZ_LUA" tests/fuzz/fuzz.lua --jobs "$jobs" --work "$BUILD/fuzz/run" "$@"
