// SPDX-License-Identifier: Apache-2.0
/* The scratch-map rewrite (see emit_scratch.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "emit_dbg.h"
#include "emit_scratch.h"

static bool is_lifetime_call(LLVMValueRef i)
{
	LLVMValueRef callee;
	size_t len;
	const char *name;

	if (!LLVMIsACallInst(i))
		return false;
	callee = LLVMGetCalledValue(i);
	if (!callee || !LLVMIsAFunction(callee))
		return false;
	name = LLVMGetValueName2(callee, &len);
	return !strncmp(name, "llvm.lifetime.", 14);
}

static bool selected(const struct bc_emit_scratch_slot *v, size_t n, LLVMValueRef a)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].alloca == a)
			return true;
	return false;
}

/* Removes the lifetime markers on A, then replaces A by NEWV. */
static void replace_alloca(LLVMValueRef a, LLVMValueRef newv)
{
	LLVMUseRef u = LLVMGetFirstUse(a), next;

	for (; u; u = next) {
		LLVMValueRef user = LLVMGetUser(u);

		next = LLVMGetNextUse(u);
		if (is_lifetime_call(user))
			LLVMInstructionEraseFromParent(user);
	}
	LLVMReplaceAllUsesWith(a, newv);
	LLVMInstructionEraseFromParent(a);
}

static void build_ret(LLVMBuilderRef b, LLVMTypeRef ret)
{
	if (LLVMGetTypeKind(ret) == LLVMVoidTypeKind)
		LLVMBuildRetVoid(b);
	else
		LLVMBuildRet(b, LLVMConstNull(ret));
}

int bc_emit_scratch_rewrite(LLVMValueRef fn, LLVMValueRef map, const struct bc_emit_scratch_slot *v,
			    size_t n)
{
	LLVMContextRef ctx = LLVMGetModuleContext(LLVMGetGlobalParent(fn));
	LLVMTypeRef i8 = LLVMInt8TypeInContext(ctx), i32 = LLVMInt32TypeInContext(ctx);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(ctx), ptr = LLVMPointerTypeInContext(ctx, 0);
	LLVMTypeRef argt[2] = { ptr, ptr }, fty = LLVMFunctionType(ptr, argt, 2, 0);
	LLVMBasicBlockRef entry = LLVMGetFirstBasicBlock(fn), start, fail;
	LLVMMetadataRef loc = bc_emit_dbg_fn_loc(fn);
	LLVMValueRef key, args[2], val, cond, *geps;
	LLVMBuilderRef b;

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!v[i].alloca || !LLVMIsAAllocaInst(v[i].alloca) ||
		    LLVMGetBasicBlockParent(LLVMGetInstructionParent(v[i].alloca)) != fn)
			return -EINVAL;
	geps = calloc(n, sizeof(*geps));
	b = LLVMCreateBuilderInContext(ctx);
	if (!geps || !b) {
		free(geps);
		if (b)
			LLVMDisposeBuilder(b);
		return -ENOMEM;
	}
	start = LLVMInsertBasicBlockInContext(ctx, entry, "scratch.entry");
	fail = LLVMAppendBasicBlockInContext(ctx, fn, "scratch.null");
	LLVMPositionBuilderAtEnd(b, start);
	if (loc)
		LLVMSetCurrentDebugLocation2(b, loc);
	/* the allocas that stay keep to the entry block: static frame objects */
	for (LLVMValueRef i = LLVMGetFirstInstruction(entry), next; i; i = next) {
		next = LLVMGetNextInstruction(i);
		if (LLVMIsAAllocaInst(i) && !selected(v, n, i)) {
			LLVMInstructionRemoveFromParent(i);
			LLVMInsertIntoBuilder(b, i);
		}
	}
	key = LLVMBuildAlloca(b, i32, "scratch.key");
	LLVMBuildStore(b, LLVMConstInt(i32, 0, 0), key);
	args[0] = map;
	args[1] = key;
	val = LLVMBuildCall2(b, fty,
			     LLVMConstIntToPtr(LLVMConstInt(i64, BPF_FUNC_map_lookup_elem, 0), ptr),
			     args, 2, "scratch");
	for (size_t i = 0; i < n; i++) {
		LLVMValueRef off = LLVMConstInt(i64, v[i].offset, 0);

		geps[i] = LLVMBuildInBoundsGEP2(b, i8, val, &off, 1, "scratch.slot");
	}
	cond = LLVMBuildICmp(b, LLVMIntEQ, val, LLVMConstNull(ptr), "scratch.isnull");
	LLVMBuildCondBr(b, cond, fail, entry);
	LLVMPositionBuilderAtEnd(b, fail);
	build_ret(b, LLVMGetReturnType(LLVMGlobalGetValueType(fn)));
	for (size_t i = 0; i < n; i++)
		replace_alloca(v[i].alloca, geps[i]);
	LLVMDisposeBuilder(b);
	free(geps);
	return 0;
}
