# needs: $BUILD/fixtures/frame_520.bpf.o
--kernel 6.18 $BUILD/fixtures/frame_520.bpf.o
