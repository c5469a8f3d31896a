#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Scaling: time and memory of `bpfcheck check` against the size of the
# script, on generated scripts of N probes (default 100, 1000, 10000), so
# that growth faster than the script shows. Two shapes: trivial probes
# (`kprobe:vfs_read { @cI = count(); }`, a map each) and probes with a
# str() map key and a printf.
#
#   bench/scale.sh [BUILD] [N ...]
#   JOBS=j (default 1: one thread, so CPU time is the work done)
#
# One fresh process per size, no cache (--no-cache), GNU time's wall and
# CPU (user + system) seconds and peak RSS; "x1000" is each size's CPU
# time over the 1,000-probe row's. The bar (docs/speed.md): 10,000 trivial
# probes in under 10x the time of 1,000, RSS under 1 GB. Wall time
# depends on the machine's load, CPU time much less: both are printed.
set -u
BUILD=${1:-build}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/.."
BIN="$BUILD/bpfcheck"
OUT="$BUILD/scale"
JOBS=${JOBS:-1}
[ -x "$BIN" ] || { echo "scale: build first (make BUILD=$BUILD)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "scale: needs GNU time (/usr/bin/time); skipped"; exit 0; }
[ $# -gt 0 ] || set -- 100 1000 10000
mkdir -p "$OUT"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs; -j$JOBS"
printf '%-8s %7s %9s %9s %9s %8s\n' shape probes "wall s" "cpu s" "RSS MB" x1000
for shape in trivial str; do
	base=""
	for n in "$@"; do
		f="$OUT/${shape}_$n.bt"
		if [ "$shape" = trivial ]; then
			awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) printf "kprobe:vfs_read { @c%d = count(); }\n", i }' > "$f"
		else
			awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) printf "kprobe:vfs_read { @s%d[str(arg1)] = count(); printf(\"%%d %%s\\n\", pid, comm); }\n", i }' > "$f"
		fi
		r=$(/usr/bin/time -f '%e %U %S %M' "$BIN" check --no-config --no-cache --bpftrace 0.17 \
			-j"$JOBS" "$f" 2>&1 >/dev/null | tail -1)
		read -r wall user sys rss <<<"$r"
		cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
		[ "$n" = 1000 ] && base=$cpu
		rel=-
		[ -n "$base" ] && rel=$(awk -v c="$cpu" -v b="$base" 'BEGIN { printf "%.1fx", (b > 0 ? c / b : 0) }')
		printf '%-8s %7d %9s %9s %9d %8s\n' "$shape" "$n" "$wall" "$cpu" $((rss / 1024)) "$rel"
	done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit 0
