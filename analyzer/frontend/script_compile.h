/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The script's stack facts: after parsing and semantic analysis, the code
 * the target bpftrace would generate (analyzer/codegen/codegen.h), compiled in
 * process like bpftrace compiles it (analyzer/llvm/compile.h: O3, the BPF
 * backend, the object analysis), with every frame byte the slots explain
 * attributed to its construct and source span.
 *
 * Each function of the object is mapped back to its probe: the function is
 * named after the probe (its attach points joined by ',', as bpftrace's
 * Probe::name()) or, for a probe bpftrace expands, after one attach point;
 * its source span becomes the probe's attach points (or that attach point),
 * so stack findings point at the probe in the script.
 *
 * A construct the code generation model does not cover leaves its probe
 * without a stack figure: the other probes are compiled one by one, and the
 * missing ones are listed in the result (never guessed).
 */
#ifndef BC_SCRIPT_COMPILE_H
#define BC_SCRIPT_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/diag.h"

struct bc_unit;
struct bc_target;

/* A probe left without a stack figure. */
struct bc_script_uncompiled {
	size_t item;		/* index in script->items */
	struct bc_span span;	/* the construct code generation stopped at */
	char *message;		/* why */
};

struct bc_script_compile_result {
	size_t nr_probes;	/* probes in the script */
	size_t nr_functions;	/* functions the object has for them */
	struct bc_script_uncompiled *uncompiled;
	size_t nr_uncompiled, cap_uncompiled;
	uint64_t codegen_ns, compile_ns;
	/* compile_ns in parts: the optimiser, liveness and slots, the BPF
	 * backend, the object analysis (the rest is setting the backend up) */
	uint64_t opt_ns, slots_ns, backend_ns, object_ns;
	unsigned threads;	/* most threads one compile used (-j) */
};

/*
 * Compiles U (parsed: u->script; analysed: bc_sema_of(u)) for target T and
 * appends the object's functions, with slots and probe spans, to u->facts.
 * R (may be NULL) receives what was compiled; free it with
 * bc_script_compile_result_free. Returns 0 (also when some probes could not
 * be compiled, see R); -EINVAL when the unit has no analysed script, or the
 * backend/object errors of bc_compile_module (the unit failed); -ENOMEM.
 * Wildcard tracepoints are expanded against T's source (its tracefs, or a
 * target file).
 */
int bc_script_compile(struct bc_unit *u, const struct bc_target *t,
		      struct bc_script_compile_result *r);
void bc_script_compile_result_free(struct bc_script_compile_result *r);

/*
 * The script front end's last step: bc_script_compile when the script
 * parsed and analysed without errors (no BC100, no BC102: bpftrace would
 * not get to code generation either), then a BC205 note for each probe left
 * without a stack figure, except those whose types were guessed for want of
 * the kernel: those are counted in u->kernel_gap_probes (BC105). 0, or a negative errno after bc_unit_fail.
 */
int bc_script_compile_unit(struct bc_unit *u, const struct bc_target *t);

/* Maps U's functions to the probes of its script (names, spans); called
 * by bc_script_compile, exposed for tests. Returns how many were mapped. */
size_t bc_script_map_probes(struct bc_unit *u, int bpftrace);

#endif
