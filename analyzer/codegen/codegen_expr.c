// SPDX-License-Identifier: Apache-2.0
/*
 * Expressions: literals, variables, binary and unary operators, field and
 * array access, casts (bpftrace 0.17 CodegenLLVM::visit(Binop/Unop/
 * FieldAccess/ArrayAccess/Cast/Variable), readDatastructElemFromStack,
 * probereadDatastructElem).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen_impl.h"
#include "../base/array.h"

/* ---- what an expression is (bpftrace's SizedType flags, from the AST) ---- */

static bool is_args(const struct bc_expr *e)
{
	return e->kind == BC_EXPR_BUILTIN && !strcmp(e->u.name, "args");
}

static bool is_record(const struct bc_stype *t)
{
	return t && t->kind == BC_ST_CSTRUCT;
}

/* `args` of kfunc/kretfunc/uprobe: the arguments are read one by one
 * (is_funcarg), not through a struct. */
static bool is_funcarg(const struct cg *c, const struct bc_expr *e)
{
	if (e->kind == BC_EXPR_UNOP && e->u.unop.op == BC_OP_DEREF)
		return is_funcarg(c, e->u.unop.operand);
	if (!is_args(e))
		return false;
	return c->pt == BC_PROBE_KFUNC || c->pt == BC_PROBE_KRETFUNC || c->pt == BC_PROBE_UPROBE ||
	       c->pt == BC_PROBE_URETPROBE || c->pt == BC_PROBE_RAWTRACEPOINT;
}

bool cg_is_ctx(struct cg *c, const struct bc_expr *e)
{
	const struct bc_stype *t = e->type;

	switch (e->kind) {
	case BC_EXPR_BUILTIN:
		return !strcmp(e->u.name, "ctx") || !strcmp(e->u.name, "args");
	case BC_EXPR_UNOP:
		return e->u.unop.op == BC_OP_DEREF && cg_is_ctx(c, e->u.unop.operand);
	case BC_EXPR_FIELD:
		/* e.g. ((struct bpf_perf_event_data *)ctx)->regs.ax */
		return cg_is_ctx(c, e->u.field.base) && t &&
		       (t->kind == BC_ST_ARRAY || t->kind == BC_ST_CSTRUCT);
	case BC_EXPR_CAST:
		return cg_is_ctx(c, e->u.cast.operand) && t && t->kind == BC_ST_POINTER &&
		       t->elem && t->elem->kind == BC_ST_CSTRUCT;
	default:
		return false;
	}
}

bool cg_is_internal(struct cg *c, const struct bc_expr *e)
{
	const struct bc_stype *t = e->type;
	const struct cg_var *v;

	switch (e->kind) {
	case BC_EXPR_MAP:
		/* a record or array stored in a map is read into BPF memory */
		return t && (t->kind == BC_ST_CSTRUCT || t->kind == BC_ST_ARRAY);
	case BC_EXPR_VAR:
		/* a variable keeps the type (and the flag) of its value */
		v = cg_var_find(c, e);
		return v && v->internal;
	case BC_EXPR_FIELD:
		return !e->u.field.arrow && !e->u.field.deref && cg_is_internal(c, e->u.field.base);
	case BC_EXPR_INDEX:
		return cg_is_internal(c, e->u.index.base);
	case BC_EXPR_CALL:
		return !strcmp(e->u.call.name, "pton");
	default:
		return false;
	}
}

bool cg_on_stack(struct cg *c, const struct bc_expr *e)
{
	return cg_is_internal(c, e) || cg_on_stack_already(e->type);
}

const char *cg_struct_name(const struct bc_stype *t)
{
	return t && t->name ? t->name : "struct";
}

/* ---- literals ---- */

bool cg_lit_int(struct cg *c, const struct bc_expr *e, int64_t *out)
{
	int64_t v;

	switch (e->kind) {
	case BC_EXPR_INT:
		*out = (int64_t)e->u.num.value;
		return true;
	case BC_EXPR_BOOL:
		*out = e->u.boolean;
		return true;
	case BC_EXPR_UNOP:
		if (e->u.unop.op == BC_OP_NEG && cg_lit_int(c, e->u.unop.operand, &v)) {
			*out = -v;
			return true;
		}
		return false;
	case BC_EXPR_PARAM: {
		const char *s;
		size_t len;
		char *end;

		if (!cg_lit_str(c, e, &s, &len))
			return false;
		v = strtoll(s, &end, 0);
		if (end == s || *end)
			return false;
		*out = v;
		return true;
	}
	case BC_EXPR_PARAMCOUNT:
		*out = (int64_t)c->o->nr_params;
		return true;
	case BC_EXPR_IDENT:
		return bc_sema_expr_ident_value(e, out);
	default:
		return false;
	}
}

bool cg_lit_str(struct cg *c, const struct bc_expr *e, const char **s, size_t *len)
{
	if (e->kind == BC_EXPR_STRING) {
		*s = e->u.str.data;
		*len = e->u.str.len;
		return true;
	}
	if (e->kind == BC_EXPR_PARAM) {
		/* bpftrace passes a missing parameter as "" */
		if (e->u.param >= 1 && (size_t)e->u.param <= c->o->nr_params &&
		    c->o->params[e->u.param - 1])
			*s = c->o->params[e->u.param - 1];
		else
			*s = "";
		*len = strlen(*s);
		return true;
	}
	return false;
}

