// A jump whose target lies past the end of its function, emitted as raw
// bytes (ja +16 in a three-instruction function).
#include <linux/bpf.h>

__attribute__((section("tracepoint/syscalls/sys_enter_getpid"), used))
int jump_out(void *ctx)
{
	asm volatile(".byte 0x05, 0, 0x10, 0, 0, 0, 0, 0");
	return 0;
}

char _license[] __attribute__((section("license"), used)) = "GPL";
// CHECK: BC106 6:0 error: 'jump_out' in section 'tracepoint/syscalls/sys_enter_getpid' has an invalid instruction the kernel refuses: instruction 0: jump out of range, to instruction 17 (the function is instructions 0-2)
// CHECK-NOTE: - instruction 0 of section 'tracepoint/syscalls/sys_enter_getpid'
// CHECK-EXIT: 1
