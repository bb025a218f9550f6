#!/bin/sh
# demo.sh [DIR [WEIGHTS]]: the microcontroller example end to end (make
# demo-mcu; examples/mcu/README.md).
#
# Writes random weights for examples/mcu/vww.lua (MobileNet v1 0.25, 96x96,
# 2 classes) with gen/mkweights.lua unless WEIGHTS names a safetensors file,
# generates the net for --target scalar with them baked in (DIR/out, its cost report
# in DIR/report.txt), builds
# examples/mcu/main.c for the host (cc) and runs it, then for each of
# MCU_OPTS builds it for the Cortex-M4F (hard float, -Werror) with
# tests/mcu/startup.c and tests/mcu/an386.ld, runs it on qemu-system-arm
# -M mps2-an386 under -icount shift=0, and checks that it prints the host's
# top class and probabilities (within MCU_TOL).  Prints the figures: flash
# (the net's code and its const weights apart, from the link map), RAM (the
# arena, the input and output buffers, the deepest stack from
# -fcallgraph-info=su, which holds -fstack-usage's frame sizes), and the
# instructions per inference and per MAC; also as a Markdown table in
# DIR/figures.md, for the READMEs.
#
# A missing package (gcc-arm-none-eabi, libnewlib-arm-none-eabi,
# qemu-system-arm) skips the run with the reason (exit 0).
# Environment: LUA (default lua5.4), CC (host compiler, default cc),
# MCU_OPTS (default "-O2 -Os"), MCU_TIMEOUT (seconds per qemu run, 300),
# MCU_TOL (largest difference of a probability from the host's, 1e-5),
# OPTIMIZE (the generator's --optimize: speed, the default, or size).
# Exit 0 when every build ran and matched the host (or on a skip), 1 otherwise.
set -u

root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
here=$root/examples/mcu
mcu=$root/tests/mcu
dir=${1:-$root/build/demo-mcu}
weights=${2:-}
LUA=${LUA:-lua5.4}
CC=${CC:-cc}
MCU_OPTS=${MCU_OPTS:--O2 -Os}
MCU_TIMEOUT=${MCU_TIMEOUT:-300}
MCU_TOL=${MCU_TOL:-1e-5}
OPTIMIZE=${OPTIMIZE:-speed}
shapes=$here/vww.lua
cpu="-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard -mthumb"
strict="-std=c99 -Wall -Wextra -Wpedantic -Werror"

skip() {
    echo "demo-mcu: SKIPPED ($1)"
    exit 0
}
fail() {
    echo "demo-mcu: FAIL: $1"
    exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }

pkgs="gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm"
hint="as root: apt-get install $pkgs"
have arm-none-eabi-gcc || skip "arm-none-eabi-gcc not found: Debian package gcc-arm-none-eabi; $hint"
have qemu-system-arm || skip "qemu-system-arm not found: Debian package qemu-system-arm; $hint"
for f in libc.a nosys.specs; do
    # shellcheck disable=SC2086 # cpu is a flag list
    p=$(arm-none-eabi-gcc $cpu -print-file-name="$f")
    [ "$p" != "$f" ] || skip "newlib's $f for arm-none-eabi not found: Debian package libnewlib-arm-none-eabi; $hint"
done
case $(qemu-system-arm -M help 2>/dev/null) in
    *"mps2-an386 "*) ;;
    *) skip "this qemu-system-arm has no machine mps2-an386 (QEMU 6.0 or later has it)" ;;
esac
have "$LUA" || skip "$LUA not found (make deps installs it)"
have "$CC" || skip "no host C compiler $CC for the host check (make deps installs one)"

mkdir -p -- "$dir" || exit 1
dir=$(CDPATH='' cd -- "$dir" && pwd)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$root" status --porcelain -- gen templates runtime 2>/dev/null)" ]; then
    commit="$commit + uncommitted changes to gen/, templates/ or runtime/"
fi
today=$(date +%Y-%m-%d)

