// SPDX-License-Identifier: Apache-2.0
/*
 * Block expressions and script macros (0.24+). bpftrace's MacroExpansion
 * pass replaces a macro call (or an identifier naming a macro of no
 * arguments) by a block expression, a copy of the body with the
 * parameters bound (analyzer/script/macro_expand.h); codegen_llvm.cpp's
 * visit(BlockExpr) generates its statements in order and yields the value
 * of the last expression. Semantic analysis keeps the expanded, typed body
 * of every use (bc_sema_macro_body), which is what is generated here: the
 * macro's variables are allocated like any other (their own slots, named
 * "$$name_$x" as bpftrace renames them).
 */
#include <string.h>

#include "codegen_impl.h"

int cg_block_value(struct cg *c, const struct bc_block *b, struct cg_val *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	if (!b)
		return 0;
	for (size_t i = 0; i < b->n; i++) {
		err = cg_stmt(c, b->stmts[i]);
		if (err)
			return err;
	}
	return b->tail ? cg_expr(c, b->tail, out) : 0;
}

bool cg_macro_use(struct cg *c, const struct bc_expr *e, struct cg_val *out, int *err)
{
	const struct bc_block *b = bc_sema_macro_body(c->sema, e);

	if (!b)
		return false;
	*err = cg_block_value(c, b, out);
	return true;
}
