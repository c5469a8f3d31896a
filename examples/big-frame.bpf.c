// SPDX-License-Identifier: Apache-2.0
/* A kprobe that copies a path and a command line into one on-stack event:
 * 560 bytes, so the verifier refuses it ("invalid write to stack R10
 * off=-560"). clang refuses it too unless the limit is raised, which is what
 * hand-written BPF often does to "make it compile". */
// CFLAGS: -mllvm -bpf-stack-size=4096
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	char path[256];
	char args[256];
	char comm[16];
	__u64 ts[4];
};

SEC("kprobe/do_sys_openat2")
int big_frame(void *ctx)
{
	struct event ev;

	bpf_get_current_comm(ev.comm, sizeof(ev.comm));
	bpf_probe_read_kernel_str(ev.path, sizeof(ev.path), ctx);
	bpf_probe_read_kernel_str(ev.args, sizeof(ev.args), ctx);
	ev.ts[0] = bpf_ktime_get_ns();
	bpf_printk("%s %s %s", ev.comm, ev.path, ev.args);
	return ev.ts[0] & 1;
}

char LICENSE[] SEC("license") = "GPL";
