#!/bin/sh
# threads.sh: N_forward_par and every layer's N_L_par (make test-threads,
# stage g; README "Threads").
#
#   1. Every tests/nets and examples net generated for 4 threads
#      (NET_EXTRA_ARGS=--threads 4) on the native target through net.sh:
#      its Check test runs each layer's N_L_par and N_forward_par on fake
#      pools of 1 to 4 threads with the tasks in order, reversed and
#      shuffled, and needs one thread's output bit for bit (-O2; asan+ubsan
#      for tests/nets/threads.lua, which reaches every threads path of the
#      templates: the time budget of make test; clang is not run again).
#   2. tests/threads/par_main.c on the real pool (runtime/sg_pthreads.h):
#      N_forward_par at 1 to 4 threads, five runs each, bit for bit
#      N_forward, for the small one-chain nets below, at -O2 and under
#      ThreadSanitizer (skipped with the reason when TSan cannot run here).
#
# Environment: as net.sh (LUA, GEN, CC), BUILD (default build), JOBS
# (parallel nets, default the CPU count).  Exit 0 on success, 1 on failure.
set -u

root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/scripts/common.sh
. "$root/tests/scripts/common.sh"
sg_tool_defaults "$root"
BUILD=${BUILD:-build}
work=$BUILD/threads
mkdir -p -- "$work"
case $work in
    /*) ;;
    *) work=$root/$work ;;
esac
JOBS=${JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
cd -- "$root" || exit 1
fails=0

# 1. every net, 4 threads, fake pools
nets=$(ls tests/nets/*.lua examples/*.lua)
# shellcheck disable=SC2016 # $1, $2: the inner shell's arguments
printf '%s\n' "$nets" | NET_EXTRA_ARGS="--threads 4" CLANG='' LUA=$LUA GEN=$GEN CC=$CC xargs -P "$JOBS" -I{} \
    sh -c 'case $1 in tests/nets/threads.lua) s=1 ;; *) s=0 ;; esac
           NET_SANITIZE=$s tests/scripts/net.sh "$1" native "$2/nets/$(basename "$1" .lua)" >/dev/null 2>&1; :' \
    _ {} "$work"
# shellcheck disable=SC2086 # the file names have no spaces
for f in $nets; do
    r=$work/nets/$(basename "$f" .lua)/result
    if [ ! -f "$r" ]; then
        echo "threads: FAIL $f: no result"
        fails=$((fails + 1))
        continue
    fi
    line=$(cat "$r")
    echo "threads: 4 threads: $line"
    case $line in PASS* | SKIP*) ;; *) fails=$((fails + 1)) ;; esac
done

# 2. the real pool, -O2 and TSan
posix="-std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Werror -pthread"
tsan_ok=1
if ! sg_tsan_probe "$work/tsan_probe"; then
    tsan_ok=0
    echo "threads: real pool under ThreadSanitizer: SKIPPED ($sg_tsan_why)"
fi
for f in tests/nets/threads.lua tests/nets/chain.lua tests/nets/skips.lua; do
    key=$(basename "$f" .lua)
    d=$work/pool/$key
    rm -rf -- "$d"
    if ! "$LUA" "$GEN" --quiet --out "$d" --target native --threads 4 "$f" >"$work/$key.gen.log" 2>&1; then
        echo "threads: FAIL $f: generation (log: $work/$key.gen.log)"
        fails=$((fails + 1))
        continue
    fi
    net=""
    for h in "$d"/*.h; do
        [ "$(basename "$h")" = sg.h ] || net=$(basename "$h" .h)
    done
    up=$(printf '%s' "$net" | tr '[:lower:]' '[:upper:]')
    cflags=$(sg_gen_cflags "$d/$net.c")
    for mode in O2 tsan; do
        [ "$mode" = tsan ] && [ "$tsan_ok" = 0 ] && continue
        flags="-O2"
        [ "$mode" = tsan ] && flags="-O1 -g -fsanitize=thread"
        bin=$d/par_$mode
        set -f
        # shellcheck disable=SC2086 # flag lists
        if ! $CC $posix $flags $cflags -I "$d" -I runtime -DSG_NET="$net" -DSG_NET_U="$up" \
                -include "$d/$net.h" tests/threads/par_main.c "$d/$net.c" -o "$bin" >"$bin.log" 2>&1; then
            set +f
            echo "threads: FAIL $f ($mode): build"
            sg_tail "$bin.log"
            fails=$((fails + 1))
            continue
        fi
        set +f
        # shellcheck disable=SC2086 # a command and its arguments
        if [ "$mode" = tsan ]; then
            env TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" $sg_tsan_prefix "$bin" >"$bin.run" 2>&1
        else
            "$bin" >"$bin.run" 2>&1
        fi
        rc=$?
        if [ $rc -ne 0 ]; then
            echo "threads: FAIL $f ($mode): exit $rc"
            sg_tail "$bin.run"
            fails=$((fails + 1))
        else
            echo "threads: PASS $f ($mode, real pool): N_forward_par at 1-4 threads x 5 runs = N_forward bit for bit"
        fi
    done
done
echo "threads: $fails failure(s)"
[ "$fails" -eq 0 ]
