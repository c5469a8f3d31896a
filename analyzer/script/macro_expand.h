/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Script macros (`macro name(a, $b, @c) { ... }`, bpftrace 0.24+) expanded
 * at a call site as bpftrace's MacroExpansion pass does: a copy of the body
 * in which an identifier parameter is the call's argument expression
 * (evaluated where it is used), a `$var` parameter is the caller's
 * variable, a `@map` parameter the caller's map, and the variables the body
 * assigns or declares are the macro's own ("$$name_$x"; nested expansions
 * on bpftrace after 0.24 add the depth: "$$name_2_$x").
 */
#ifndef BC_SCRIPT_MACRO_EXPAND_H
#define BC_SCRIPT_MACRO_EXPAND_H

#include "../base/arena.h"
#include "ast.h"

/*
 * The body of M expanded for CALL (a BC_EXPR_CALL, or an IDENT naming a
 * macro of no arguments), allocated in A. DEPTH is the number of macro
 * expansions the call is inside plus one; VERSION the target bpftrace.
 * NULL when the argument count differs, a `$`/`@` parameter is not given a
 * variable/map, or memory runs out.
 */
struct bc_block *bc_macro_expand(struct bc_arena *a, const struct bc_macro *m,
				 const struct bc_expr *call, unsigned depth, int version);

#endif
