/* SPDX-License-Identifier: Apache-2.0 */
/*
 * From a module bpfcheck's own code generation built to facts:
 *
 *   optimise like bpftrace (O3, bpftrace's tuning) -> per defined function,
 *   slot liveness on the IR that goes into code generation, joined with the
 *   provenance records (prov_slots.h) -> the BPF backend, in memory ->
 *   bc_object_analyze on that object (frames as the verifier computes them,
 *   calls, chains) -> each bc_func receives the slots of its LLVM function
 *   (fn_slots.h).
 *
 * The object is what bpftrace would load; its frames are measured, never
 * the sum of the slots. What the slots do not explain is shown as
 * unattributed bytes.
 */
#ifndef BC_IR_COMPILE_H
#define BC_IR_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bc_unit;
struct bc_target;
struct bc_ir_module;
struct bc_prov_table;
struct bc_backend;
struct bc_fn_slots;

struct bc_compile_opts {
	const char *cpu;	/* BPF cpu; NULL = "generic", as bpftrace */
	bool no_optimize;	/* the module is already optimised */
};

struct bc_compile_stats {
	uint64_t opt_ns, analyze_ns, codegen_ns, object_ns;
	size_t nr_functions;	/* defined functions given slots */
	size_t nr_attached;	/* of those, found in the object */
	unsigned threads;	/* threads that compiled the module (compile_split.h) */
};

/*
 * Compiles M (PROV: its provenance, may be NULL, then slots keep their IR
 * names) and appends the object's functions, with slots, to U's facts.
 * O and STATS may be NULL. Returns 0; or a negative errno after
 * bc_unit_fail: the backend could not be set up or produced no object, the
 * object could not be analysed, or LLVM reported an error while generating
 * code (what bpftrace would report as a compile error; the facts stay).
 */
int bc_compile_module(struct bc_unit *u, const struct bc_target *t, struct bc_ir_module *m,
		      const struct bc_prov_table *prov, const struct bc_compile_opts *o,
		      struct bc_compile_stats *stats);

/*
 * What the IR input and the script paths share after optimisation and slot
 * analysis: emit M's object with backend B, analyse it into U's facts
 * (bc_object_analyze), attach each function's slots (FS). A backend error
 * (LLVM refused something) fails U after the facts are kept, as bpftrace
 * reports a compile error. 0 or a negative errno (U failed).
 */
int bc_compile_emit(struct bc_unit *u, const struct bc_target *t, struct bc_backend *b,
		    struct bc_ir_module *m, struct bc_fn_slots *fs, size_t nr_fs,
		    uint64_t *codegen_ns, uint64_t *object_ns, size_t *nr_attached);

#endif
