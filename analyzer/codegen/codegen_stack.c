// SPDX-License-Identifier: Apache-2.0
/*
 * kstack/ustack of bpftrace 0.21+, read with bpf_get_stack
 * (docs/bpftrace-codegen.md §1.5). The value is memory, not a stack id:
 *
 *  - 0.21-0.24 (CodegenLLVM::kstack_ustack): a `stack_key` alloca (0.21-0.22
 *    %stack_key {i64 id, i32 nr_frames}; 0.23-0.24 %kstack_key {i64, i64} or
 *    %ustack_key {i64, i64, i32 pid, i32 probe id}); the frames go to the
 *    per-CPU array map `stack_scratch` (looked up with a
 *    `lookup_stack_scratch_key` i32 alloca), are zeroed with the
 *    probe_read_kernel trick (limit * 8 > 512), filled by bpf_get_stack,
 *    hashed by the always-inlined internal function @murmur_hash_2 into the
 *    key's id, and stored in the stack's map under the key. 0.21-0.22 then
 *    copy a ustack key into a `stack_args` alloca of %stack_t {i64, i32,
 *    i32 pid, i32 probe id} and end the key. The value's alloca is never
 *    ended: each use of a stack has a slot of its own;
 *  - 0.25+ (CodegenLLVM::kstack/ustack): the frames are the value, a struct
 *    %<stack name> {[i32 pid, i32 probe id,] i64 nr_frames, [limit x i64]}
 *    from createAllocation (a call-stack scratch buffer above the on-stack
 *    limit), zeroed and filled by bpf_get_stack in place.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/bpf.h>

#include "codegen_impl.h"

#define MURMUR_M 0xc6a4a7935bd1e995ULL

/*
 * @murmur_hash_2(ptr stack, i8 nr, i64 seed): MurmurHash2 over NR u64 frames.
 * bpftrace builds it with allocas that the optimiser promotes once it is
 * inlined (alwaysinline); here the loop carries its values in phis, the
 * same code after promotion.
 */
static LLVMValueRef murmur_fn(struct cg *c)
{
	struct bc_irb *irb = c->irb;
	LLVMValueRef fn = LLVMGetNamedFunction(irb->mod, "murmur_hash_2");
	LLVMTypeRef params[3] = { irb->ptr, irb->i8, irb->i64 };
	LLVMTypeRef fty = LLVMFunctionType(irb->i64, params, 3, 0);
	LLVMBuilderRef b;
	LLVMBasicBlockRef entry, cond, body, done;
	LLVMValueRef m, nr, id0, i, id, k, cmp, ix, id2, i2;
	unsigned kind;

	if (fn)
		return fn;
	fn = LLVMAddFunction(irb->mod, "murmur_hash_2", fty);
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	LLVMSetSection(fn, "helpers");
	kind = LLVMGetEnumAttributeKindForName("alwaysinline", 12);
	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(irb->ctx, kind, 0));
	kind = LLVMGetEnumAttributeKindForName("nounwind", 8);
	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(irb->ctx, kind, 0));
	b = LLVMCreateBuilderInContext(irb->ctx);
	entry = LLVMAppendBasicBlockInContext(irb->ctx, fn, "entry");
	cond = LLVMAppendBasicBlockInContext(irb->ctx, fn, "while_cond");
	body = LLVMAppendBasicBlockInContext(irb->ctx, fn, "while_body");
	done = LLVMAppendBasicBlockInContext(irb->ctx, fn, "while_end");
	m = LLVMConstInt(irb->i64, MURMUR_M, 0);

	LLVMPositionBuilderAtEnd(b, entry);
	nr = LLVMGetParam(fn, 1);
	id0 = LLVMBuildXor(b, LLVMGetParam(fn, 2),
			   LLVMBuildMul(b, LLVMBuildZExt(b, nr, irb->i64, ""), m, ""), "");
	LLVMBuildBr(b, cond);

	LLVMPositionBuilderAtEnd(b, cond);
	i = LLVMBuildPhi(b, irb->i8, "i");
	id = LLVMBuildPhi(b, irb->i64, "id");
	cmp = LLVMBuildICmp(b, LLVMIntULT, i, nr, "");
	LLVMBuildCondBr(b, cmp, body, done);

	LLVMPositionBuilderAtEnd(b, body);
	ix = LLVMBuildZExt(b, i, irb->i64, "");
	k = LLVMBuildLoad2(b, irb->i64, LLVMBuildGEP2(b, irb->i64, LLVMGetParam(fn, 0), &ix, 1, ""),
			   "k");
	k = LLVMBuildMul(b, k, m, "");
	k = LLVMBuildXor(b, k, LLVMBuildLShr(b, k, LLVMConstInt(irb->i64, 47, 0), ""), "");
	k = LLVMBuildMul(b, k, m, "");
	id2 = LLVMBuildMul(b, LLVMBuildXor(b, id, k, ""), m, "");
	i2 = LLVMBuildAdd(b, i, LLVMConstInt(irb->i8, 1, 0), "");
	LLVMBuildBr(b, cond);

	LLVMPositionBuilderAtEnd(b, done);
	LLVMBuildRet(b, id);
	LLVMDisposeBuilder(b);

	{
		LLVMValueRef iv[2] = { LLVMConstInt(irb->i8, 0, 0), i2 };
		LLVMValueRef idv[2] = { id0, id2 };
		LLVMBasicBlockRef from[2] = { entry, body };

		LLVMAddIncoming(i, iv, from, 2);
		LLVMAddIncoming(id, idv, from, 2);
	}
	return fn;
}

