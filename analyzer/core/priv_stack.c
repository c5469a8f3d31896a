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
 * the combined sum. The series is "bpf: Support private stack for bpf
 * progs" (v6.13; 7d1cd70d4b16 adds the x86-64 JIT side).
 */
#define SERIES	"v6.13, series 'bpf: Support private stack for bpf progs' (7d1cd70d4b16)"
#define KPROBE_618 \
	"measured: 6.18 refuses a 256 + 264 chain as kprobe, kretprobe and uprobe; " \
	"the commit between 6.13 and 6.18 is not identified"

const struct bc_priv_stack_fact bc_priv_stack_facts[] = {
	{ "kprobe", NULL, BC_KV_PRIV_STACK, true, SERIES, false },
	{ "kprobe", NULL, BC_KV(6, 18), false, KPROBE_618, true },
	{ "tracepoint", NULL, BC_KV_PRIV_STACK, true, SERIES, true },
	{ "raw_tracepoint", NULL, BC_KV_PRIV_STACK, true, SERIES, true },
	{ "perf_event", NULL, BC_KV_PRIV_STACK, true, SERIES, true },
	/* tp_btf, fentry, fexit, fmod_ret: the trampoline's recursion check */
	{ "tracing", NULL, BC_KV_PRIV_STACK, true, SERIES, true },
	/* bpf_prog_check_recur() is false for BPF_TRACE_ITER */
	{ "tracing", "iter", BC_KV_PRIV_STACK, false, SERIES, true },
	/* LSM and STRUCT_OPS: bpf_prog_check_recur() is false; a struct_ops map
	 * may request it (priv_stack_requested), which an object does not show */
	{ "lsm", NULL, BC_KV_PRIV_STACK, false, SERIES, false },
	{ "struct_ops", NULL, BC_KV_PRIV_STACK, false, SERIES, false },
};

const size_t bc_nr_priv_stack_facts = sizeof(bc_priv_stack_facts) / sizeof(bc_priv_stack_facts[0]);

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
