/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stack-slot liveness over an LLVM function: which allocas are live at the
 * program point where the most slot bytes are live (the peak).
 *
 * A slot is live from its first use after an llvm.lifetime.start to an
 * llvm.lifetime.end on its alloca, along the control-flow graph (forward
 * dataflow over basic blocks). That is the model of LLVM's StackColoring,
 * which lets slots share frame bytes: it starts a lifetime at the first use,
 * not at the marker (stackcoloring-lifetime-start-on-first-use), except for
 * a slot also used outside its start..end range, which is live from the
 * marker. A use is any instruction taking the slot's address (casts and GEPs
 * fold into their users). A slot without a start marker is live from
 * function entry, one without an end marker to every exit; so an alloca
 * with no markers is live everywhere. Blocks unreachable from the entry are
 * ignored, as code generation drops them. On hand-written cases (branches,
 * loops, first use, early use) the peak equals llc-19's frame.
 *
 * Bytes: LLVM 19's BPF backend places each frame object at its own alignment
 * (a [3 x i8] takes 3 bytes, two of them share one 8-byte word) and rounds
 * the whole frame to 8. So a slot counts its alloc size rounded up to its
 * alignment, and the peak total is rounded up to 8.
 */
#ifndef BC_STACK_LIVENESS_H
#define BC_STACK_LIVENESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>

#include "../core/facts.h"

/* BPF frames are 8-byte aligned (the verifier rounds depths the same way). */
#define BC_STACK_FRAME_ALIGN 8

struct bc_live_slot {
	LLVMValueRef alloca;
	char *name;		/* IR name; "" when unnamed */
	uint64_t alloc_bytes;	/* DataLayout alloc size times the element count */
	uint32_t align;		/* the alloca's alignment */
	uint32_t bytes;		/* alloc_bytes rounded up to align */
	bool has_start;		/* at least one lifetime.start reaches this alloca */
	bool has_end;
	bool dynamic;		/* element count not constant: one element counted */
	bool live_at_peak;
};

struct bc_liveness {
	struct bc_live_slot *slots;	/* in function order */
	size_t nr_slots;
	uint64_t peak_bytes;		/* slot bytes live at the peak, rounded to 8 */
	uint64_t peak_raw_bytes;	/* the same, not rounded */
	uint64_t total_bytes;		/* sum of all slot bytes (no sharing) */
	LLVMBasicBlockRef peak_block;	/* where the peak is; NULL when no slot is live */
	LLVMValueRef peak_inst;		/* after this instruction; NULL = block entry */
	/* The sets of slots live together (indexes into slots) at the program
	 * points no other point's set contains, in the order first reached:
	 * the peak without some slots is the largest sum left in a set. */
	struct bc_live_set *sets;
	size_t nr_sets;
};

/* Computes liveness for function FN (a definition) with data layout TD.
 * 0, -EINVAL (FN is a declaration), -ENOMEM. */
int bc_liveness_compute(LLVMValueRef fn, LLVMTargetDataRef td, struct bc_liveness *out);
void bc_liveness_free(struct bc_liveness *l);

#endif