/* bpf_get_stack(ctx, buf, limit * elem, flags): i32 before 0.23, i64 after. */
static LLVMValueRef get_stack(struct cg *c, LLVMValueRef buf, const struct bc_stype *t,
			      bool ustack)
{
	uint64_t elem = t->stack_mode == BC_STACK_BUILD_ID ? 32 : 8, flags = 0;
	LLVMValueRef args[4];

	if (ustack)
		flags = BPF_F_USER_STACK | (t->stack_mode == BC_STACK_BUILD_ID ?
					    BPF_F_USER_BUILD_ID : 0);
	args[0] = bc_irb_ctx(c->irb);
	args[1] = buf;
	args[2] = cg_i32(c, (uint32_t)(t->stack_limit * elem));
	args[3] = cg_i64(c, flags);
	return bc_irb_helper(c->irb, BPF_FUNC_get_stack,
			     c->ver >= BC_BT(23) ? c->irb->i64 : c->irb->i32, args, 4, "get_stack");
}

/* 0.25+: the frames in a call-stack allocation. */
static int stack_frames(struct cg *c, const struct bc_expr *e, const struct bc_stype *t,
			bool ustack, struct cg_val *out)
{
	LLVMTypeRef sty = cg_type(c, t, &e->span);
	struct bc_prov p = cg_prov(ustack ? "ustack" : "kstack", ustack ? "ustack" : "kstack",
				   &e->span, false, NULL, 0);
	unsigned nr_field = ustack ? 2 : 0;
	LLVMValueRef buf, size, cond;
	LLVMBasicBlockRef ok, fail, merge;

	if (!sty)
		return c->err;
	buf = cg_alloc(c, BC_SCRATCH_CALL_STACK, sty, ustack ? "ustack" : "kstack", &p);
	if (!buf)
		return cg_irb_err(c);
	merge = cg_block(c, "merge_block");
	bc_irb_memset_bpf(c->irb, buf, bc_irb_sizeof(c->irb, sty));
	ok = cg_block(c, "get_stack_success");
	fail = cg_block(c, "get_stack_fail");
	size = get_stack(c, cg_gep32(c, sty, buf, nr_field + 1), t, ustack);
	cond = LLVMBuildICmp(c->b, LLVMIntSGE, size, LLVMConstNull(LLVMTypeOf(size)), "");
	LLVMBuildCondBr(c->b, cond, ok, fail);
	LLVMPositionBuilderAtEnd(c->b, fail);
	LLVMBuildBr(c->b, merge);
	LLVMPositionBuilderAtEnd(c->b, ok);
	LLVMBuildStore(c->b,
		       LLVMBuildUDiv(c->b, size,
				     cg_i64(c, t->stack_mode == BC_STACK_BUILD_ID ? 32 : 8), ""),
		       cg_gep32(c, sty, buf, nr_field));
	if (ustack) {
		int id = cg_probe_id(c);

		if (id < 0)
			return id;
		LLVMBuildStore(c->b,
			       LLVMBuildTrunc(c->b, LLVMBuildLShr(c->b, bc_irb_get_pid_tgid(c->irb),
								  cg_i64(c, 32), ""),
					      c->irb->i32, ""),
			       cg_gep32(c, sty, buf, 0));
		LLVMBuildStore(c->b, cg_i32(c, (uint32_t)id), cg_gep32(c, sty, buf, 1));
	}
	LLVMBuildBr(c->b, merge);
	LLVMPositionBuilderAtEnd(c->b, merge);
	out->v = buf;
	out->del = NULL;	/* never ended, as the key below */
	out->prov = cg_prov_id(c, buf);
	return cg_irb_err(c);
}

