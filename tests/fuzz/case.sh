#!/bin/sh
# case.sh: one fuzz case (tests/fuzz/fuzz.lua runs many at once).
#
#   case.sh valid NET.lua TARGET DIR [UPTO]
#       Generate NET.lua for TARGET into DIR/out (its `-- sepgen-args:` line
#       adds generator options; `-- fuzz-bake: yes` bakes random weights from
#       gen/mkweights.lua into a one-chain net), build every generated file
#       with $CC -std=c99 -Wall -Wextra -Wpedantic -Werror -O2 plus the cflags
#       the generated <net>.c names, run the Check program, then build the
#       kernels and the test again at -O0 under ASan+UBSan and run that.
#       Stages: gen, cc, run, sancc, sanrun; UPTO stops after one of them.
#       neon: aarch64-linux-gnu-gcc against tests/shim/check.h, run under
#       qemu-aarch64 (no sanitizers under emulation).  An x86 target this CPU
#       lacks is generated and compiled, not run.
#   case.sh invalid FILE.lua DIR REFOUT [UPTO]
#       A file that should be rejected: run the generator with --out a copy
#       of REFOUT; it must exit 2, name the file on every line of stderr,
#       never say "internal error", and leave OUT as it was (sg_tree_listing)
#       with nothing beside it.  A file it accepts is a valid net: then the
#       valid case runs on scalar (up to UPTO, default run).
#
# Writes DIR/result, one line of tab-separated fields:
#   PASS <detail>   or   FAIL <kind> <signature> <message> <log file>
# The kind names the failure (gen-internal, cc-werror, asan, run-check...),
# the signature tells two failures of a kind apart (a source line, a
# warning option, a sanitizer's report), both for fuzz.lua's shrinker and
# its list of known findings.  Exit status 0 on PASS, 1 on FAIL.
#
# Environment: LUA (lua5.4), GEN (gen/main.lua), CC (cc), FUZZ_CACHE
# (a directory for objects every case shares, default DIR/..), FUZZ_MAX_C
# (a valid net whose <net>.c is larger is generated, not compiled: the short
# round's accepted mutants of the large test nets), FUZZ_RUN_MAX_MACS
# (2000000000: a valid net of more MACs is compiled, not run),
# FUZZ_GEN_TIMEOUT (60), FUZZ_CC_TIMEOUT (300, per compiler run),
# FUZZ_RUN_TIMEOUT (120), SG_CPUINFO (/proc/cpuinfo).
set -u

root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=tests/scripts/common.sh
. "$root/tests/scripts/common.sh"

sg_tool_defaults "$root"
GEN_TIMEOUT=${FUZZ_GEN_TIMEOUT:-60}
RUN_TIMEOUT=${FUZZ_RUN_TIMEOUT:-120}
CC_TIMEOUT=${FUZZ_CC_TIMEOUT:-300}
WARN="-std=c99 -Wall -Wextra -Wpedantic"
# compiler messages in ASCII (their quotes go into signatures)
LC_ALL=C
export LC_ALL
tab=$(printf '\t')
n="" # the net's name, once generated

mode=${1:-}
case $mode in
    valid)
        [ $# -ge 4 ] || { echo "usage: case.sh valid NET.lua TARGET DIR [UPTO]" >&2; exit 2; }
        net=$2 target=$3 dir=$4 upto=${5:-sanrun}
        ;;
    invalid)
        [ $# -ge 4 ] || { echo "usage: case.sh invalid FILE.lua DIR REFOUT [UPTO]" >&2; exit 2; }
        net=$2 target=scalar dir=$3 refout=$4 upto=${5:-run}
        ;;
    *)
        echo "usage: case.sh valid|invalid ..." >&2
        exit 2
        ;;
esac
mkdir -p -- "$dir"
dir=$(CDPATH='' cd -- "$dir" && pwd)
cache=${FUZZ_CACHE:-$dir/..}
mkdir -p -- "$cache"
rm -f -- "$dir/result"