# 1. Weights and the generated net.
if [ -z "$weights" ]; then
    weights=$dir/random.safetensors
    echo "demo-mcu: random weights (no trained weights here: the classes mean nothing) -> $weights"
    "$LUA" "$root/gen/mkweights.lua" "$shapes" "$weights" || fail "gen/mkweights.lua failed"
fi
out=$dir/out
rm -rf -- "$out" "$dir/out-memory"
"$LUA" "$root/gen/main.lua" --target scalar --optimize "$OPTIMIZE" --weights "$weights" --out "$out" "$shapes" \
    >"$dir/report.txt" 2>&1 ||
    { cat "$dir/report.txt"; fail "generating $shapes failed"; }
# The memory-first plan (every separable layer fused), for its arena only.
"$LUA" "$root/gen/main.lua" --quiet --target scalar --optimize memory --out "$dir/out-memory" "$shapes" ||
    fail "generating $shapes with --optimize memory failed"
n=vww
N=VWW
[ -f "$out/${n}_weights.c" ] || fail "no $out/${n}_weights.c"
hnum() { sed -n "s/^#define $1 \\([0-9][0-9]*\\).*/\\1/p" "$2"; }
arena_floats=$(hnum ${N}_ARENA_FLOATS "$out/$n.h")
arena_mem=$(hnum ${N}_ARENA_FLOATS "$dir/out-memory/$n.h")
packed=$(hnum ${N}_PACKED_FLOATS "$out/$n.h")
in_floats=$(($(hnum ${N}_IN_H "$out/$n.h") * $(hnum ${N}_IN_W "$out/$n.h") * $(hnum ${N}_IN_C "$out/$n.h")))
out_floats=$(($(hnum ${N}_OUT_H "$out/$n.h") * $(hnum ${N}_OUT_W "$out/$n.h") * $(hnum ${N}_OUT_C "$out/$n.h")))
# The net's MACs: the sum of the layer comments' exact counts.
macs=$(sed -n 's/^ \* MACs \([0-9][0-9]*\).*/\1/p' "$out/$n.c" | awk '{ s += $1 } END { print s + 0 }')
[ "$macs" -gt 0 ] || fail "no MAC counts in $out/$n.c"
# The flags the generated file asks for (none for scalar; README "Compiling for a target").
cflags=$(sed -n 's/^ \* cflags: *//p' "$out/$n.c")

# 2. The host build: the reference output.
echo "demo-mcu: host build ($CC -O2) and run"
# shellcheck disable=SC2086 # strict and cflags are flag lists
"$CC" $strict -O2 $cflags -I "$out" "$here/main.c" "$out/$n.c" "$out/${n}_weights.c" \
    -o "$dir/host" >"$dir/host-build.log" 2>&1 || { cat "$dir/host-build.log"; fail "host build failed"; }
"$dir/host" >"$dir/host.log" 2>&1 || { cat "$dir/host.log"; fail "the host run failed"; }
host_result=$(sed -n 's/^result: //p' "$dir/host.log")
[ -n "$host_result" ] || fail "no result line from the host run ($dir/host.log)"

