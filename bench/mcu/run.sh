#!/bin/sh
# bench/mcu/run.sh [BUILDDIR] [SHAPES...]: `make bench-mcu`, instructions
# per MAC of sepgen's generated scalar code and of the generic kernels on
# an emulated Cortex-M4F (and Cortex-M7), layer by layer and for the whole
# net, with the code size, the flash and the RAM they take
# (bench/README.md, "Microcontrollers: make bench-mcu").
#
# For each shapes file: generate it for --target scalar (a file that is one
# chain again with random weights baked in, gen/mkweights.lua, so that its
# N_forward reads them from flash), write the glue header bench_net.h,
# and for each board and optimization level compile the net, the generic
# kernels (its check/sg_generic.c), bench/mcu/bench.c and
# tests/mcu/startup.c with -fstack-usage -fcallgraph-info=su, link them for
# the board, run the image under qemu (-icount shift=0: tests/mcu/common.sh)
# and hand the log, the symbol sizes and the call graphs to
# bench/mcu/report.lua, which prints the table and writes
# BUILDDIR/<net>.txt and <net>.csv.
#
# Skips with the reason (exit 0) without gcc-arm-none-eabi,
# libnewlib-arm-none-eabi, qemu-system-arm or Lua (the checks of
# make test-mcu).  Environment: LUA (lua5.4), GEN (the generator,
# gen/main.lua; another checkout's measures that sepgen), MCU_BENCH_COMMIT
# (what to call it in the output; default: GEN's git commit), MCU_BOARDS
# (m4; m7 allowed), MCU_OPTS (-O2 -Os), MCU_BENCH_CFLAGS (added to every
# compile, e.g. -ffp-contract=fast; recorded in the output), MCU_TIMEOUT
# (seconds per qemu run, 600), MCU_JOBS (configurations built at once, 2).
# Exit status 0, or 1 when a build or a run failed.
set -u

root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
mcu=$root/tests/mcu
here=$root/bench/mcu
dir=${1:-$root/build/bench-mcu}
[ "$#" -gt 0 ] && shift
[ "$#" -gt 0 ] || set -- "$here/layers.lua" "$here/dscnn.lua"
LUA=${LUA:-lua5.4}
GEN=${GEN:-$root/gen/main.lua}
MCU_BENCH_COMMIT=${MCU_BENCH_COMMIT:-}
MCU_BOARDS=${MCU_BOARDS:-m4}
MCU_OPTS=${MCU_OPTS:--O2 -Os}
MCU_BENCH_CFLAGS=${MCU_BENCH_CFLAGS:-}
MCU_TIMEOUT=${MCU_TIMEOUT:-600}
MCU_JOBS=${MCU_JOBS:-2}

# shellcheck source=tests/mcu/common.sh
. "$mcu/common.sh"
why=$(mcu_missing "$LUA")
if [ -n "$why" ]; then
    echo "bench-mcu: SKIPPED ($why)"
    exit 0
fi
for b in $MCU_BOARDS; do
    mcu_board "$b" || { echo "bench-mcu: unknown board '$b' (m4, m7)" >&2; exit 2; }
done
mkdir -p -- "$dir" || exit 1
dir=$(CDPATH='' cd -- "$dir" && pwd)
# the sepgen whose code is measured: GEN's checkout, its commit and whether
# its generator, templates or runtime differ from it
genroot=$(CDPATH='' cd -- "$(dirname -- "$GEN")/.." && pwd)
if [ -n "$MCU_BENCH_COMMIT" ]; then
    commit=$MCU_BENCH_COMMIT
elif commit=$(git -C "$genroot" rev-parse --short HEAD 2>/dev/null); then
    dirty=$(git -C "$genroot" status --porcelain -- gen templates runtime 2>/dev/null | head -n 1)
    [ -z "$dirty" ] || commit="$commit + uncommitted changes to gen/, templates/ or runtime/"
else
    commit="unknown ($genroot is not a git checkout)"
fi
t_start=$(date +%s)

