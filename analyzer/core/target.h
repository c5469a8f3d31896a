/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Target profiles: the kernel and the bpftrace version an input is checked
 * against. The kernel decides the call-chain model (rounding, private stacks,
 * kfuncs); the bpftrace version decides the modelled code generation.
 */
#ifndef BC_TARGET_H
#define BC_TARGET_H

#include <stdbool.h>

struct bc_source;

struct bc_target {
	int kernel;		/* BC_KV(major, minor) */
	char kernel_str[32];	/* "6.18" */
	bool kernel_from_host;	/* the source's kernel (uname or the target file), not --kernel */
	bool kernel_explicit;	/* --kernel given */
	bool jit;		/* JIT assumed: --jit/--no-jit, else the source's bpf_jit_enable,
				 * else true */
	bool jit_explicit;	/* --jit or --no-jit given */
	char arch[16];		/* "x86_64", "aarch64": which JIT (core/priv_stack.c) */
	int stack_limit;	/* --stack-limit, default BC_MAX_BPF_STACK */
	/* LLVM IR inputs (--ir-optimize): -1 optimise when the IR was not
	 * (llvm/opt_state.h), 1 always (bpftrace's dump before its optimiser),
	 * 0 never */
	int ir_optimize;
	int bpftrace;		/* major * 10000 + minor * 100 + patch: 0.17.0 = 1700 */
	char bpftrace_str[32];
	char *btf_path;		/* --btf FILE; NULL: the source's kernel BTF */
	bool btf_none;		/* --btf none: no kernel BTF, whatever the source has */
	bool bpftrace_explicit;	/* --bpftrace given (or already resolved) */
	/* where the target's facts, BTF and tracepoint formats come from: the
	 * running system or a target file (analyzer/target/source.h); owned */
	struct bc_source *source;
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
 * installed bpftrace (else 0.17), all from the live system as the source.
 * 0 or negative errno. */
int bc_target_init(struct bc_target *t);
/* The defaults that do not depend on a system (6.1, x86_64, JIT, 512), and
 * no source yet: the command line sets what it sets, then names the source
 * with bc_target_use_source. Reads nothing. */
void bc_target_init_defaults(struct bc_target *t);
/*
 * Makes S the target's source (T owns it from now on; a previous one is
 * freed) and takes from it the kernel version and architecture (unless
 * --kernel was given) and the JIT setting (unless --jit/--no-jit was).
 */
void bc_target_use_source(struct bc_target *t, struct bc_source *s);
void bc_target_free(struct bc_target *t);
/* --kernel X.Y and --bpftrace X.Y[.Z]; -EINVAL on a malformed version, and
 * -ERANGE on a bpftrace version that is not modelled. */
int bc_target_set_kernel(struct bc_target *t, const char *s);
int bc_target_set_bpftrace(struct bc_target *t, const char *s);
/* Without --bpftrace: the source's bpftrace (the installed one, or the one
 * a target file recorded; once, and only scripts need it). */
void bc_target_resolve_bpftrace(struct bc_target *t);
/* "6.6", "6.13.2", "5.15.0-91-generic" -> BC_KV; -EINVAL when not a version. */
int bc_kernel_version_parse(const char *s, int *kv);
/* "0.17", "0.22.1", "v0.20.0", "head" -> 1700, 2201, 2000, BC_BT_HEAD; -EINVAL otherwise. */
int bc_bpftrace_version_parse(const char *s, int *v);
/* Whether V is one of the versions modelled (BC_BT_SUPPORTED, base/version.h). */
bool bc_bpftrace_version_supported(int v);
/* Whether T's BTF describes T's kernel: an explicit --btf, or the source's
 * (the running kernel's, a target file's) when the kernel is the source's,
 * not --kernel X.Y; never with --btf none. */
bool bc_target_btf_is_target(const struct bc_target *t);

/*
 * The identity of the target for caches of results (analyzer/driver/
 * result_cache.h): a line of text that differs whenever a result could,
 * everything struct bc_target holds that the analysis reads (kernel,
 * JIT, arch, stack limit, bpftrace version, the BTF file by path, device,
 * inode, size and times) and, for the running kernel, its release and build
 * strings and the modules loaded (their tracepoints and BTF come and go).
 * Not -j nor the cache directory: results do not depend on them. A heap
 * string, NULL on ENOMEM.
 */
char *bc_target_identity(const struct bc_target *t);

/* Kernel model decisions. */
int bc_target_round(const struct bc_target *t, unsigned depth);	/* per-subprog rounding */
/* Whether PROG_TYPE, loaded from SECTION, gets private stacks on T
 * (the table in core/priv_stack.c). */
bool bc_target_priv_stack(const struct bc_target *t, const char *prog_type, const char *section);
bool bc_target_has_map_sum_elem_count(const struct bc_target *t);

#endif
