#!/bin/sh
# demo.sh SHAPES TARGET DIR [WEIGHTS [IMAGE]]: the example program end to end
# (make demo).  Writes random weights with gen/mkweights.lua unless WEIGHTS
# names a safetensors file, generates SHAPES for TARGET with them baked in
# (DIR/out), builds examples/app/app.c against it (DIR/app), draws the test
# image with examples/app/pattern.lua unless IMAGE is given, and runs the app.
# Environment: LUA (default lua5.4), CC (default cc).
set -eu
if [ $# -lt 3 ]; then
    echo "usage: $0 SHAPES TARGET DIR [WEIGHTS [IMAGE]]" >&2
    exit 2
fi
shapes=$1
target=$2
dir=$3
weights=${4:-}
image=${5:-}
LUA=${LUA:-lua5.4}
CC=${CC:-cc}
root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)

mkdir -p -- "$dir"
if [ -z "$weights" ]; then
    weights=$dir/random.safetensors
    echo "demo: random weights for $shapes (no trained weights here: the classes mean nothing) -> $weights"
    "$LUA" "$root/gen/mkweights.lua" "$shapes" "$weights"
fi
rm -rf -- "$dir/out"
"$LUA" "$root/gen/main.lua" --quiet --out "$dir/out" --target "$target" --weights "$weights" "$shapes"
set -- "$dir"/out/*_weights.c
name=$(basename -- "$1" _weights.c)
upper=$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
cflags=$(sed -n 's/^ \* cflags: *//p' "$dir/out/$name.c")
echo "demo: building examples/app/app.c with $name ($target${cflags:+, $cflags})"
# shellcheck disable=SC2086 # cflags is a word list
"$CC" -std=c99 -O2 -Wall -Wextra $cflags -DNET_HEADER="\"$name.h\"" -D"NET(x)=${name}_##x" \
    -D"NETM(x)=${upper}_##x" -I "$dir/out" "$root/examples/app/app.c" "$dir/out/$name.c" \
    "$dir/out/${name}_weights.c" -lm -o "$dir/app"
if [ -z "$image" ]; then
    image=$dir/pattern.ppm
    "$LUA" "$root/examples/app/pattern.lua" "$image"
fi
"$dir/app" "$image"
