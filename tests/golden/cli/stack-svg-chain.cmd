# needs: $BUILD/examples/chain.bpf.o
stack --no-config --kernel 6.6 -f svg $BUILD/examples/chain.bpf.o
