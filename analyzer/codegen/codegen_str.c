// SPDX-License-Identifier: Apache-2.0
/*
 * Strings, tuples and ternaries: string literals, tuple literals
 * (visit(Tuple)), string comparison (CreateStrncmp, unrolled byte by byte),
 * strcontains (CreateStrcontains), and the ternary operator with both of its
 * slots (`result` and `buf`).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen_impl.h"

int cg_str_literal(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_stype *t = cg_etype(c, e);
	struct bc_prov p;
	LLVMValueRef buf;

	if (!t)
		return c->err;
	if (t->kind != BC_ST_STRING || !t->size)
		return cg_fail(c, -EINVAL, &e->span, "string literal typed as %s",
			       bc_stype_kind_name(t->kind));
	if (c->ver >= BC_BT(23)) {
		/* visit(String) of 0.23+: a global named by the string and
		 * holding it (getOrInsertGlobal), no stack */
		buf = bc_irb_str_global(c->irb, e->u.str.data, t->size);
		if (!buf)
			return cg_irb_err(c);
		out->v = buf;
		return 0;
	}
	p = cg_prov("string-literal", NULL, &e->span, false, NULL, 0);
	buf = bc_irb_str_literal(c->irb, e->u.str.data, t->size, &p);
	if (!buf)
		return cg_irb_err(c);
	out->v = buf;
	out->del = buf;
	out->prov = cg_prov_id(c, buf);
	return 0;
}

/* visit(Tuple): a non-packed struct on the stack, each element copied in. */
int cg_tuple(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_stype *t = cg_etype(c, e);
	uint32_t from[64];
	size_t nfrom = 0;
	LLVMTypeRef ty;
	LLVMValueRef buf;
	struct bc_prov p;
	int err;

	if (!t)
		return c->err;
	if (t->kind != BC_ST_TUPLE || !t->layout || t->layout->nr_fields != e->u.list.n)
		return cg_fail(c, -EINVAL, &e->span, "tuple typed as %s",
			       bc_stype_kind_name(t->kind));
	ty = cg_type(c, t, &e->span);
	if (!ty)
		return c->err;
	/* the elements' origins are known only once they are evaluated;
	 * the record is completed below */
	p = cg_prov(BC_PROV_TUPLE, NULL, &e->span, t->script_dependent, NULL, 0);
	buf = cg_alloc(c, BC_SCRATCH_ANON_STRUCT, ty, "tuple", &p);
	if (!buf)
		return c->err;
	/* 0.22+ createTuple: CreateMemsetBPF / CreateMemcpyBPF (helpers above 512 bytes) */
	if (c->ver >= BC_BT(22))
		bc_irb_memset_bpf(c->irb, buf, bc_irb_sizeof(c->irb, ty));
	else
		bc_irb_memset(c->irb, buf, 0, bc_irb_sizeof(c->irb, ty), 1);
	for (size_t i = 0; i < e->u.list.n; i++) {
		const struct bc_expr *el = e->u.list.v[i];
		const struct bc_stype *et = cg_etype(c, el);
		struct cg_val v = { 0 };
		LLVMValueRef dst;

		if (!et)
			return c->err;
		err = cg_expr(c, el, &v);
		if (err)
			return err;
		if (!v.v)
			return cg_unsupported(c, &el->span, "tuple", "element has no value");
		dst = cg_gep32(c, ty, buf, (unsigned)i);
		if (cg_on_stack(c, el)) {
			if (c->ver >= BC_BT(22))
				bc_irb_memcpy_bpf(c->irb, dst, v.v, et->size);
			else
				bc_irb_memcpy(c->irb, dst, v.v, et->size, 1);
			if (v.prov && nfrom < sizeof(from) / sizeof(from[0]))
				from[nfrom++] = v.prov;
		} else if (et->kind == BC_ST_ARRAY || et->kind == BC_ST_CSTRUCT) {
			bc_irb_probe_read(c->irb, dst, cg_i32(c, et->size), v.v, et->as);
		} else {
			LLVMTypeRef fty = cg_type(c, t->layout->fields[i].type, &el->span);

			if (!fty)
				return c->err;
			LLVMBuildStore(c->b, cg_intcast(c, v.v, fty, et->is_signed, NULL), dst);
		}
		cg_end(c, &v);
	}
	out->v = buf;
	out->del = buf;
	out->prov = cg_prov_id(c, buf);
	if (nfrom && out->prov) {
		struct bc_prov_rec *r = bc_prov_get_mut(c->irb->prov, out->prov);
		uint32_t *nv = r ? calloc(nfrom, sizeof(*nv)) : NULL;

		if (r && !nv)
			return cg_fail(c, -ENOMEM, NULL, "out of memory");
		if (r) {
			memcpy(nv, from, nfrom * sizeof(*nv));
			free(r->from);
			r->from = nv;
			r->nr_from = nfrom;
		}
	}
	return 0;
}

