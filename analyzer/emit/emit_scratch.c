// SPDX-License-Identifier: Apache-2.0
/* The scratch-map rewrite (see emit_scratch.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include <llvm-c/DebugInfo.h>

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

/* Where a replacement for operand A of USER goes: before USER, or for a
 * PHI at the end of the incoming block the operand comes through. */
static void position_for(LLVMBuilderRef b, LLVMValueRef user, unsigned op)
{
	if (LLVMIsAPHINode(user))
		LLVMPositionBuilderBefore(b, LLVMGetBasicBlockTerminator(
						     LLVMGetIncomingBlock(user, op)));
	else
		LLVMPositionBuilderBefore(b, user);
}

/*
 * Removes the lifetime markers on A, then replaces each use of A by a GEP
 * from BASE built right before the user: only BASE stays live across the
 * function (one value the backend may spill), not one pointer per slot.
 */
static int replace_alloca(LLVMBuilderRef b, LLVMValueRef a, LLVMValueRef base, uint32_t offset)
{
	LLVMTypeRef i8 = LLVMInt8TypeInContext(LLVMGetTypeContext(LLVMTypeOf(a)));
	LLVMValueRef off = LLVMConstInt(LLVMInt64TypeInContext(LLVMGetTypeContext(LLVMTypeOf(a))),
					offset, 0);
	LLVMUseRef u;

	for (u = LLVMGetFirstUse(a); u;) {
		LLVMValueRef user = LLVMGetUser(u);

		u = LLVMGetNextUse(u);
		if (is_lifetime_call(user))
			LLVMInstructionEraseFromParent(user);
	}
	while ((u = LLVMGetFirstUse(a))) {
		LLVMValueRef user = LLVMGetUser(u);
		int n = LLVMGetNumOperands(user);
		bool done = false;

		if (!LLVMIsAInstruction(user))
			return -EINVAL;
		for (int k = 0; k < n; k++) {
			LLVMValueRef g;

			if (LLVMGetOperand(user, (unsigned)k) != a)
				continue;
			position_for(b, user, (unsigned)k);
			LLVMSetCurrentDebugLocation2(b, LLVMInstructionGetDebugLoc(user));
			g = LLVMBuildInBoundsGEP2(b, i8, base, &off, 1, "scratch.slot");
			LLVMSetOperand(user, (unsigned)k, g);
			done = true;
		}
		if (!done)
			return -EINVAL;
	}
	LLVMInstructionEraseFromParent(a);
	return 0;
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
	LLVMTypeRef i32 = LLVMInt32TypeInContext(ctx);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(ctx), ptr = LLVMPointerTypeInContext(ctx, 0);
	LLVMTypeRef argt[2] = { ptr, ptr }, fty = LLVMFunctionType(ptr, argt, 2, 0);
	LLVMBasicBlockRef entry = LLVMGetFirstBasicBlock(fn), start, fail;
	LLVMMetadataRef loc = bc_emit_dbg_fn_loc(fn);
	LLVMValueRef key, args[2], val, cond;
	LLVMBuilderRef b;
	int err = 0;

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!v[i].alloca || !LLVMIsAAllocaInst(v[i].alloca) ||
		    LLVMGetBasicBlockParent(LLVMGetInstructionParent(v[i].alloca)) != fn)
			return -EINVAL;
	b = LLVMCreateBuilderInContext(ctx);
	if (!b)
		return -ENOMEM;
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
	cond = LLVMBuildICmp(b, LLVMIntEQ, val, LLVMConstNull(ptr), "scratch.isnull");
	LLVMBuildCondBr(b, cond, fail, entry);
	LLVMPositionBuilderAtEnd(b, fail);
	build_ret(b, LLVMGetReturnType(LLVMGlobalGetValueType(fn)));
	for (size_t i = 0; i < n && !err; i++)
		err = replace_alloca(b, v[i].alloca, val, v[i].offset);
	LLVMDisposeBuilder(b);
	return err;
}
