// SPDX-License-Identifier: Apache-2.0
/*
 * The bucket functions of hist() and lhist(): bpftrace 0.17's log2 and
 * linear (createLog2Function, createLinearFunction), internal always-inline
 * functions in section "helpers" that the optimiser inlines into the probes.
 */
#include <errno.h>
#include <string.h>

#include "codegen_impl.h"

struct fnb {
	struct cg *c;
	LLVMBuilderRef b;
	LLVMValueRef fn;
	LLVMBasicBlockRef entry;
};

static LLVMValueRef lifetime_start(struct fnb *f, LLVMValueRef p)
{
	LLVMTypeRef pt = f->c->irb->ptr;
	unsigned id = LLVMLookupIntrinsicID("llvm.lifetime.start", 19);
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(f->c->irb->mod, id, &pt, 1);
	LLVMValueRef args[2] = { LLVMConstInt(f->c->irb->i64, (unsigned long long)-1, 1), p };

	return LLVMBuildCall2(f->b, LLVMIntrinsicGetType(f->c->ctx, id, &pt, 1), fn, args, 2, "");
}

/* CreateAllocaBPF(CreateUInt64()): unnamed, at the entry front, started here. */
static LLVMValueRef alloca_u64(struct fnb *f)
{
	LLVMBuilderRef h = LLVMCreateBuilderInContext(f->c->ctx);
	LLVMValueRef first = LLVMGetFirstInstruction(f->entry), a;

	if (first)
		LLVMPositionBuilderBefore(h, first);
	else
		LLVMPositionBuilderAtEnd(h, f->entry);
	a = LLVMBuildAlloca(h, f->c->irb->i64, "");
	LLVMDisposeBuilder(h);
	lifetime_start(f, a);
	return a;
}

static int fn_begin(struct cg *c, struct fnb *f, const char *name, unsigned nargs)
{
	LLVMTypeRef params[4] = { c->irb->i64, c->irb->i64, c->irb->i64, c->irb->i64 };
	LLVMTypeRef fty = LLVMFunctionType(c->irb->i64, params, nargs, 0);
	unsigned kind = LLVMGetEnumAttributeKindForName("alwaysinline", 12);

	f->c = c;
	f->fn = LLVMAddFunction(c->irb->mod, name, fty);
	LLVMSetLinkage(f->fn, LLVMInternalLinkage);
	LLVMAddAttributeAtIndex(f->fn, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(c->ctx, kind, 0));
	LLVMSetSection(f->fn, "helpers");
	f->entry = LLVMAppendBasicBlockInContext(c->ctx, f->fn, "entry");
	f->b = LLVMCreateBuilderInContext(c->ctx);
	if (!f->b)
		return cg_fail(c, -ENOMEM, NULL, "out of memory");
	LLVMPositionBuilderAtEnd(f->b, f->entry);
	return 0;
}

static LLVMBasicBlockRef blk(struct fnb *f, const char *name)
{
	return LLVMAppendBasicBlockInContext(f->c->ctx, f->fn, name);
}

static LLVMValueRef ld(struct fnb *f, LLVMValueRef p)
{
	return LLVMBuildLoad2(f->b, f->c->irb->i64, p, "");
}

static LLVMValueRef k64(struct fnb *f, uint64_t v)
{
	return LLVMConstInt(f->c->irb->i64, v, 0);
}

