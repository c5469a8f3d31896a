// SPDX-License-Identifier: Apache-2.0
/* A small program well within the limit: no findings. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/sched/sched_process_exec")
int fits(void *ctx)
{
	char comm[16];

	bpf_get_current_comm(comm, sizeof(comm));
	bpf_printk("exec %s", comm);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
