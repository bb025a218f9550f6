#!/bin/sh
# nets-summary.sh RESULTDIR...: summarise the result files that net.sh wrote
# (RESULTDIR/result); a missing one means the job did not run.  Prints one
# line per job and `nets: N passed, M failed, K skipped`; exit 1 if any job
# failed or did not run.
set -u
passed=0
failed=0
skipped=0
for d in "$@"; do
    if [ -f "$d/result" ]; then
        IFS='	' read -r state target net detail <"$d/result"
    else
        state=NOTRUN target=$(basename -- "$d") net=$(basename -- "$(dirname -- "$d")") detail="did not run"
    fi
    case $state in
        PASS) passed=$((passed + 1)) ;;
        SKIP) skipped=$((skipped + 1)) ;;
        *) failed=$((failed + 1)) ;;
    esac
    printf '  %-6s %-7s %s: %s\n' "$state" "$target" "$net" "$detail"
done
echo "nets: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
