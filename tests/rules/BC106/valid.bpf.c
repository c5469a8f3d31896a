// Ordinary code, atomics and a subprogram call: every encoding is valid.
#include <linux/bpf.h>

static __attribute__((noinline)) int helper(int x)
{
	return x * 3 + 1;
}

long counter;

__attribute__((section("tracepoint/syscalls/sys_enter_getpid"), used))
int valid(void *ctx)
{
	__sync_fetch_and_add(&counter, 1);
	return helper((int)(long)ctx) > 7;
}

char _license[] __attribute__((section("license"), used)) = "GPL";
// CHECK-NOT: BC106
// CHECK-EXIT: 0
