/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Counting loops (analyzer/object/count_loops.h) in LLVM IR: the module is
 * compiled in memory as the IR front end compiles it (optimised first when
 * it was not), and the object is searched; each loop is placed at its
 * function's `define` line when the IR is textual.
 */
#ifndef BC_IR_COUNT_LOOPS_H
#define BC_IR_COUNT_LOOPS_H

#include <stddef.h>

#include "../object/count_loops.h"

struct bc_unit;

/* 0, or a negative errno (the IR does not parse or compile: the front end
 * already reported that; -ENOMEM). */
int bc_ir_count_loops(struct bc_unit *u, struct bc_count_loop **out, size_t *nr);

#endif