static int expr_int(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_stype *t = e->type;
	LLVMTypeRef ty = c->irb->i64;

	/* 0.17 makes every integer literal an int64 */
	if (t && cg_is_int(t) && c->ver >= BC_BTV(0, 22, 0)) {
		ty = cg_type(c, t, &e->span);
		if (!ty)
			return c->err;
	}
	out->v = LLVMConstInt(ty, e->kind == BC_EXPR_BOOL ? e->u.boolean : e->u.num.value, 0);
	return 0;
}

/* PositionalParameter: a number, or (inside str()) a string on the stack. */
static int expr_param(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_stype *t = cg_etype(c, e);
	const char *s;
	size_t len;
	int64_t v;

	if (!t)
		return c->err;
	if (e->kind == BC_EXPR_PARAMCOUNT || t->kind != BC_ST_STRING) {
		if (!cg_lit_int(c, e, &v))
			v = 0;	/* bpftrace: an empty parameter is 0 */
		out->v = cg_i64(c, (uint64_t)v);
		return 0;
	}
	cg_lit_str(c, e, &s, &len);
	{
		struct bc_prov p = cg_prov("param-string", NULL, &e->span, true, NULL, 0);
		LLVMValueRef buf = cg_alloca(c, LLVMArrayType2(c->irb->i8, len + 1), "str", &p);

		if (!buf)
			return c->err;
		bc_irb_memset(c->irb, buf, 0, len + 1, 1);
		LLVMBuildStore(c->b, LLVMConstStringInContext2(c->ctx, s, len, 0), buf);
		out->v = LLVMBuildPtrToInt(c->b, buf, c->irb->i64, "");
		out->del = buf;
		out->prov = cg_prov_id(c, buf);
	}
	return 0;
}

/*
 * An identifier: an enum value, or a macro from a header that semantic
 * analysis could only guess (it reported BC101). bpftrace 0.17 gets macros
 * from clang and expands them in its lexer; without their values, each
 * guessed macro gets a small value of its own, in order of first use (17,
 * 18, ...; powers of two skipped): distinct macros compare unequal (a test
 * of AF_INET against AF_INET6 keeps both branches), the value fits the
 * narrow fields they are compared with, and it has no algebraic shortcut,
 * so the instructions around it keep the shape a real value gives them.
 */
#define CG_MACRO_BASE 17

static int macro_value(struct cg *c, const char *name, int64_t *v)
{
	size_t i;
	int64_t x = CG_MACRO_BASE;

	for (i = 0; i < c->nr_macros && strcmp(c->macros[i], name); i++)
		;
	if (i == c->nr_macros) {
		if (BC_GROW(c->macros, c->cap_macros, i + 1))
			return cg_fail(c, -ENOMEM, NULL, "out of memory");
		c->macros[c->nr_macros++] = name;
	}
	for (size_t k = 0; k < i; k++) {
		x++;
		if (!(x & (x - 1)))
			x++;
	}
	*v = x;
	return 0;
}

static int expr_ident(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	int64_t v;
	int err;

	if (cg_macro_use(c, e, out, &err))
		return err;
	if (!bc_sema_expr_ident_value(e, &v)) {
		if (!e->type || !cg_is_int(e->type))
			return cg_unsupported(c, &e->span, "identifier",
					      "the value of %s is not known", e->u.name);
		if (macro_value(c, e->u.name, &v))
			return c->err;
	}
	out->v = cg_i64(c, (uint64_t)v);
	return 0;
}

/* ---- variables ---- */

static int expr_var(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	struct cg_var *v = cg_var_find(c, e);
	const struct bc_stype *t = cg_etype(c, e);

	if (!t)
		return c->err;
	if (!v)
		return cg_unsupported(c, &e->span, "variable",
				      "$%s is read before any assignment", e->u.name);
	/* aggregates are used in place; arrays and structs hold an address */
	if (cg_need_memcpy(t) && t->kind != BC_ST_ARRAY && t->kind != BC_ST_CSTRUCT) {
		out->v = v->slot;
		out->prov = v->prov;
	} else {
		out->v = LLVMBuildLoad2(c->b, v->ty, v->slot, "");
	}
	return 0;
}

/* ---- binary operators ---- */

