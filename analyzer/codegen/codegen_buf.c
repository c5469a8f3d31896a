// SPDX-License-Identifier: Apache-2.0
/*
 * buf() of bpftrace 0.22+ (docs/bpftrace-codegen.md §1.6). The buffer is
 * the str() allocation (CreateGetStrAllocation "buf": [strlen x i8], a
 * get_str scratch slot above the on-stack limit) seen as the packed struct
 * %buffer_<N>_t {i32 length, [N x i8] data}, N = strlen - 4 unless the
 * length is a literal or the argument an array. The data is zeroed and
 * read with probe_read from the argument, whatever it is; the allocation
 * ends with the consumer when it is an alloca. 0.17-0.21 keep the
 * buffer-typed alloca of codegen_call.c.
 */
#include <errno.h>
#include <stdio.h>

#include "codegen_impl.h"

int cg_buf_022(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	const struct bc_expr_list *args = &call->u.call.args;
	const struct bc_expr *a0 = args->n ? args->v[0] : NULL;
	const struct bc_expr *a1 = args->n > 1 ? args->v[1] : NULL;
	const struct bc_stype *t0;
	uint64_t fixed = c->strlen > 4 ? c->strlen - 4 : 0;
	struct cg_val v = { 0 }, lv = { 0 };
	LLVMValueRef length, buf, data;
	LLVMTypeRef elems[2], sty;
	struct bc_prov p;
	char name[64];
	int err;

	if (!a0)
		return cg_fail(c, -EINVAL, &call->span, "buf() without arguments");
	t0 = cg_etype(c, a0);
	if (!t0)
		return c->err;
	if (a1) {
		const struct bc_stype *t1 = cg_etype(c, a1);
		LLVMValueRef cmp, max = cg_i64(c, fixed);
		int64_t lit;

		if (!t1 || (err = cg_expr(c, a1, &lv)))
			return c->err ? c->err : err;
		length = lv.v;
		if (t1->size != 8)
			length = LLVMBuildZExt(c->b, length, c->irb->i64, "");
		cmp = LLVMBuildICmp(c->b, LLVMIntULE, length, max, "length.cmp");
		length = LLVMBuildSelect(c->b, cmp, length, max, "length.select");
		/* a literal length sizes the struct: 0.22-0.23 also take a
		 * positional parameter's number (get_int_literal), 0.24+ an
		 * integer literal only */
		if (cg_lit_int(c, a1, &lit) && (c->ver < BC_BT(24) || a1->kind == BC_EXPR_INT))
			fixed = (uint64_t)lit;
		cg_end(c, &lv);
	} else {
		if (t0->kind != BC_ST_ARRAY || !t0->elem)
			return cg_unsupported(c, &call->span, "buf",
					      "buf() without a length of a non-array");
		fixed = (uint64_t)t0->nelems * t0->elem->size;
		length = cg_i32(c, (uint32_t)fixed);
	}
	p = cg_prov("buf", "buf", &call->span, true, NULL, 0);
	buf = cg_alloc(c, BC_SCRATCH_GET_STR, LLVMArrayType2(c->irb->i8, c->strlen), "buf", &p);
	if (!buf)
		return c->err;
	elems[0] = c->irb->i32;
	elems[1] = LLVMArrayType2(c->irb->i8, fixed);
	snprintf(name, sizeof(name), "buffer_%llu_t", (unsigned long long)fixed);
	sty = bc_irb_struct_type(c->irb, name, elems, 2, true);
	if (!sty)
		return cg_irb_err(c);
	length = cg_intcast(c, length, c->irb->i32, false, NULL);
	LLVMBuildStore(c->b, length, cg_gep32(c, sty, buf, 0));
	data = cg_gep32(c, sty, buf, 1);
	bc_irb_memset_bpf(c->irb, data, fixed);
	if ((err = cg_expr(c, a0, &v)))
		return err;
	if (!v.v)
		return cg_unsupported(c, &a0->span, "argument", "the argument has no value");
	bc_irb_probe_read(c->irb, data, length, v.v, t0->as);
	cg_end(c, &v);
	out->v = buf;
	out->del = LLVMIsAAllocaInst(buf) ? buf : NULL;
	out->prov = cg_prov_id(c, buf);
	return cg_irb_err(c);
}
