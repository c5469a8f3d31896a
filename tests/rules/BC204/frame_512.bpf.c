// SPDX-License-Identifier: Apache-2.0
// CFLAGS: -mllvm -bpf-stack-size=2048
/* The unit tests' 512-byte frame: at the limit, which the kernel accepts. */
#include <frame_512.bpf.c>
// CHECK-NOT: BC201
// CHECK: BC204 fixtures/objects/frame_512.bpf.c:10:0 warning: program 'frame_512' uses 512 of 512 bytes of stack (100%); little room is left
// CHECK-NOTE: fixtures/objects/frame_512.bpf.c:10:0 512 bytes: variable buf (char[512])
// CHECK-EXIT: 1
