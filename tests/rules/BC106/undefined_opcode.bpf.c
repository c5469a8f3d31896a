// An instruction with opcode 0x2a, which no BPF instruction class defines,
// emitted as raw bytes: the kernel refuses the program before verifying it.
#include <linux/bpf.h>

__attribute__((section("tracepoint/syscalls/sys_enter_getpid"), used))
int undefined_opcode(void *ctx)
{
	asm volatile(".byte 0x2a, 0, 0, 0, 0, 0, 0, 0");
	return 0;
}

char _license[] __attribute__((section("license"), used)) = "GPL";
// CHECK: BC106 6:0 error: 'undefined_opcode' in section 'tracepoint/syscalls/sys_enter_getpid' has an invalid instruction the kernel refuses: instruction 0: unknown opcode 0x2a
// CHECK-NOTE: - instruction 0 of section 'tracepoint/syscalls/sys_enter_getpid'
// CHECK-EXIT: 1
