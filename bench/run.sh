#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# make bench: every benchmark in bench/ in turn, each printing its table:
# script fidelity against bpftrace 0.17 (fidelity.sh), speed and memory
# against bpftrace's dry run (speed.sh), and the others found here
# (IR fidelity, libbpf-tools objects against the verifier). demo.sh and the
# extract-* helpers are not benchmarks.
#
#   bench/run.sh [BUILD]
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.."
status=0
# the two this task is about first, then the rest in name order
list="fidelity.sh speed.sh"
for b in bench/*.sh; do
	n=$(basename "$b")
	case "$n" in
	run.sh | demo.sh | extract-* | fidelity.sh | speed.sh) ;;
	*) list="$list $n" ;;
	esac
done
for n in $list; do
	[ -x "bench/$n" ] || continue
	printf '\n==== bench/%s\n\n' "$n"
	start=$(date +%s)
	"bench/$n" "$BUILD"
	rc=$?
	printf '\n(bench/%s: exit %d, %ds)\n' "$n" "$rc" $(($(date +%s) - start))
	[ $rc -eq 0 ] || status=1
done
exit $status
