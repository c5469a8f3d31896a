/* The near miss that matters: the frame is at the limit (a 448-byte buffer
 * of prog's own), and trace_log is inlined 8 times, but its records are
 * dead in turn (each is sent before the next is filled), so LLVM colours
 * them into one 64-byte slot: BC201 for the frame, no BC212. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct trace_rec { __u64 ts; __u32 id; __u32 cpu; char msg[48]; };
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } rb SEC(".maps");

static __always_inline void trace_log(__u32 id)
{
	struct trace_rec r;

	r.ts = bpf_ktime_get_ns(); r.id = id; r.cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(r.msg, sizeof(r.msg));
	bpf_ringbuf_output(&rb, &r, sizeof(r), 0);
}

SEC("kprobe/do_sys_openat2")
int prog(void *ctx)
{
	char big[448];

	bpf_get_current_comm(big, sizeof(big));
	trace_log(0); trace_log(1); trace_log(2); trace_log(3);
	trace_log(4); trace_log(5); trace_log(6); trace_log(7);
	bpf_ringbuf_output(&rb, big, sizeof(big), 0);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
// RUN-ARGS: --select BC201,BC204,BC212
// CHECK-NOT: BC212
// CHECK: BC201 23:0 error: program 'prog' needs 512 bytes of stack: its lowest access reaches -512, which clang/llc will refuse (the kernel would accept 512)
// CHECK-NOTE: 23:0 448 bytes: variable big (char[448])
// CHECK-NOTE: 13:0 64 bytes: variable r (struct trace_rec), declared in trace_log inlined at line 26
// CHECK-EXIT: 1
