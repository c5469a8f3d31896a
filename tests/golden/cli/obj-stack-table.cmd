# needs: $BUILD/examples/chain.bpf.o
stack --kernel 6.1 $BUILD/examples/chain.bpf.o $BUILD/examples/fits.bpf.o
