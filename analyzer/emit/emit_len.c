// SPDX-License-Identifier: Apache-2.0
/* The len() rewrite (see emit_len.h). */
#include <errno.h>
#include <string.h>

#include <linux/bpf.h>

#include <llvm-c/DebugInfo.h>

#include "../maps/map_kfunc.h"
#include "emit_len.h"

#define SUM_ELEM_COUNT BC_KFUNC_MAP_SUM_ELEM_COUNT

/* The helper id of a call through `inttoptr (i64 ID to ptr)`, or -1. */
static long helper_id(LLVMValueRef call)
{
	LLVMValueRef callee = LLVMGetCalledValue(call);
	LLVMValueRef id;

	if (!callee || !LLVMIsAConstantExpr(callee) || LLVMGetConstOpcode(callee) != LLVMIntToPtr)
		return -1;
	id = LLVMGetOperand(callee, 0);
	return LLVMIsAConstantInt(id) ? (long)LLVMConstIntGetZExtValue(id) : -1;
}

/* The global behind a map argument: @m, or `ptrtoint (ptr @m to i64)`. */
static LLVMValueRef map_global(LLVMValueRef v)
{
	if (LLVMIsAConstantExpr(v) && LLVMGetConstOpcode(v) == LLVMPtrToInt)
		v = LLVMGetOperand(v, 0);
	return LLVMIsAGlobalVariable(v) ? v : NULL;
}

static const char *name_of(LLVMValueRef v)
{
	size_t len;

	return LLVMGetValueName2(v, &len);
}

static bool is_const(LLVMValueRef v, unsigned long long c)
{
	return v && LLVMIsAConstantInt(v) && LLVMConstIntGetZExtValue(v) == c;
}

/*
 * A callback that only counts, (map, key, value, ctx): straight-line code
 * returning 0 whose only other instructions are `*ctx = *ctx + 1` (a load
 * of ctx, an add of 1 to it, its store back) or an atomic add of 1 to
 * *ctx. *COUNTER: the counter's integer type, NULL when it only returns 0.
 */
static bool counting_cb(LLVMValueRef fn, LLVMTypeRef *counter)
{
	LLVMBasicBlockRef bb = LLVMIsAFunction(fn) && !LLVMIsDeclaration(fn) ?
			       LLVMGetFirstBasicBlock(fn) : NULL;
	LLVMValueRef ctx, loaded = NULL, inc = NULL;

	*counter = NULL;
	if (!bb || LLVMGetNextBasicBlock(bb) || LLVMCountParams(fn) != 4)
		return false;
	ctx = LLVMGetParam(fn, 3);
	for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) {
		LLVMValueRef v;

		if (LLVMIsADbgInfoIntrinsic(i))
			continue;
		switch (LLVMGetInstructionOpcode(i)) {
		case LLVMLoad:
			if (LLVMGetOperand(i, 0) != ctx || loaded ||
			    LLVMGetTypeKind(LLVMTypeOf(i)) != LLVMIntegerTypeKind)
				return false;
			loaded = i;
			break;
		case LLVMAdd:
			v = LLVMGetOperand(i, 0) == loaded ? LLVMGetOperand(i, 1) :
			    LLVMGetOperand(i, 1) == loaded ? LLVMGetOperand(i, 0) : NULL;
			if (!loaded || inc || !is_const(v, 1))
				return false;
			inc = i;
			break;
		case LLVMStore:
			if (!inc || LLVMGetOperand(i, 0) != inc || LLVMGetOperand(i, 1) != ctx ||
			    *counter)
				return false;
			*counter = LLVMTypeOf(inc);
			break;
		case LLVMAtomicRMW:
			v = LLVMGetOperand(i, 1);
			if (LLVMGetAtomicRMWBinOp(i) != LLVMAtomicRMWBinOpAdd ||
			    LLVMGetOperand(i, 0) != ctx || !is_const(v, 1) || *counter || loaded)
				return false;
			*counter = LLVMTypeOf(v);
			break;
		case LLVMRet:
			v = LLVMGetNumOperands(i) ? LLVMGetOperand(i, 0) : NULL;
			/* a load and add whose sum is never stored: not a count */
			return is_const(v, 0) && (!loaded || *counter);
		default:
			return false;
		}
	}
	return false;
}

/* The map type of global G: the script's map of that name, or the one the
 * object analysis read for it; -1 when unknown. */
static int map_type(const struct bc_emit_len_in *in, LLVMValueRef g)
{
	const char *name = name_of(g);

	for (size_t i = 0; i < in->nr_maps; i++)
		if (!strcmp(in->maps[i].name, name))
			return in->maps[i].type;
	for (size_t i = 0; i < in->nr_found; i++)
		if (in->found[i].map && !strcmp(in->found[i].map, name))
			return in->found[i].map_type;
	return -1;
}

