/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Target profiles: the kernel and the bpftrace version an input is checked
 * against. The kernel decides the call-chain model (rounding, private stacks,
 * kfuncs); the bpftrace version decides the modelled code generation.
 */
#ifndef BC_TARGET_H
#define BC_TARGET_H

#include <stdbool.h>

struct bc_target {
	int kernel;		/* BC_KV(major, minor) */
	char kernel_str[32];	/* "6.18" */
	bool kernel_from_host;	/* taken from uname(2), not --kernel */
	bool jit;		/* JIT requested (default true) */
	char arch[16];		/* "x86_64", "aarch64": private stacks need x86-64 */
	int stack_limit;	/* --stack-limit, default BC_MAX_BPF_STACK */
	int bpftrace;		/* major * 10000 + minor * 100 + patch: 0.17.0 = 1700 */
	char bpftrace_str[32];
	char *btf_path;		/* --btf, or /sys/kernel/btf/vmlinux when present; NULL = none */
	bool bpftrace_explicit;	/* --bpftrace given (or already resolved) */
	/* -j: threads that may compile one script's probes (0: one per online
	 * CPU). Not a property of the target, but carried with it to the
	 * compile; the figures do not depend on it. */
	int jobs;
	/* where answers about the BTF are kept across runs (types/btf_cache.h):
	 * $BPFCHECK_CACHE_DIR, else $XDG_CACHE_HOME/bpfcheck, else
	 * ~/.cache/bpfcheck; NULL (--no-cache, or BPFCHECK_CACHE_DIR="") = none */
	char *cache_dir;
};

/* Fills defaults: the running kernel, JIT on, the host arch, 512, the
 * installed bpftrace (else 0.17). 0 or negative errno. */
int bc_target_init(struct bc_target *t);
void bc_target_free(struct bc_target *t);
/* --kernel X.Y and --bpftrace X.Y[.Z]; -EINVAL on a malformed version. */
int bc_target_set_kernel(struct bc_target *t, const char *s);
int bc_target_set_bpftrace(struct bc_target *t, const char *s);
/* Without --bpftrace: ask the installed bpftrace (once; only scripts need it). */
void bc_target_resolve_bpftrace(struct bc_target *t);
/* "6.6", "6.13.2", "5.15.0-91-generic" -> BC_KV; -EINVAL when not a version. */
int bc_kernel_version_parse(const char *s, int *kv);
/* "0.17", "0.22.1", "v0.20.0", "head" -> 1700, 2201, 2000, BC_BT_HEAD; -EINVAL otherwise. */
int bc_bpftrace_version_parse(const char *s, int *v);

/* Kernel model decisions. */
int bc_target_round(const struct bc_target *t, unsigned depth);	/* per-subprog rounding */
bool bc_target_priv_stack(const struct bc_target *t, const char *prog_type);
bool bc_target_has_map_sum_elem_count(const struct bc_target *t);

#endif
