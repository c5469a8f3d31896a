# needs: $BUILD/fixtures/vec_544.bpf.o
--kernel 6.8 $BUILD/fixtures/vec_544.bpf.o
