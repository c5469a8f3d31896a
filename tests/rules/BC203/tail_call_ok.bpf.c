// SPDX-License-Identifier: Apache-2.0
/* A tail call from a subprogram with 224 bytes of caller frames: under the
 * 256 the verifier refuses. */
#include "stack_touch.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jmp_table SEC(".maps");

static __noinline int do_tail(void *ctx)
{
	bpf_tail_call(ctx, &jmp_table, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int tail_224(void *ctx)
{
	__u32 v = bpf_get_prandom_u32();
	TOUCH_FRAME(buf, 192, v);
	return buf[0] + buf[191] + do_tail(ctx);
}

char LICENSE[] SEC("license") = "GPL";
// RUN-ARGS: --kernel 6.1
// CHECK-NOT: BC203
// CHECK-EXIT: 0
