# shellcheck shell=sh
# Helpers shared by the test scripts (sourced, not run).

# Repository root, from the location of the sourcing script (one in
# tests/scripts/; the bench/ scripts compute their own).
sg_root() {
    CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd
}

# sg_tree_listing DIR: one line per entry under DIR (relative path, type,
# mode; for non-directories also size and mtime in ns), then the SHA-256 of
# every file, sorted.  Two listings are equal exactly when nothing under DIR
# was created, removed, written or touched (a directory's own mtime, which
# changes when a temp entry comes and goes, is not compared).
sg_tree_listing() {
    (
        cd -- "$1" || exit 1
        find . -mindepth 1 \( -type d -printf '%P\t%y\t%m\n' \) \
            -o -printf '%P\t%y\t%m\t%s\t%T@\n' | LC_ALL=C sort
        find . -type f -exec sha256sum {} + | LC_ALL=C sort -k 2
    )
}

# sg_tool_defaults ROOT: LUA (lua5.4), GEN (ROOT/gen/main.lua) and CC (cc)
# for a script that runs the generator and compiles, unless already set.
sg_tool_defaults() {
    LUA=${LUA:-lua5.4}
    GEN=${GEN:-$1/gen/main.lua}
    CC=${CC:-cc}
}

# sg_have CMD: true when CMD is an executable on PATH (or a path to one).
sg_have() {
    command -v "$1" >/dev/null 2>&1
}

# sg_cpu_has FLAG...: true when every FLAG is in the first "flags" line of
# $SG_CPUINFO (default /proc/cpuinfo; net-selftest.sh fakes one).
sg_cpu_has() {
    sg_cpuinfo=${SG_CPUINFO:-/proc/cpuinfo}
    [ -r "$sg_cpuinfo" ] || return 1
    sg_flags=" $(grep -m 1 '^flags' "$sg_cpuinfo" | sed 's/^[^:]*://') "
    for sg_fl in "$@"; do
        case $sg_flags in
            *" $sg_fl "*) ;;
            *) return 1 ;;
        esac
    done
}

# sg_target TARGET: what running TARGET's generated code needs here.  Sets
# sg_cross (the cross compiler for neon, else empty), sg_norun (why this CPU
# cannot run an x86 target's code, else empty) and sg_missing (the tool
# neon lacks, with its package, else empty).  Returns 1 for an unknown target.
# shellcheck disable=SC2034 # the sg_ variables are for the caller
sg_target() {
    sg_cross="" sg_norun="" sg_missing=""
    case $1 in
        scalar | native) ;;
        avx2) sg_cpu_has avx2 fma || sg_norun="this CPU lacks avx2/fma (/proc/cpuinfo flags): cannot run avx2 code" ;;
        avx512) sg_cpu_has avx512f || sg_norun="this CPU lacks avx512f (/proc/cpuinfo flags): cannot run avx512 code" ;;
        neon)
            sg_cross=aarch64-linux-gnu-gcc
            if ! sg_have aarch64-linux-gnu-gcc; then
                sg_missing="aarch64-linux-gnu-gcc not installed (apt-get install gcc-aarch64-linux-gnu)"
            elif ! sg_have qemu-aarch64; then
                sg_missing="qemu-aarch64 not installed (apt-get install qemu-user)"
            fi
            ;;
        *) return 1 ;;
    esac
}

# sg_cc_x86 CC: true when the C compiler CC targets x86 (its -dumpmachine).
sg_cc_x86() {
    case $($1 -dumpmachine 2>/dev/null) in
        x86_64* | i?86*) return 0 ;;
        *) return 1 ;;
    esac
}

# sg_bench_cpu: the CPU the benchmark tools pin to (taskset -c): $BENCH_CPU,
# or else the last CPU this process may run on; nothing when BENCH_CPU=none or
# taskset is missing (then they do not pin).
sg_bench_cpu() {
    (
        [ "${BENCH_CPU:-}" != none ] && sg_have taskset || exit 0
        if [ -n "${BENCH_CPU:-}" ]; then
            printf '%s\n' "$BENCH_CPU"
            exit 0
        fi
        list=$(taskset -pc $$ 2>/dev/null | sed 's/.*: *//') || list=""
        last=${list##*,}
        printf '%s\n' "${last##*-}"
    )
}

# sg_key PATH: a name for PATH usable as a directory name (slashes and other
# odd characters become '_', the .lua suffix goes).
sg_key() {
    printf '%s\n' "$1" | sed -e 's/\.lua$//' -e 's|^\./||' -e 's/[^A-Za-z0-9_.-]/_/g'
}

# sg_tail FILE [N]: the last N (default 40) lines of FILE, indented.
sg_tail() {
    tail -n "${2:-40}" -- "$1" | sed 's/^/    | /'
}

# sg_net_args FILE.lua: the generator options a test net asks for on a line
# `-- sepgen-args: ...` (e.g. --fuse always), or nothing.  Callers expand it
# unquoted, with globbing off (set -f), as separate words.
sg_net_args() {
    sed -n 's/^-- sepgen-args: *//p' "$1" | head -n 1
}

# sg_gen_cflags FILE.c: the compiler flags a generated file names on the
# ` * cflags:` line of its first comment block (empty when it has none).
sg_gen_cflags() {
    sed -n '1,/\*\//{s/^ \* cflags:[[:space:]]*//p;}' "$1" | head -n 1 | sed 's/[[:space:]]*$//'
}

# sg_tsan_probe P: can $CC build and run a ThreadSanitizer binary here (P:
# a path for the probe's files)?  Sets sg_tsan_prefix (a command to run TSan
# binaries under: empty, or setarch -R where address randomization stops
# them) or sg_tsan_why (why not).
# shellcheck disable=SC2034 # the sg_ variables are for the caller
sg_tsan_probe() {
    sg_p=$1 sg_tsan_prefix="" sg_tsan_why=""
    cat >"$sg_p.c" <<'EOF'
#include <pthread.h>
static int x;
static void *f(void *a) { (void)a; x = 1; return 0; }
int main(void)
{
    pthread_t t;
    if (pthread_create(&t, 0, f, 0) != 0 || pthread_join(t, 0) != 0)
        return 1;
    return x != 1;
}
EOF
    if ! ${CC:-cc} -fsanitize=thread -pthread "$sg_p.c" -o "$sg_p" >"$sg_p.log" 2>&1; then
        sg_tsan_why="${CC:-cc} cannot build with -fsanitize=thread: $(head -n 1 "$sg_p.log")"
        return 1
    fi
    "$sg_p" >"$sg_p.log" 2>&1
    sg_rc=$?
    [ "$sg_rc" -eq 0 ] && return 0
    sg_first=$(grep -m 1 . "$sg_p.log")
    sg_first="exit status $sg_rc${sg_first:+: $sg_first}"
    sg_arch=$(uname -m)
    if command -v setarch >/dev/null 2>&1 && setarch "$sg_arch" -R "$sg_p" >/dev/null 2>&1; then
        echo "TSan binaries run only without address randomization here: setarch $sg_arch -R"
        sg_tsan_prefix="setarch $sg_arch -R"
        return 0
    fi
    sg_tsan_why="a -fsanitize=thread binary does not run on this kernel ($sg_first), nor under setarch -R"
    return 1
}
