/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A script's probes compiled on several threads.
 *
 * Every function bpftrace generates is a program of its own: no function
 * calls or references another, maps are reached through constant
 * descriptors. Such a module splits into parts along its functions without
 * changing what any of them becomes, because every pass of the pipeline
 * that could look across functions (inlining, argument and global
 * optimisation, merging) has nothing to act on. The parts are balanced by
 * instruction count (largest first, to the lightest part), each part but
 * the first is carried into an LLVM context of its own as bitcode, and
 * each is optimised, sliced into slots and emitted on its own thread with
 * its own target machine (bc_compile_to_object). The objects are then
 * analysed into the unit one after another and its functions put back in
 * the module's order, so the facts and reports are those of the serial
 * compile; tests/unit/test_compile.c compares the two.
 *
 * The number of threads is T->jobs (-j; 0: one per online CPU), at most one
 * per defined function and at most BC_COMPILE_MAX_JOBS.
 */
#ifndef BC_IR_COMPILE_SPLIT_H
#define BC_IR_COMPILE_SPLIT_H

#include "compile.h"

#define BC_COMPILE_MAX_JOBS 16

/*
 * Compiles M as bc_compile_module does, on several threads. -EAGAIN (and
 * nothing done, M untouched) when it would run on one thread: one job, one
 * defined function, a function referenced by anything, or an LLVM without
 * thread support. Otherwise 0, or a negative errno after bc_unit_fail;
 * M's functions outside the first part are deleted from M.
 */
int bc_compile_split(struct bc_unit *u, const struct bc_target *t, struct bc_ir_module *m,
		     const struct bc_prov_table *prov, const struct bc_compile_opts *o,
		     struct bc_compile_stats *stats);

/* The number of threads JOBS asks for (0: one per online CPU), capped. */
unsigned bc_compile_jobs(int jobs);

#endif
