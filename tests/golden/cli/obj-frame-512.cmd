# needs: $BUILD/fixtures/frame_512.bpf.o
--kernel 6.18 $BUILD/fixtures/frame_512.bpf.o