/* 0.21-0.24: a key on the stack, the frames in the stack_scratch map. */
static int stack_key(struct cg *c, const struct bc_expr *e, const struct bc_stype *t,
		     bool ustack, struct cg_val *out)
{
	bool v23 = c->ver >= BC_BT(23);
	LLVMTypeRef elems[4] = { c->irb->i64, v23 ? c->irb->i64 : c->irb->i32, c->irb->i32,
				 c->irb->i32 };
	LLVMTypeRef kty, aty;
	struct bc_prov p = cg_prov(ustack ? "ustack" : "kstack", "stack_key", &e->span, false,
				   NULL, 0);
	LLVMValueRef key, frames, size, cond, nr, hash, args[3];
	LLVMBasicBlockRef fail_scratch, merge, ok, fail, have;
	char name[64];
	int map, err;

	/* the key (0.21-0.22 a ustack's value is another struct, below) */
	kty = v23 || !ustack ? bc_irb_stack_type(c->irb, t) :
			       bc_irb_struct_type(c->irb, "stack_key", elems, 2, false);
	key = kty ? cg_alloca(c, kty, "stack_key", &p) : NULL;
	if (!key)
		return cg_irb_err(c);
	if (v23) {
		bc_irb_memset_bpf(c->irb, key, bc_irb_sizeof(c->irb, kty));
	} else {
		LLVMBuildStore(c->b, cg_i64(c, 0), cg_gep32(c, kty, key, 0));
		LLVMBuildStore(c->b, cg_i32(c, 0), cg_gep32(c, kty, key, 1));
	}
	fail_scratch = cg_block(c, "stack_scratch_failure");
	merge = cg_block(c, "merge_block");

	/* createGetScratchMap: the frames' per-CPU buffer */
	err = cg_scratch_elem(c, ustack ? "ustack" : "kstack", "lookup_stack_scratch_key", &e->span,
			      "stack_scratch", true, &frames);
	if (err)
		return err;
	have = cg_block(c, "lookup_stack_scratch_merge");
	cond = LLVMBuildICmp(c->b, LLVMIntEQ, frames, LLVMConstNull(c->irb->ptr),
			     "lookup_stack_scratch_cond");
	LLVMBuildCondBr(c->b, cond, fail_scratch, have);
	LLVMPositionBuilderAtEnd(c->b, have);
	aty = LLVMArrayType2(c->irb->i64, t->stack_limit);
	bc_irb_memset_bpf(c->irb, frames, bc_irb_sizeof(c->irb, aty));

	ok = cg_block(c, "get_stack_success");
	fail = cg_block(c, "get_stack_fail");
	size = get_stack(c, frames, t, ustack);
	cond = LLVMBuildICmp(c->b, LLVMIntSGE, size, LLVMConstNull(LLVMTypeOf(size)), "");
	LLVMBuildCondBr(c->b, cond, ok, fail);
	LLVMPositionBuilderAtEnd(c->b, fail);
	LLVMBuildBr(c->b, merge);

	LLVMPositionBuilderAtEnd(c->b, ok);
	nr = LLVMBuildUDiv(c->b, size, LLVMConstInt(LLVMTypeOf(size), 8, 0), "");
	LLVMBuildStore(c->b, nr, cg_gep32(c, kty, key, 1));
	args[0] = frames;
	args[1] = LLVMBuildTrunc(c->b, nr, c->irb->i8, "");
	args[2] = cg_i64(c, 1);	/* seed */
	hash = LLVMBuildCall2(c->b, LLVMGlobalGetValueType(murmur_fn(c)), murmur_fn(c), args, 3,
			      "murmur_hash_2");
	LLVMBuildStore(c->b, hash, cg_gep32(c, kty, key, 0));
	cg_stack_map_name(t, name, sizeof(name));
	map = bc_irb_map_id(c->irb, name);
	if (map < 0)
		return cg_irb_err(c);
	bc_irb_map_update(c->irb, map, key, frames);
	LLVMBuildBr(c->b, merge);

	LLVMPositionBuilderAtEnd(c->b, fail_scratch);
	LLVMBuildBr(c->b, merge);
	LLVMPositionBuilderAtEnd(c->b, merge);

	if (ustack) {
		int id = cg_probe_id(c);
		LLVMValueRef pid = LLVMBuildTrunc(
			c->b, LLVMBuildLShr(c->b, bc_irb_get_pid_tgid(c->irb), cg_i64(c, 32), ""),
			c->irb->i32, "");

		if (id < 0)
			return id;
		if (v23) {
			LLVMBuildStore(c->b, pid, cg_gep32(c, kty, key, 2));
			LLVMBuildStore(c->b, cg_i32(c, (uint32_t)id), cg_gep32(c, kty, key, 3));
		} else {
			LLVMTypeRef sty = bc_irb_stack_type(c->irb, t);
			LLVMValueRef args_buf;

			p = cg_prov("ustack", "stack_args", &e->span, false, NULL, 0);
			args_buf = sty ? cg_alloca(c, sty, "stack_args", &p) : NULL;
			if (!args_buf)
				return cg_irb_err(c);
			LLVMBuildStore(c->b,
				       LLVMBuildLoad2(c->b, c->irb->i64, cg_gep32(c, kty, key, 0), ""),
				       cg_gep32(c, sty, args_buf, 0));
			LLVMBuildStore(c->b,
				       LLVMBuildLoad2(c->b, c->irb->i32, cg_gep32(c, kty, key, 1), ""),
				       cg_gep32(c, sty, args_buf, 1));
			LLVMBuildStore(c->b, pid, cg_gep32(c, sty, args_buf, 2));
			LLVMBuildStore(c->b, cg_i32(c, (uint32_t)id), cg_gep32(c, sty, args_buf, 3));
			bc_irb_lifetime_end(c->irb, key);
			key = args_buf;
		}
	}
	/* the value's allocation is never ended (ScopedExpr without a deleter) */
	out->v = key;
	out->del = NULL;
	out->prov = cg_prov_id(c, key);
	return cg_irb_err(c);
}

int cg_stack_get(struct cg *c, const struct bc_expr *e, bool ustack, struct cg_val *out)
{
	const struct bc_stype *t = cg_etype(c, e);

	if (!t)
		return c->err;
	if (t->kind != BC_ST_KSTACK && t->kind != BC_ST_USTACK)
		return cg_fail(c, -EINVAL, &e->span, "a stack builtin typed %s",
			       bc_stype_kind_name(t->kind));
	if (c->ver >= BC_BT(25))
		return stack_frames(c, e, t, ustack, out);
	if (t->stack_mode == BC_STACK_BUILD_ID)
		return cg_unsupported(c, &e->span, "stack", "build_id stacks before 0.25");
	return stack_key(c, e, t, ustack, out);
}