# build NETDIR N BOARD OPT: compile, link and run one configuration in
# NETDIR/BOARD-OPT/; its file "status" says ok or what failed.
build() {
    nd=$1 n=$2 b=$3 opt=$4
    mcu_board "$b"
    d=$nd/$b$opt
    rm -rf -- "$d"
    mkdir -p -- "$d"
    out=$nd/out
    # shellcheck disable=SC2086 # cpu, opt and MCU_BENCH_CFLAGS are flag lists
    set -- $cpu -mfloat-abi=hard -mthumb -std=c99 $opt $MCU_BENCH_CFLAGS
    echo "$*" >"$d/cflags"
    weights=""
    [ -f "$out/${n}_weights.c" ] && weights="$out/${n}_weights.c"
    for src in "$out/$n.c" $weights "$out/check/sg_generic.c" "$here/bench.c" "$mcu/startup.c"; do
        o=$d/$(basename -- "$src" .c).o
        if ! arm-none-eabi-gcc "$@" -Wall -Wextra -Wpedantic -Werror \
            -ffunction-sections -fdata-sections -fstack-usage -fcallgraph-info=su \
            -I "$nd" -I "$out" -I "$mcu" -c "$src" -o "$o" >>"$d/build.log" 2>&1; then
            echo "FAIL: arm-none-eabi-gcc $opt of $(basename -- "$src") (log: $d/build.log)" >"$d/status"
            return
        fi
    done
    if ! arm-none-eabi-gcc "$@" "$d"/*.o -nostartfiles --specs=nosys.specs -L "$mcu" -T "$mcu/$ld" \
        -Wl,--gc-sections -Wl,-Map="$d/bench.map" -lm -o "$d/bench.elf" >>"$d/build.log" 2>&1; then
        if grep -q "region .CODE. overflowed" "$d/build.log"; then
            echo "SKIP: code and weights larger than the board's 4 MiB SSRAM1 (log: $d/build.log)" >"$d/status"
        else
            echo "FAIL: link failed (log: $d/build.log)" >"$d/status"
        fi
        return
    fi
    arm-none-eabi-nm -S "$d/bench.elf" >"$d/elf.nm"
    arm-none-eabi-nm -S "$d/$n.o" >"$d/net.nm"
    [ -z "$weights" ] || arm-none-eabi-nm -S "$d/${n}_weights.o" >>"$d/net.nm"
    arm-none-eabi-size "$d/bench.elf" >"$d/size"
    mcu_qemu "$machine" "$d/bench.elf" "$MCU_TIMEOUT" >"$d/run.log" 2>&1
    rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "FAIL: the run ended with status $rc (log: $d/run.log)" >"$d/status"
    else
        echo ok >"$d/status"
    fi
}

echo "bench-mcu: boards $MCU_BOARDS, $MCU_OPTS, commit $commit; results in $dir"
rc=0
for file in "$@"; do
    net=$(basename -- "$file" .lua)
    nd=$dir/$net
    rm -rf -- "$nd"
    mkdir -p -- "$nd"
    out=$nd/out
    if ! "$LUA" "$GEN" --quiet --target scalar --out "$out" "$file" >"$nd/gen.log" 2>&1; then
        echo "bench-mcu: $file: the generator failed (log: $nd/gen.log)"
        rc=1
        continue
    fi
    n=""
    for c in "$out"/*.c; do
        case $c in *_weights.c) ;; *) n=$(basename -- "$c" .c) ;; esac
    done
    if grep -q "_forward(" "$out/$n.h"; then
        # one chain: bake random weights, so that N_forward reads them as
        # const data (flash) like a product would
        if ! { "$LUA" "$genroot/gen/mkweights.lua" "$file" "$nd/weights.safetensors" &&
            "$LUA" "$GEN" --quiet --target scalar --weights "$nd/weights.safetensors" \
                --out "$out" "$file"; } >>"$nd/gen.log" 2>&1; then
            echo "bench-mcu: $file: baking weights failed (log: $nd/gen.log)"
            rc=1
            continue
        fi
    fi
    N=$(echo "$n" | tr '[:lower:]' '[:upper:]')
    {
        echo "/* bench_net.h - written by bench/mcu/run.sh for $file: bench/mcu/bench.c's view of net $n */"
        echo "#include \"$n.h\""
        echo "#define BN_LAYERS ${n}_layers"
        echo "#define BN_NAME \"$n\""
        if grep -q "_forward(" "$out/$n.h"; then
            echo "#define BN_FORWARD ${n}_forward"
            echo "#define BN_ARENA_FLOATS ${N}_ARENA_FLOATS"
            echo "#define BN_WEIGHTS ${n}_packed_weights"
        fi
    } >"$nd/bench_net.h"
    jobs=0
    for b in $MCU_BOARDS; do
        for opt in $MCU_OPTS; do
            build "$nd" "$n" "$b" "$opt" &
            jobs=$((jobs + 1))
            if [ "$jobs" -ge "$MCU_JOBS" ]; then
                wait
                jobs=0
            fi
        done
    done
    wait
    configs=""
    for b in $MCU_BOARDS; do
        for opt in $MCU_OPTS; do
            st=$(cat "$nd/$b$opt/status" 2>/dev/null || echo "FAIL: no status")
            if [ "$st" = ok ]; then
                configs="$configs $b$opt"
            else
                echo "bench-mcu: $net $b $opt: $st"
                case $st in SKIP*) ;; *) rc=1 ;; esac
            fi
        done
    done
    [ -n "$configs" ] || continue
    # shellcheck disable=SC2086 # configs is a word list
    "$LUA" "$here/report.lua" "$nd" "$n" "$file" "$commit" $configs || rc=1
    [ ! -f "$nd/report.txt" ] || cp -- "$nd/report.txt" "$dir/$net.txt"
    [ ! -f "$nd/report.csv" ] || cp -- "$nd/report.csv" "$dir/$net.csv"
done
echo "bench-mcu: $(($(date +%s) - t_start)) s"
exit "$rc"