/* ---- comparisons ---- */

struct strop {
	LLVMValueRef v;		/* the address, or NULL for a literal */
	const char *lit;	/* literal bytes (NUL-terminated, size bytes) */
	uint64_t size;
	struct cg_val val;
};

/* getString: a literal stays a constant; anything else is evaluated (and
 * its allocation outlives the comparison, as bpftrace's does). */
static int get_string(struct cg *c, const struct bc_expr *e, struct strop *s)
{
	const struct bc_stype *t;
	const char *str;
	size_t len;

	memset(s, 0, sizeof(*s));
	if (e->kind == BC_EXPR_STRING && cg_lit_str(c, e, &str, &len)) {
		s->lit = str;
		s->size = len + 1;
		return 0;
	}
	t = cg_etype(c, e);
	if (!t)
		return c->err;
	if (cg_expr(c, e, &s->val))
		return c->err;
	if (!s->val.v)
		return cg_unsupported(c, &e->span, "string comparison", "operand has no value");
	s->v = s->val.v;
	if (LLVMGetTypeKind(LLVMTypeOf(s->v)) == LLVMIntegerTypeKind)
		s->v = LLVMBuildIntToPtr(c->b, s->v, c->irb->ptr, "");
	s->size = t->size;
	return 0;
}

static LLVMValueRef str_byte(struct cg *c, const struct strop *s, uint64_t i)
{
	LLVMValueRef ix[2], p;

	if (s->lit)
		return cg_i8(c, i < s->size ? (uint8_t)s->lit[i] : 0);
	ix[0] = cg_i32(c, 0);
	ix[1] = cg_i32(c, (uint32_t)i);
	p = LLVMBuildGEP2(c->b, LLVMArrayType2(c->irb->i8, s->size), s->v, ix, 2, "");
	return LLVMBuildLoad2(c->b, c->irb->i8, p, "");
}

/*
 * The end both string comparisons share, as bpftrace emits it: fall into
 * OTHER, which stores VALUE in the i1 result slot STORE, then join at END,
 * load the result, end the slot and widen it to i64. getString leaves the
 * last non-literal operand's allocation to the consumer; an earlier one is
 * dropped by the second evaluation (its lifetime never ends), as in bpftrace.
 */
static void bool_result_tail(struct cg *c, LLVMBasicBlockRef other, LLVMBasicBlockRef end,
			     LLVMValueRef store, bool value, struct strop *a, struct strop *b,
			     struct cg_val *out)
{
	LLVMValueRef res;

	LLVMBuildBr(c->b, other);
	LLVMPositionBuilderAtEnd(c->b, other);
	LLVMBuildStore(c->b, LLVMConstInt(c->irb->i1, value, 0), store);
	LLVMBuildBr(c->b, end);
	LLVMPositionBuilderAtEnd(c->b, end);
	res = LLVMBuildLoad2(c->b, c->irb->i1, store, "");
	bc_irb_lifetime_end(c->irb, store);
	out->v = LLVMBuildZExt(c->b, res, c->irb->i64, "");
	if (b->val.del)
		out->del = cg_disarm(&b->val);
	else if (a->val.del)
		out->del = cg_disarm(&a->val);
}

