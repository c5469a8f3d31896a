// SPDX-License-Identifier: Apache-2.0
// CFLAGS: -mllvm -bpf-stack-size=2048
/* The unit tests' 520-byte frame: 8 bytes over the limit. */
#include <frame_520.bpf.c>
// CHECK-NOT: BC204
// CHECK: BC201 fixtures/objects/frame_520.bpf.c:10:0 error: program 'frame_520' needs 520 bytes of stack, more than the 512-byte limit
// CHECK-NOTE: fixtures/objects/frame_520.bpf.c:10:0 520 bytes: variable buf (char[520])
// CHECK-EXIT: 1
