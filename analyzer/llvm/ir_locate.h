/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Source positions in textual IR: the line that defines a function or an
 * alloca, so that findings on .ll inputs point at a line. LLVM-C does not
 * keep positions of parsed IR, so the definition is found again in the text
 * from the names as LLVM prints them (quoted and escaped when needed).
 */
#ifndef BC_IR_LOCATE_H
#define BC_IR_LOCATE_H

#include "../core/diag.h"

struct bc_unit;

/* The "define ... @NAME(" line. 0, or -ENOENT (not textual IR, not found). */
int bc_ir_locate_function(const struct bc_unit *u, const char *name, struct bc_span *span);
/* The "@NAME = ..." line that defines global NAME. 0, or -ENOENT. */
int bc_ir_locate_global(const struct bc_unit *u, const char *name, struct bc_span *span);
/* The "%NAME = alloca" line inside the function whose define line is FN.
 * 0 or -ENOENT. */
int bc_ir_locate_alloca(const struct bc_unit *u, const struct bc_span *fn, const char *name,
			struct bc_span *span);
/* NAME as LLVM prints it after its sigil: bare, or quoted with \XX escapes.
 * Heap string, NULL on ENOMEM. */
char *bc_ir_printed_name(const char *name);

#endif
