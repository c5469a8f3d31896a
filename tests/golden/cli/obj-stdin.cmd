# needs: $BUILD/examples/big-frame.bpf.o
--kernel 6.18 - < $BUILD/examples/big-frame.bpf.o
