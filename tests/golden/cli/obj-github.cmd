# needs: $BUILD/examples/big-frame.bpf.o
-f github --kernel 6.18 $BUILD/examples/big-frame.bpf.o