static int binop_logical(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	bool is_and = e->u.binop.op == BC_OP_LAND;
	const char *pfx = is_and ? "&&" : "||";
	char n1[32], n2[32], n3[32], n4[32], rn[32];
	LLVMBasicBlockRef b_rhs, b2, b3, b_m, b_true, b_false;
	struct cg_val l = { 0 }, r = { 0 };
	struct bc_prov p;
	LLVMValueRef res, cond;
	int err;

	/* createLogicalAnd: &&_lhs_true, &&_true, &&_false, &&_merge;
	 * createLogicalOr:  ||_lhs_false, ||_false, ||_true, ||_merge */
	snprintf(n1, sizeof(n1), "%s_lhs_%s", pfx, is_and ? "true" : "false");
	snprintf(n2, sizeof(n2), "%s_%s", pfx, is_and ? "true" : "false");
	snprintf(n3, sizeof(n3), "%s_%s", pfx, is_and ? "false" : "true");
	snprintf(n4, sizeof(n4), "%s_merge", pfx);
	snprintf(rn, sizeof(rn), "%s_result", pfx);
	b_rhs = cg_block(c, n1);
	b2 = cg_block(c, n2);
	b3 = cg_block(c, n3);
	b_m = cg_block(c, n4);
	b_true = is_and ? b2 : b3;
	b_false = is_and ? b3 : b2;
	p = cg_prov(is_and ? "logical-and" : "logical-or", rn, &e->span, false, NULL, 0);
	res = cg_alloca(c, c->irb->i64, rn, &p);
	if (!res)
		return c->err;
	err = cg_expr(c, e->u.binop.left, &l);
	if (err)
		return err;
	if (!l.v)
		return cg_unsupported(c, &e->u.binop.left->span, pfx, "operand has no value");
	cond = LLVMBuildICmp(c->b, LLVMIntNE, l.v, LLVMConstNull(LLVMTypeOf(l.v)),
			     "lhs_true_cond");
	if (is_and)
		LLVMBuildCondBr(c->b, cond, b_rhs, b_false);
	else
		LLVMBuildCondBr(c->b, cond, b_true, b_rhs);
	LLVMPositionBuilderAtEnd(c->b, b_rhs);
	err = cg_expr(c, e->u.binop.right, &r);
	if (err)
		return err;
	if (!r.v)
		return cg_unsupported(c, &e->u.binop.right->span, pfx, "operand has no value");
	cond = LLVMBuildICmp(c->b, LLVMIntNE, r.v, LLVMConstNull(LLVMTypeOf(r.v)),
			     "rhs_true_cond");
	LLVMBuildCondBr(c->b, cond, b_true, b_false);
	/* the second block created is filled first */
	LLVMPositionBuilderAtEnd(c->b, b2);
	LLVMBuildStore(c->b, cg_i64(c, is_and ? 1 : 0), res);
	LLVMBuildBr(c->b, b_m);
	LLVMPositionBuilderAtEnd(c->b, b3);
	LLVMBuildStore(c->b, cg_i64(c, is_and ? 0 : 1), res);
	LLVMBuildBr(c->b, b_m);
	LLVMPositionBuilderAtEnd(c->b, b_m);
	out->v = LLVMBuildLoad2(c->b, c->irb->i64, res, "");
	/* the operands' scopes end with the function */
	cg_end(c, &r);
	cg_end(c, &l);
	return 0;
}

static LLVMValueRef ptr_offset(struct cg *c, const struct bc_stype *pointee, LLVMValueRef idx)
{
	uint64_t sz = pointee && pointee->kind != BC_ST_POINTER ? pointee->size : 8;

	return LLVMBuildMul(c->b, idx, cg_i64(c, sz), "");
}

static int binop_ptr(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_expr *le = e->u.binop.left, *re = e->u.binop.right;
	struct cg_val l = { 0 }, r = { 0 };
	enum bc_op op = e->u.binop.op;
	LLVMIntPredicate pred;
	int err;

	err = cg_expr(c, le, &l);
	if (!err)
		err = cg_expr(c, re, &r);
	if (err)
		return err;
	if (!l.v || !r.v)
		return cg_unsupported(c, &e->span, "pointer operator", "operand has no value");
	switch (op) {
	case BC_OP_EQ: pred = LLVMIntEQ; break;
	case BC_OP_NE: pred = LLVMIntNE; break;
	case BC_OP_LE: pred = LLVMIntULE; break;
	case BC_OP_GE: pred = LLVMIntUGE; break;
	case BC_OP_LT: pred = LLVMIntULT; break;
	case BC_OP_GT: pred = LLVMIntUGT; break;
	case BC_OP_ADD:
	case BC_OP_SUB: {
		bool lptr = cg_is_ptr(le->type);
		const struct bc_stype *pt = lptr ? le->type : re->type;
		const struct bc_stype *ot = lptr ? re->type : le->type;
		LLVMValueRef pv = lptr ? l.v : r.v, ov = lptr ? r.v : l.v, off;

		if (cg_is_int(ot) && ot->size != 8)
			ov = LLVMBuildZExt(c->b, ov, c->irb->i64, "");
		off = ptr_offset(c, pt->elem, ov);
		out->v = op == BC_OP_ADD ? LLVMBuildAdd(c->b, pv, off, "") :
					   LLVMBuildSub(c->b, pv, off, "");
		goto done;
	}
	default:
		return cg_unsupported(c, &e->u.binop.op_span, "pointer operator",
				      "operator %s on a pointer", bc_op_str(op));
	}
	out->v = LLVMBuildICmp(c->b, pred, l.v, r.v, "");
done:
	cg_end(c, &r);
	cg_end(c, &l);
	return 0;
}

