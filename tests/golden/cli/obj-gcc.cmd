# needs: $BUILD/examples/big-frame.bpf.o
-f gcc --kernel 6.18 $BUILD/examples/big-frame.bpf.o
