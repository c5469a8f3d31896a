#!/usr/bin/env bash
# Runs every cmocka test binary given on the command line and prints one
# closing summary line ("tests: N passed, N failed, N skipped"). The rule
# cases (tests/rules) and CLI goldens (tests/golden/cli) are the two groups
# of test_cli, counted like every other test; BC_UPDATE_GOLDEN=1 in the
# environment makes every golden test rewrite its expectations
# (tests/rules/README.md).
# BUILD names the build dir (the tests find bpfcheck and fixtures there).
set -u
export BC_BUILD="${BUILD:-build}"
export BC_SRCDIR="$(cd "$(dirname "$0")/.." && pwd)"
# the kernel type cache of the tests: fresh each run, never the user's
case "$BC_BUILD" in
/*) export BPFCHECK_CACHE_DIR="$BC_BUILD/test-cache" ;;
*) export BPFCHECK_CACHE_DIR="$BC_SRCDIR/$BC_BUILD/test-cache" ;;
esac
rm -rf "$BPFCHECK_CACHE_DIR"
passed=0 failed=0 skipped=0 crashed=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# a binary that hangs is stopped and counted as failed, so that a hang
# shows up as a named failure rather than as a CI job killed at its limit
limit="${BC_TEST_TIMEOUT:-1800}"
for t in "$@"; do
	name=$(basename "$t")
	timeout -k 10 "$limit" "$t" >"$log" 2>&1 </dev/null
	rc=$?
	[ "$rc" -eq 124 ] && echo "(stopped after $limit s: BC_TEST_TIMEOUT)" >>"$log"
	p=$(grep -oE '^\[  PASSED  \] [0-9]+' "$log" | awk '{s+=$4} END {print s+0}')
	f=$(grep -oE '^\[  FAILED  \] [0-9]+ test' "$log" | awk '{s+=$4} END {print s+0}')
	s=$(grep -oE '^\[  SKIPPED \] [0-9]+' "$log" | awk '{s+=$4} END {print s+0}')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# crashed or exited before cmocka's summary: count it as a failure
		f=1
		crashed="$crashed $name"
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$f" -ne 0 ]; then
		echo "=== $name: FAILED (exit $rc)"
		cat "$log"
	else
		printf '%-28s %4d passed %3d skipped\n' "$name" "$p" "$s"
		# a binary that runs several groups names each ("# group: NAME")
		awk '/^# group: / { if (g != "") printf "  %-26s %4d passed %3d skipped\n", g, p, s;
				     g = substr($0, 10); p = s = 0 }
		     /^\[  PASSED  \] [0-9]+/ { p += $4 }
		     /^\[  SKIPPED \] [0-9]+/ { s += $4 }
		     END { if (g != "") printf "  %-26s %4d passed %3d skipped\n", g, p, s }' "$log"
	fi
done
[ -n "$crashed" ] && echo "crashed or aborted:$crashed"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
