#!/usr/bin/env bash
# run.sh NET.lua TARGET BUILDDIR [MODE]: benchmark NET.lua single threaded
# (or, with THREADS=n, at n threads and at 1) against the generic kernels
# and, when installed, XNNPACK and oneDNN.
#   MODE layers  every layer apart (bench/bench.c);
#   MODE net     the whole net: N_forward against the libraries' execution of
#                the same network (bench/wholenet.c); NET.lua must be one chain;
#   MODE all     (default) layers, then net when NET.lua is one chain.
#
#   1. generate NET.lua for TARGET into BUILDDIR/out (emptied first),
#   2. build BUILDDIR/bench-NET (layers) and BUILDDIR/wholenet-NET (net) from
#      bench.c or wholenet.c + common.c + libnet.c + the generated net + the
#      generic kernels: -O3 plus the flags of the generated file's
#      ` * cflags:` line (TARGET=scalar: -O2 and no -march, as the scalar
#      series are measured), with XNNPACK and oneDNN when their headers and
#      libraries link,
#   3. run them with OMP_NUM_THREADS=1 (pinned to one CPU when taskset
#      exists) and write BUILDDIR/NET.csv, BUILDDIR/NET.txt (the per-layer
#      table) and, with gnuplot, BUILDDIR/NET.png (the roofline);
#      BUILDDIR/NET_wholenet.txt and BUILDDIR/NET_wholenet.csv (the whole net).
#
# THREADS=n (n > 1; bench/README.md "Threads"): generate with --threads n,
# write BUILDDIR/par-NET_tn.c (every layer's N_L_par, for the programs),
# build with -DSG_BENCH_THREADS=n -pthread, run with OMP_NUM_THREADS=n
# pinned to n CPUs, and name every file NET_tn (NET_tn.txt, ...): each
# implementation runs at n threads and at 1, side by side.
#
# Environment: LUA (lua5.4), CC (cc), GEN (gen/main.lua), BENCH_SECONDS
# (timing budget per layer, 0.4), BENCH_NET_SECONDS (timing budget of the
# whole net, 3), BENCH_CPU (CPU to pin to; default the last one this process
# may use; "none" to not pin), BENCH_XNNPACK=0 / BENCH_ONEDNN=0 (leave a
# library out), ONEDNN_MAX_CPU_ISA (passed through to oneDNN, e.g. AVX2),
# EXTRA_CFLAGS (appended to the compile flags), THREADS (1; n > 1: above;
# BENCH_CPU may then be a taskset list of n CPUs).
# Exit status: 0 ok, 1 a step failed, 2 usage (or MODE net on a net that is
# not one chain), 3 some output did not match the generic kernels (the
# table marks it; the whole-net row is then not timed).
set -euo pipefail

if [ $# -ne 3 ] && [ $# -ne 4 ]; then
    echo "usage: $0 NET.lua TARGET BUILDDIR [layers|net|all]" >&2
    echo "  TARGET: scalar | avx2 | avx512 | neon | native" >&2
    exit 2
fi
net=$1
target=$2
dir=$3
mode=${4:-all}
case $mode in
    layers | net | all) ;;
    *)
        echo "run.sh: unknown MODE '$mode' (layers, net, all)" >&2
        exit 2
        ;;
esac

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
# shellcheck source=tests/scripts/common.sh
. "$root/tests/scripts/common.sh"
LUA=${LUA:-lua5.4}
CC=${CC:-cc}
GEN=${GEN:-$root/gen/main.lua}
BENCH_SECONDS=${BENCH_SECONDS:-0.4}
BENCH_NET_SECONDS=${BENCH_NET_SECONDS:-3}
THREADS=${THREADS:-1}
case $THREADS in
    '' | *[!0-9]* | 0*)
        echo "run.sh: THREADS must be a whole number from 1, got '$THREADS'" >&2
        exit 2
        ;;
esac

case $target in
    scalar | avx2 | avx512 | neon | native) ;;
    *)
        echo "run.sh: unknown TARGET '$target' (scalar, avx2, avx512, neon, native)" >&2
        exit 2
        ;;
esac
[ -f "$net" ] || { echo "run.sh: no such shapes file: $net" >&2; exit 2; }
command -v "$LUA" >/dev/null 2>&1 || {
    echo "run.sh: $LUA not found (make deps installs it)" >&2
    exit 1
}
command -v "$CC" >/dev/null 2>&1 || { echo "run.sh: compiler $CC not found" >&2; exit 1; }

