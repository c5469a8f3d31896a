# needs: $BUILD/fixtures/vec_544.bpf.o
--kernel 6.9 $BUILD/fixtures/vec_544.bpf.o
