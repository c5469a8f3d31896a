#!/usr/bin/env bash
# Fidelity against the kernel verifier on real-world objects: the BPF objects
# embedded in Debian's libbpf-tools binaries. Every program is analysed;
# where loading is permitted (root or CAP_BPF) each is also loaded alone and
# the verifier's per-subprogram "stack depth" is compared with ours.
#
#   bench/libbpf-tools.sh [BUILD]       (default: build; needs `make BUILD=...`)
#
# Prints a table (program, our depths, the verifier's, status) and a summary:
# programs analysed, loaded, exact matches, mismatches.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-${BUILD:-build}}"
objs="$build/libbpf-tools"
tool="$build/bench/verifier_depths"
[ -f "$build/libbpfcheck.a" ] || { echo "build first: make BUILD=$build" >&2; exit 2; }
bench/extract-libbpf-tools.sh "$objs" >/dev/null
mkdir -p "$build/bench"
if [ ! -x "$tool" ] || [ bench/verifier_depths.c -nt "$tool" ] || [ "$build/libbpfcheck.a" -nt "$tool" ]; then
	llvm_lib="$(llvm-config-19 --libdir)"
	${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O2 -g -I. -I"$build" -o "$tool" bench/verifier_depths.c \
		"$build/libbpfcheck.a" $(pkg-config --libs libbpf libelf libdw jansson zlib 2>/dev/null || echo -lbpf -lelf -ldw -ljansson -lz) -lm \
		-L"$llvm_lib" -Wl,-rpath,"$llvm_lib" -lLLVM-19
fi
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
start=$(date +%s.%N)
"$tool" "$objs"/*.bpf.o >"$out"
end=$(date +%s.%N)
printf '%-22s %-34s %-18s %-18s %s\n' object program ours verifier status
awk -F'\t' '{ o=$1; sub(".*/", "", o); sub(".bpf.o$", "", o);
	printf "%-22s %-34s %-18s %-18s %s%s\n", o, $2, $4, $5, $6, ($7 == "no" ? "  MISMATCH" : "") }' "$out"
awk -F'\t' -v secs="$(echo "$end - $start" | bc)" '
	{ n++ }
	$6 == "ok" { loaded++; if ($7 == "yes") same++; else diff++ }
	$6 ~ /^refused/ { refused++ }
	$6 ~ /^not loadable/ { unloadable++ }
	END {
		printf "\n%d programs analysed in %d objects; %d loaded by the verifier, %d refused, %d not loadable here\n",
			n, objects, loaded, refused, unloadable
		printf "per-subprogram stack depth equal to the verifier'"'"'s: %d of %d loaded (%d differ)\n", same, loaded, diff
		printf "(analysis and loading took %.1f s)\n", secs
	}' objects="$(ls "$objs"/*.bpf.o | wc -l)" "$out"
