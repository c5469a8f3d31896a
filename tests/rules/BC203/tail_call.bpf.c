// SPDX-License-Identifier: Apache-2.0
/* The unit tests' tail calls: tail_deep reaches bpf_tail_call with 256 bytes
 * of caller frames, tail_ok with 64. */
#include <tail_call.bpf.c>
// RUN-ARGS: --kernel 6.1
// CHECK: BC203 fixtures/objects/tail_call.bpf.c:24:0 error: tail call in 'do_tail' with 256 bytes of caller frames; the verifier allows less than 256
// CHECK-NOTE: fixtures/objects/tail_call.bpf.c chain: tail_deep -> do_tail (256+32)
// CHECK-EXIT: 1
