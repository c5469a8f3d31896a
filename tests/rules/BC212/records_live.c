/* Eight 64-byte trace records filled by an __always_inline helper, all
 * live until the bpf_ringbuf_output calls at the end: 512 bytes, which
 * clang refuses ("Looks like the BPF stack limit is exceeded") at a line
 * inside trace_log. The shape of ebpf-for-windows' trace-logging macros. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct trace_rec { __u64 ts; __u32 id; __u32 cpu; char msg[48]; };
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } rb SEC(".maps");

static __always_inline void trace_log(struct trace_rec *r, __u32 id)
{
	r->ts = bpf_ktime_get_ns(); r->id = id; r->cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(r->msg, sizeof(r->msg));
}

SEC("kprobe/do_sys_openat2")
int prog(void *ctx)
{
	struct trace_rec r0, r1, r2, r3, r4, r5, r6, r7;
	trace_log(&r0, 0); trace_log(&r1, 1); trace_log(&r2, 2); trace_log(&r3, 3);
	trace_log(&r4, 4); trace_log(&r5, 5); trace_log(&r6, 6); trace_log(&r7, 7);
	bpf_ringbuf_output(&rb, &r0, sizeof(r0), 0); bpf_ringbuf_output(&rb, &r1, sizeof(r1), 0);
	bpf_ringbuf_output(&rb, &r2, sizeof(r2), 0); bpf_ringbuf_output(&rb, &r3, sizeof(r3), 0);
	bpf_ringbuf_output(&rb, &r4, sizeof(r4), 0); bpf_ringbuf_output(&rb, &r5, sizeof(r5), 0);
	bpf_ringbuf_output(&rb, &r6, sizeof(r6), 0); bpf_ringbuf_output(&rb, &r7, sizeof(r7), 0);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
// RUN-ARGS: --select BC201,BC204,BC212
// CHECK: BC201 20:0 error: program 'prog' needs 512 bytes of stack: its lowest access reaches -512, which clang/llc will refuse (the kernel would accept 512)
// CHECK-NOTE: 20:0 8 × 64 B struct trace_rec in 'prog' (r0, r1, r2, r3, r4, r5, r6, r7), declared at line 20, filled by 8 inlined calls to trace_log at lines 21–22
// CHECK: BC212 21:2 error: trace_log is inlined 8 times into 'prog' and the records of 8 of its expansions (512 bytes) are live together at the peak of a 512-byte frame
// CHECK-NOTE: 21:2 inlined call 1 of 8: fills r0 (64 bytes, struct trace_rec, declared at line 20), live at the peak
// CHECK-NOTE: 21:21 inlined call 2 of 8: fills r1 (64 bytes, struct trace_rec, declared at line 20), live at the peak
// CHECK-NOTE: 21:40 inlined call 3 of 8: fills r2 (64 bytes, struct trace_rec, declared at line 20), live at the peak
// CHECK-NOTE: 21:59 inlined call 4 of 8: fills r3 (64 bytes, struct trace_rec, declared at line 20), live at the peak
// CHECK-NOTE: 22:2 inlined call 5 of 8: fills r4 (64 bytes, struct trace_rec, declared at line 20), live at the peak
// CHECK-NOTE: 22:21 inlined call 6 of 8: fills r5 (64 bytes, struct trace_rec, declared at line 20), live at the peak
// CHECK-NOTE: 22:40 inlined call 7 of 8: fills r6 (64 bytes, struct trace_rec, declared at line 20), live at the peak
// CHECK-NOTE: 22:59 inlined call 8 of 8: fills r7 (64 bytes, struct trace_rec, declared at line 20), live at the peak
// CHECK-NOTE: - fix: keep the records in a per-CPU array map (BPF_MAP_TYPE_PERCPU_ARRAY, one entry of 512 bytes) and fill them through the pointer bpf_map_lookup_elem returns: saves 512 bytes of the stack of 'prog'
// CHECK-NOTE: - fix: fewer live records: send each record before the next trace_log call fills another, so that they are dead in turn and LLVM gives them one slot: saves 448 bytes
// CHECK-NOTE: - __noinline on trace_log would not help: the records are variables of 'prog', which trace_log only fills
// CHECK-EXIT: 1