# Can this machine run the target's code?  (The bench runs natively.)
cpu_flags=" $(grep -m 1 '^flags' /proc/cpuinfo 2>/dev/null | sed 's/^[^:]*://') "
need_cpu() { # need_cpu FLAG...
    for fl in "$@"; do
        case $cpu_flags in
            *" $fl "*) ;;
            *)
                echo "run.sh: TARGET=$target needs a CPU with $*; this one lacks $fl" >&2
                exit 1
                ;;
        esac
    done
}
case $target in
    avx2) need_cpu avx2 fma ;;
    avx512) need_cpu avx512f ;;
    neon)
        if [ "$(uname -m)" != aarch64 ]; then
            echo "run.sh: TARGET=neon runs on an AArch64 machine only (this is $(uname -m))" >&2
            exit 1
        fi
        ;;
esac

key=$(basename -- "$net" .lua)
[ "$THREADS" = 1 ] || key=${key}_t$THREADS
mkdir -p -- "$dir"
dir=$(CDPATH='' cd -- "$dir" && pwd)
out=$dir/out
csv=$dir/$key.csv
png=$dir/$key.png
txt=$dir/$key.txt
bin=$dir/bench-$key
wcsv=$dir/${key}_wholenet.csv
wtxt=$dir/${key}_wholenet.txt
wbin=$dir/wholenet-$key

# ---- 1. generate -------------------------------------------------------------
rm -rf -- "$out"
genopt=()
[ "$THREADS" = 1 ] || genopt=(--threads "$THREADS")
echo "== generate: $LUA gen/main.lua --quiet --target $target ${genopt[*]}${genopt[*]:+ }--out $out $net"
if ! "$LUA" "$GEN" --quiet --target "$target" "${genopt[@]}" --out "$out" "$net"; then
    echo "run.sh: generation failed" >&2
    exit 1
fi
csrc=""
for f in "$out"/*.c; do
    [ -f "$f" ] || continue
    if [ -n "$csrc" ]; then
        echo "run.sh: more than one generated .c in $out" >&2
        exit 1
    fi
    csrc=$f
done
[ -n "$csrc" ] || { echo "run.sh: the generator wrote no .c file to $out" >&2; exit 1; }
name=$(basename -- "$csrc" .c)
upper=$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
# first comment block: "N.c - generated by sepgen from X (target T)." and " * cflags: ..."
head_block=$(sed -n '1,/\*\//p' "$csrc")
gen_target=$(printf '%s\n' "$head_block" | sed -n '1s/.*(target \([^)]*\)).*/\1/p')
gen_cflags=$(sg_gen_cflags "$csrc")
[ -n "$gen_target" ] || gen_target=$target
# one chain: the header declares N_forward (README "The whole net")
chain=0
grep -q "^void ${name}_forward(" "$out/$name.h" && chain=1
do_layers=0
do_net=0
case $mode in
    layers) do_layers=1 ;;
    net) do_net=1 ;;
    all)
        do_layers=1
        do_net=$chain
        ;;
esac
if [ "$mode" = net ] && [ "$chain" = 0 ]; then
    echo "run.sh: $net is not one chain (its header has no ${name}_forward): no whole-net row" >&2
    exit 2
fi
[ "$mode" != all ] || [ "$chain" = 1 ] ||
    echo "   $net is not one chain (no ${name}_forward): per-layer table only"

# par-NET.c: every layer's N_L_par (declared in N.h in the table's order)
# with the arguments of sg_layer's run plus the pool (bench/common.h)
par_src=""
if [ "$THREADS" != 1 ]; then
    par_src=$dir/par-$key.c
    decls=$(sed -n "s/^void ${name}_\([A-Za-z0-9_]*\)_par(const float \*SG_RESTRICT in, \(const float \*SG_RESTRICT skip, \)\{0,1\}.*/\1 \2/p" \
        "$out/$name.h")
    if [ -z "$decls" ] || ! grep -q "^#define ${upper}_MAX_THREADS $THREADS\$" "$out/$name.h"; then
        echo "run.sh: THREADS=$THREADS: $out/$name.h declares no N_L_par or no" \
            "${upper}_MAX_THREADS $THREADS (does the generator know --threads?)" >&2
        exit 1
    fi
    {
        printf '/* %s - written by bench/run.sh from %s.h: every layer'"'"'s N_L_par\n' \
            "par-$key.c" "$name"
        printf ' * with the arguments of sg_layer'"'"'s run, in the table'"'"'s order. */\n'
        printf '#include "%s.h"\n#include "common.h"\n' "$name"
        i=0
        while read -r lname skip; do
            printf '\nstatic void par_%d(const float *in, const float *skip, float *out,\n' "$i"
            printf '                  const float *packed, float *scratch, const sg_par *par)\n{\n'
            if [ -n "$skip" ]; then
                printf '    %s_%s_par(in, skip, out, packed, scratch, par);\n}\n' "$name" "$lname"
            else
                printf '    (void)skip;\n    %s_%s_par(in, out, packed, scratch, par);\n}\n' \
                    "$name" "$lname"
            fi
            i=$((i + 1))
        done <<<"$decls"
        printf '\nconst bench_par_layer bench_par_layers[] = {\n'
        i=0
        while read -r lname _; do
            printf '    { "%s", par_%d },\n' "$lname" "$i"
            i=$((i + 1))
        done <<<"$decls"
        printf '};\nconst int bench_par_count = %d;\n' "$i"
    } >"$par_src"
