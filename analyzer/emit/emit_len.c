// SPDX-License-Identifier: Apache-2.0
/* The len() rewrite (see emit_len.h). */
#include <errno.h>
#include <string.h>

#include <linux/bpf.h>

#include <llvm-c/DebugInfo.h>

#include "emit_len.h"

#define SUM_ELEM_COUNT "bpf_map_sum_elem_count"

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

static bool hash_backed(const struct bc_emit_map *maps, size_t n, LLVMValueRef g)
{
	size_t len;
	const char *name = LLVMGetValueName2(g, &len);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(maps[i].name, name))
			continue;
		return maps[i].type == BPF_MAP_TYPE_HASH || maps[i].type == BPF_MAP_TYPE_PERCPU_HASH ||
		       maps[i].type == BPF_MAP_TYPE_LRU_HASH ||
		       maps[i].type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	}
	return false;
}

/* A callback that only counts: `ret 0`, and at most *ctx += 1 before it. */
static bool counting_cb(LLVMValueRef fn)
{
	LLVMBasicBlockRef bb = LLVMIsAFunction(fn) && !LLVMIsDeclaration(fn) ?
			       LLVMGetFirstBasicBlock(fn) : NULL;
	LLVMValueRef ctx;

	if (!bb || LLVMGetNextBasicBlock(bb) || LLVMCountParams(fn) != 4)
		return false;
	ctx = LLVMGetParam(fn, 3);
	for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) {
		switch (LLVMGetInstructionOpcode(i)) {
		case LLVMLoad:
			if (LLVMGetOperand(i, 0) != ctx)
				return false;
			break;
		case LLVMStore:
			if (LLVMGetOperand(i, 1) != ctx)
				return false;
			break;
		case LLVMAdd:
			break;
		case LLVMRet: {
			LLVMValueRef r = LLVMGetNumOperands(i) ? LLVMGetOperand(i, 0) : NULL;

			if (!r || !LLVMIsAConstantInt(r) || LLVMConstIntGetZExtValue(r))
				return false;
			break;
		}
		default:
			return false;
		}
	}
	return true;
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

static void rewrite(LLVMModuleRef mod, LLVMValueRef call, LLVMValueRef g, LLVMBuilderRef b)
{
	LLVMValueRef kf = kfunc_decl(mod), cb = LLVMGetOperand(call, 1);
	LLVMValueRef ctx = LLVMGetOperand(call, 2), r;

	LLVMPositionBuilderBefore(b, call);
	LLVMSetCurrentDebugLocation2(b, LLVMInstructionGetDebugLoc(call));
	r = LLVMBuildCall2(b, LLVMGlobalGetValueType(kf), kf, &g, 1, "len");
	if (!LLVMIsNull(ctx))
		LLVMBuildStore(b, r, ctx);
	LLVMReplaceAllUsesWith(call, r);
	LLVMInstructionEraseFromParent(call);
	if (!LLVMGetFirstUse(cb))
		LLVMDeleteFunction(cb);
}

int bc_emit_len(LLVMModuleRef mod, bool has_kfunc, const struct bc_emit_map *maps, size_t nr_maps,
		size_t *nr_kfunc, size_t *nr_loop)
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
				LLVMValueRef callee, g;
				size_t len;

				next = LLVMGetNextInstruction(i);
				if (!LLVMIsACallInst(i))
					continue;
				callee = LLVMGetCalledValue(i);
				if (callee && LLVMIsAFunction(callee) &&
				    !strcmp(LLVMGetValueName2(callee, &len), SUM_ELEM_COUNT)) {
					(*nr_kfunc)++;
					continue;
				}
				if (helper_id(i) != BPF_FUNC_for_each_map_elem ||
				    LLVMGetNumArgOperands(i) != 4 ||
				    !counting_cb(LLVMGetOperand(i, 1)))
					continue;
				g = map_global(LLVMGetOperand(i, 0));
				if (has_kfunc && g && hash_backed(maps, nr_maps, g)) {
					rewrite(mod, i, g, b);
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