int cg_strcmp(struct cg *c, const struct bc_expr *l, const struct bc_expr *r, uint64_t n,
	      bool n_is_min, bool inverse, struct cg_val *out)
{
	struct strop a, b;
	LLVMBasicBlockRef ne, done;
	struct bc_prov p;
	LLVMValueRef store;
	int err;

	err = get_string(c, l, &a);
	if (!err)
		err = get_string(c, r, &b);
	if (err)
		return err;
	if (n_is_min)
		n = a.size < b.size ? a.size : b.size;
	/* the result slot, then the unrolled loop */
	p = cg_prov("strcmp", "strcmp.result", &l->span, false, NULL, 0);
	store = cg_alloca(c, c->irb->i1, "strcmp.result", &p);
	if (!store)
		return c->err;
	ne = cg_block(c, "strcmp.false");
	done = cg_block(c, "strcmp.done");
	LLVMBuildStore(c->b, LLVMConstInt(c->irb->i1, !inverse, 0), store);
	for (uint64_t i = 0; i < n; i++) {
		LLVMBasicBlockRef eq = cg_block(c, "strcmp.loop");
		LLVMBasicBlockRef nul = cg_block(c, "strcmp.loop_null_cmp");
		LLVMValueRef x = str_byte(c, &a, i), y = str_byte(c, &b, i);

		LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, x, y, "strcmp.cmp"), ne, nul);
		LLVMPositionBuilderAtEnd(c->b, nul);
		LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, x, cg_i8(c, 0),
						    "strcmp.cmp_null"), done, eq);
		LLVMPositionBuilderAtEnd(c->b, eq);
	}
	bool_result_tail(c, done, ne, store, inverse, &a, &b, out);
	return 0;
}

/* The byte at index IX (an i64 value) of S. */
static LLVMValueRef str_byte_at(struct cg *c, LLVMValueRef base, LLVMValueRef ix)
{
	return LLVMBuildLoad2(c->b, c->irb->i8, LLVMBuildGEP2(c->b, c->irb->i8, base, &ix, 1, ""),
			      "");
}

/*
 * CreateStrcontains of bpftrace 0.23+ (1d711e9bb "Rewrite strcontains()"):
 * two nested loops over i64 counters `strcontains.i` and `strcontains.j`
 * on the stack (promoted by O3), no result slot, a phi for the result:
 *
 *   if (needle[0] == 0) true;
 *   for (i = 0; i < hsz && hay[i]; i++)
 *     for (j = 0; j < nsz; j++) {
 *       if (!needle[j]) true;
 *       if (i + j >= hsz || hay[i + j] != needle[j]) break;
 *     }
 *   false;
 */
static int strcontains_loops(struct cg *c, const struct bc_expr *l, struct strop *a,
			     struct strop *b, struct cg_val *out)
{
	static const char *const names[] = {
		"strcontains.empty.check", "strcontains.outer.cond", "strcontains.outer.cond.cmp",
		"strcontains.outer.body", "strcontains.inner.cond", "strcontains.inner.body",
		"strcontains.inner.notnull", "strcontains.inner.cmp", "strcontains.inner.incr",
		"strcontains.outer.incr", "strcontains.true", "strcontains.false",
		"strcontains.done",
	};
	enum { EMPTY, OCOND, OCMP, OBODY, ICOND, IBODY, INOTNULL, ICMP, IINCR, OINCR, TRUE_,
	       FALSE_, DONE, NBLOCKS };
	LLVMBasicBlockRef bb[NBLOCKS];
	LLVMValueRef hay = a->lit ? bc_irb_str_global(c->irb, a->lit, a->size) : a->v;
	LLVMValueRef needle = b->lit ? bc_irb_str_global(c->irb, b->lit, b->size) : b->v;
	LLVMValueRef i, j, iv, jv, nc, idx, phi, vals[2];
	LLVMBasicBlockRef from[2];
	LLVMTypeRef i64 = c->irb->i64;
	struct bc_prov p;

