// SPDX-License-Identifier: Apache-2.0
/*
 * unwatch(addr): an asynchronous event asking bpftrace to detach the
 * watchpoint on ADDR, the same in every version from 0.17 to HEAD
 * (codegen_llvm.cpp, visit(Call) "unwatch"): a packed
 * {i64 action, i64 addr} named "unwatch" on the stack
 * (docs/bpftrace-codegen.md §1.2), sent with the perf event output and
 * ended. The action is AsyncAction::watchpoint_detach, 30010 (bpftrace 0.17 emits it so).
 */
#include "codegen_impl.h"

#define ACTION_WATCHPOINT_DETACH	30010

int cg_unwatch(struct cg *c, const struct bc_expr *call)
{
	LLVMTypeRef elems[2] = { c->irb->i64, c->irb->i64 }, sty;
	struct bc_prov p = cg_prov("unwatch", "unwatch", &call->span, false, NULL, 0);
	struct cg_val v = { 0 };
	LLVMValueRef buf;
	int err;

	if (call->u.call.args.n != 1)
		return cg_unsupported(c, &call->span, "unwatch", "unwatch() takes one address");
	if ((err = cg_expr(c, call->u.call.args.v[0], &v)))
		return err;
	if (!v.v)
		return cg_unsupported(c, &call->span, "unwatch", "the address has no value");
	sty = bc_irb_struct_type(c->irb, "unwatch_t", elems, 2, true);
	buf = sty ? cg_alloca(c, sty, "unwatch", &p) : NULL;
	if (!buf)
		return c->err ? c->err : cg_irb_err(c);
	LLVMBuildStore(c->b, cg_i64(c, ACTION_WATCHPOINT_DETACH),
		       bc_irb_struct_field_ptr(c->irb, sty, buf, 0));
	LLVMBuildStore(c->b, cg_int64(c, v.v, false), bc_irb_struct_field_ptr(c->irb, sty, buf, 1));
	cg_end(c, &v);
	if ((err = cg_perf_output(c, buf, bc_irb_sizeof(c->irb, sty))))
		return err;
	bc_irb_lifetime_end(c->irb, buf);
	return cg_irb_err(c);
}