/* log2(n): 0 for n < 0, 1 for 0, else 2 + floor(log2(n)). */
LLVMValueRef cg_log2_fn(struct cg *c)
{
	struct fnb f;
	LLVMValueRef n, res;
	LLVMBasicBlockRef lt0, ge0, z, nz;

	if (c->log2_fn)
		return c->log2_fn;
	if (fn_begin(c, &f, "log2", 1))
		return NULL;
	n = alloca_u64(&f);
	LLVMBuildStore(f.b, LLVMGetParam(f.fn, 0), n);
	res = alloca_u64(&f);
	LLVMBuildStore(f.b, k64(&f, 0), res);
	lt0 = blk(&f, "hist.is_less_than_zero");
	ge0 = blk(&f, "hist.is_not_less_than_zero");
	LLVMBuildCondBr(f.b, LLVMBuildICmp(f.b, LLVMIntSLT, ld(&f, n), k64(&f, 0), ""), lt0, ge0);
	LLVMPositionBuilderAtEnd(f.b, lt0);
	LLVMBuildRet(f.b, ld(&f, res));
	LLVMPositionBuilderAtEnd(f.b, ge0);
	z = blk(&f, "hist.is_zero");
	nz = blk(&f, "hist.is_not_zero");
	LLVMBuildCondBr(f.b, LLVMBuildICmp(f.b, LLVMIntEQ, ld(&f, n), k64(&f, 0), ""), z, nz);
	LLVMPositionBuilderAtEnd(f.b, z);
	LLVMBuildStore(f.b, k64(&f, 1), res);
	LLVMBuildRet(f.b, ld(&f, res));
	LLVMPositionBuilderAtEnd(f.b, nz);
	LLVMBuildStore(f.b, k64(&f, 2), res);
	for (int i = 4; i >= 0; i--) {
		LLVMValueRef v = ld(&f, n), sh;

		sh = LLVMBuildICmp(f.b, LLVMIntSGE, v, k64(&f, 1ull << (1u << i)), "");
		sh = LLVMBuildZExt(f.b, sh, c->irb->i64, "");
		sh = LLVMBuildShl(f.b, sh, k64(&f, (uint64_t)i), "");
		LLVMBuildStore(f.b, LLVMBuildLShr(f.b, v, sh, ""), n);
		LLVMBuildStore(f.b, LLVMBuildAdd(f.b, ld(&f, res), sh, ""), res);
	}
	LLVMBuildRet(f.b, ld(&f, res));
	LLVMDisposeBuilder(f.b);
	c->log2_fn = f.fn;
	return f.fn;
}

/* linear(value, min, max, step): lhist()'s bucket. */
LLVMValueRef cg_linear_fn(struct cg *c)
{
	struct fnb f;
	LLVMValueRef va, mn, mx, st, res, cmp, div;
	LLVMBasicBlockRef ltmin, gemin, lemax, gtmax;

	if (c->linear_fn)
		return c->linear_fn;
	if (fn_begin(c, &f, "linear", 4))
		return NULL;
	va = alloca_u64(&f);
	mn = alloca_u64(&f);
	mx = alloca_u64(&f);
	st = alloca_u64(&f);
	res = alloca_u64(&f);
	LLVMBuildStore(f.b, LLVMGetParam(f.fn, 0), va);
	LLVMBuildStore(f.b, LLVMGetParam(f.fn, 1), mn);
	LLVMBuildStore(f.b, LLVMGetParam(f.fn, 2), mx);
	LLVMBuildStore(f.b, LLVMGetParam(f.fn, 3), st);
	{
		LLVMValueRef m = ld(&f, mn), v = ld(&f, va);

		cmp = LLVMBuildICmp(f.b, LLVMIntSLT, v, m, "");
	}
	ltmin = blk(&f, "lhist.lt_min");
	gemin = blk(&f, "lhist.ge_min");
	LLVMBuildCondBr(f.b, cmp, ltmin, gemin);
	LLVMPositionBuilderAtEnd(f.b, ltmin);
	LLVMBuildRet(f.b, k64(&f, 0));
	LLVMPositionBuilderAtEnd(f.b, gemin);
	{
		LLVMValueRef m = ld(&f, mx), v = ld(&f, va);

		cmp = LLVMBuildICmp(f.b, LLVMIntSGT, v, m, "");
	}
	lemax = blk(&f, "lhist.le_max");
	gtmax = blk(&f, "lhist.gt_max");
	LLVMBuildCondBr(f.b, cmp, gtmax, lemax);
	LLVMPositionBuilderAtEnd(f.b, gtmax);
	{
		LLVMValueRef s = ld(&f, st), m = ld(&f, mn), x = ld(&f, mx);

		div = LLVMBuildUDiv(f.b, LLVMBuildSub(f.b, x, m, ""), s, "");
		LLVMBuildStore(f.b, LLVMBuildAdd(f.b, div, k64(&f, 1), ""), res);
		LLVMBuildRet(f.b, ld(&f, res));
	}
	LLVMPositionBuilderAtEnd(f.b, lemax);
	{
		LLVMValueRef s = ld(&f, st), m = ld(&f, mn), v = ld(&f, va);

		div = LLVMBuildUDiv(f.b, LLVMBuildSub(f.b, v, m, ""), s, "");
		LLVMBuildStore(f.b, LLVMBuildAdd(f.b, div, k64(&f, 1), ""), res);
		LLVMBuildRet(f.b, ld(&f, res));
	}
	LLVMDisposeBuilder(f.b);
	c->linear_fn = f.fn;
	return f.fn;
}
