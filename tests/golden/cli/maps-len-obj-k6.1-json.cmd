# needs: $BUILD/fixtures/count_loops.bpf.o
check --no-config --select BC3* --kernel 6.1 -f json $BUILD/fixtures/count_loops.bpf.o