/* Whether the object analysis found this loop: FN calls the helper on G
 * with the callback CB. */
static bool found(const struct bc_emit_len_in *in, LLVMValueRef fn, LLVMValueRef cb,
		  LLVMValueRef g)
{
	for (size_t i = 0; i < in->nr_found; i++) {
		const struct bc_count_loop *l = &in->found[i];

		if (l->func && l->callback && l->map && !strcmp(l->func, name_of(fn)) &&
		    !strcmp(l->callback, name_of(cb)) && !strcmp(l->map, name_of(g)))
			return true;
	}
	return false;
}

static LLVMValueRef kfunc_decl(LLVMModuleRef mod)
{
	LLVMContextRef ctx = LLVMGetModuleContext(mod);
	LLVMTypeRef ptr = LLVMPointerTypeInContext(ctx, 0);
	LLVMValueRef fn = LLVMGetNamedFunction(mod, SUM_ELEM_COUNT);

	if (fn)
		return fn;
	fn = LLVMAddFunction(mod, SUM_ELEM_COUNT,
			     LLVMFunctionType(LLVMInt64TypeInContext(ctx), &ptr, 1, 0));
	LLVMSetLinkage(fn, LLVMExternalWeakLinkage);
	LLVMSetSection(fn, ".ksyms");
	return fn;
}

/* The call becomes `n = bpf_map_sum_elem_count(&map)`; with a counter,
 * `*ctx += n` as the callbacks would have added. */
static void rewrite(LLVMModuleRef mod, LLVMValueRef call, LLVMValueRef g, LLVMTypeRef counter,
		    LLVMBuilderRef b)
{
	LLVMValueRef kf = kfunc_decl(mod), cb = LLVMGetOperand(call, 1);
	LLVMValueRef ctx = LLVMGetOperand(call, 2), r;
	LLVMTypeRef fty = LLVMGlobalGetValueType(kf);

	LLVMPositionBuilderBefore(b, call);
	LLVMSetCurrentDebugLocation2(b, LLVMInstructionGetDebugLoc(call));
	r = LLVMBuildCall2(b, fty, kf, &g, 1, "len");
	if (counter) {
		LLVMValueRef old = LLVMBuildLoad2(b, counter, ctx, "count");
		LLVMValueRef n = LLVMBuildIntCast2(b, r, counter, 1, "");

		LLVMBuildStore(b, LLVMBuildAdd(b, old, n, ""), ctx);
	}
	if (LLVMTypeOf(r) != LLVMTypeOf(call))
		r = LLVMBuildIntCast2(b, r, LLVMTypeOf(call), 1, "");
	LLVMReplaceAllUsesWith(call, r);
	LLVMInstructionEraseFromParent(call);
	if (!LLVMGetFirstUse(cb))
		LLVMDeleteFunction(cb);
}

int bc_emit_len(LLVMModuleRef mod, const struct bc_emit_len_in *in, size_t *nr_kfunc,
		size_t *nr_loop)
{
	LLVMBuilderRef b = LLVMCreateBuilderInContext(LLVMGetModuleContext(mod));

	*nr_kfunc = *nr_loop = 0;
	if (!b)
		return -ENOMEM;
	for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
		     bb = LLVMGetNextBasicBlock(bb)) {
			LLVMValueRef i = LLVMGetFirstInstruction(bb), next;

			for (; i; i = next) {
				LLVMValueRef callee, g, cb;
				LLVMTypeRef counter;

				next = LLVMGetNextInstruction(i);
				if (!LLVMIsACallInst(i))
					continue;
				callee = LLVMGetCalledValue(i);
				if (callee && LLVMIsAFunction(callee) &&
				    !strcmp(name_of(callee), SUM_ELEM_COUNT)) {
					(*nr_kfunc)++;
					continue;
				}
				if (helper_id(i) != BPF_FUNC_for_each_map_elem ||
				    LLVMGetNumArgOperands(i) != 4 || !is_const(LLVMGetOperand(i, 3), 0))
					continue;
				cb = LLVMGetOperand(i, 1);
				if (!counting_cb(cb, &counter))
					continue;
				g = map_global(LLVMGetOperand(i, 0));
				if (in->has_kfunc && g && bc_map_type_has_elem_count(map_type(in, g)) &&
				    (!in->only_found || found(in, fn, cb, g))) {
					rewrite(mod, i, g, counter, b);
					(*nr_kfunc)++;
				} else {
					(*nr_loop)++;
				}
			}
		}
	}
	LLVMDisposeBuilder(b);
	return 0;
}