static int binop_int(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_expr *le = e->u.binop.left, *re = e->u.binop.right;
	struct cg_val l = { 0 }, r = { 0 };
	bool ls, rs, sgn;
	LLVMValueRef lhs, rhs, v;
	int err;

	err = cg_expr(c, le, &l);
	if (!err)
		err = cg_expr(c, re, &r);
	if (err)
		return err;
	if (!l.v || !r.v)
		return cg_unsupported(c, &e->span, "operator", "operand has no value");
	ls = le->type && le->type->is_signed;
	rs = re->type && re->type->is_signed;
	sgn = ls && rs;
	lhs = cg_int64(c, l.v, ls);
	rhs = cg_int64(c, r.v, rs);
	switch (e->u.binop.op) {
	case BC_OP_EQ: v = LLVMBuildICmp(c->b, LLVMIntEQ, lhs, rhs, ""); break;
	case BC_OP_NE: v = LLVMBuildICmp(c->b, LLVMIntNE, lhs, rhs, ""); break;
	case BC_OP_LE: v = LLVMBuildICmp(c->b, sgn ? LLVMIntSLE : LLVMIntULE, lhs, rhs, ""); break;
	case BC_OP_GE: v = LLVMBuildICmp(c->b, sgn ? LLVMIntSGE : LLVMIntUGE, lhs, rhs, ""); break;
	case BC_OP_LT: v = LLVMBuildICmp(c->b, sgn ? LLVMIntSLT : LLVMIntULT, lhs, rhs, ""); break;
	case BC_OP_GT: v = LLVMBuildICmp(c->b, sgn ? LLVMIntSGT : LLVMIntUGT, lhs, rhs, ""); break;
	case BC_OP_SHL: v = LLVMBuildShl(c->b, lhs, rhs, ""); break;
	case BC_OP_SHR: v = LLVMBuildLShr(c->b, lhs, rhs, ""); break;
	case BC_OP_ADD: v = LLVMBuildAdd(c->b, lhs, rhs, ""); break;
	case BC_OP_SUB: v = LLVMBuildSub(c->b, lhs, rhs, ""); break;
	case BC_OP_MUL: v = LLVMBuildMul(c->b, lhs, rhs, ""); break;
	/* BPF has no signed division: bpftrace divides unsigned */
	case BC_OP_DIV: v = LLVMBuildUDiv(c->b, lhs, rhs, ""); break;
	case BC_OP_MOD: v = LLVMBuildURem(c->b, lhs, rhs, ""); break;
	case BC_OP_BAND: v = LLVMBuildAnd(c->b, lhs, rhs, ""); break;
	case BC_OP_BOR: v = LLVMBuildOr(c->b, lhs, rhs, ""); break;
	case BC_OP_BXOR: v = LLVMBuildXor(c->b, lhs, rhs, ""); break;
	default:
		return cg_unsupported(c, &e->u.binop.op_span, "operator", "operator %s",
				      bc_op_str(e->u.binop.op));
	}
	/* zero-extended: a sign extension would show -1 for true */
	out->v = cg_int64(c, v, false);
	/* positional parameters used as str($1 + n): the buffer lives on */
	if (le->kind == BC_EXPR_PARAM && l.del)
		out->del = cg_disarm(&l);
	if (re->kind == BC_EXPR_PARAM && r.del)
		out->del = cg_disarm(&r);
	cg_end(c, &r);
	cg_end(c, &l);
	return 0;
}

/* Integer arrays compared element by element (CreateIntegerArrayCmp) is
 * not modelled. */
static int expr_binop(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_stype *lt = cg_etype(c, e->u.binop.left);
	const struct bc_stype *rt = cg_etype(c, e->u.binop.right);
	enum bc_op op = e->u.binop.op;

	if (!lt || !rt)
		return c->err;
	if (op == BC_OP_LAND || op == BC_OP_LOR)
		return binop_logical(c, e, out);
	if (cg_is_ptr(lt) || cg_is_ptr(rt))
		return binop_ptr(c, e, out);
	if (lt->kind == BC_ST_STRING || lt->kind == BC_ST_BUFFER) {
		if (op != BC_OP_EQ && op != BC_OP_NE)
			return cg_unsupported(c, &e->u.binop.op_span, "string operator",
					      "operator %s on strings", bc_op_str(op));
		return cg_strcmp(c, e->u.binop.left, e->u.binop.right, 0, true, op == BC_OP_EQ,
				 out);
	}
	if (lt->kind == BC_ST_ARRAY)
		return cg_unsupported(c, &e->span, "array comparison",
				      "comparing arrays element by element is not modelled");
	if (!cg_is_int(lt) && lt->kind != BC_ST_KSYM && lt->kind != BC_ST_PROBE &&
	    lt->kind != BC_ST_USERNAME && lt->kind != BC_ST_STRERROR)
		return cg_unsupported(c, &e->span, "operator",
				      "operator %s on a %s", bc_op_str(op), bc_stype_kind_name(lt->kind));
	return binop_int(c, e, out);
}

/* ---- unary operators ---- */

static int deref_int(struct cg *c, const struct bc_expr *e, const struct bc_stype *t,
		     LLVMValueRef src, struct cg_val *out)
{
	/* read only as many bytes as the integer has */
	LLVMTypeRef ty = cg_type(c, t, &e->span);
	struct bc_prov p = cg_prov("deref", NULL, &e->span, false, NULL, 0);
	LLVMValueRef dst;

	if (!ty)
		return c->err;
	dst = cg_alloca(c, ty, "deref", &p);
	if (!dst)
		return c->err;
	bc_irb_probe_read(c->irb, dst, cg_i32(c, t->size), src, t->as);
	out->v = cg_int64(c, LLVMBuildLoad2(c->b, ty, dst, ""), t->is_signed);
	bc_irb_lifetime_end(c->irb, dst);
	return 0;
}

static int deref_ptr(struct cg *c, const struct bc_expr *e, const struct bc_stype *t,
		     LLVMValueRef src, struct cg_val *out)
{
	const struct bc_stype *et = t->elem;
	const struct bc_stype *rt = e->type;
	struct bc_prov p;
	LLVMTypeRef ty;
	LLVMValueRef dst;

	/* a struct pointer dereferenced stays its address */
	if (!rt || !(cg_is_int(rt) || cg_is_ptr(rt))) {
		out->v = src;
		return 0;
	}
	ty = cg_type(c, et, &e->span);
	if (!ty)
		return c->err;
	p = cg_prov("deref", NULL, &e->span, false, NULL, 0);
	dst = cg_alloca(c, ty, "deref", &p);
	if (!dst)
		return c->err;
	bc_irb_probe_read(c->irb, dst, cg_i32(c, cg_is_ptr(et) ? 8 : et->size), src, t->as);
	out->v = LLVMBuildLoad2(c->b, ty, dst, "");
	bc_irb_lifetime_end(c->irb, dst);
	return 0;
}

