#!/bin/sh
# hostile.sh [WORKDIR]: file paths that try to break out of the generated C.
#
# A shapes file and a weights file whose paths hold "*/", "/*", "??/"
# (a trigraph line splice), a quote, a backslash and non-ASCII bytes are
# generated for the scalar target; every generated file must compile with
# gcc -std=c99 -Wall -Wextra -Wpedantic -Werror (and clang when present),
# no text of the path may appear outside comments (the "evil" declaration
# must not exist), and the check program must find the weights file through
# the path as the C string spells it (its baked-weights test passes).
#
# Environment: LUA (default lua5.4), GEN (default gen/main.lua), CC (cc),
# CLANG (clang).  Exit 0 on success, 1 on failure.
set -u

root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=common.sh
. "$root/tests/scripts/common.sh"

LUA=${LUA:-lua5.4}
GEN=${GEN:-$root/gen/main.lua}
CC=${CC:-cc}
CLANG=${CLANG-clang}
work=${1:-${BUILD:-build}/hostile}

fail() {
    echo "FAIL hostile paths: $1"
    [ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/    | /' "$2" | head -n 20
    exit 1
}

rm -rf -- "$work"
mkdir -p -- "$work"
work=$(CDPATH='' cd -- "$work" && pwd)
# the shapes file: <work>/x*/ int evil; /*.lua
sdir="$work/x*/ int evil; "
shapes="$sdir/*.lua"
# the weights file: <work>/w??/q"\é.safetensors (é as UTF-8 bytes)
wdir="$work/w??"
wts="$wdir/q\"\\$(printf '\303\251').safetensors"
mkdir -p -- "$sdir" "$wdir" || fail "cannot create the directories"
cp -- "$root/tests/nets/chain.lua" "$shapes" || fail "cannot copy tests/nets/chain.lua"
"$LUA" "$root/gen/mkweights.lua" "$shapes" "$wts" >"$work/mkweights.log" 2>&1 ||
    fail "gen/mkweights.lua failed" "$work/mkweights.log"
out=$work/out
"$LUA" "$GEN" --quiet --out "$out" --target scalar --weights "$wts" "$shapes" >"$work/gen.log" 2>&1 ||
    fail "the generator failed" "$work/gen.log"
c=""
for f in "$out"/*_weights.c; do [ -f "$f" ] && c=$f; done
[ -n "$c" ] || fail "no <net>_weights.c in $out"
n=$(basename -- "$c" _weights.c)
srcs="$out/$n.c $out/${n}_weights.c $out/check/${n}_check.c $out/check/sg_generic.c"
checkflags=$(pkg-config --cflags --libs check) || fail "pkg-config does not know Check"
WARN="-std=c99 -Wall -Wextra -Wpedantic -Werror"
# shellcheck disable=SC2086 # word lists
$CC $WARN -O1 -I "$out" -o "$work/check" $srcs $checkflags -lm >"$work/cc.log" 2>&1 ||
    fail "$CC $WARN rejects the generated files" "$work/cc.log"
if [ -n "$CLANG" ] && sg_have "$CLANG"; then
    # shellcheck disable=SC2046,SC2086 # word lists
    $CLANG $WARN -fsyntax-only -I "$out" $srcs $(pkg-config --cflags check) >"$work/clang.log" 2>&1 ||
        fail "$CLANG $WARN rejects the generated files" "$work/clang.log"
fi
# the path's text stays inside comments: the object declares no "evil"
if nm "$work/check" 2>/dev/null | grep -q evil; then fail "a symbol from the path reached the code"; fi
(cd -- "$work" && ./check) >"$work/run.log" 2>&1 || fail "the check program failed" "$work/run.log"
grep -q "100%: Checks" "$work/run.log" || fail "no Check summary" "$work/run.log"
echo "PASS hostile paths: '*/', '/*', '??/', quote, backslash, UTF-8 in the shapes and weights paths: $(grep '100%: Checks' "$work/run.log")"
