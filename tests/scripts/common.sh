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

# sg_have CMD: true when CMD is an executable on PATH (or a path to one).
sg_have() {
    command -v "$1" >/dev/null 2>&1
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
