/* The shape of ebpf-for-windows' bpf_printk (docs/ebpf-for-windows.md): a
 * macro whose statement expression puts its format string in a char array
 * on the caller's stack. Sixteen expansions hold 35 bytes each (560 in
 * all), but each array is dead once its call returns, so LLVM colours them
 * into one slot and the frame stays small: nothing to report. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define trace_printk(fmt, ...) ({ \
	char ____fmt[] = fmt; \
	bpf_trace_printk(____fmt, sizeof(____fmt), ##__VA_ARGS__); \
})

SEC("kprobe/do_sys_openat2")
int prog(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();

	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	trace_printk("open by pid %llu, thread %llu ....", id >> 32, id & 0xffffffff);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
// RUN-ARGS: --select BC201,BC204,BC212
// CHECK-NOT: BC212
// CHECK-EXIT: 0
