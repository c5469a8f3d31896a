# needs: $BUILD/fixtures/count_loops.bpf.o
check --no-config --select BC3* --kernel 6.6 $BUILD/fixtures/count_loops.bpf.o
