#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Speed and memory: `bpfcheck check` on each bpftrace tool, a cold process
# per run, against bpftrace's own dry run (`bpftrace -d`: parse, semantic
# analysis, code generation and LLVM, nothing loaded) on the same scripts.
#
#   bench/speed.sh [BUILD] [SCRIPT.bt ...]     (default: /usr/sbin/*.bt)
#   REPS=N (default 5) runs per script and tool.
#
# Per script: the median wall time of each tool and their ratio; then the
# median and p90 over the scripts, the per-script ratio's median and p90
# (target: a median of at least 20x), wall and CPU time (on a loaded
# machine CPU time is the steadier one) and the largest peak RSS (target
# < 64 MB; getrusage, bench/runstat.c).
# bpfcheck keeps answers about the kernel's BTF in a cache across runs
# (docs/configuration.md); it starts empty here, so a script's first run
# fills it, and bpfcheck is also timed with --no-cache, every run reading
# the BTF: both ratios are printed.
# Scripts bpftrace -d fails on here are timed but left out of the ratio.
# Then where bpfcheck's time goes, phase by phase (bench/compile_phases.c,
# one process per script), as medians over the scripts.
set -u
BUILD=${1:-build}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/.."
BIN="$BUILD/bpfcheck"
REPS=${REPS:-5}
OUT="$BUILD/speed"
[ -x "$BIN" ] || { echo "speed: build first (make BUILD=$BUILD)" >&2; exit 2; }
mkdir -p "$OUT"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
${CC:-cc} -O2 -o "$OUT/runstat" bench/runstat.c || exit 2
[ $# -gt 0 ] || set -- /usr/sbin/*.bt
have_bt=0
command -v bpftrace >/dev/null 2>&1 && have_bt=1

# Does bpfcheck compile scripts yet? (its front end may report them as unsupported)
script_ok=1
if "$BIN" check -f json --no-config --fail-on never "$1" 2>/dev/null | grep -q 'not supported yet'; then
	script_ok=0
fi

RAW="$OUT/raw.tsv"
: > "$RAW"
export BPFCHECK_CACHE_DIR="$PWD/$OUT/cache"
rm -rf "$BPFCHECK_CACHE_DIR"
for script in "$@"; do
	n=$(basename "$script" .bt)
	for _ in $(seq "$REPS"); do
		# cold for the script: the BTF answers stay, its result entry goes
		rm -f "$BPFCHECK_CACHE_DIR"/result-*.json
		printf '%s\tbpfcheck\t%s\n' "$n" "$("$OUT/runstat" "$BIN" check --no-config --bpftrace 0.17 "$script")" >> "$RAW"
		printf '%s\tnocache\t%s\n' "$n" "$("$OUT/runstat" "$BIN" check --no-config --no-cache --bpftrace 0.17 "$script")" >> "$RAW"
		[ $have_bt -eq 1 ] &&
			printf '%s\tbpftrace\t%s\n' "$n" "$("$OUT/runstat" timeout 120 bpftrace -d "$script")" >> "$RAW"
	done
done

awk -F'\t' -v script_ok=$script_ok -v reps="$REPS" '
function sort(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
}
function median(a, n) { sort(a, n); return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
function pct(a, n, p,   k) {
	sort(a, n); k = int(p * n + 0.999999); if (k < 1) k = 1; if (k > n) k = n
	return a[k]
}
# the median of tool T on script S, wall (f = 1) or CPU (f = 4), in ms
function med(s, tool, f,   k, x) {
	for (k = 1; k <= cnt[s, tool]; k++) x[k] = v[s, tool, k, f]
	return cnt[s, tool] ? median(x, cnt[s, tool]) : -1
}
{
	split($3, f, " ")
	key = $1 SUBSEP $2
	if (!(key in cnt)) { if (!($1 in seen)) { order[++ns] = $1; seen[$1] = 1 } }
	cnt[key]++; v[$1, $2, cnt[key], 1] = f[1] / 1e6; v[$1, $2, cnt[key], 4] = f[4] / 1e6
	if (f[2] > rss[$2]) { rss[$2] = f[2]; rss_at[$2] = $1 }
	if (f[3] != 0) fail[key] = f[3]
}
END {
	printf "%-16s %9s %9s %9s %10s %10s %8s %8s\n", "script", "check ms", "cpu ms", "nocache", "bpftrace", "bt cpu ms", "ratio", "cpu x"
	printf "%-16s (median of %d cold runs each, interleaved; ratio = bpftrace -d / bpfcheck check)\n", "", reps
	for (i = 1; i <= ns; i++) {
		s = order[i]
		mc = med(s, "bpfcheck", 1); cc = med(s, "bpfcheck", 4)
		mn = med(s, "nocache", 1)
		mt = med(s, "bpftrace", 1); ct = med(s, "bpftrace", 4)
		okt = mt >= 0 && !((s, "bpftrace") in fail)
		r = (script_ok && okt && mc > 0) ? mt / mc : -1
		rc = (script_ok && okt && cc > 0) ? ct / cc : -1
		printf "%-16s %9s %9s %9s %10s %10s %8s %8s\n", s,
			script_ok ? sprintf("%.1f", mc) : "n/a", script_ok ? sprintf("%.1f", cc) : "n/a",
			(script_ok && mn >= 0) ? sprintf("%.1f", mn) : "n/a",
			mt < 0 ? "-" : (okt ? sprintf("%.1f", mt) : "failed"),
			(mt < 0 || !okt) ? "-" : sprintf("%.1f", ct),
			r < 0 ? "-" : sprintf("%.1fx", r), rc < 0 ? "-" : sprintf("%.1fx", rc)
		if (okt) {
			nb++; B[nb] = mt; BC[nb] = ct
			if (script_ok) { nc++; C[nc] = mc; CC[nc] = cc; R[nc] = r; RC[nc] = rc; if (mn >= 0) { nn++; N[nn] = mn } }
		} else nfail++
	}
	print ""
	if (!script_ok) {
		print "bpfcheck on scripts: n/a (the script front end does not compile scripts yet)"
		print "bpfcheck max RSS: n/a"
	}
	if (nb)
		printf "bpftrace -d over %d scripts: wall median %.1f ms, p90 %.1f ms; CPU median %.1f ms; max RSS %d KB (%s)\n", nb, median(B, nb), pct(B, nb, 0.9), median(BC, nb), rss["bpftrace"], rss_at["bpftrace"]
	if (script_ok && nc) {
		printf "bpfcheck check over %d scripts: wall median %.1f ms, p90 %.1f ms; CPU median %.1f ms, p90 %.1f ms; max RSS %d KB (%s)\n", nc, median(C, nc), pct(C, nc, 0.9), median(CC, nc), pct(CC, nc, 0.9), rss["bpfcheck"], rss_at["bpfcheck"]
		r50 = median(R, nc); r10 = pct(R, nc, 0.1)
		printf "ratio per script (wall): median %.1fx, p90 %.1fx (90%% of the scripts at least this); target median >= 20x: %s\n", r50, r10, ((r50 >= 20) ? "met" : "NOT met")
		printf "ratio per script (CPU):  median %.1fx, p90 %.1fx\n", median(RC, nc), pct(RC, nc, 0.1)
		printf "bpfcheck max RSS %.1f MB; target < 64 MB: %s\n", rss["bpfcheck"] / 1024, ((rss["bpfcheck"] < 65536) ? "met" : "NOT met")
		if (nn)
			printf "bpfcheck check --no-cache (BTF read every run) over %d scripts: wall median %.1f ms, p90 %.1f ms; max RSS %d KB (%s)\n", nn, median(N, nn), pct(N, nn, 0.9), rss["nocache"], rss_at["nocache"]
	}
	if (nfail) printf "bpftrace -d failed on %d scripts here (left out of the ratio)\n", nfail
}' "$RAW"

# the whole corpus in one process, interleaved: cold (no cache at all) and
# warm (every file's result entry present), median of REPS each
: > "$OUT/corpus.tsv"
rm -rf "$BPFCHECK_CACHE_DIR"
"$BIN" check --no-config --bpftrace 0.17 "$@" >/dev/null 2>&1	# fills the cache
for _ in $(seq "$REPS"); do
	printf 'cold\t%s\n' "$("$OUT/runstat" "$BIN" check --no-config --no-cache --bpftrace 0.17 "$@")" >> "$OUT/corpus.tsv"
	printf 'warm\t%s\n' "$("$OUT/runstat" "$BIN" check --no-config --bpftrace 0.17 "$@")" >> "$OUT/corpus.tsv"
done
awk -F'\t' -v n=$# '
function median(a, k,   i, j, t) {
	for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
{ split($2, f, " "); c[$1]++; t[$1, c[$1]] = f[1] / 1e6; u[$1, c[$1]] = f[4] / 1e6; if (f[2] > rss[$1]) rss[$1] = f[2] }
END {
	for (k = 1; k <= c["cold"]; k++) { x[k] = t["cold", k]; xc[k] = u["cold", k] }
	for (k = 1; k <= c["warm"]; k++) { y[k] = t["warm", k]; yc[k] = u["warm", k] }
	w = median(y, c["warm"])
	printf "\nwhole corpus (%d files, one process, default -j): cold %.1f ms wall, %.1f ms CPU (max RSS %d KB); warm %.1f ms wall, %.1f ms CPU (max RSS %d KB); warm target < 50 ms: %s\n", n, median(x, c["cold"]), median(xc, c["cold"]), rss["cold"], w, median(yc, c["warm"]), rss["warm"], ((w < 50) ? "met" : "NOT met")
}' "$OUT/corpus.tsv"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

# where the time goes (one cold process per script, so the first-use costs
# of BTF, tracefs and LLVM are in the phases that pay them)
if [ $script_ok -eq 1 ] && [ -f "$BUILD/libbpfcheck.a" ]; then
	LLVM_LIBDIR=$(llvm-config-19 --libdir)
	if ${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O2 -I. -I"$BUILD" $(llvm-config-19 --includedir | sed 's/^/-I/') \
		bench/compile_phases.c "$BUILD/libbpfcheck.a" $(pkg-config --libs libbpf libelf libdw jansson zlib) -lm \
		-L"$LLVM_LIBDIR" -Wl,-rpath,"$LLVM_LIBDIR" -lLLVM-19 -o "$OUT/compile_phases" 2>/dev/null; then
		: > "$OUT/phases.tsv"
		for script in "$@"; do "$OUT/compile_phases" "$script" >> "$OUT/phases.tsv" 2>/dev/null; done
		awk -F'\t' '
		function med(col,   i, j, t, a) {
			for (i = 1; i <= n; i++) a[i] = v[i, col]
			for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		{ n++; for (c = 2; c <= 9; c++) v[n, c] = $c }
		END {
			if (!n) exit
			printf "\nbpfcheck phases, median ms over %d scripts (shared libLLVM, in-process): parse %.1f, semantic analysis %.1f (BTF/tracefs loading included), codegen %.1f, O3 %.1f, slots %.1f, BPF backend %.1f, object %.1f; total %.1f\n", n, med(2), med(3), med(4), med(5), med(6), med(7), med(8), med(9)
		}' "$OUT/phases.tsv"
	fi
fi
exit 0