static int expr_unop(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_expr *op = e->u.unop.operand;
	const struct bc_stype *t = cg_etype(c, op);
	enum bc_op o = e->u.unop.op;
	bool incdec = o == BC_OP_PREINC || o == BC_OP_PREDEC || o == BC_OP_POSTINC ||
		      o == BC_OP_POSTDEC;
	struct cg_val v = { 0 };
	int err;

	if (!t)
		return c->err;
	if (o == BC_OP_ADDR)
		return cg_unsupported(c, &e->span, "address-of", "&$var / &@map is not modelled");
	if (incdec) {
		if (op->kind == BC_EXPR_MAP)
			return cg_map_incdec(c, e, op, out);
		if (op->kind == BC_EXPR_VAR) {
			struct cg_var *cv = cg_var_find(c, op);
			uint64_t step = cg_is_ptr(t) && t->elem ? t->elem->size : 1;
			bool inc = o == BC_OP_PREINC || o == BC_OP_POSTINC;
			LLVMValueRef old, nv, k;

			if (!cv)
				return cg_unsupported(c, &op->span, "variable",
						      "$%s is used before any assignment",
						      op->u.name);
			old = LLVMBuildLoad2(c->b, cv->ty, cv->slot, "");
			k = LLVMConstInt(LLVMTypeOf(old), step, 0);
			nv = inc ? LLVMBuildAdd(c->b, old, k, "") : LLVMBuildSub(c->b, old, k, "");
			LLVMBuildStore(c->b, nv, cv->slot);
			out->v = (o == BC_OP_POSTINC || o == BC_OP_POSTDEC) ? old : nv;
			return 0;
		}
		return cg_unsupported(c, &e->span, "increment",
				      "++/-- of something other than a map or variable");
	}
	err = cg_expr(c, op, &v);
	if (err)
		return err;
	if (!v.v)
		return cg_unsupported(c, &e->span, "operator", "operand has no value");
	if (cg_is_int(t)) {
		LLVMTypeRef ty = LLVMTypeOf(v.v);

		switch (o) {
		case BC_OP_LNOT:
			out->v = LLVMBuildICmp(c->b, LLVMIntEQ, v.v, LLVMConstNull(ty), "");
			out->v = cg_intcast(c, out->v, ty, false, NULL);
			break;
		case BC_OP_BNOT:
			out->v = LLVMBuildNot(c->b, v.v, "");
			break;
		case BC_OP_NEG:
			out->v = LLVMBuildNeg(c->b, v.v, "");
			break;
		case BC_OP_DEREF:
			err = deref_int(c, e, t, v.v, out);
			break;
		default:
			err = cg_unsupported(c, &e->span, "operator", "operator %s on an integer",
					     bc_op_str(o));
		}
	} else if (cg_is_ptr(t)) {
		if (o == BC_OP_DEREF)
			err = deref_ptr(c, e, t, v.v, out);
		else
			out->v = v.v;	/* bpftrace does nothing for other operators */
	} else {
		err = cg_unsupported(c, &e->span, "operator", "operator %s on a %s",
				     bc_op_str(o), bc_stype_kind_name(t->kind));
	}
	cg_end(c, &v);
	return err;
}

/* ---- fields, tuples, arrays ---- */

/* readDatastructElemFromStack: an element of a struct/array already in BPF
 * memory (a map value): load scalars, pass aggregates by address. */
static void elem_from_stack(struct cg *c, LLVMValueRef src, LLVMValueRef index,
			    LLVMTypeRef data_ty, const struct bc_stype *elem, LLVMTypeRef elem_ty,
			    struct cg_val *base, struct cg_val *out)
{
	LLVMValueRef ix[2] = { cg_i32(c, 0), index }, p;

	if (LLVMGetTypeKind(LLVMTypeOf(src)) == LLVMIntegerTypeKind)
		src = LLVMBuildIntToPtr(c->b, src, c->irb->ptr, "");
	p = LLVMBuildGEP2(c->b, data_ty, src, ix, 2, "");
	if (cg_is_int(elem) || cg_is_ptr(elem)) {
		out->v = LLVMBuildLoad2(c->b, elem_ty, p, "");
		LLVMSetVolatile(out->v, 1);
	} else {
		out->v = p;
		out->del = cg_disarm(base);
		out->prov = base->prov;
	}
}

/* probereadDatastructElem: an element of a struct/array in kernel or user
 * memory. */
static int elem_probe_read(struct cg *c, const struct bc_expr *e, LLVMValueRef base_addr,
			   LLVMValueRef offset, const struct bc_stype *data, bool data_ctx,
			   enum bc_addrspace as, const struct bc_stype *elem, const char *temp,
			   struct cg_val *base, struct cg_val *out)
{
	LLVMValueRef src = LLVMBuildAdd(c->b, base_addr, offset, "");
	LLVMTypeRef ty;
	struct bc_prov p;
	LLVMValueRef dst;