fi

# ---- 2. build -------------------------------------------------------------------
if [ "$target" = scalar ]; then
    opt=(-O2)
else
    opt=(-O3)
fi
read -r -a tflags <<<"$gen_cflags"
read -r -a extra <<<"${EXTRA_CFLAGS:-}"
cflags=("${opt[@]}" "${tflags[@]}" "${extra[@]}")
warn=(-std=c11 -Wall -Wextra)

# probe FLAGS... -- LIBS...: does a test program using a library compile and link?
probe() { # probe NAME SOURCE LIBS...
    local pname=$1 src=$2
    shift 2
    printf '%s\n' "$src" >"$dir/probe-$pname.c"
    "$CC" "${cflags[@]}" -o "$dir/probe-$pname" "$dir/probe-$pname.c" "$@" \
        >"$dir/probe-$pname.log" 2>&1
}
defs=()
libs=()
libnote=()
if [ "${BENCH_XNNPACK:-1}" = 0 ]; then
    libnote+=("XNNPACK: left out (BENCH_XNNPACK=0)")
else
    xsrc='#include <pthreadpool.h>
#include <xnnpack.h>
int main(void) { pthreadpool_destroy(pthreadpool_create(1));
                 return xnn_initialize(NULL) == xnn_status_success ? 0 : 1; }'
    xlibs=""
    for cand in "-lXNNPACK" "-lXNNPACK -lpthreadpool" "-lXNNPACK -lpthreadpool -lcpuinfo" \
        "-lXNNPACK -lpthreadpool -lcpuinfo -lclog"; do
        read -r -a cl <<<"$cand"
        if probe xnnpack "$xsrc" "${cl[@]}" -lm; then
            xlibs=$cand
            break
        fi
    done
    if [ -n "$xlibs" ]; then
        read -r -a cl <<<"$xlibs"
        libs+=("${cl[@]}")
        xver=$(dpkg-query -W -f='libxnnpack-dev ${Version}' libxnnpack-dev 2>/dev/null || true)
        defs+=(-DSG_BENCH_XNNPACK "-DSG_BENCH_XNNPACK_VERSION=\"${xver:-version unknown}\"")
        libnote+=("XNNPACK: on ($xlibs)")
    else
        libnote+=("XNNPACK: not found (xnnpack.h + pthreadpool.h + libXNNPACK): skipped;" \
            "install with 'make bench-deps' (libxnnpack-dev libpthreadpool-dev);" \
            "see $dir/probe-xnnpack.log")
    fi
fi
if [ "${BENCH_ONEDNN:-1}" = 0 ]; then
    libnote+=("oneDNN: left out (BENCH_ONEDNN=0)")
else
    # dlopen: libnet.c finds omp_set_num_threads in the OpenMP runtime libdnnl loaded
    dsrc='#include <dlfcn.h>
#include <dnnl.h>
int main(void) { return dnnl_version()->major > 0 && dlopen(NULL, RTLD_LAZY) ? 0 : 1; }'
    dl=""
    if probe onednn "$dsrc" -ldnnl || { dl=-ldl && probe onednn "$dsrc" -ldnnl -ldl; }; then
        libs+=(-ldnnl ${dl:+"$dl"})
        defs+=(-DSG_BENCH_ONEDNN)
        libnote+=("oneDNN: on (-ldnnl${dl:+ $dl})")
    else
        libnote+=("oneDNN: not found (dnnl.h + libdnnl): skipped;" \
            "install with 'make bench-deps' (libdnnl-dev); see $dir/probe-onednn.log")
    fi
fi
for n in "${libnote[@]}"; do echo "   $n"; done

flags_str="${warn[*]} ${cflags[*]}"
thr=() # THREADS=n: the sepgen pool (runtime/sg_pthreads.h)
[ "$THREADS" = 1 ] || thr=(-pthread "-DSG_BENCH_THREADS=$THREADS" -I "$root/runtime")
common=("$CC" "${warn[@]}" "${cflags[@]}" -I "$out" -I "$root/bench"
    "-DSG_NET_HEADER=\"$name.h\"" "-DSG_BENCH_TARGET=\"$gen_target\""
    "-DSG_BENCH_CFLAGS=\"$flags_str\"" "${defs[@]}" "${thr[@]}")
