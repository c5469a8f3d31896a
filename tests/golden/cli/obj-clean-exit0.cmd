# needs: $BUILD/examples/fits.bpf.o
--kernel 6.18 $BUILD/examples/fits.bpf.o