# sums MAP FILE KIND: bytes of the input sections of object FILE (a basename,
# or "lib" for everything from an archive) whose kind is KIND (code, const,
# data, bss) in the link map MAP, after --gc-sections.
sums() {
    awk -v want="$2" -v kind="$3" '
        function hex(s,   i, v) {
            v = 0; s = tolower(substr(s, 3))
            for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
            return v
        }
        function add(sec, size, file,   k, f) {
            if (sec ~ /^\.(text|vectors|init|fini)/) k = "code"
            else if (sec ~ /^\.(rodata|ARM\.ex)/ || sec ~ /_array/) k = "const"
            else if (sec ~ /^\.data/) k = "data"
            else if (sec ~ /^\.bss/ || sec == "COMMON") k = "bss"
            else return
            f = file; sub(/.*\//, "", f)
            if (f ~ /\.a\(/) f = "lib"
            if (f == want && k == kind) total += hex(size)
        }
        /^Linker script and memory map/ { on = 1; next }
        !on { next }
        /^ [.A-Z][^ ]*$/ { pend = $1; next }
        /^ [.A-Z][^ ]* +0x[0-9a-f]+ +0x[0-9a-f]+ / { add($1, $3, $4); pend = ""; next }
        pend != "" && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ / { add(pend, $2, $3); pend = ""; next }
        { pend = "" }
        END { print total + 0 }' "$1"
}

# 3. The Cortex-M4F builds.
results=""
status=0
for opt in $MCU_OPTS; do
    d=$dir/m4$opt
    rm -rf -- "$d"
    mkdir -p -- "$d"
    echo "demo-mcu: Cortex-M4F build ($opt) and run on qemu-system-arm -M mps2-an386"
    ok=1
    for src in "$here/main.c" "$out/$n.c" "$out/${n}_weights.c" "$mcu/startup.c"; do
        o=$d/$(basename -- "$src" .c).o
        # shellcheck disable=SC2086 # cpu, strict, opt and cflags are flag lists
        arm-none-eabi-gcc $cpu $strict $opt $cflags -ffunction-sections -fdata-sections \
            -fstack-usage -fcallgraph-info=su -I "$out" -c "$src" -o "$o" >>"$d/build.log" 2>&1 || ok=0
    done
    # shellcheck disable=SC2086 # cpu is a flag list
    [ "$ok" -eq 1 ] && arm-none-eabi-gcc $cpu "$d/main.o" "$d/$n.o" "$d/${n}_weights.o" "$d/startup.o" \
        -nostartfiles --specs=nosys.specs -L "$mcu" -T "$mcu/an386.ld" -Wl,--gc-sections \
        -Wl,-Map,"$d/$n.map" -o "$d/$n.elf" >>"$d/build.log" 2>&1 || ok=0
    if [ "$ok" -ne 1 ]; then
        tail -n 20 -- "$d/build.log"
        echo "demo-mcu: FAIL [$opt] the build failed (log: $d/build.log)"
        status=1
        continue
    fi
    timeout "$MCU_TIMEOUT" qemu-system-arm -M mps2-an386 -nographic -monitor none \
        -semihosting-config enable=on,target=native -icount shift=0 \
        -kernel "$d/$n.elf" </dev/null >"$d/run.log" 2>&1
    rc=$?
    sed 's/^/    /' "$d/run.log"
    result=$(sed -n 's/^result: //p' "$d/run.log")
    ticks=$(sed -n 's/^systick: \([0-9][0-9]*\) ticks per inference$/\1/p' "$d/run.log")
    if [ "$rc" -ne 0 ] || [ -z "$result" ] || [ -z "$ticks" ] ||
        ! grep -q '^second inference: the same bits$' "$d/run.log"; then
        echo "demo-mcu: FAIL [$opt] exit status $rc (log: $d/run.log)"
        status=1
        continue
    fi
    # The host's result: the same top class, each probability within MCU_TOL.
    same=$(awk -v a="$result" -v b="$host_result" -v tol="$MCU_TOL" 'BEGIN {
        na = split(a, x, " "); nb = split(b, y, " ")
        if (na != nb || x[2] != y[2]) { print "no"; exit }
        worst = 0
        for (i = 4; i <= na; i++) { d = x[i] - y[i]; if (d < 0) d = -d; if (d > worst) worst = d }
        if (worst > tol) print "no"; else if (a == b) print "bit-identical"; else printf "within %.1e\n", worst }')
    if [ "$same" = no ]; then
        echo "demo-mcu: FAIL [$opt] Cortex-M4F: $result; host: $host_result (tolerance $MCU_TOL)"
        status=1
        continue
    fi
    echo "demo-mcu: [$opt] the same top class and probabilities as the host build ($same)"
    code_net=$(sums "$d/$n.map" "$n.o" code)
    const_net=$(sums "$d/$n.map" "$n.o" const)
    weights_b=$(sums "$d/$n.map" "${n}_weights.o" const)
    code_app=$(($(sums "$d/$n.map" main.o code) + $(sums "$d/$n.map" startup.o code)))
    lib=$(($(sums "$d/$n.map" lib code) + $(sums "$d/$n.map" lib const)))
    # shellcheck disable=SC2046 # three numbers
    set -- $(arm-none-eabi-size "$d/$n.elf" | awk 'NR == 2 { print $1, $2, $3 }')
    flash=$(($1 + $2)) ram_static=$(($2 + $3))
    stack_line=$("$LUA" "$here/stack.lua" main "$d"/*.ci) || { echo "$stack_line"; status=1; continue; }
    stack=${stack_line%% bytes*}
    heap=$(sed -n 's/^sepgen-mcu: heap peak \([0-9]*\) bytes$/\1/p' "$d/run.log")
    # One SysTick tick is 40 instructions: the 25 MHz MPS2 clock under
    # -icount shift=0, 1 ns per instruction (tests/mcu/README.md).
    insns=$((ticks * 40))
    per_mac=$(awk -v i="$insns" -v m="$macs" 'BEGIN { printf "%.2f", i / m }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$opt" "$code_net" "$const_net" "$weights_b" \
        "$code_app" "$lib" "$flash" "$ram_static" "$stack" "$heap" "$insns" "$per_mac" "$same" >"$d/figures.tsv"
    echo "demo-mcu: [$opt] stack $stack_line"
    results="$results $d/figures.tsv"
done
[ -n "$results" ] || fail "no Cortex-M4F build ran"

# 4. The figures.
# shellcheck disable=SC2086 # a list of files
cat $results >"$dir/figures.tsv"
col() { cut -f "$1" "$dir/figures.tsv" | awk -v fmt="${2:-%s}" '{ printf " " fmt " |", $0 }'; }
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }
{
    echo "vww (examples/mcu/vww.lua: MobileNet v1 0.25, 96x96x3, 2 classes; $macs MACs, $packed parameters),"
    echo "random weights, --target scalar --optimize $OPTIMIZE, Cortex-M4F hard float on qemu-system-arm -M mps2-an386 -icount shift=0;"
    echo "measured $today at commit $commit."
    echo
    printf '| |'; col 1; echo
    printf '|---|'; col 1 | sed 's/[^|]*|/---|/g'; echo
    printf '| flash: code of the net (vww.c), bytes |'; col 2; echo
    printf '| flash: weights, const (vww_weights.c), bytes |'; col 4; echo
    if [ "$(cut -f 3 "$dir/figures.tsv" | sort -n | tail -n 1)" -gt 0 ]; then
        printf '| flash: consts of vww.c besides the weights, bytes |'; col 3; echo
    fi
    printf '| flash: main.c and startup.c code, bytes |'; col 5; echo
    printf '| flash: newlib and libgcc (printf, ...), bytes |'; col 6; echo
    printf '| flash: whole image (text + data), bytes |'; col 7; echo
    printf '| RAM: arena (VWW_ARENA_FLOATS × 4), bytes |'; col 1 | sed "s/[^|]*|/ $((arena_floats * 4)) |/g"; echo
    printf '| RAM: input + output buffers, bytes |'; col 1 | sed "s/[^|]*|/ $((in_floats * 4)) + $((out_floats * 4)) |/g"; echo
    printf '| RAM: deepest stack of the inference (main > vww_forward > ...), bytes |'; col 9; echo
    printf '| RAM: whole image .data + .bss (arena, buffers, newlib), bytes |'; col 8; echo
    printf '| RAM: heap (newlib stdio buffers), bytes |'; col 10; echo
    printf '| instructions per inference |'; col 11; echo
    printf '| instructions per MAC |'; col 12; echo
    printf '| result against the host build (%s -O2) |' "$CC"; col 13; echo
    echo
    echo "Arena by mode: --optimize speed $((arena_floats * 4)) bytes ($(kib $((arena_floats * 4)))),"
    echo "--optimize memory $((arena_mem * 4)) bytes ($(kib $((arena_mem * 4)))); weights $((packed * 4)) bytes ($(kib $((packed * 4)))) of flash."
} >"$dir/figures.md"
echo
cat "$dir/figures.md"
echo
echo "demo-mcu: host result: $host_result; logs and images in $dir"
[ "$status" -eq 0 ] && echo "demo-mcu: PASS" || echo "demo-mcu: FAIL"
exit "$status"