# sig_text TEXT: a signature from a message: its first line, the net's
# name in symbols as NET (NET_pack: the shrinker renames the net), numbers
# (signed, fractional, with an exponent) as N, -nan and -inf as nan and
# inf (printf's sign of a NaN differs between targets), at most 80 characters.
sig_text() {
    printf '%s\n' "$1" | head -n 1 | sed -e "s/\\<${n:-@}_/NET_/g" -e "s/'${n:-@}'/'NET'/g" |
        sed -e 's/-\{0,1\}[0-9][0-9.]*\(e[-+][0-9][0-9]*\)\{0,1\}/N/g' -e 's/-\(nan\|inf\)/\1/g' \
            -e 's/[[:space:]][[:space:]]*/ /g' | cut -c 1-80
}
pass() {
    printf 'PASS%s%s\n' "$tab" "$1" >"$dir/result"
    exit 0
}
fail() { # fail KIND SIGNATURE MESSAGE [LOG]
    msg=$(printf '%s\n' "$3" | head -n 1 | tr '\t' ' ' | cut -c 1-300)
    printf 'FAIL%s%s%s%s%s%s%s%s\n' "$tab" "$1" "$tab" "$2" "$tab" "$msg" "$tab" "${4:-}" >"$dir/result"
    exit 1
}
# gen_sig LOG: a generator failure's signature: the internal error's
# message (its gen/ module, the line number as N), else the first line,
# with the file's path as FILE.
gen_sig() {
    l=$(grep -m 1 -i 'internal error' "$1") || l=$(grep -m 1 . "$1")
    l=${l#*please report): }
    l=$(printf '%s\n' "$l" | sed -e "s|$net|FILE|g" -e 's|^[^ ]*/gen/|gen/|')
    sig_text "$l"
}

# ---- invalid: must be rejected cleanly ------------------------------------
if [ "$mode" = invalid ]; then
    name=${net##*/}
    rm -rf -- "$dir/o"
    mkdir -p -- "$dir/o"
    cp -a -- "$refout" "$dir/o/out"
    before=$(sg_tree_listing "$refout")
    timeout "$GEN_TIMEOUT" "$LUA" "$GEN" --out "$dir/o/out" --target scalar "$net" \
        >"$dir/stdout" 2>"$dir/stderr"
    rc=$?
    first=$(head -n 1 "$dir/stderr")
    if [ "$rc" -eq 0 ]; then
        # accepted: a valid net, held to what every valid net must do
        sh "$0" valid "$net" scalar "$dir/valid" "$upto"
        rc=$?
        cp -- "$dir/valid/result" "$dir/result" 2>/dev/null ||
            fail case-broken "" "the valid case wrote no result" "$dir/stderr"
        [ "$rc" -ne 0 ] || pass "accepted (a valid net): $(cut -f 2 "$dir/valid/result")"
        exit 1
    fi
    case $rc in
        2) ;;
        124) fail mut-timeout "" "the generator ran over ${GEN_TIMEOUT}s" "$dir/stderr" ;;
        1) fail mut-internal "$(gen_sig "$dir/stderr")" "exit status 1: $first" "$dir/stderr" ;;
        *) fail "mut-exit$rc" "$(gen_sig "$dir/stderr")" "exit status $rc: $first" "$dir/stderr" ;;
    esac
    if grep -qi 'internal error' "$dir/stderr"; then
        fail mut-internal "$(gen_sig "$dir/stderr")" "$(grep -i -m 1 'internal error' "$dir/stderr")" "$dir/stderr"
    fi
    [ -s "$dir/stderr" ] || fail mut-silent "" "exit status 2 and nothing on stderr" "$dir/stderr"
    line=$(grep -v -F -m 1 -- "$name" "$dir/stderr")
    [ -z "$line" ] ||
        fail mut-unnamed "$(sig_text "$line")" "a line of stderr does not name $name: $line" "$dir/stderr"
    [ "$before" = "$(sg_tree_listing "$dir/o/out")" ] ||
        fail mut-out-changed "" "OUT changed although the file was rejected" "$dir/stderr"
    extra=$(find "$dir/o" -mindepth 1 -maxdepth 1 ! -name out)
    [ -z "$extra" ] || fail mut-left-behind "" "left beside OUT: $extra" "$dir/stderr"
    pass "rejected: $first"
fi

# ---- valid: generate, compile, run ------------------------------------------
sg_target "$target" || fail case-broken "" "unknown target $target"
[ -z "$sg_missing" ] || fail no-tool "" "$sg_missing"
cross=$sg_cross
norun=$sg_norun

