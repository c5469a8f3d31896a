// SPDX-License-Identifier: Apache-2.0
/*
 * join() of bpftrace 0.21+ (docs/bpftrace-codegen.md §1.6; 0.21-0.23
 * visit(Call) "join", 0.24 createJoinCall): the event is built in the
 * per-CPU `join` map, looked up by createGetScratchMap with a
 * `lookup_join_key` i32 alloca ended right after the lookup; a missing
 * value branches to `failure_callback`. Then the action and join ids, and
 * for each of the join_argnum pointers a probe_read into the `join_r0` i64
 * alloca (never ended) and a probe_read_str of join_argsize bytes into the
 * event, which is output whole. 0.17-0.20 are in codegen_call.c.
 */
#include <errno.h>

#include "codegen_impl.h"

enum { JOIN_ARGNUM = 16, JOIN_ARGSIZE = 1024, JOIN_ACTION = 30005 };

int cg_join_head(struct cg *c, LLVMValueRef data, const struct bc_expr *call, LLVMValueRef *arr)
{
	LLVMValueRef ix = cg_i64(c, 8);
	struct bc_prov p;

	LLVMBuildStore(c->b, cg_i64(c, JOIN_ACTION), data);
	LLVMBuildStore(c->b, cg_i64(c, (uint64_t)c->ids.join_id),
		       LLVMBuildGEP2(c->b, c->irb->i8, data, &ix, 1, ""));
	c->ids.join_id++;
	p = cg_prov("join", "join_r0", &call->span, false, NULL, 0);
	*arr = cg_alloca(c, c->irb->i64, "join_r0", &p);
	return *arr ? 0 : c->err;
}

int cg_join_021(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	const struct bc_expr *a0 = call->u.call.args.n ? call->u.call.args.v[0] : NULL;
	enum bc_addrspace as;
	struct cg_val v = { 0 };
	LLVMValueRef data, cond, arr, ix, addr;
	LLVMBasicBlockRef fail, merge, done;
	int err;

	if (!a0)
		return cg_fail(c, -EINVAL, &call->span, "join() without arguments");
	if ((err = cg_expr(c, a0, &v)))
		return err;
	if (!v.v)
		return cg_unsupported(c, &a0->span, "argument", "the argument has no value");
	as = a0->type ? a0->type->as : BC_AS_NONE;
	done = cg_block(c, "failure_callback");

	if ((err = cg_scratch_elem(c, "join", "lookup_join_key", &call->span, "join", true, &data)))
		return err;
	fail = cg_block(c, "lookup_join_failure");
	merge = cg_block(c, "lookup_join_merge");
	cond = LLVMBuildICmp(c->b, LLVMIntNE, data, LLVMConstNull(c->irb->ptr), "lookup_join_cond");
	LLVMBuildCondBr(c->b, cond, merge, fail);
	LLVMPositionBuilderAtEnd(c->b, fail);
	LLVMBuildBr(c->b, done);

	LLVMPositionBuilderAtEnd(c->b, merge);
	if ((err = cg_join_head(c, data, call, &arr)))
		return err;
	addr = cg_int64(c, v.v, false);
	for (unsigned i = 0; i < JOIN_ARGNUM; i++) {
		LLVMValueRef dst;

		if (i)
			addr = LLVMBuildAdd(c->b, addr, cg_i64(c, 8), "");
		bc_irb_probe_read(c->irb, arr, cg_i32(c, 8), addr, as);
		ix = cg_i64(c, 16 + (uint64_t)i * JOIN_ARGSIZE);
		dst = LLVMBuildGEP2(c->b, c->irb->i8, data, &ix, 1, "");
		bc_irb_probe_read_str(c->irb, dst, cg_i32(c, JOIN_ARGSIZE),
				      LLVMBuildLoad2(c->b, c->irb->i64, arr, ""), as);
	}
	if ((err = cg_perf_output(c, data, 16 + JOIN_ARGNUM * JOIN_ARGSIZE)))
		return err;
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
	cg_end(c, &v);
	out->v = NULL;
	return cg_irb_err(c);
}
