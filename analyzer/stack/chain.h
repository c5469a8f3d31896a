/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel's combined stack-depth model over a call graph (docs/kernel-stack.md §3). */
#ifndef BC_STACK_CHAIN_H
#define BC_STACK_CHAIN_H

struct bc_facts;
struct bc_target;

/*
 * For every entry function in F: walks its call graph the way
 * check_max_stack_depth() does for target T (per-frame rounding, at most
 * BC_MAX_CALL_FRAMES frames, the tail-call rule, private stacks) and fills
 * chain_bytes/chain (the deepest chain) and issues (every violation).
 * 0 or negative errno (-ENOMEM).
 */
int bc_stack_chains(struct bc_facts *f, const struct bc_target *t);

#endif