out=$dir/out
rm -rf -- "$out" "$dir/o2" "$dir/san"
mkdir -p -- "$dir/o2" "$dir/san"
: >"$dir/cc.log"
extra=$(sg_net_args "$net")
check_args=""
if grep -q '^-- fuzz-bake: yes' "$net"; then
    wts=$dir/weights.safetensors
    timeout "$GEN_TIMEOUT" "$LUA" "$root/gen/mkweights.lua" "$net" "$wts" >"$dir/mkweights.log" 2>&1 ||
        fail mkweights "$(gen_sig "$dir/mkweights.log")" "gen/mkweights.lua failed: $(head -n 1 "$dir/mkweights.log")" \
            "$dir/mkweights.log"
    extra="$extra --weights $wts"
    check_args=$wts
fi
set -f
# shellcheck disable=SC2086 # extra holds separate options
timeout "$GEN_TIMEOUT" "$LUA" "$GEN" --quiet --out "$out" --target "$target" $extra "$net" >"$dir/gen.log" 2>&1
rc=$?
set +f
case $rc in
    0) ;;
    124) fail gen-timeout "" "the generator ran over ${GEN_TIMEOUT}s" "$dir/gen.log" ;;
    2) fail gen-reject "$(gen_sig "$dir/gen.log")" "exit 2 on a net its validator accepts: $(head -n 1 "$dir/gen.log")" \
        "$dir/gen.log" ;;
    *) fail gen-internal "$(gen_sig "$dir/gen.log")" "exit status $rc: $(grep -m 1 . "$dir/gen.log")" "$dir/gen.log" ;;
esac
if grep -qi 'internal error' "$dir/gen.log"; then
    fail gen-internal "$(gen_sig "$dir/gen.log")" "$(grep -i -m 1 'internal error' "$dir/gen.log")" "$dir/gen.log"
fi
# the net's name: its header's (sg.h and sg_*.h are the runtime's; a net
# may be called x_weights, so not by the .c files)
n=""
for f in "$out"/*.h; do
    case ${f##*/} in sg.h | sg_*.h) ;; *) n=$(basename -- "$f" .h) ;; esac
done
[ -n "$n" ] || fail gen-files "" "no <net>.h in $out" "$dir/gen.log"
c=$out/$n.c
[ -f "$c" ] || fail gen-files "" "no $n.c in $out" "$dir/gen.log"
for f in "$out/$n.h" "$out/sg.h" "$out/check/${n}_check.c" "$out/check/sg_generic.c"; do
    [ -f "$f" ] || fail gen-files "" "the generator did not write $f" "$dir/gen.log"
done
cflags=$(sg_gen_cflags "$c")
[ "$upto" != gen ] || pass "generated for $target"
# A net of more than FUZZ_RUN_MAX_MACS multiply-adds (the header's first
# comment block: " * 17 layers, 568.79M MACs, ...") is compiled, not run:
# its Check program, generic kernels included, would take minutes (a
# MobileNet v1 mutant with 51,201 channels, 8 G MACs: over 120 s).
macs=$(sed -n 's/^ \* [0-9]* layers\{0,1\}, \([0-9.]*[kMG]\{0,1\}\) MACs.*/\1/p' "$out/$n.h" | head -n 1)
big=$(awk -v m="$macs" -v cap="${FUZZ_RUN_MAX_MACS:-2000000000}" 'BEGIN {
    x = m + 0; u = substr(m, length(m), 1)
    if (u == "k") x *= 1e3; else if (u == "M") x *= 1e6; else if (u == "G") x *= 1e9
    print (x > cap) ? 1 : 0 }')
if [ "$big" = 1 ] && { [ "$upto" = run ] || [ "$upto" = sancc ] || [ "$upto" = sanrun ]; }; then
    upto=cc
    norun="${macs} MACs, over FUZZ_RUN_MAX_MACS=${FUZZ_RUN_MAX_MACS:-2000000000}"
fi
size=$(wc -c <"$c")
if [ -n "${FUZZ_MAX_C:-}" ] && [ "$size" -gt "$FUZZ_MAX_C" ]; then
    pass "generated for $target; $n.c has $size bytes, over FUZZ_MAX_C=$FUZZ_MAX_C: not compiled"
