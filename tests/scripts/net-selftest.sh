#!/bin/sh
# net-selftest.sh BUILDDIR: check net.sh's handling of a CPU that cannot run
# an x86 target.  With a /proc/cpuinfo whose flags lack avx2, fma and
# avx512f (SG_CPUINFO), net.sh must still generate and compile the avx2 and
# avx512 code of tests/nets/tiny.lua, then report SKIP with the reason: the
# path a machine without AVX-512 takes in `make test`.  When $CC does not
# target x86 (an ARM host), net.sh must skip without compiling and say so.
# Exit 1 otherwise.
set -u
if [ $# -ne 1 ]; then
    echo "usage: $0 BUILDDIR" >&2
    exit 2
fi
root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
dir=$1
mkdir -p -- "$dir"
fake=$dir/cpuinfo
{
    echo "processor	: 0"
    echo "flags		: fpu sse sse2 ssse3 sse4_1 sse4_2 popcnt"
} >"$fake"
rc=0
# shellcheck source=common.sh
. "$root/tests/scripts/common.sh"
x86=yes
sg_cc_x86 "${CC:-cc}" || x86=no
for t in avx2 avx512; do
    case $t in avx2) why="lacks avx2/fma" ;; avx512) why="lacks avx512f" ;; esac
    SG_CPUINFO=$fake "$root/tests/scripts/net.sh" "$root/tests/nets/tiny.lua" "$t" "$dir/$t" >"$dir/$t.log" 2>&1
    line=$(cat "$dir/$t/result" 2>/dev/null)
    case $x86:$line in
        no:SKIP*"this CPU $why"*"not compiled either"*)
            echo "net.sh on a CPU without $t: skipped with the reason (${CC:-cc} does not target x86, so not compiled): ok"
            ;;
        yes:SKIP*"compiled clean with"*"not run: this CPU $why"*)
            if [ -s "$dir/$t/o2/tiny.o" ] && [ ! -e "$dir/$t/check_O2" ]; then
                echo "net.sh on a CPU without $t: compiled, not run, skipped with the reason: ok"
            else
                echo "net.sh on a CPU without $t: FAIL: expected tiny.o and no test binary in $dir/$t"
                rc=1
            fi
            ;;
        *)
            echo "net.sh on a CPU without $t: FAIL: result '${line:-none}' (log: $dir/$t.log)"
            rc=1
            ;;
    esac
done
exit $rc
