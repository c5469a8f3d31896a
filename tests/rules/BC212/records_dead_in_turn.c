/* The near miss: the same helper inlined 8 times, but each expansion sends
 * its own record before the next one is filled, so the records are dead in
 * turn and LLVM's stack colouring gives them one 64-byte slot. */
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
	trace_log(0); trace_log(1); trace_log(2); trace_log(3);
	trace_log(4); trace_log(5); trace_log(6); trace_log(7);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
// RUN-ARGS: --select BC201,BC204,BC212
// CHECK-NOT: BC212
// CHECK-NOT: BC201
// CHECK-EXIT: 0
