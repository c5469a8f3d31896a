# needs: $BUILD/fixtures/tail_call.bpf.o
--kernel 6.1 $BUILD/fixtures/tail_call.bpf.o
