/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which programs the verifier gives per-CPU private stacks, per kernel
 * version, as data: one row per fact, with the kernel commit (or the
 * measurement) it rests on. docs/kernel-stack.md §4 is the same table in
 * prose; tests/unit/test_verifier.c loads one program per type on the
 * running kernel and compares.
 */
#ifndef BC_CORE_PRIV_STACK_H
#define BC_CORE_PRIV_STACK_H

#include <stdbool.h>
#include <stddef.h>

struct bc_priv_stack_fact {
	const char *prog_type;	/* as bc_func.prog_type: "kprobe", "tracing", ... */
	const char *attach;	/* section prefix that narrows the row ("iter"), NULL = any */
	int since;		/* first kernel (BC_KV) the row holds for */
	bool priv;		/* frames of 64 bytes or more go to a private stack */
	const char *source;	/* the commit that set it, or how it was established */
	bool measured;		/* confirmed by loading a program (docs/kernel-stack.md) */
};

/* The table, in order of prog_type then since. */
extern const struct bc_priv_stack_fact bc_priv_stack_facts[];
extern const size_t bc_nr_priv_stack_facts;

/* Which JITs support private stacks, from which kernel (the x86-64 JIT
 * first; arm64 later). */
struct bc_priv_stack_jit {
	const char *arch;	/* as uname -m: "x86_64", "aarch64" */
	int since;		/* BC_KV */
	const char *source;	/* the commit */
};

extern const struct bc_priv_stack_jit bc_priv_stack_jits[];
extern const size_t bc_nr_priv_stack_jits;

/* Whether ARCH's JIT gives private stacks on KERNEL. */
bool bc_priv_stack_jit(const char *arch, int kernel);

/* The row that decides PROG_TYPE loaded from SECTION on KERNEL (BC_KV), or
 * NULL when no row does (no private stack). Needs a JIT that supports
 * private stacks: the caller checks it (bc_priv_stack_jit). */
const struct bc_priv_stack_fact *bc_priv_stack_fact(const char *prog_type, const char *section,
						    int kernel);

#endif
