/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel facts the stack model rests on, in one place
 * (docs/kernel-stack.md). Nothing else in the tree spells these out.
 */
#ifndef BC_KERNEL_LIMITS_H
#define BC_KERNEL_LIMITS_H

#include "../base/version.h"

#define BC_MAX_BPF_STACK		512	/* include/linux/filter.h */
#define BC_MAX_CALL_FRAMES		8	/* include/linux/bpf_verifier.h */
#define BC_TAIL_CALL_FRAME_LIMIT	256	/* callers' frames before a tail-calling subprog */
#define BC_PRIV_STACK_MIN_SIZE		64	/* verifier.c, private-stack era */
#define BC_STACK_NEAR_LIMIT_PCT		80	/* BC204 threshold, percent of the limit */

/* Per-subprogram rounding before it is added to a chain. */
#define BC_ROUND_INTERP			32	/* interpreter, and every kernel < 6.9 */
#define BC_ROUND_JIT			16	/* JIT requested, kernel >= 6.9 */

/* Kernel versions (BC_KV: major * 256 + minor) where behaviour changes. */
#define BC_KV_JIT_ROUND16		BC_KV(6, 9)	/* "Fix ... failure due to llvm19" */
#define BC_KV_PRIV_STACK		BC_KV(6, 13)	/* private stacks, x86-64 JIT */
#define BC_KV_MAP_SUM_ELEM_COUNT	BC_KV(6, 6)	/* bpf_map_sum_elem_count kfunc */
#define BC_KV_PROBE_READ_KERNEL		BC_KV(5, 5)	/* bpf_probe_read_{kernel,user}[_str] */
#define BC_KV_KTIME_GET_BOOT_NS		BC_KV(5, 8)	/* bpf_ktime_get_boot_ns */
#define BC_KV_RINGBUF			BC_KV(5, 8)	/* BPF_MAP_TYPE_RINGBUF */

#endif