fi

# ccx LOG COMMAND...: a compiler run (at most CC_TIMEOUT seconds), its
# messages appended to LOG.
ccx() {
    ccx_log=$1
    shift
    timeout "$CC_TIMEOUT" "$@" >>"$ccx_log" 2>&1
    ccx_rc=$?
    [ "$ccx_rc" -ne 124 ] || echo "fuzz: timed out" >>"$ccx_log"
    return "$ccx_rc"
}

# cc_fail LOG WHAT: a compiler failure's kind and signature (the warning
# option of the first diagnostic, else the first error's text).
cc_fail() {
    if [ "$(tail -n 1 "$1")" = "fuzz: timed out" ]; then
        fail "${kpre}cc-timeout" "" "$2: over ${CC_TIMEOUT}s" "$1"
    fi
    opt=$(grep -o -m 1 '\[-W[a-z0-9=-]*\]' "$1" | head -n 1)
    line=$(grep -m 1 'error:' "$1")
    if [ -n "$opt" ]; then
        # the option and the first name the message quotes
        what=$(printf '%s\n' "$line" | sed -n "s/^[^']*'\([^']*\)'.*/\1/p")
        fail "${kpre}cc-werror" "$(sig_text "$opt${what:+ $what}")" "$2: $line" "$1"
    fi
    fail "${kpre}cc-error" "$(sig_text "${line#*error: }")" "$2: $line" "$1"
}

kpre=""
srcs="$out/$n.c $out/check/${n}_check.c $out/check/sg_generic.c"
[ -z "$check_args" ] || srcs="$srcs $out/${n}_weights.c"
if [ -n "$cross" ]; then
    # shellcheck disable=SC2086 # flag lists
    ccx "$dir/cc.log" $cross $WARN -O2 -Werror $cflags -I "$root/tests/shim" -I "$out" $srcs -o "$dir/check_neon" \
        -lm || cc_fail "$dir/cc.log" "$cross -O2 -Werror"
    [ "$upto" != cc ] || pass "neon: compiled"
    # shellcheck disable=SC2086 # the weights file or nothing
    (cd -- "$dir" && timeout "$RUN_TIMEOUT" qemu-aarch64 -L /usr/aarch64-linux-gnu ./check_neon $check_args) \
        >"$dir/run.log" 2>&1
    rc=$?
    log=$dir/run.log
else
    ck_cflags=$(pkg-config --cflags check) || fail no-tool "" "pkg-config --cflags check failed"
    ck_libs=$(pkg-config --libs check) || fail no-tool "" "pkg-config --libs check failed"
    # sg_generic.c, the oracle, is the same for every net: built once per
    # target and content
    gsum=$(cksum <"$out/check/sg_generic.c" | cut -d ' ' -f 1)
    gobj=$cache/sg_generic-$target-$gsum.o
    objs=""
    for s in $srcs; do
        o=$dir/o2/$(basename -- "$s" .c).o
        if [ "$s" = "$out/check/sg_generic.c" ]; then
            if [ ! -f "$gobj" ]; then
                # shellcheck disable=SC2086 # flag lists
                ccx "$dir/cc.log" $CC $WARN -O2 -Werror $cflags $ck_cflags -I "$out" -c "$s" -o "$gobj.$$" ||
                    cc_fail "$dir/cc.log" "$CC -O2 -Werror $(basename -- "$s")"
                mv -f -- "$gobj.$$" "$gobj"
            fi
            o=$gobj
        else
            # shellcheck disable=SC2086 # flag lists
            ccx "$dir/cc.log" $CC $WARN -O2 -Werror $cflags $ck_cflags -I "$out" -c "$s" -o "$o" ||
                cc_fail "$dir/cc.log" "$CC -O2 -Werror $(basename -- "$s")"
        fi
        objs="$objs $o"
    done
    [ -z "$norun" ] || pass "$target: compiled with -Werror, not run: $norun"
    [ "$upto" != cc ] || pass "$target: compiled"
    # shellcheck disable=SC2086 # word lists
    $CC -o "$dir/check_O2" $objs $ck_libs -lm >>"$dir/cc.log" 2>&1 || cc_fail "$dir/cc.log" "$CC link"
    # shellcheck disable=SC2086 # the weights file or nothing
    (cd -- "$dir" && CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-10} timeout "$RUN_TIMEOUT" ./check_O2 $check_args) >"$dir/run.log" 2>&1
    rc=$?
    log=$dir/run.log
