// SPDX-License-Identifier: Apache-2.0
/* The unit tests' rounding vector: a 544-byte chain when frames are rounded
 * to 32 bytes (before 6.9), 512 without rounding (6.9 with the JIT). */
#include <vec_544.bpf.c>
// RUN-ARGS(6.8): --kernel 6.8
// RUN-ARGS(6.9): --kernel 6.9
// CHECK-NOT(6.9): BC202
// CHECK(6.8): BC202 fixtures/objects/vec_544.bpf.c:30:0 error: combined stack size of 4 calls is 544 bytes, more than the 512-byte limit
// CHECK-NOTE(6.8): fixtures/objects/vec_544.bpf.c chain: vec_544 -> vec_a440 -> vec_b0 -> vec_c (32+448+32+32) (kernel 6.8, JIT)
// CHECK-EXIT(6.8): 1
// CHECK(6.9): BC204 fixtures/objects/vec_544.bpf.c:33:0 warning: program 'vec_544' uses 512 of 512 bytes of stack (100%); little room is left
// CHECK-NOTE(6.9): fixtures/objects/vec_544.bpf.c:33:0 24 bytes: variable buf (char[24])
// CHECK-EXIT(6.9): 1
