// SPDX-License-Identifier: Apache-2.0
/* A 400-byte frame: 78% of the limit, below the 80% BC204 warns at. */
#include "stack_touch.h"

SEC("tracepoint/syscalls/sys_enter_getpid")
int frame_400(void *ctx)
{
	__u32 v = bpf_get_prandom_u32();
	TOUCH_FRAME(buf, 400, v);
	return buf[0] + buf[399];
}

char LICENSE[] SEC("license") = "GPL";
// CHECK-NOT: BC204
// CHECK-EXIT: 0
