#!/bin/bash
# ab.sh NET.lua TARGET A B [DIR]: time the layers of NET.lua generated two
# ways, side by side, to measure a generator change.
#
#   A, B: a git revision of this repository (HEAD~2, a commit, a branch): the
#         generator and templates of that revision; or generator options
#         starting with "--" (e.g. "--fuse never"), run with the working tree's
#         generator.  Example:
#           bench/ab.sh examples/mobilenet_v2.lua avx512 "--fuse never" "--fuse auto"
#           bench/ab.sh examples/mobilenet_v1.lua avx2 HEAD~1 HEAD
#
# Each variant is built with bench/loop.c (-O3, the generated file's
# cflags) and the two binaries run alternately AB_ROUNDS times (default 3),
# pinned to one CPU (BENCH_CPU, default the last one this process may run
# on; "none" to not pin).
# Per layer it prints the smallest of the per-round medians for A and B and
# B/A (below 1: B is faster).  Warm caches, no library, no output check: an
# A/B tool for development, not the benchmark (make bench).  AB_OFFSET
# (floats, default 0) shifts the output buffer in loop.c.  AB_COLD=1: every
# sample is one run after a 16 MiB cache sweep (loop.c COLD), closer to the
# conditions of make bench than the warm default; AB_COLD=N (N > 1): an N MiB
# sweep (64: weights and tensors come from DRAM).
# Work files go to DIR (default $BUILD/ab, BUILD default build).
set -eu

if [ $# -lt 4 ] || [ $# -gt 5 ]; then
    echo "usage: $0 NET.lua TARGET A B [DIR]   (A, B: a git revision or \"--generator options\")" >&2
    exit 2
fi
net=$1 target=$2 va=$3 vb=$4
root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
# shellcheck source=tests/scripts/common.sh
. "$root/tests/scripts/common.sh"
dir=${5:-${BUILD:-build}/ab}
LUA=${LUA:-lua5.4}
CC=${CC:-cc}
rounds=${AB_ROUNDS:-3}
offset=${AB_OFFSET:-0}
cold=${AB_COLD:-0}
case $cold in '' | *[!0-9]*) echo "ab.sh: AB_COLD must be 0, 1 or a size in MiB, not '$cold'" >&2; exit 2 ;; esac
[ -f "$net" ] || { echo "ab.sh: $net: no such file" >&2; exit 2; }
net=$(cd -- "$(dirname -- "$net")" && pwd)/$(basename -- "$net")
# DIR is emptied: refuse /, $HOME, the repository and anything above them
mkdir -p -- "$dir"
absdir=$(cd -- "$dir" && pwd)
case "$root/" in "${absdir%/}/"*)
    echo "ab.sh: refusing to empty $absdir (it contains the repository)" >&2; exit 2 ;;
esac
case "$HOME/" in "${absdir%/}/"*)
    echo "ab.sh: refusing to empty $absdir (it contains \$HOME)" >&2; exit 2 ;;
esac
rm -rf -- "$dir"
mkdir -p -- "$dir"

# variant NAME SPEC: generate and build into $dir/NAME; prints the binary
variant() {
    local vname=$1 spec=$2 gen=$root/gen/main.lua opts=()
    if [ "${spec#--}" != "$spec" ]; then
        read -r -a opts <<<"$spec"
    else
        local src=$dir/$vname-src
        mkdir -p -- "$src"
        git -C "$root" archive "$spec" gen templates runtime | tar -x -C "$src"
        gen=$src/gen/main.lua
    fi
    local out=$dir/$vname-out
    "$LUA" "$gen" --quiet --out "$out" --target "$target" "${opts[@]}" "$net" >&2
    local c
    c=$(ls "$out"/*.c)
    local name upper cflags=()
    name=$(basename -- "$c" .c)
    upper=$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
    read -r -a cflags <<<"$(sg_gen_cflags "$c")"
    local opt=-O3
    [ "$target" = scalar ] && opt=-O2
    "$CC" -std=c11 "$opt" "${cflags[@]}" -I "$out" "-DSG_NET_HEADER=\"$name.h\"" \
        "-DSG_NET_LAYERS=${name}_layers" "-DSG_NET_COUNT=${upper}_LAYER_COUNT" \
        -o "$dir/$vname" "$root/bench/loop.c" "$c" >&2
    echo "$dir/$vname"
}
bin_a=$(variant a "$va")
bin_b=$(variant b "$vb")

pin=()
cpu=$(sg_bench_cpu)
[ -z "$cpu" ] || pin=(taskset -c "$cpu")
for r in $(seq "$rounds"); do
    "${pin[@]}" "$bin_a" "$offset" "$cold" >"$dir/a.$r"
    "${pin[@]}" "$bin_b" "$offset" "$cold" >"$dir/b.$r"
done

caches="warm caches"
[ "$cold" = 1 ] && caches="cold (a 16 MiB sweep before each run)"
[ "$cold" -gt 1 ] && caches="cold (a $cold MiB sweep before each run)"
echo "ab.sh: $(basename -- "$net") $target, A = $va, B = $vb; smallest of $rounds per-round medians (us), $caches"
awk -v rounds="$rounds" '
    FNR == 1 { f = FILENAME; sub(/.*\//, "", f); v = substr(f, 1, 1) }
    {
        if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
        k = v SUBSEP $1
        if (!(k in best) || $2 < best[k]) best[k] = $2
    }
    END {
        printf "%-12s %12s %12s %8s\n", "layer", "A us", "B us", "B/A"
        for (i = 1; i <= n; i++) {
            l = order[i]; a = best["a" SUBSEP l]; b = best["b" SUBSEP l]
            printf "%-12s %12.1f %12.1f %8.3f\n", l, a, b, (a > 0 ? b / a : 0)
        }
    }' "$dir"/a.* "$dir"/b.*
