# needs: $BUILD/examples/big-frame.bpf.o
--fail-on never --kernel 6.18 $BUILD/examples/big-frame.bpf.o
