/* SPDX-License-Identifier: Apache-2.0 */
/* Every expression of a parsed script, in source order (pre-order: an
 * expression before the expressions inside it): probe predicates and bodies,
 * function bodies. */
#ifndef BC_SCRIPT_WALK_H
#define BC_SCRIPT_WALK_H

#include "../script/ast.h"

typedef void (*bc_script_expr_fn)(const struct bc_expr *e, void *arg);

void bc_script_walk_exprs(const struct bc_script *s, bc_script_expr_fn fn, void *arg);

#endif
