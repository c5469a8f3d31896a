#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Script fidelity: for every bpftrace script, the frame bpfcheck computes
# from the script (its own code generation for the bpftrace 0.17 profile,
# `bpfcheck stack -f json --bpftrace 0.17 SCRIPT`) against the frame of the
# object bpftrace 0.17 itself generates for it (`bpftrace --emit-elf OUT.o`,
# read by bpfcheck's object analysis, whose depths match the verifier's).
#
#   bench/fidelity.sh [BUILD] [SCRIPT.bt ...]
#       default scripts: /usr/sbin/*.bt and bench/scripts/*.bt
#
# A script may name environment variables on a line `// env: NAME=VALUE ...`
# (BPFTRACE_STRLEN=200): both bpftrace and bpfcheck run with them.
# `bpftrace --emit-elf` is a dry run in 0.17: it writes the object and exits
# (under strace it loads only 2-instruction feature probes; it attaches
# nothing); a timeout guards it anyway. Scripts bpftrace cannot compile here
# are listed as skipped; a script bpftrace refuses at the stack limit has no
# object, and its probes count as over the limit on bpftrace's side.
#
# The bar: the same verdict on every probe, the exact frame on at least 90%
# of probes, within 16 bytes on all. Work files go to $BUILD/fidelity/.
set -u
BUILD=${1:-build}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/.."
BIN="$BUILD/bpfcheck"
OUT="$BUILD/fidelity"

command -v bpftrace >/dev/null 2>&1 || { echo "fidelity: bpftrace not installed; skipped"; exit 0; }
[ -x "$BIN" ] || { echo "fidelity: build first (make BUILD=$BUILD)" >&2; exit 2; }
mkdir -p "$OUT"
[ $# -gt 0 ] || set -- /usr/sbin/*.bt bench/scripts/*.bt

MANIFEST="$OUT/manifest.tsv"
: > "$MANIFEST"
skipped=""
for script in "$@"; do
	n=$(basename "$script" .bt)
	case "$script" in bench/scripts/*) n="stress/$n" ;; esac
	f=$(echo "$n" | tr / _)
	envs=$(sed -n 's|^// env: ||p' "$script" | tr '\n' ' ')
	rm -f "$OUT/$f.o"
	env $envs timeout 120 bpftrace --emit-elf "$OUT/$f.o" "$script" > "$OUT/$f.bpftrace.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ -s "$OUT/$f.o" ]; then
		status=ok
		"$BIN" stack -f json --no-config "$OUT/$f.o" > "$OUT/$f.obj.json" 2> "$OUT/$f.obj.err"
	elif grep -q "stack limit" "$OUT/$f.bpftrace.log"; then
		status=refused
	else
		skipped="$skipped $n"
		continue
	fi
	env $envs "$BIN" stack -f json --no-config --bpftrace 0.17 "$script" \
		> "$OUT/$f.script.json" 2> "$OUT/$f.script.err"
	printf '%s\t%s\t%s\t%s\n' "$n" "$status" "$OUT/$f.obj.json" "$OUT/$f.script.json" >> "$MANIFEST"
done
python3 bench/fidelity_table.py "$MANIFEST"
[ -z "$skipped" ] || echo "skipped (bpftrace 0.17 cannot compile them here):$skipped"
exit 0
