// SPDX-License-Identifier: Apache-2.0
/*
 * Section name -> program type, the way loaders decide it: libbpf's section
 * definitions ("kprobe/...", "tp/...", "fentry/...") and bpftrace's
 * per-probe sections ("s_kprobe:vfs_read_1"). The type decides the kernel's
 * private-stack eligibility in the call-chain model.
 */
#include <ctype.h>
#include <string.h>

#include "prog_type.h"

struct sec_def {
	const char *prefix;	/* matches "prefix" and "prefix/..." */
	const char *type;
};

/* Order matters only where one prefix extends another with '/'. */
static const struct sec_def libbpf_defs[] = {
	{ "socket", "socket_filter" },
	{ "sk_reuseport", "sk_reuseport" },
	{ "kprobe", "kprobe" },
	{ "kretprobe", "kprobe" },
	{ "uprobe", "kprobe" },
	{ "uretprobe", "kprobe" },
	{ "uprobe.s", "kprobe" },
	{ "uretprobe.s", "kprobe" },
	{ "kprobe.multi", "kprobe" },
	{ "kretprobe.multi", "kprobe" },
	{ "kprobe.session", "kprobe" },
	{ "uprobe.multi", "kprobe" },
	{ "uretprobe.multi", "kprobe" },
	{ "uprobe.multi.s", "kprobe" },
	{ "uretprobe.multi.s", "kprobe" },
	{ "uprobe.session", "kprobe" },
	{ "ksyscall", "kprobe" },
	{ "kretsyscall", "kprobe" },
	{ "usdt", "kprobe" },
	{ "usdt.s", "kprobe" },
	{ "tc", "sched_cls" },
	{ "tcx", "sched_cls" },
	{ "netkit", "sched_cls" },
	{ "classifier", "sched_cls" },
	{ "action", "sched_act" },
	{ "tracepoint", "tracepoint" },
	{ "tp", "tracepoint" },
	{ "raw_tracepoint", "raw_tracepoint" },
	{ "raw_tp", "raw_tracepoint" },
	{ "raw_tracepoint.w", "raw_tracepoint_writable" },
	{ "raw_tp.w", "raw_tracepoint_writable" },
	{ "tp_btf", "tracing" },
	{ "fentry", "tracing" },
	{ "fmod_ret", "tracing" },
	{ "fexit", "tracing" },
	{ "fentry.s", "tracing" },
	{ "fmod_ret.s", "tracing" },
	{ "fexit.s", "tracing" },
	{ "iter", "tracing" },
	{ "iter.s", "tracing" },
	{ "freplace", "ext" },
	{ "lsm", "lsm" },
	{ "lsm.s", "lsm" },
	{ "lsm_cgroup", "lsm" },
	{ "syscall", "syscall" },
	{ "xdp", "xdp" },
	{ "xdp.frags", "xdp" },
	{ "perf_event", "perf_event" },
	{ "lwt_in", "lwt_in" },
	{ "lwt_out", "lwt_out" },
	{ "lwt_xmit", "lwt_xmit" },
	{ "lwt_seg6local", "lwt_seg6local" },
	{ "sockops", "sock_ops" },
	{ "sk_skb", "sk_skb" },
	{ "sk_msg", "sk_msg" },
	{ "lirc_mode2", "lirc_mode2" },
	{ "flow_dissector", "flow_dissector" },
	{ "cgroup_skb", "cgroup_skb" },
	{ "cgroup/skb", "cgroup_skb" },
	{ "cgroup/sock_create", "cgroup_sock" },
	{ "cgroup/sock_release", "cgroup_sock" },
	{ "cgroup/sock", "cgroup_sock" },
	{ "cgroup/post_bind4", "cgroup_sock" },
	{ "cgroup/post_bind6", "cgroup_sock" },
	{ "cgroup/sysctl", "cgroup_sysctl" },
	{ "cgroup/getsockopt", "cgroup_sockopt" },
	{ "cgroup/setsockopt", "cgroup_sockopt" },
	{ "cgroup/dev", "cgroup_device" },
	{ "cgroup", "cgroup_sock_addr" },	/* bind4, connect6, sendmsg4, ... */
	{ "struct_ops", "struct_ops" },
	{ "struct_ops.s", "struct_ops" },
	{ "sk_lookup", "sk_lookup" },
	{ "netfilter", "netfilter" },
};

/* bpftrace probe types (and their one-letter aliases) -> program type. */
static const struct sec_def bpftrace_defs[] = {
	{ "kprobe", "kprobe" }, { "k", "kprobe" },
	{ "kretprobe", "kprobe" }, { "kr", "kprobe" },
	{ "uprobe", "kprobe" }, { "u", "kprobe" },
	{ "uretprobe", "kprobe" }, { "ur", "kprobe" },
	{ "usdt", "kprobe" }, { "U", "kprobe" },
	{ "BEGIN", "kprobe" }, { "END", "kprobe" },	/* uprobes on bpftrace itself */
	{ "tracepoint", "tracepoint" }, { "t", "tracepoint" },
	{ "rawtracepoint", "raw_tracepoint" }, { "rt", "raw_tracepoint" },
	{ "profile", "perf_event" }, { "p", "perf_event" },
	{ "interval", "perf_event" }, { "i", "perf_event" },
	{ "software", "perf_event" }, { "s", "perf_event" },
	{ "hardware", "perf_event" }, { "h", "perf_event" },
	{ "watchpoint", "perf_event" }, { "w", "perf_event" },
	{ "asyncwatchpoint", "perf_event" }, { "aw", "perf_event" },
	{ "kfunc", "tracing" }, { "f", "tracing" },
	{ "kretfunc", "tracing" }, { "fr", "tracing" },
	{ "fentry", "tracing" }, { "fexit", "tracing" },
	{ "iter", "tracing" }, { "it", "tracing" },
};

int bc_section_is_bpftrace(const char *sec)
{
	size_t n = strlen(sec);

	if (n < 4 || strncmp(sec, "s_", 2))
		return 0;
	/* "s_<probe>_<n>": a probe name then an underscore and digits */
	while (n > 2 && isdigit((unsigned char)sec[n - 1]))
		n--;
	return n > 3 && n < strlen(sec) && sec[n - 1] == '_';
}

static const char *lookup(const struct sec_def *defs, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		size_t pl = strlen(defs[i].prefix);

		if (pl == len && !strncmp(name, defs[i].prefix, len))
			return defs[i].type;
	}
	return NULL;
}

const char *bc_section_prog_type(const char *sec)
{
	const char *best = NULL;
	size_t best_len = 0;

	if (bc_section_is_bpftrace(sec)) {
		const char *probe = sec + 2;
		size_t len = strcspn(probe, ":");

		/* BEGIN/END have no ':'; cut the "_<n>" suffix */
		if (!probe[len])
			len = strrchr(probe, '_') - probe;
		return lookup(bpftrace_defs, sizeof(bpftrace_defs) / sizeof(bpftrace_defs[0]), probe,
			      len);
	}
	/* libbpf: the longest definition that is the name or a '/'-prefix of it */
	for (size_t i = 0; i < sizeof(libbpf_defs) / sizeof(libbpf_defs[0]); i++) {
		size_t pl = strlen(libbpf_defs[i].prefix);

		if (strncmp(sec, libbpf_defs[i].prefix, pl) || (sec[pl] && sec[pl] != '/'))
			continue;
		if (pl > best_len) {
			best = libbpf_defs[i].type;
			best_len = pl;
		}
	}
	return best;
}
