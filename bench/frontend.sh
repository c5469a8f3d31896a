#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Front-end speed: parse + semantic analysis of each bpftrace tool with
# bpfcheck (`check --select 'BC1*'`: BC100-BC104 only, so no code generation;
# kernel BTF and tracefs as on this machine), a cold process per run, against
# bpftrace's own dry run (`bpftrace -d`: parse, semantic analysis, codegen
# and LLVM, nothing loaded; killed after a timeout). Needs root for bpftrace.
#
#   bench/frontend.sh [BUILD] [SCRIPT.bt ...]     (default: /usr/sbin/*.bt)
#   REPS=N (default 5) runs per script and tool; BT_TIMEOUT (default 60 s).
#
# Prints per script the median wall time of each, then the median over the
# scripts, the sum of the medians and the ratio.
set -u
BUILD=${1:-build}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/.."
BIN="$BUILD/bpfcheck"
REPS=${REPS:-5}
BT_TIMEOUT=${BT_TIMEOUT:-60}
OUT="$BUILD/frontend-bench"
[ -x "$BIN" ] || { echo "frontend: build first (make BUILD=$BUILD)" >&2; exit 2; }
mkdir -p "$OUT"
${CC:-cc} -O2 -o "$OUT/runstat" bench/runstat.c || exit 2
[ $# -gt 0 ] || set -- /usr/sbin/*.bt
have_bt=0
if command -v bpftrace >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	have_bt=1
fi

RAW="$OUT/raw.tsv"
[ -n "${REUSE:-}" ] || : > "$RAW"
[ -n "${REUSE:-}" ] && set --	# REUSE=1: summarise the last run again
for script in "$@"; do
	n=$(basename "$script" .bt)
	for _ in $(seq "$REPS"); do
		printf '%s\tbpfcheck\t%s\n' "$n" "$("$OUT/runstat" "$BIN" check --no-config \
			--select 'BC1*' --fail-on never --bpftrace 0.17 "$script")" >> "$RAW"
		[ $have_bt -eq 1 ] &&
			printf '%s\tbpftrace\t%s\n' "$n" "$("$OUT/runstat" timeout -s KILL "$BT_TIMEOUT" \
				bpftrace -d "$script")" >> "$RAW"
	done
done

awk -F'\t' -v have_bt=$have_bt '
function median(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	split($3, f, " ")
	key = $1 SUBSEP $2
	if (!($1 in seen)) { order[++ns] = $1; seen[$1] = 1 }
	cnt[key]++; t[key, cnt[key]] = f[1] / 1e6
	if ($2 == "bpfcheck" && f[3] != 0) bad[$1] = 1
}
END {
	printf "%-16s %12s %12s %8s\n", "script", "bpfcheck ms", "bpftrace ms", "ratio"
	for (i = 1; i <= ns; i++) {
		s = order[i]
		for (tool = 1; tool <= 2; tool++) {
			name = tool == 1 ? "bpfcheck" : "bpftrace"
			k = s SUBSEP name; n = cnt[k]; delete v
			for (j = 1; j <= n; j++) v[j] = t[k, j]
			m[tool] = n ? median(v, n) : -1
		}
		pc[i] = m[1]; sum1 += m[1]
		if (m[2] >= 0) { pb[++nb] = m[2]; sum2 += m[2] }
		col2 = (m[2] >= 0) ? sprintf("%.1f", m[2]) : "-"
		col3 = (m[2] > 0 && m[1] > 0) ? sprintf("%.1fx", m[2] / m[1]) : "-"
		note = (s in bad) ? "  (bpfcheck exit != 0)" : ""
		printf "%-16s %12.1f %12s %8s%s\n", s, m[1], col2, col3, note
	}
	printf "\nmedian over %d scripts: bpfcheck %.1f ms", ns, median(pc, ns)
	if (nb) printf ", bpftrace -d %.1f ms (%.1fx)", median(pb, nb), median(pb, nb) / median(pc, ns)
	printf "\nsum of medians: bpfcheck %.1f ms", sum1
	if (nb) printf ", bpftrace -d %.1f ms", sum2
	printf "\n"
	if (!have_bt) printf "(bpftrace not run: needs bpftrace and root)\n"
}' "$RAW"
