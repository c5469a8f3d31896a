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
# median and p90 over the scripts, the overall ratio (target: bpfcheck at
# least 10x faster) and the largest peak RSS (wait4 rusage, bench/runstat.c).
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
function median(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function pct(a, n, p,   i, j, t, k) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	k = int(p * n + 0.999999); if (k < 1) k = 1; if (k > n) k = n
	return a[k]
}
{
	split($3, f, " ")
	key = $1 SUBSEP $2
	if (!(key in cnt)) { if (!($1 in seen)) { order[++ns] = $1; seen[$1] = 1 } }
	cnt[key]++; t[key, cnt[key]] = f[1] / 1e6
	if (f[2] > rss[$2]) { rss[$2] = f[2]; rss_at[$2] = $1 }
	if (f[3] != 0) fail[key] = f[3]
}
END {
	printf "%-18s %12s %12s %12s %7s   (median of %d cold runs)\n", "script", "bpfcheck ms", "no cache ms", "bpftrace ms", "ratio", reps
	for (i = 1; i <= ns; i++) {
		s = order[i]
		for (k = 1; k <= cnt[s, "bpfcheck"]; k++) x[k] = t[s, "bpfcheck", k]
		mc = median(x, cnt[s, "bpfcheck"])
		mt = -1
		if (cnt[s, "bpftrace"]) {
			for (k = 1; k <= cnt[s, "bpftrace"]; k++) y[k] = t[s, "bpftrace", k]
			mt = median(y, cnt[s, "bpftrace"])
		}
		for (k = 1; k <= cnt[s, "nocache"]; k++) z[k] = t[s, "nocache", k]
		mn = cnt[s, "nocache"] ? median(z, cnt[s, "nocache"]) : -1
		okt = mt >= 0 && !((s, "bpftrace") in fail)
		cs = script_ok ? sprintf("%.1f", mc) : "n/a"
		ts = mt < 0 ? "-" : (okt ? sprintf("%.1f", mt) : "failed")
		rs = (script_ok && okt && mc > 0) ? sprintf("%.1fx", mt / mc) : "-"
		ns_ = (script_ok && mn >= 0) ? sprintf("%.1f", mn) : "n/a"
		printf "%-18s %12s %12s %12s %7s\n", s, cs, ns_, ts, rs
		if (okt) { nb++; B[nb] = mt; if (script_ok) { nc++; C[nc] = mc; if (mn >= 0) { nn++; N[nn] = mn } } }
		else nfail++
	}
	print ""
	if (!script_ok) {
		print "bpfcheck on scripts: n/a (the script front end does not compile scripts yet)"
		print "bpfcheck max RSS: n/a"
	}
	if (nb) {
		b50 = median(B, nb); b90 = pct(B, nb, 0.9)
		printf "bpftrace -d over %d scripts: median %.1f ms, p90 %.1f ms; max RSS %d KB (%s)\n", nb, b50, b90, rss["bpftrace"], rss_at["bpftrace"]
	}
	if (script_ok && nc) {
		c50 = median(C, nc); c90 = pct(C, nc, 0.9)
		printf "bpfcheck check over %d scripts: median %.1f ms, p90 %.1f ms; max RSS %d KB (%s)\n", nc, c50, c90, rss["bpfcheck"], rss_at["bpfcheck"]
		printf "ratio (median bpftrace / median bpfcheck): %.1fx (target >= 10x): %s\n", b50 / c50, ((b50 / c50 >= 10) ? "met" : "NOT met")
		if (nn) {
			n50 = median(N, nn); n90 = pct(N, nn, 0.9)
			printf "bpfcheck check --no-cache over %d scripts: median %.1f ms, p90 %.1f ms; max RSS %d KB (%s)\n", nn, n50, n90, rss["nocache"], rss_at["nocache"]
			printf "ratio without the BTF cache: %.1fx\n", b50 / n50
		}
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
{ split($2, f, " "); c[$1]++; t[$1, c[$1]] = f[1] / 1e6; if (f[2] > rss[$1]) rss[$1] = f[2] }
END {
	for (k = 1; k <= c["cold"]; k++) x[k] = t["cold", k]
	for (k = 1; k <= c["warm"]; k++) y[k] = t["warm", k]
	printf "\nwhole corpus (%d files, one process): cold %.1f ms (max RSS %d KB), warm %.1f ms (max RSS %d KB); warm target < 50 ms: %s\n", n, median(x, c["cold"]), rss["cold"], median(y, c["warm"]), rss["warm"], median(y, c["warm"]) < 50 ? "met" : "NOT met"
}' "$OUT/corpus.tsv"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

# where the time goes (one cold process per script, so the first-use costs
# of BTF, tracefs and LLVM are in the phases that pay them)
if [ $script_ok -eq 1 ] && [ -f "$BUILD/libbpfcheck.a" ]; then
	LLVM_LIBDIR=$(llvm-config-19 --libdir)
	if ${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O2 -I. -I"$BUILD" $(llvm-config-19 --includedir | sed 's/^/-I/') \
		bench/compile_phases.c "$BUILD/libbpfcheck.a" $(pkg-config --libs libbpf libelf libdw jansson) -lm \
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
