#!/usr/bin/env bash
# make demo: bpfcheck on the bundled examples (objects built from
# examples/*.bpf.c; scripts in examples/*.bt), as a new user would run it.
set -u
build="${1:-build}"
bin="$build/bpfcheck"
run() {
	printf '\n$ bpfcheck %s\n' "$*"
	"$bin" "$@"
	printf '[exit %d]\n' $?
}
objs=$(ls "$build"/examples/*.bpf.o 2>/dev/null)
scripts=$(ls examples/*.bt 2>/dev/null)
run check $objs $scripts
run stack $objs $scripts
run check --kernel 6.1 --select BC202 "$build/examples/chain.bpf.o"
run check -f gcc $objs
exit 0
