/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Facts: what every input kind is reduced to (programs, frames, slots, call
 * chains). Object analysis, IR analysis and script compilation all fill the
 * same structures, so the stack rules and the reporters are written once.
 */
#ifndef BC_FACTS_H
#define BC_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

enum bc_placement {
	BC_PLACE_STACK = 0,
	BC_PLACE_SCRATCH = 1,
};

/* A named stack slot (an IR alloca or a construct) and where it came from. */
struct bc_slot {
	char *construct;	/* "map-key", "str", "tuple", "variable", "printf-args", ... */
	char *name;		/* "@a", "$s", IR name */
	uint32_t bytes;
	char *path;		/* source file; NULL = the unit's */
	struct bc_span span;
	bool live_at_peak;
	bool script_dependent;
	char **origin;		/* chain of copies, source first: "str() at 3:8", ... */
	size_t nr_origin;
	/* where its script-sized bytes come from: the records of its chain of
	 * copies that copy nothing themselves and whose size follows the script
	 * (str() call sites, ...); else the chain's first record. Empty when
	 * unknown (no provenance). */
	struct bc_span *sources;
	size_t nr_sources;
	enum bc_placement placement;
	uint64_t scratch_bytes;	/* memory cost when placed in scratch storage */
	/* From debug info (IR: llvm.dbg.declare/assign; objects: DWARF): the
	 * variable's C type, and the __always_inline helper whose inlined code
	 * declares or fills the slot, called from this function at CALL_SPAN
	 * (line/col in PATH). NULL / line 0 when unknown. */
	char *type;
	char *helper;
	bool declared_in_helper;
	struct bc_span call_span;
};

/* Slots live together at one program point (indexes into bc_func.slots). */
struct bc_live_set {
	uint32_t *slots;
	size_t nr;
};

/* A stack-model violation found along a call chain (kernel rules). */
enum bc_chain_issue_kind {
	BC_CHAIN_COMBINED_TOO_LARGE = 1, /* "combined stack size of N calls is M" */
	BC_CHAIN_TOO_DEEP,		 /* more than MAX_CALL_FRAMES frames */
	BC_CHAIN_TAIL_CALL_FRAME,	 /* tail call with >= 256 bytes of caller frames */
	BC_CHAIN_PRIV_STACK_TOO_LARGE,	 /* private-stack subprog over the limit */
	BC_CHAIN_RECURSION,		 /* a call cycle; the verifier refuses it */
};

struct bc_chain_issue {
	enum bc_chain_issue_kind kind;
	uint32_t bytes;		/* combined / caller-frame / subprog bytes */
	uint32_t frames;	/* number of frames in the chain */
	size_t *chain;		/* function indexes, root first */
	size_t nr_chain;
};

/* One function: a program (entry point) or a BPF-to-BPF subprogram. */
struct bc_func {
	char *name;
	char *section;
	bool is_entry;		/* a program the kernel loads, not a subprog */
	bool is_callback;	/* reached through a callback reference (bpf_loop, ...) */
	bool is_async_callback;	/* a timer/workqueue callback: runs on its own stack, so
				 * it is a root of its own and not part of its referrer's chain */
	bool has_tail_call;
	char *prog_type;	/* "kprobe", "tracepoint", ... from the section; NULL = unknown */
	uint32_t insn_off;	/* first instruction (index within its section) */
	uint32_t insn_cnt;
	uint32_t frame_bytes;	/* verifier depth: deepest r10 access, rounded to 8 */
	uint32_t deepest_insn;	/* instruction that reaches the deepest offset */
	/* where the function is in source: from .BTF.ext/DWARF line info, else unset */
	char *src_path;
	struct bc_span src_span;
	/* callees (indexes into bc_facts.funcs) */
	size_t *callees;
	size_t nr_callees;
	/* for entries: the deepest chain under the kernel model */
	uint32_t chain_bytes;
	size_t *chain;		/* function indexes, root first */
	size_t nr_chain;
	struct bc_chain_issue *issues;
	size_t nr_issues;
	/* per-construct attribution (scripts and IR); empty for plain objects */
	struct bc_slot *slots;
	size_t nr_slots;
	uint32_t slot_peak_bytes;	/* bytes of slots live at the peak */
	uint32_t unattributed_bytes;	/* frame bytes no named slot accounts for */
	bool has_attribution;
	/* The maximal sets of stack slots live together (no set contains
	 * another; the peak is the largest): the peak without some slots is the
	 * largest sum of what remains in a set. Empty when not computed. */
	struct bc_live_set *live_sets;
	size_t nr_live_sets;
};

/*
 * A counting loop: a bpf_for_each_map_elem call whose callback only counts,
 * so that the call computes the number of elements of the map, as
 * bpftrace's len() does. Found in the BPF objects of every input kind
 * (analyzer/object/count_loops.c); the IR front end places each at its
 * function's `define` line.
 */
struct bc_count_loop {
	char *func;		/* the function that makes the call */
	char *callback;		/* the counting callback */
	char *map;		/* the map's name; NULL when not known */
	int map_type;		/* enum bpf_map_type; -1 when not known */
	bool counter;		/* the callback increments *ctx (else: the result is used) */
	struct bc_span span;	/* in the unit's file; line 0: unknown */
};

struct bc_facts {
	struct bc_func *funcs;
	size_t nr_funcs, cap_funcs;
	struct bc_count_loop *count_loops;
	size_t nr_count_loops, cap_count_loops;
};

void bc_facts_free(struct bc_facts *f);
void bc_slot_free(struct bc_slot *s);
void bc_live_sets_free(struct bc_live_set *v, size_t n);

#endif
