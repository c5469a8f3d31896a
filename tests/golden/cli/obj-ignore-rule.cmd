# needs: $BUILD/examples/big-frame.bpf.o
--ignore stack-limit-exceeded --kernel 6.18 $BUILD/examples/big-frame.bpf.o
