# needs: $BUILD/fixtures/chain_528.bpf.o
--kernel 6.18 -f json --select BC202 $BUILD/fixtures/chain_528.bpf.o