	if (!hay || !needle)
		return cg_irb_err(c);
	for (int k = 0; k < NBLOCKS; k++)
		bb[k] = cg_block(c, names[k]);
	p = cg_prov("strcontains", "strcontains.i", &l->span, false, NULL, 0);
	i = cg_alloca(c, i64, "strcontains.i", &p);
	if (!i)
		return c->err;
	LLVMBuildStore(c->b, cg_i64(c, 0), i);
	p = cg_prov("strcontains", "strcontains.j", &l->span, false, NULL, 0);
	j = cg_alloca(c, i64, "strcontains.j", &p);
	if (!j)
		return c->err;
	LLVMBuildBr(c->b, bb[EMPTY]);

	LLVMPositionBuilderAtEnd(c->b, bb[EMPTY]);
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, str_byte_at(c, needle, cg_i64(c, 0)),
					    cg_i8(c, 0), ""), bb[TRUE_], bb[OCOND]);
	LLVMPositionBuilderAtEnd(c->b, bb[OCOND]);
	iv = LLVMBuildLoad2(c->b, i64, i, "");
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntULT, iv, cg_i64(c, a->size), ""),
			bb[OCMP], bb[FALSE_]);
	LLVMPositionBuilderAtEnd(c->b, bb[OCMP]);
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, str_byte_at(c, hay, iv), cg_i8(c, 0),
					    ""), bb[OBODY], bb[FALSE_]);
	LLVMPositionBuilderAtEnd(c->b, bb[OBODY]);
	LLVMBuildStore(c->b, cg_i64(c, 0), j);
	LLVMBuildBr(c->b, bb[ICOND]);
	LLVMPositionBuilderAtEnd(c->b, bb[ICOND]);
	jv = LLVMBuildLoad2(c->b, i64, j, "");
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntULT, jv, cg_i64(c, b->size), ""),
			bb[IBODY], bb[OINCR]);
	LLVMPositionBuilderAtEnd(c->b, bb[IBODY]);
	nc = str_byte_at(c, needle, jv);
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, nc, cg_i8(c, 0), ""), bb[TRUE_],
			bb[INOTNULL]);
	LLVMPositionBuilderAtEnd(c->b, bb[INOTNULL]);
	idx = LLVMBuildAdd(c->b, iv, jv, "");
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntUGE, idx, cg_i64(c, a->size), ""),
			bb[OINCR], bb[ICMP]);
	LLVMPositionBuilderAtEnd(c->b, bb[ICMP]);
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, str_byte_at(c, hay, idx), nc, ""),
			bb[OINCR], bb[IINCR]);
	LLVMPositionBuilderAtEnd(c->b, bb[IINCR]);
	LLVMBuildStore(c->b, LLVMBuildAdd(c->b, LLVMBuildLoad2(c->b, i64, j, ""), cg_i64(c, 1), ""),
		       j);
	LLVMBuildBr(c->b, bb[ICOND]);
	LLVMPositionBuilderAtEnd(c->b, bb[OINCR]);
	LLVMBuildStore(c->b, LLVMBuildAdd(c->b, LLVMBuildLoad2(c->b, i64, i, ""), cg_i64(c, 1), ""),
		       i);
	LLVMBuildBr(c->b, bb[OCOND]);
	LLVMPositionBuilderAtEnd(c->b, bb[FALSE_]);
	LLVMBuildBr(c->b, bb[DONE]);
	LLVMPositionBuilderAtEnd(c->b, bb[TRUE_]);
	LLVMBuildBr(c->b, bb[DONE]);
	LLVMPositionBuilderAtEnd(c->b, bb[DONE]);
	phi = LLVMBuildPhi(c->b, c->irb->i1, "result");
	vals[0] = LLVMConstInt(c->irb->i1, 0, 0);
	vals[1] = LLVMConstInt(c->irb->i1, 1, 0);
	from[0] = bb[FALSE_];
	from[1] = bb[TRUE_];
	LLVMAddIncoming(phi, vals, from, 2);
	bc_irb_lifetime_end(c->irb, j);
	bc_irb_lifetime_end(c->irb, i);
	out->v = LLVMBuildZExt(c->b, phi, i64, "");
	if (b->val.del)
		out->del = cg_disarm(&b->val);
	else if (a->val.del)
		out->del = cg_disarm(&a->val);
	return cg_irb_err(c);
}

