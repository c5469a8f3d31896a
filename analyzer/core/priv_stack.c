// SPDX-License-Identifier: Apache-2.0
/* The private-stack facts per kernel version (priv_stack.h). */
#include <string.h>

#include "kernel_limits.h"
#include "priv_stack.h"

/*
 * bpf_enable_priv_stack() in kernel/bpf/verifier.c decides by program type:
 * KPROBE, TRACEPOINT, PERF_EVENT and RAW_TRACEPOINT adaptively; TRACING,
 * LSM and STRUCT_OPS only when bpf_prog_check_recur() says the trampoline
 * guards against recursion (TRACING except iterators; never LSM or
 * STRUCT_OPS) or a struct_ops map asks for it; every other type never.
 * check_max_stack_depth() then moves each frame of 64 bytes or more out of
 * the combined sum. Sources and what was verified: docs/kernel-stack.md §4.
 */
#define E00931	"e00931c02568 'bpf: Enable private stack for eligible subprogs' (v6.13)"
#define ST_OPS	"5bd36da1e37e 'bpf: Support private stack for struct_ops progs' (v6.13)"
#define PREEMPT \
	"measured on 6.18.44: KPROBE programs that may run preemptible (attach type 0, " \
	"which covers kprobe, kretprobe, uprobe, usdt and ksyscall, and uprobe.multi) are " \
	"refused a private stack; the commit is not identified (docs/kernel-stack.md §4)"
#define KMULTI \
	"measured on 6.18.44: expected attach type kprobe_multi keeps the private stack"
#define KSESSION \
	"measured on 6.18.44 by loading with attach type kprobe_session (libbpf 1.1 " \
	"does not know the section): keeps the private stack"

const struct bc_priv_stack_fact bc_priv_stack_facts[] = {
	{ "kprobe", NULL, BC_KV_PRIV_STACK, true, E00931, false },
	{ "kprobe", NULL, BC_KV(6, 18), false, PREEMPT, true },
	{ "kprobe", "kprobe.multi", BC_KV(6, 18), true, KMULTI, true },
	{ "kprobe", "kretprobe.multi", BC_KV(6, 18), true, KMULTI, true },
	{ "kprobe", "kprobe.session", BC_KV(6, 18), true, KSESSION, false },
	{ "tracepoint", NULL, BC_KV_PRIV_STACK, true, E00931, true },
	{ "raw_tracepoint", NULL, BC_KV_PRIV_STACK, true, E00931, true },
	{ "perf_event", NULL, BC_KV_PRIV_STACK, true, E00931, true },
	/* tp_btf, fentry, fexit, fmod_ret: the trampoline's recursion check */
	{ "tracing", NULL, BC_KV_PRIV_STACK, true, E00931, true },
	/* bpf_prog_check_recur() is false for BPF_TRACE_ITER */
	{ "tracing", "iter", BC_KV_PRIV_STACK, false, E00931, true },
	/* LSM and STRUCT_OPS: bpf_prog_check_recur() is false; a struct_ops map
	 * may request it (priv_stack_requested), which an object does not show */
	{ "lsm", NULL, BC_KV_PRIV_STACK, false, E00931, false },
	{ "struct_ops", NULL, BC_KV_PRIV_STACK, false, ST_OPS, false },
};

const size_t bc_nr_priv_stack_facts = sizeof(bc_priv_stack_facts) / sizeof(bc_priv_stack_facts[0]);

/* bpf_jit_supports_private_stack() per architecture (uname -m spelling). */
const struct bc_priv_stack_jit bc_priv_stack_jits[] = {
	{ "x86_64", BC_KV_PRIV_STACK,
	  "7d1cd70d4b16 'bpf, x86: Support private stack in jit' (v6.13)" },
	{ "aarch64", BC_KV(6, 17),
	  "6c17a882d380 'bpf, arm64: JIT support for private stack' (bpf-next, July 2025: v6.17)" },
};

const size_t bc_nr_priv_stack_jits = sizeof(bc_priv_stack_jits) / sizeof(bc_priv_stack_jits[0]);

bool bc_priv_stack_jit(const char *arch, int kernel)
{
	for (size_t i = 0; arch && i < bc_nr_priv_stack_jits; i++)
		if (!strcmp(bc_priv_stack_jits[i].arch, arch))
			return kernel >= bc_priv_stack_jits[i].since;
	return false;
}

/* "iter/task" and "iter.s/task" are under "iter"; "iterator" is not. */
static bool under(const char *section, const char *prefix)
{
	size_t n = strlen(prefix);

	return section && !strncmp(section, prefix, n) &&
	       (section[n] == '/' || section[n] == '.' || section[n] == '\0');
}

const struct bc_priv_stack_fact *bc_priv_stack_fact(const char *prog_type, const char *section,
						    int kernel)
{
	const struct bc_priv_stack_fact *best = NULL;

	if (!prog_type)
		return NULL;
	for (size_t i = 0; i < bc_nr_priv_stack_facts; i++) {
		const struct bc_priv_stack_fact *r = &bc_priv_stack_facts[i];

		if (strcmp(r->prog_type, prog_type) || kernel < r->since)
			continue;
		if (r->attach && !under(section, r->attach))
			continue;
		/* a narrower row wins over a general one; a later one over an earlier */
		if (!best || (r->attach && !best->attach) ||
		    (!!r->attach == !!best->attach && r->since >= best->since))
			best = r;
	}
	return best;
}
