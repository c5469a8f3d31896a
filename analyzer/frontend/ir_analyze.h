/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The LLVM IR front end: .ll / .bc units to facts.
 *
 *   load (verified module) -> optimise when the module was not optimised
 *   (opt_state.h) -> slot liveness and attribution per function, on the IR
 *   that goes into code generation -> BPF backend in memory ->
 *   bc_object_analyze on that object (frames, calls, chains) -> each
 *   bc_func gets the slots of the LLVM function of the same name.
 *
 * Per function: slot_peak_bytes is the IR model's peak (liveness.h);
 * unattributed_bytes = frame_bytes - slot_peak_bytes when the frame is
 * larger (spills and temporaries of the backend), else 0. A peak larger than
 * the frame is kept as it is: code generation shared or dropped slot bytes
 * the IR model counts (for instance a slot whose stores were all dead), and
 * bytes are never moved between constructs to hide that.
 */
#ifndef BC_IR_ANALYZE_H
#define BC_IR_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bc_unit;
struct bc_target;

struct bc_ir_options {
	const char *cpu;	/* BPF cpu for code generation; NULL = "generic" (bpftrace) */
	int optimize;		/* -1 auto (default), 0 never, 1 always */
};

struct bc_ir_stats {
	bool optimized;		/* the optimiser ran */
	bool bpftrace;		/* the module came from bpftrace (source_filename) */
	uint64_t load_ns, opt_ns, analyze_ns, codegen_ns, object_ns;
};

/* For BC_KIND_LLVM_IR / BC_KIND_LLVM_BC units. 0, or a negative errno after
 * bc_unit_fail (unreadable IR, a non-BPF module, backend errors). */
int bc_ir_analyze(struct bc_unit *u, const struct bc_target *t);
/* The same for a module given as BITCODE (the C front end's): the unit's
 * own bytes are its source, not IR. */
int bc_ir_analyze_bitcode(struct bc_unit *u, const struct bc_target *t, const void *bitcode,
			  size_t size);
/* The same with options; O and STATS may be NULL. */
int bc_ir_analyze_ex(struct bc_unit *u, const struct bc_target *t,
		     const struct bc_ir_options *o, struct bc_ir_stats *stats);

#endif