int cg_strcontains(struct cg *c, const struct bc_expr *l, const struct bc_expr *r,
		   struct cg_val *out)
{
	struct strop a, b;
	LLVMBasicBlockRef t_bb, f_bb;
	struct bc_prov p;
	LLVMValueRef store, nul = NULL;
	int err;

	err = get_string(c, l, &a);
	if (!err)
		err = get_string(c, r, &b);
	if (err)
		return err;
	if (a.lit && b.lit) {
		out->v = cg_i64(c, strstr(a.lit, b.lit) != NULL);
		return 0;
	}
	if (c->ver >= BC_BT(23))
		return strcontains_loops(c, l, &a, &b, out);
	p = cg_prov("strcontains", "strcontains.result", &l->span, false, NULL, 0);
	store = cg_alloca(c, c->irb->i1, "strcontains.result", &p);
	if (!store)
		return c->err;
	t_bb = cg_block(c, "strcontains.true");
	f_bb = cg_block(c, "strcontains.false");
	LLVMBuildStore(c->b, LLVMConstInt(c->irb->i1, 1, 0), store);
	nul = cg_i8(c, 0);
	for (uint64_t j = 0; a.size >= b.size && j <= a.size - b.size; j++) {
		LLVMBasicBlockRef first = cg_block(c, "strcontains.firstloop");
		LLVMValueRef sc = str_byte(c, &a, j);

		for (uint64_t i = 0; i < b.size; i++) {
			LLVMBasicBlockRef second = cg_block(c, "strcontains.secondloop");
			LLVMBasicBlockRef cmp = cg_block(c, "strcontains.cmp_char");
			LLVMValueRef x = str_byte(c, &a, i + j), y = str_byte(c, &b, i);

			LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, y, nul,
							    "strcontains.cmp_null"), t_bb, cmp);
			LLVMPositionBuilderAtEnd(c->b, cmp);
			LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, x, y,
							    "strcontains.cmp"), first, second);
			LLVMPositionBuilderAtEnd(c->b, second);
		}
		LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, sc, nul,
						    "strcontains.cmp_null"), f_bb, first);
		LLVMPositionBuilderAtEnd(c->b, first);
	}
	bool_result_tail(c, f_bb, t_bb, store, false, &a, &b, out);
	return 0;
}

/* ---- ternary ---- */

/* 0.22+: integers meet in a phi (no slot); a string goes to one buffer
 * (CreateGetStrAllocation, scratch above on_stack_limit). */
/*
 * A typed ternary needs a value from each branch; sema refuses a branch that
 * yields none (printf(), exit()), but codegen must not trust that blindly.
 */
static int branch_value(struct cg *c, const struct bc_expr *br, const struct cg_val *v)
{
	if (v->v)
		return 0;
	return cg_unsupported(c, &br->span, "ternary", "a branch of a typed ternary has no value");
}

static int ternary_022(struct cg *c, const struct bc_expr *e, const struct bc_stype *t,
		       struct cg_val *out)
{
	LLVMBasicBlockRef lb = cg_block(c, "left"), rb = cg_block(c, "right");
	LLVMBasicBlockRef done = cg_block(c, "done"), lend, rend;
	struct cg_val cond = { 0 }, l = { 0 }, r = { 0 };
	LLVMValueRef buf = NULL, lv = NULL, rv = NULL;
	LLVMTypeRef ty = NULL;
	bool str = t->kind == BC_ST_STRING, none = cg_is_none(t);
	int err;

