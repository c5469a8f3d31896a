#!/usr/bin/env bash
# make demo: bpfcheck on the bundled examples as a new user would run it —
# BPF objects built from examples/*.bpf.c and the scripts in examples/*.bt.
set -u
build="${1:-build}"
bin="$build/bpfcheck"
run() {
	printf '\n$ bpfcheck %s\n' "$*"
	"$bin" "$@"
	printf '[exit %d]\n' $?
}
objs=$(ls "$build"/examples/*.bpf.o 2>/dev/null)
run check --bpftrace 0.17 examples/big-strings.bt examples/clear-count.bt
run stack --bpftrace 0.17 examples/big-strings.bt
run stack --bpftrace 0.22 examples/big-strings.bt
run check --bpftrace 0.17 --unsafe-fixes --diff examples/clear-count.bt
run check $objs
run stack --kernel 6.1 $objs
run check -f gcc --kernel 6.1 $objs
exit 0
