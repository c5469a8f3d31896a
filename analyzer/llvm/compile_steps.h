/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The two halves of bc_compile_module (compile.h), in compile_steps.c:
 * the serial compile (compile.c) and the parallel one (compile_split.h)
 * are both made of them, and neither calls the other back.
 *
 *   bc_compile_to_object: one module -> optimised -> slots per function ->
 *     object. It touches nothing but the module, its context and the
 *     (read-only) provenance table, so modules of separate LLVM contexts
 *     may be compiled on separate threads at once.
 *   bc_compile_absorb: that object analysed into the unit's facts
 *     (bc_object_analyze) and the slots attached to its functions. Main
 *     thread only.
 */
#ifndef BC_IR_COMPILE_STEPS_H
#define BC_IR_COMPILE_STEPS_H

#include <stddef.h>

#include "backend.h"
#include "compile.h"
#include "fn_slots.h"

struct bc_compile_out {
	struct bc_backend_result res;	/* the object; errors LLVM reported */
	struct bc_fn_slots *fs;
	size_t nr_fs;
	struct bc_compile_stats st;
	int err;			/* set-up, optimisation or emission failure */
	char *message;			/* what failed, when err */
};

/* 0, or OUT->err (OUT->message says what failed). */
int bc_compile_to_object(struct bc_ir_module *m, const struct bc_prov_table *prov,
			 const struct bc_compile_opts *o, struct bc_compile_out *out);
/*
 * Appends OUT's object functions to U's facts and attaches their slots
 * (OUT->st.nr_attached, object_ns). Backend errors in OUT->res are left to
 * the caller. 0, or a negative errno after bc_unit_fail.
 */
int bc_compile_absorb(struct bc_unit *u, const struct bc_target *t, struct bc_compile_out *out);
/* The first backend error as a unit failure, after the facts are kept:
 * what bpftrace reports as a compile error. 0 when there is none. */
int bc_compile_backend_error(struct bc_unit *u, const struct bc_backend_result *res);
void bc_compile_out_free(struct bc_compile_out *out);

#endif