fi

# run_verdict RC LOG PREFIX: the verdict on a Check run (fails, or sets summary).
run_verdict() {
    rc=$1 log=$2 kp=$3
    if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer' "$log"; then
        what=$(grep -m 1 -o 'ERROR: [A-Za-z]*Sanitizer: [a-z-]*' "$log")
        fail asan "${what##* }" "$(grep -m 1 'ERROR: [A-Za-z]*Sanitizer' "$log")" "$log"
    fi
    if grep -q 'runtime error:' "$log"; then
        ub=$(grep -m 1 'runtime error:' "$log")
        fail ubsan "$(sig_text "${ub#*runtime error: }")" "$ub" "$log"
    fi
    summary=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" | tail -n 1)
    [ "$rc" -ne 124 ] || fail "${kp}timeout" "" "the Check program ran over ${RUN_TIMEOUT}s" "$log"
    case $summary in
        "100%: Checks: "*", Failures: 0, Errors: 0")
            [ "$rc" -eq 0 ] || fail "${kp}crash" "exit$rc" "exit status $rc after $summary" "$log"
            ;;
        "")
            fail "${kp}crash" "exit$rc" "exit status $rc, no Check summary: $(tail -n 1 "$log")" "$log"
            ;;
        *)
            # the first failing check: <file>:<line>:F:[<test case>:]<test>:[<i>:] <message>
            # (Check's and tests/shim's forms); the signature: the test, the
            # op of the layer the message names, and the message after its
            # subject (the layer's or the net's name)
            first=$(grep -m 1 -E ':[FE]:' "$log")
            rest=${first#*:[FE]:}
            tname=$(printf '%s\n' "${rest%%: *}" | sed -e 's/:[0-9]*$//' -e 's/.*://')
            what=${rest#*: }
            lname=$(printf '%s\n' "$what" | sed -n 's/^layer \([a-z0-9_]*\)[ :].*/\1/p')
            op=""
            [ -z "$lname" ] || op=$(sed -n "s|^/\* ---- layer [0-9]* \"$lname\": \([a-z]*\) .*|\1|p" "$c" | head -n 1)
            what=${what#*: }
            fail "${kp}check" "$(sig_text "$tname${op:+ $op}: $what")" "$summary; ${first:-no failing check printed}" "$log"
            ;;
    esac
}
if [ -n "$cross" ]; then
    run_verdict "$rc" "$log" run-
    pass "neon: $summary (qemu-aarch64)"
fi
run_verdict "$rc" "$log" run-
[ "$upto" != run ] || pass "$target: -O2: $summary"

san="-O0 -g1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
sobjs=""
for s in "$out/$n.c" "$out/check/${n}_check.c"; do
    o=$dir/san/$(basename -- "$s" .c).o
    # shellcheck disable=SC2086 # flag lists
    ccx "$dir/san_cc.log" $CC $WARN $san $cflags $ck_cflags -I "$out" -c "$s" -o "$o" ||
        { kpre=san-; cc_fail "$dir/san_cc.log" "$CC -fsanitize=address,undefined"; }
    sobjs="$sobjs $o"
done
[ -z "$check_args" ] || sobjs="$sobjs $dir/o2/${n}_weights.o"
# shellcheck disable=SC2086 # word lists
$CC $san -o "$dir/check_san" $sobjs "$gobj" $ck_libs -lm >>"$dir/san_cc.log" 2>&1 ||
    { kpre=san-; cc_fail "$dir/san_cc.log" "$CC -fsanitize link"; }
[ "$upto" != sancc ] || pass "$target: built with sanitizers"
# shellcheck disable=SC2086 # the weights file or nothing
(cd -- "$dir" && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
    CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-10} timeout "$RUN_TIMEOUT" ./check_san $check_args) \
    >"$dir/run_san.log" 2>&1
run_verdict $? "$dir/run_san.log" san-
pass "$target: -O2 and asan+ubsan: $summary"
