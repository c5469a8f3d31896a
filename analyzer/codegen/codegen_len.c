// SPDX-License-Identifier: Apache-2.0
/*
 * len(@m), bpftrace 0.20 and later (docs/rules/BC301.md has the history):
 *
 *  - 0.22-0.23, a keyless array map: the constant 1 (one element);
 *  - 0.22+, a hash-backed map, and the kernel has bpf_map_sum_elem_count
 *    (bc_codegen_opts.has_map_sum_elem_count): a call of the kfunc, an
 *    extern_weak function in section ".ksyms" (DeclareKernelFunc);
 *  - else bpf_for_each_map_elem(map, map_len_cb, ctx, 0): in 0.20-0.21 the
 *    callback increments a counter `len` on the stack through ctx (PR
 *    #2840); from 0.22 it is a stub returning 0 and the helper's result,
 *    the number of elements visited, is the count (PR #3533).
 */
#include <errno.h>
#include <string.h>

#include <linux/bpf.h>

#include "codegen_impl.h"

#define LEN_CB "map_len_cb"
#define SUM_ELEM_COUNT "bpf_map_sum_elem_count"

/* The callback, once per module: i64 (ptr map, ptr key, ptr value, ptr ctx). */
static LLVMValueRef len_cb(struct cg *c, bool counter)
{
	LLVMModuleRef mod = c->irb->mod;
	LLVMValueRef fn = LLVMGetNamedFunction(mod, LEN_CB);
	LLVMTypeRef p = c->irb->ptr, args[4] = { p, p, p, p };
	LLVMBuilderRef b;

	if (fn)
		return fn;
	fn = LLVMAddFunction(mod, LEN_CB, LLVMFunctionType(c->irb->i64, args, 4, 0));
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	b = LLVMCreateBuilderInContext(c->ctx);
	if (!b)
		return NULL;
	LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
	if (counter) {
		LLVMValueRef ctx = LLVMGetParam(fn, 3);
		LLVMValueRef v = LLVMBuildLoad2(b, c->irb->i64, ctx, "");

		LLVMBuildStore(b, LLVMBuildAdd(b, v, cg_i64(c, 1), ""), ctx);
	}
	LLVMBuildRet(b, cg_i64(c, 0));
	LLVMDisposeBuilder(b);
	return fn;
}

static LLVMValueRef sum_elem_count(struct cg *c)
{
	LLVMValueRef fn = LLVMGetNamedFunction(c->irb->mod, SUM_ELEM_COUNT);

	if (fn)
		return fn;
	fn = LLVMAddFunction(c->irb->mod, SUM_ELEM_COUNT,
			     LLVMFunctionType(c->irb->i64, &c->irb->ptr, 1, 0));
	LLVMSetLinkage(fn, LLVMExternalWeakLinkage);
	LLVMSetSection(fn, ".ksyms");
	return fn;
}

int cg_map_len(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	const struct bc_expr *m = call->u.call.args.n == 1 ? call->u.call.args.v[0] : NULL;
	const struct bc_sema_map *sm;
	bool array, v022 = c->ver >= BC_BTV(0, 22, 0);
	LLVMValueRef cb, fd, args[4];
	int id;

	if (!m || m->kind != BC_EXPR_MAP)
		return cg_unsupported(c, &call->span, "len", "len() of something else than a map");
	sm = cg_map(c, m);
	if (!sm)
		return c->err;
	id = cg_map_id(c, m->u.map.name);
	if (id < 0)
		return c->err;
	array = sm->bpf_map_type == BPF_MAP_TYPE_ARRAY ||
		sm->bpf_map_type == BPF_MAP_TYPE_PERCPU_ARRAY;
	if (v022 && array && !sm->nr_keys) {
		out->v = cg_i64(c, 1);
		return 0;
	}
	fd = bc_irb_map_fd(c->irb, id);
	if (!fd)
		return cg_irb_err(c);
	if (v022 && !array && c->o->has_map_sum_elem_count) {
		LLVMValueRef fn = sum_elem_count(c);
		LLVMValueRef mp = LLVMBuildIntToPtr(c->b, fd, c->irb->ptr, "");

		out->v = LLVMBuildCall2(c->b, LLVMGlobalGetValueType(fn), fn, &mp, 1, "len");
		return cg_irb_err(c);
	}
	cb = len_cb(c, !v022);
	if (!cb)
		return cg_fail(c, -ENOMEM, NULL, "out of memory");
	args[0] = fd;
	args[1] = cb;
	args[3] = cg_i64(c, 0);
	if (v022) {
		args[2] = LLVMConstNull(c->irb->ptr);
		out->v = bc_irb_helper(c->irb, BPF_FUNC_for_each_map_elem, c->irb->i64, args, 4,
				       "for_each_map_elem");
		return cg_irb_err(c);
	} else {
		struct bc_prov p = cg_prov("len", "len", &call->span, false, NULL, 0);
		LLVMValueRef len = cg_alloca(c, c->irb->i64, "len", &p);

		if (!len)
			return c->err;
		LLVMBuildStore(c->b, cg_i64(c, 0), len);
		args[2] = len;
		bc_irb_helper(c->irb, BPF_FUNC_for_each_map_elem, c->irb->i64, args, 4,
			      "for_each_map_elem");
		out->v = LLVMBuildLoad2(c->b, c->irb->i64, len, "");
		bc_irb_lifetime_end(c->irb, len);
	}
	return cg_irb_err(c);
}