	if (!none && !(ty = cg_type(c, t, &e->span)))
		return c->err;
	if (str) {
		/* CreateGetStrAllocation: a max_strlen buffer whatever the
		 * branches hold, so scratch at the default settings */
		struct bc_prov p = cg_prov(BC_PROV_TERNARY, "buf", &e->span, true, NULL, 0);

		buf = cg_alloc(c, BC_SCRATCH_GET_STR, LLVMArrayType2(c->irb->i8, c->strlen), "buf",
			       &p);
		if (!buf)
			return c->err;
		bc_irb_memset_bpf(c->irb, buf, c->strlen);
	}
	if ((err = cg_expr(c, e->u.ternary.cond, &cond)))
		return err;
	if (!cond.v)
		return cg_unsupported(c, &e->u.ternary.cond->span, "ternary",
				      "the condition has no value");
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, cond.v,
					    LLVMConstNull(LLVMTypeOf(cond.v)), "true_cond"),
			lb, rb);
	LLVMPositionBuilderAtEnd(c->b, lb);
	if ((err = cg_expr(c, e->u.ternary.then, &l)))
		return err;
	if (!none && (err = branch_value(c, e->u.ternary.then, &l)))
		return err;
	if (str)
		bc_irb_memcpy(c->irb, buf, l.v, t->size, 1);
	else if (!none)
		lv = cg_intcast(c, l.v, ty, t->is_signed, NULL);
	if (none)
		cg_end(c, &l);
	lend = LLVMGetInsertBlock(c->b);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, rb);
	if ((err = cg_expr(c, e->u.ternary.els, &r)))
		return err;
	if (!none && (err = branch_value(c, e->u.ternary.els, &r)))
		return err;
	if (str)
		bc_irb_memcpy(c->irb, buf, r.v, t->size, 1);
	else if (!none)
		rv = cg_intcast(c, r.v, ty, t->is_signed, NULL);
	if (none)
		cg_end(c, &r);
	rend = LLVMGetInsertBlock(c->b);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
	if (str) {
		out->v = buf;
		out->del = LLVMIsAAllocaInst(buf) ? buf : NULL;
		out->prov = cg_prov_id(c, buf);
	} else if (!none) {
		LLVMValueRef phi = LLVMBuildPhi(c->b, ty, "result");
		LLVMValueRef vals[2] = { lv, rv };
		LLVMBasicBlockRef bbs[2] = { lend, rend };

		LLVMAddIncoming(phi, vals, bbs, 2);
		out->v = phi;
	}
	cg_end(c, &r);
	cg_end(c, &l);
	cg_end(c, &cond);
	return 0;
}

