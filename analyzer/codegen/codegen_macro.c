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

/*
 * `if c { a } else { b }` as an expression (0.25+ IfExpr, what a macro body
 * or block ending in an if is): no value, or an integer or bool met in a
 * phi, as codegen_llvm.cpp's visit(IfExpr) does; another value type (a
 * string or aggregate buffer) is not modelled here.
 */
int cg_if_value(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_stype *t = e->type;
	bool value = t && !cg_is_none(t) && t->kind != BC_ST_VOID;
	LLVMBasicBlockRef left = cg_block(c, "left"), right = cg_block(c, "right");
	LLVMBasicBlockRef done = cg_block(c, "done"), lend, rend;
	struct cg_val cond = { 0 }, l = { 0 }, r = { 0 };
	LLVMTypeRef ty = NULL;
	int err;

	if (value && !cg_is_int(t))
		return cg_unsupported(c, &e->span, "if expression",
				      "an if expression of type %s is not modelled",
				      bc_stype_kind_name(t->kind));
	if (value && !(ty = cg_type(c, t, &e->span)))
		return c->err;
	if ((err = cg_expr(c, e->u.if_.cond, &cond)))
		return err;
	if (!cond.v)
		return cg_unsupported(c, &e->u.if_.cond->span, "if", "the condition has no value");
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, cond.v,
					    LLVMConstNull(LLVMTypeOf(cond.v)), "true_cond"),
			left, right);
	LLVMPositionBuilderAtEnd(c->b, left);
	if ((err = cg_block_value(c, e->u.if_.then, &l)))
		return err;
	lend = LLVMGetInsertBlock(c->b);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, right);
	if (e->u.if_.els && (err = cg_expr(c, e->u.if_.els, &r)))
		return err;
	rend = LLVMGetInsertBlock(c->b);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
	if (value) {
		LLVMValueRef in[2], phi;
		LLVMBasicBlockRef from[2] = { lend, rend };

		if (!l.v || !r.v)
			return cg_unsupported(c, &e->span, "if expression", "a branch has no value");
		/* each branch casts its value to the result type before it jumps */
		LLVMPositionBuilderBefore(c->b, LLVMGetBasicBlockTerminator(lend));
		in[0] = cg_intcast(c, l.v, ty, t->is_signed, NULL);
		LLVMPositionBuilderBefore(c->b, LLVMGetBasicBlockTerminator(rend));
		in[1] = cg_intcast(c, r.v, ty, t->is_signed, NULL);
		LLVMPositionBuilderAtEnd(c->b, done);
		phi = LLVMBuildPhi(c->b, ty, "result");
		LLVMAddIncoming(phi, in, from, 2);
		out->v = phi;
	}
	cg_end(c, &l);
	cg_end(c, &r);
	cg_end(c, &cond);
	return cg_irb_err(c);
}
