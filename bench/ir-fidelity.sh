#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# IR fidelity: for each bpftrace script, bpftrace 0.17's own object frames
# against the frames bpfcheck gets from the same script's optimised IR
# through the in-process LLVM 19 backend (docs/bpftrace-codegen.md §5.3: LLVM 19
# gives the same frame on about 98% of probes, 8 bytes more on the rest).
#
#   bench/ir-fidelity.sh [BUILD] [SCRIPT.bt ...]     (default: /usr/sbin/*.bt)
#
# Needs bpftrace (both commands are dry runs: -dd prints the AST and the IR
# before and after optimisation; --emit-elf writes the object in 0.17) and
# usually root. Scripts bpftrace itself cannot compile on this machine are
# listed as skipped. Work files go to $BUILD/ir-fidelity/.
set -eu

BUILD=${1:-build}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/.."

command -v bpftrace >/dev/null 2>&1 || { echo "ir-fidelity: bpftrace not installed; skipped"; exit 0; }
make -s BUILD="$BUILD" "$BUILD/libbpfcheck.a"
LLVM_LIBDIR=$(llvm-config-19 --libdir)
OUT="$BUILD/ir-fidelity"
mkdir -p "$OUT"
${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O2 -I. -I"$BUILD" $(llvm-config-19 --includedir | sed 's/^/-I/') \
	bench/ir_fidelity.c "$BUILD/libbpfcheck.a" $(pkg-config --libs libbpf libelf libdw jansson zlib) -lm \
	-L"$LLVM_LIBDIR" -Wl,-rpath,"$LLVM_LIBDIR" -lLLVM-19 -o "$OUT/ir_fidelity"

[ $# -gt 0 ] || set -- /usr/sbin/*.bt
ROWS="$OUT/rows.tsv"
: > "$ROWS"
skipped=""
for script in "$@"; do
	n=$(basename "$script" .bt)
	if ! timeout 120 bpftrace -dd "$script" > "$OUT/$n.dd" 2>&1 ||
	   ! timeout 120 bpftrace --emit-elf "$OUT/$n.o" "$script" > "$OUT/$n.emit.log" 2>&1 ||
	   [ ! -s "$OUT/$n.o" ]; then
		skipped="$skipped $n"
		continue
	fi
	# the IR printed under "After optimization" is what bpftrace compiled
	awk '/^After optimization$/ { f = 1; next } /^(error|ERROR):/ { f = 0 } f' "$OUT/$n.dd" | sed '1{/^-*$/d}' > "$OUT/$n.opt.ll"
	"$OUT/ir_fidelity" "$OUT/$n.o" "$OUT/$n.opt.ll" "$n" >> "$ROWS" || skipped="$skipped $n(bpfcheck)"
done

printf '%-14s %-58s %9s %8s %6s %6s %7s %8s\n' script probe bpftrace ir-\>obj delta peak unattr cg_ms
awk -F'\t' '{ printf "%-14s %-58s %9s %8s %6s %6s %7s %8s\n", $1, substr($2, 1, 58), $3, $4, $5, $6, $7, $8 }' "$ROWS"
awk -F'\t' -v skipped="$skipped" '
	$4 == "-" || $3 == "-" { missing++; next }
	{ n++; d = $4 - $3; if (d == 0) same++; else if (d == 8) plus8++; else other++
	  if ($6 == $4) peakeq++; unattr += $7
	  if ($8 != "-" && !(($1) in ms)) { ms[$1] = $8; nm++; tot += $8 } }
	END {
		printf "\nprobes compared: %d   same frame: %d (%.1f%%)   +8 bytes: %d   other: %d   unmatched: %d\n",
			n, same, n ? 100 * same / n : 0, plus8, other, missing
		printf "IR slot peak equals the frame: %d of %d; unattributed bytes (spills, temporaries): %d\n",
			peakeq, n, unattr
		if (nm) printf "modules: %d   mean in-process codegen: %.2f ms per module\n", nm, tot / nm
		if (skipped != "") printf "skipped (bpftrace could not compile them here):%s\n", skipped
	}' "$ROWS"