int cg_ternary(struct cg *c, const struct bc_expr *e, struct cg_val *out)
{
	const struct bc_stype *t = cg_etype(c, e);
	const struct bc_expr *then = e->u.ternary.then ? e->u.ternary.then : e->u.ternary.cond;
	LLVMBasicBlockRef lb, rb, done;
	struct cg_val cond = { 0 }, l = { 0 }, r = { 0 };
	LLVMValueRef result = NULL, buf = NULL;
	LLVMTypeRef ty = NULL;
	bool none;
	int err;

	if (!t)
		return c->err;
	if (!e->u.ternary.then)
		return cg_unsupported(c, &e->span, "elvis", "a ?: b is not modelled");
	none = cg_is_none(t);
	if (!none && !cg_is_int(t) && t->kind != BC_ST_STRING)
		return cg_unsupported(c, &e->span, "ternary",
				      "a ternary of type %s is not modelled",
				      bc_stype_kind_name(t->kind));
	if (c->ver >= BC_BTV(0, 22, 0))
		return ternary_022(c, e, t, out);
	lb = cg_block(c, "left");
	rb = cg_block(c, "right");
	done = cg_block(c, "done");
	if (!none) {
		struct bc_prov p = cg_prov(BC_PROV_TERNARY, "result", &e->span,
					   t->kind == BC_ST_STRING, NULL, 0);

		ty = cg_type(c, t, &e->span);
		if (!ty)
			return c->err;
		/* both slots exist for every typed ternary (bpftrace 0.17) */
		if (t->kind == BC_ST_STRING && c->scratch) {
			result = cg_alloca(c, ty, "result", &p);
			p.name = "buf";
			buf = cg_alloc(c, BC_SCRATCH_GET_STR, ty, "buf", &p);
		} else {
			result = cg_alloca(c, ty, "result", &p);
			p.name = "buf";
			buf = result ? cg_alloca(c, ty, "buf", &p) : NULL;
		}
		if (!buf)
			return c->err;
	}
	err = cg_expr(c, e->u.ternary.cond, &cond);
	if (err)
		return err;
	if (!cond.v)
		return cg_unsupported(c, &e->u.ternary.cond->span, "ternary",
				      "the condition has no value");
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, cond.v,
					    LLVMConstNull(LLVMTypeOf(cond.v)), "true_cond"),
			lb, rb);
	if (none) {
		LLVMPositionBuilderAtEnd(c->b, lb);
		if ((err = cg_expr(c, then, &l)))
			return err;
		cg_end(c, &l);
		LLVMBuildBr(c->b, done);
		LLVMPositionBuilderAtEnd(c->b, rb);
		if ((err = cg_expr(c, e->u.ternary.els, &r)))
			return err;
		cg_end(c, &r);
		LLVMBuildBr(c->b, done);
		LLVMPositionBuilderAtEnd(c->b, done);
		cg_end(c, &cond);
		return 0;
	}
	if (cg_is_int(t)) {
		LLVMPositionBuilderAtEnd(c->b, lb);
		if ((err = cg_expr(c, then, &l)) || (err = branch_value(c, then, &l)))
			return err;
		LLVMBuildStore(c->b, cg_intcast(c, l.v, ty, t->is_signed, NULL), result);
		LLVMBuildBr(c->b, done);
		LLVMPositionBuilderAtEnd(c->b, rb);
		if ((err = cg_expr(c, e->u.ternary.els, &r)) ||
		    (err = branch_value(c, e->u.ternary.els, &r)))
			return err;
		LLVMBuildStore(c->b, cg_intcast(c, r.v, ty, t->is_signed, NULL), result);
		LLVMBuildBr(c->b, done);
		LLVMPositionBuilderAtEnd(c->b, done);
		out->v = LLVMBuildLoad2(c->b, ty, result, "");
	} else {
		uint32_t from[2];
		size_t nfrom = 0;
		struct bc_prov_rec *rec;

		LLVMPositionBuilderAtEnd(c->b, lb);
		if ((err = cg_expr(c, then, &l)) || (err = branch_value(c, then, &l)))
			return err;
		bc_irb_memcpy(c->irb, buf, l.v, t->size, 1);
		LLVMBuildBr(c->b, done);
		LLVMPositionBuilderAtEnd(c->b, rb);
		if ((err = cg_expr(c, e->u.ternary.els, &r)) ||
		    (err = branch_value(c, e->u.ternary.els, &r)))
			return err;
		bc_irb_memcpy(c->irb, buf, r.v, t->size, 1);
		LLVMBuildBr(c->b, done);
		LLVMPositionBuilderAtEnd(c->b, done);
		out->v = buf;
		out->del = buf;
		out->prov = cg_prov_id(c, buf);
		if (l.prov)
			from[nfrom++] = l.prov;
		if (r.prov)
			from[nfrom++] = r.prov;
		rec = nfrom ? bc_prov_get_mut(c->irb->prov, out->prov) : NULL;
		if (rec) {
			uint32_t *nv = calloc(nfrom, sizeof(*nv));

			if (!nv)
				return cg_fail(c, -ENOMEM, NULL, "out of memory");
			memcpy(nv, from, nfrom * sizeof(*nv));
			free(rec->from);
			rec->from = nv;
			rec->nr_from = nfrom;
		}
	}
	/* the branches' and the condition's scopes end here, in `done` */
	cg_end(c, &r);
	cg_end(c, &l);
	cg_end(c, &cond);
	return 0;
}