	(void)data;
	if (elem->kind == BC_ST_CSTRUCT || elem->kind == BC_ST_ARRAY) {
		/* nested aggregates: keep the address */
		out->v = src;
		out->del = cg_disarm(base);
		return 0;
	}
	ty = cg_type(c, elem, &e->span);
	if (!ty)
		return c->err;
	if (elem->kind == BC_ST_STRING || elem->kind == BC_ST_BUFFER) {
		p = cg_prov(BC_PROV_FIELD_READ, temp, &e->span, false, NULL, 0);
		dst = cg_alloca(c, ty, temp, &p);
		if (!dst)
			return c->err;
		bc_irb_probe_read(c->irb, dst, cg_i32(c, elem->size), src, as);
		out->v = dst;
		out->del = dst;
		out->prov = cg_prov_id(c, dst);
		return 0;
	}
	if (data_ctx) {
		LLVMValueRef ld = LLVMBuildLoad2(c->b, ty, LLVMBuildIntToPtr(c->b, src, c->irb->ptr, ""),
						 "");

		LLVMSetVolatile(ld, 1);
		out->v = ld;
		if (c->pt == BC_PROBE_ITER) {
			/* the kernel wants iterator context fields checked */
			LLVMBasicBlockRef pf = cg_block(c, "pred_false"), pt = cg_block(c, "pred_true");
			LLVMValueRef cond = cg_int64(c, ld, false);

			cond = LLVMBuildICmp(c->b, LLVMIntEQ, cond, cg_i64(c, 0), "predcond");
			LLVMBuildCondBr(c->b, cond, pf, pt);
			LLVMPositionBuilderAtEnd(c->b, pf);
			cg_ret(c);
			LLVMPositionBuilderAtEnd(c->b, pt);
		}
		return 0;
	}
	p = cg_prov(BC_PROV_FIELD_READ, temp, &e->span, false, NULL, 0);
	dst = cg_alloca(c, ty, temp, &p);
	if (!dst)
		return c->err;
	bc_irb_probe_read(c->irb, dst, cg_i32(c, cg_is_ptr(elem) ? 8 : elem->size), src, as);
	out->v = LLVMBuildLoad2(c->b, ty, dst, "");
	bc_irb_lifetime_end(c->irb, dst);
	return 0;
}

/* The struct a field access reads from and the field. */
static int field_of(struct cg *c, const struct bc_expr *e, const struct bc_stype **rec,
		    const struct bc_field **fld)
{
	const struct bc_stype *bt = cg_etype(c, e->u.field.base);

	if (!bt)
		return c->err;
	if (e->u.field.arrow || e->u.field.deref) {
		/* args may be typed as the struct itself (args->x all the same) */
		if (bt->kind == BC_ST_CSTRUCT && is_args(e->u.field.base))
			;
		else if (!cg_is_ptr(bt) || !bt->elem)
			return cg_fail(c, -EINVAL, &e->span, "-> on a non-pointer");
		else
			bt = bt->elem;
	}
	/* semantic analysis resolved the struct (a pointee is kept by name);
	 * an expanded tracepoint reads args through its own struct */
	if (c->tp_args && is_args(e->u.field.base))
		bt = c->tp_args;
	else if ((!bt->layout || bt->kind == BC_ST_CSTRUCT) && bc_sema_expr_record(e))
		bt = bc_sema_expr_record(e);
	*rec = bt;
	*fld = bc_stype_field(bt, e->u.field.name);
	if (!*fld)
		return cg_unsupported(c, &e->u.field.name_span, "field access",
				      "the layout of %s is not known (field %s)",
				      cg_struct_name(bt), e->u.field.name);
	return 0;
}

/* args->x of kfunc/kretfunc (the ctx is an array of u64 arguments) and
 * of uprobes with DWARF (the argument registers). */
static int funcarg(struct cg *c, const struct bc_expr *e, const struct bc_stype *rec,
		   const struct bc_field *f, struct cg_val *out)
{
	size_t idx = (size_t)(f - rec->layout->fields);
	LLVMTypeRef ty = cg_type(c, f->type, &e->span);
	LLVMValueRef ix, p;

	if (!ty)
		return c->err;
	if (c->pt == BC_PROBE_KFUNC || c->pt == BC_PROBE_KRETFUNC ||
	    c->pt == BC_PROBE_RAWTRACEPOINT) {
		ix = cg_i64(c, idx);
		p = LLVMBuildGEP2(c->b, c->irb->i64, bc_irb_ctx(c->irb), &ix, 1, "");
		out->v = LLVMBuildLoad2(c->b, ty, p, e->u.field.name);
		LLVMSetVolatile(out->v, 1);
		return 0;
	}
	{
		static const int regs[] = { 14, 13, 12, 11, 9, 8 };	/* di si dx cx r8 r9 */
		char name[16];

		if (idx >= sizeof(regs) / sizeof(regs[0]))
			return cg_unsupported(c, &e->span, "args", "argument %zu is on the stack",
					      idx);
		snprintf(name, sizeof(name), "arg%zu", idx);
		out->v = bc_irb_register_read(c->irb, regs[idx], name);
		return out->v ? 0 : cg_irb_err(c);
	}
}

