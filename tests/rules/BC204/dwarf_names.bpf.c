/* An object's slots named from its DWARF (DW_OP_fbreg variables): eight
 * 64-byte records live together, 512 bytes, which the kernel accepts but
 * clang only builds with a larger -bpf-stack-size. */
// CFLAGS: -mllvm -bpf-stack-size=1024
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
// CHECK: BC204 20:0 warning: program 'prog' uses 512 of 512 bytes of stack (100%); little room is left
// CHECK-NOTE: 20:0 8 × 64 B struct trace_rec in 'prog' (r7, r6, r5, r4, r3, r2, r1, r0), declared at line 20
// CHECK-EXIT: 1