# the sources both programs share, compiled once
objs=()
for src in "$root/bench/common.c" "$root/bench/libnet.c" "$csrc" "$root/runtime/sg_generic.c" \
    ${par_src:+"$par_src"}; do
    obj=$dir/obj-$key-$(basename -- "$src" .c).o
    cmd=("${common[@]}" -c -o "$obj" "$src")
    echo "== build: ${cmd[*]}"
    "${cmd[@]}"
    objs+=("$obj")
done
if [ "$do_layers" = 1 ]; then
    cmd=("${common[@]}" "-DSG_NET_LAYERS=${name}_layers" "-DSG_NET_COUNT=${upper}_LAYER_COUNT"
        -o "$bin" "$root/bench/bench.c" "${objs[@]}" "${libs[@]}" -lm)
    echo "== build: ${cmd[*]}"
    "${cmd[@]}"
fi
if [ "$do_net" = 1 ]; then
    cmd=("${common[@]}" "-DSG_NET=$name" "-DSG_NET_UP=$upper" "-DSG_BENCH_SHAPES=\"$net\""
        -o "$wbin" "$root/bench/wholenet.c" "${objs[@]}" "${libs[@]}" -lm)
    echo "== build: ${cmd[*]}"
    "${cmd[@]}"
fi

# plot: the roofline of the per-layer CSV (gnuplot), and what was written
plot() {
    if command -v gnuplot >/dev/null 2>&1; then
        title="$key: sepgen $gen_target vs XNNPACK / oneDNN, single thread"
        [ "$THREADS" = 1 ] || title="$key: sepgen $gen_target vs XNNPACK / oneDNN, $THREADS threads"
        if gnuplot -e "csv='$csv'; png='$png'; plottitle='$title'; threads=$THREADS" \
            "$root/bench/roofline.gp" 2>"$dir/gnuplot.log"; then
            echo "wrote $csv, $txt and $png"
        else
            cat "$dir/gnuplot.log" >&2
            echo "run.sh: gnuplot failed; wrote $csv and $txt" >&2
        fi
    else
        echo "gnuplot not found: no roofline plot (make bench-deps installs gnuplot-nox)"
        echo "wrote $csv and $txt"
    fi
}

# ---- 3. run -----------------------------------------------------------------------
# bench_cpus: where THREADS > 1 threads run: BENCH_CPU as given, else the last
# THREADS CPUs this process may use (nothing: do not pin)
bench_cpus() {
    if [ -n "${BENCH_CPU:-}" ] || ! sg_have taskset; then
        sg_bench_cpu
        return
    fi
    local all
    all=$(taskset -pc $$ 2>/dev/null | sed 's/.*: *//' | tr ',' '\n' |
        while IFS=- read -r a b; do seq "$a" "${b:-$a}"; done)
    if [ "$(printf '%s\n' "$all" | grep -c .)" -ge "$THREADS" ]; then
        printf '%s\n' "$all" | tail -n "$THREADS" | paste -sd, -
    else
        echo "   THREADS=$THREADS: fewer CPUs than threads here; not pinned" >&2
    fi
}
pin=()
if [ "$THREADS" = 1 ]; then
    cpu=$(sg_bench_cpu)
else
    cpu=$(bench_cpus)
fi
[ -z "$cpu" ] || pin=(taskset -c "$cpu")
envs="OMP_NUM_THREADS=$THREADS ${ONEDNN_MAX_CPU_ISA:+ONEDNN_MAX_CPU_ISA=$ONEDNN_MAX_CPU_ISA }"
export OMP_NUM_THREADS=$THREADS
rc=0
if [ "$do_layers" = 1 ]; then
    echo "== run: $envs${pin[*]} $bin $csv $BENCH_SECONDS"
    "${pin[@]}" "$bin" "$csv" "$BENCH_SECONDS" | tee "$txt" || rc=${PIPESTATUS[0]}
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
        echo "run.sh: the benchmark failed (exit $rc)" >&2
        exit 1
    fi
    plot
fi
if [ "$do_net" = 1 ]; then
    wrc=0
    echo "== run: $envs${pin[*]} $wbin $wcsv $BENCH_NET_SECONDS"
    "${pin[@]}" "$wbin" "$wcsv" "$BENCH_NET_SECONDS" | tee "$wtxt" ||
        wrc=${PIPESTATUS[0]}
    if [ "$wrc" -ne 0 ] && [ "$wrc" -ne 3 ]; then
        echo "run.sh: the whole-net benchmark failed (exit $wrc)" >&2
        exit 1
    fi
    [ "$wrc" -eq 0 ] || rc=$wrc
    echo "wrote $wcsv and $wtxt"
fi
exit "$rc"