static int expr_field(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_expr *base = e->u.field.base;
	const struct bc_stype *rec = NULL, *bt;
	const struct bc_field *f = NULL;
	struct cg_val b = { 0 };
	bool ctx;
	char temp[256];
	int err;

	err = field_of(c, e, &rec, &f);
	if (err)
		return err;
	bt = base->type;
	err = cg_expr(c, base, &b);
	if (err)
		return err;
	if (!b.v)
		return cg_unsupported(c, &e->span, "field access", "the struct has no value");
	if (is_funcarg(c, base)) {
		err = funcarg(c, e, rec, f, out);
		cg_end(c, &b);
		return err;
	}
	/* `a->f` is `(*a).f`: the dereference of a ctx pointer is ctx */
	ctx = cg_is_ctx(c, base) && (e->u.field.arrow || e->u.field.deref || is_record(bt));
	snprintf(temp, sizeof(temp), "%s.%s", cg_struct_name(rec), e->u.field.name);
	if (!e->u.field.arrow && !e->u.field.deref && cg_is_internal(c, base)) {
		LLVMTypeRef data_ty = cg_type(c, rec, &e->span);
		LLVMTypeRef elem_ty = cg_type(c, f->type, &e->span);

		if (!data_ty || !elem_ty)
			return c->err;
		elem_from_stack(c, b.v, cg_i64(c, f->offset), data_ty, f->type, elem_ty, &b, out);
		cg_end(c, &b);
		return 0;
	}
	if (cg_is_int(f->type) && (f->bit_width || f->is_data_loc)) {
		LLVMValueRef src = LLVMBuildAdd(c->b, b.v, cg_i64(c, f->offset), "");
		LLVMTypeRef fty = cg_type(c, f->type, &e->span);

		if (!fty)
			return c->err;
		if (f->bit_width) {
			unsigned bo = f->bit_offset % 8, w = f->bit_width > 64 ? 64 : f->bit_width;
			uint64_t mask = w == 64 ? ~0ull : (1ull << w) - 1;
			uint32_t read_bytes = (bo + w + 7) / 8;
			LLVMValueRef raw;

			if (ctx) {
				raw = LLVMBuildLoad2(c->b, fty,
						     LLVMBuildIntToPtr(c->b, src, c->irb->ptr, ""), "");
				LLVMSetVolatile(raw, 1);
			} else {
				struct bc_prov p = cg_prov(BC_PROV_FIELD_READ, temp, &e->span, false,
							   NULL, 0);
				LLVMValueRef dst = cg_alloca(c, fty, temp, &p);

				if (!dst)
					return c->err;
				bc_irb_memset(c->irb, dst, 0, f->type->size, 1);
				bc_irb_probe_read(c->irb, dst, cg_i32(c, read_bytes), src,
						  bt ? bt->as : BC_AS_NONE);
				raw = LLVMBuildLoad2(c->b, fty, dst, "");
				bc_irb_lifetime_end(c->irb, dst);
			}
			raw = LLVMBuildLShr(c->b, raw, LLVMConstInt(fty, bo, 0), "");
			out->v = LLVMBuildAnd(c->b, raw, LLVMConstInt(fty, mask, 0), "");
		} else {
			/* __data_loc: the low 16 bits are the offset from the ctx */
			LLVMValueRef ix = cg_i64(c, f->offset / 4), p, v;

			p = LLVMBuildGEP2(c->b, c->irb->i32, bc_irb_ctx(c->irb), &ix, 1, "");
			v = LLVMBuildLoad2(c->b, c->irb->i32, p, "");
			v = LLVMBuildZExt(c->b, v, c->irb->i64, "");
			v = LLVMBuildAnd(c->b, v, cg_i64(c, 0xffff), "");
			out->v = LLVMBuildAdd(c->b, v, LLVMBuildPtrToInt(c->b, bc_irb_ctx(c->irb),
									  c->irb->i64, ""), "");
		}
		cg_end(c, &b);
		return 0;
	}
	/* the address space is the base's: the pointer's, or the struct's
	 * when it was reached through one (semantic analysis carries it) */
	err = elem_probe_read(c, e, b.v, cg_i64(c, f->offset), rec, ctx,
			      bt ? bt->as : BC_AS_NONE, f->type, temp, &b, out);
	cg_end(c, &b);
	return err;
}

static int expr_tuple_index(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_stype *t = cg_etype(c, e->u.tindex.base);
	const struct bc_field *f;
	struct cg_val b = { 0 };
	LLVMTypeRef ty, ety;
	LLVMValueRef p;
	int err;

	if (!t)
		return c->err;
	if ((t->kind != BC_ST_TUPLE && t->kind != BC_ST_RECORD) || !t->layout ||
	    e->u.tindex.index >= t->layout->nr_fields)
		return cg_fail(c, -EINVAL, &e->span, "tuple index out of range");
	f = &t->layout->fields[e->u.tindex.index];
	ty = cg_type(c, t, &e->span);
	ety = ty ? cg_type(c, f->type, &e->span) : NULL;
	if (!ety)
		return c->err;
	err = cg_expr(c, e->u.tindex.base, &b);
	if (err)
		return err;
	p = cg_gep32(c, ty, b.v, (unsigned)e->u.tindex.index);
	if (cg_on_stack_already(f->type)) {
		out->v = p;
		out->del = cg_disarm(&b);
		out->prov = b.prov;
	} else {
		out->v = LLVMBuildLoad2(c->b, ety, p, "");
	}
	cg_end(c, &b);
	return 0;
}

