// SPDX-License-Identifier: Apache-2.0
/* Each function fits in 512 bytes, but the verifier adds the frames along
 * the call chain: 200 + 200 + 160 = 560 is refused ("combined stack size of
 * 3 calls is ..."). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __attribute__((noinline)) int leaf(int x)
{
	volatile char buf[160];

	buf[x & 127] = x;
	return buf[(x + 1) & 127];
}

static __attribute__((noinline)) int middle(int x)
{
	volatile char buf[200];

	buf[x & 127] = x;
	return leaf(buf[(x + 3) & 127]) + 1;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int chain(void *ctx)
{
	volatile char buf[200];
	int x = bpf_get_prandom_u32();

	buf[x & 127] = x;
	return middle(buf[(x + 5) & 127]);
}

char LICENSE[] SEC("license") = "GPL";