static int expr_index(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_expr *base = e->u.index.base;
	const struct bc_stype *t = cg_etype(c, base), *elem;
	struct cg_val a = { 0 }, ix = { 0 };
	LLVMValueRef arr, idx, off;
	int err;

	if (!t)
		return c->err;
	if (t->kind == BC_ST_ARRAY || cg_is_ptr(t))
		elem = t->elem;
	else if (t->kind == BC_ST_STRING && cg_on_stack(c, base))
		/* a character of a string (0.25+): its element type is no BPF-memory
		 * type, so later versions read it as an array element through the
		 * buffer's address (probereadDatastructElem: an `array_access` slot) */
		elem = cg_etype(c, e);
	else
		return cg_unsupported(c, &e->span, "index", "indexing a %s",
				      bc_stype_kind_name(t->kind));
	if (!elem)
		return cg_fail(c, -EINVAL, &e->span, "array without element type");
	err = cg_expr(c, base, &a);
	if (!err)
		err = cg_expr(c, e->u.index.index, &ix);
	if (err)
		return err;
	if (!a.v || !ix.v)
		return cg_unsupported(c, &e->span, "index", "operand has no value");
	if (cg_is_internal(c, base)) {
		LLVMTypeRef data_ty = cg_type(c, t, &e->span), elem_ty = cg_type(c, elem, &e->span);

		if (!data_ty || !elem_ty)
			return c->err;
		elem_from_stack(c, a.v, ix.v, data_ty, elem, elem_ty, &a, out);
	} else {
		arr = a.v;
		if (LLVMGetTypeKind(LLVMTypeOf(arr)) == LLVMPointerTypeKind)
			arr = LLVMBuildPtrToInt(c->b, arr, c->irb->i64, "");
		idx = cg_int64(c, ix.v, t->is_signed);
		off = ptr_offset(c, elem, idx);
		err = elem_probe_read(c, e, arr, off, t, false, t->as, elem, "array_access", &a,
				      out);
	}
	cg_end(c, &ix);
	cg_end(c, &a);
	return err;
}

static int expr_cast(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_stype *t = cg_etype(c, e);
	struct cg_val v = { 0 };
	int err;

	if (!t)
		return c->err;
	err = cg_expr(c, e->u.cast.operand, &v);
	if (err)
		return err;
	if (!v.v)
		return cg_unsupported(c, &e->span, "cast", "the operand has no value");
	if (cg_is_int(t)) {
		LLVMTypeRef ty = LLVMIntTypeInContext(c->ctx, 8 * t->size);

		out->v = cg_intcast(c, v.v, ty, t->is_signed, "cast");
	} else if (cg_is_ptr(t) || t->kind == BC_ST_CSTRUCT) {
		out->v = v.v;
	} else if (t->kind == BC_ST_USERNAME) {
		out->v = cg_intcast(c, v.v, c->irb->i64, false, "cast");	/* the uid */
	} else {
		return cg_unsupported(c, &e->span, "cast", "a cast to %s is not modelled",
				      bc_stype_kind_name(t->kind));
	}
	/* the operand's scope ends with the cast */
	cg_end(c, &v);
	return 0;
}

static int expr_sizeof(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_stype *t = NULL;

	if (e->u.sizeof_.expr)
		t = e->u.sizeof_.expr->type;
	else if (e->u.sizeof_.type)
		t = e->u.sizeof_.type->resolved;
	if (!t)
		return cg_unsupported(c, &e->span, "sizeof", "the type's size is not known");
	out->v = cg_i64(c, t->size);
	return 0;
}

int cg_expr(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	if (c->err)
		return c->err;
	if (++c->depth > CG_MAX_DEPTH) {
		c->depth--;
		return cg_unsupported(c, &e->span, "expression", "expression nested too deeply");
	}
	switch (e->kind) {
	case BC_EXPR_INT:
	case BC_EXPR_BOOL:
		err = expr_int(c, e, out);
		break;
	case BC_EXPR_STRING:
		err = cg_str_literal(c, e, out);
		break;
	case BC_EXPR_BUILTIN:
		err = cg_builtin(c, e, out);
		break;
	case BC_EXPR_PARAM:
	case BC_EXPR_PARAMCOUNT:
		err = expr_param(c, e, out);
		break;
	case BC_EXPR_VAR:
		err = expr_var(c, e, out);
		break;
	case BC_EXPR_MAP:
		err = cg_map_read(c, e, out);
		break;
	case BC_EXPR_CALL:
		err = cg_call(c, e, out);
		break;
	case BC_EXPR_BINOP:
		err = expr_binop(c, e, out);
		break;
	case BC_EXPR_UNOP:
		err = expr_unop(c, e, out);
		break;
	case BC_EXPR_TERNARY:
		err = cg_ternary(c, e, out);
		break;
	case BC_EXPR_FIELD:
		err = expr_field(c, e, out);
		break;
	case BC_EXPR_TUPLE_INDEX:
		err = expr_tuple_index(c, e, out);
		break;
	case BC_EXPR_INDEX:
		err = expr_index(c, e, out);
		break;
	case BC_EXPR_CAST:
		err = expr_cast(c, e, out);
		break;
	case BC_EXPR_TUPLE:
		err = cg_tuple(c, e, out);
		break;
	case BC_EXPR_SIZEOF:
		err = expr_sizeof(c, e, out);
		break;
	case BC_EXPR_IDENT:
		err = expr_ident(c, e, out);
		break;
	case BC_EXPR_BLOCK:
		err = cg_block_value(c, e->u.block, out);
		break;
	case BC_EXPR_IF:
		err = cg_if_value(c, e, out);
		break;
	case BC_EXPR_OFFSETOF: {
		uint64_t off;

		/* a constant bpftrace folds from the type's layout */
		if (bc_sema_expr_offsetof(e, &off)) {
			out->v = cg_i64(c, off);
			err = 0;
		} else {
			err = cg_unsupported(c, &e->span, "offsetof", "the layout is not known");
		}
		break;
	}
	case BC_EXPR_ERROR:
		err = cg_fail(c, -EINVAL, &e->span, "expression with a syntax error");
		break;
	default:
		err = cg_unsupported(c, &e->span, "expression",
				     "this kind of expression is not modelled");
		break;
	}
	c->depth--;
	if (!err)
		err = cg_irb_err(c);
	return err;
}
