// SPDX-License-Identifier: Apache-2.0
/* Has this module been through an optimisation pipeline? */
#include <string.h>

#include "opt_state.h"

static bool is_scalar(LLVMTypeRef t)
{
	switch (LLVMGetTypeKind(t)) {
	case LLVMIntegerTypeKind:
	case LLVMPointerTypeKind:
	case LLVMHalfTypeKind:
	case LLVMBFloatTypeKind:
	case LLVMFloatTypeKind:
	case LLVMDoubleTypeKind:
		return true;
	default:
		return false;
	}
}

static bool is_lifetime_call(LLVMValueRef v)
{
	static const char start[] = "llvm.lifetime.start", end[] = "llvm.lifetime.end";
	LLVMValueRef callee;
	unsigned id;

	if (!LLVMIsACallInst(v))
		return false;
	callee = LLVMGetCalledValue(v);
	if (!callee || !LLVMIsAFunction(callee))
		return false;
	id = LLVMGetIntrinsicID(callee);
	return id && (id == LLVMLookupIntrinsicID(start, strlen(start)) ||
		      id == LLVMLookupIntrinsicID(end, strlen(end)));
}

/* Every use of V (the alloca or a no-op cast of it) only reads or writes it. */
static bool only_loads_stores(LLVMValueRef v, int depth)
{
	for (LLVMUseRef u = LLVMGetFirstUse(v); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);

		if (LLVMIsALoadInst(user)) {
			if (LLVMGetVolatile(user))
				return false;
		} else if (LLVMIsAStoreInst(user)) {
			/* storing the address itself makes it escape */
			if (LLVMGetVolatile(user) || LLVMGetOperand(user, 0) == v)
				return false;
		} else if (is_lifetime_call(user)) {
			continue;
		} else if (LLVMIsABitCastInst(user) && depth < 4) {
			if (!only_loads_stores(user, depth + 1))
				return false;
		} else {
			return false;
		}
	}
	return true;
}

/* CALL is llvm.memset, llvm.memcpy or llvm.memmove with V as its
 * destination only (operand 0, not the source). */
static bool writes_only_to(LLVMValueRef call, LLVMValueRef v)
{
	LLVMValueRef callee = LLVMGetCalledValue(call);
	const char *name;
	size_t len;
	unsigned n = (unsigned)LLVMGetNumArgOperands(call);

	if (!callee || !LLVMIsAFunction(callee))
		return false;
	name = LLVMGetValueName2(callee, &len);
	if (strncmp(name, "llvm.memset.", 12) && strncmp(name, "llvm.memcpy.", 12) &&
	    strncmp(name, "llvm.memmove.", 13))
		return false;
	if (LLVMGetOperand(call, 0) != v)
		return false;
	for (unsigned i = 1; i < n; i++)
		if (LLVMGetOperand(call, i) == v)
			return false;
	return true;
}

/* Every use of V (an alloca, or a GEP or cast of it) writes it: stores
 * into it, memset/memcpy to it, lifetime markers. Nothing reads it and its
 * address goes nowhere, so every O1+ pipeline (SROA, dead store
 * elimination) deletes it: bpftrace's IR has such a slot for a tuple
 * literal or a variable that is never read. */
static bool write_only(LLVMValueRef v, int depth)
{
	for (LLVMUseRef u = LLVMGetFirstUse(v); u; u = LLVMGetNextUse(u)) {
		LLVMValueRef user = LLVMGetUser(u);

		if (LLVMIsAStoreInst(user)) {
			if (LLVMGetVolatile(user) || LLVMGetOperand(user, 0) == v)
				return false;
		} else if (is_lifetime_call(user)) {
			continue;
		} else if (LLVMIsACallInst(user)) {
			if (!writes_only_to(user, v))
				return false;
		} else if ((LLVMIsAGetElementPtrInst(user) || LLVMIsABitCastInst(user)) &&
			   depth < 4) {
			if (!write_only(user, depth + 1))
				return false;
		} else {
			return false;
		}
	}
	return true;
}

static bool has_write_only_alloca(LLVMModuleRef m)
{
	for (LLVMValueRef fn = LLVMGetFirstFunction(m); fn; fn = LLVMGetNextFunction(fn)) {
		if (LLVMIsDeclaration(fn))
			continue;
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
		     bb = LLVMGetNextBasicBlock(bb))
			for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
			     i = LLVMGetNextInstruction(i))
				if (LLVMIsAAllocaInst(i) && LLVMGetFirstUse(i) && write_only(i, 0))
					return true;
	}
	return false;
}

size_t bc_ir_promotable_allocas(LLVMModuleRef m)
{
	size_t n = 0;

	for (LLVMValueRef fn = LLVMGetFirstFunction(m); fn; fn = LLVMGetNextFunction(fn)) {
		if (LLVMIsDeclaration(fn))
			continue;
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
		     bb = LLVMGetNextBasicBlock(bb))
			for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
			     i = LLVMGetNextInstruction(i))
				if (LLVMIsAAllocaInst(i) && is_scalar(LLVMGetAllocatedType(i)) &&
				    only_loads_stores(i, 0))
					n++;
	}
	return n;
}

static size_t block_uses(LLVMBasicBlockRef bb)
{
	size_t n = 0;

	for (LLVMUseRef u = LLVMGetFirstUse(LLVMBasicBlockAsValue(bb)); u; u = LLVMGetNextUse(u))
		n++;
	return n;
}

/*
 * A control-flow graph SimplifyCFG would still change: a block other than
 * the entry that nothing branches to (bpftrace's "deadcode" block after
 * exit()), or an unconditional branch to a block that has no other
 * predecessor (the two are one block after SimplifyCFG). Every O1+
 * pipeline ends with SimplifyCFG, so optimised IR has neither, while
 * bpftrace's generated IR has both wherever an if/else or a helper call's
 * error check ends, even when every alloca of it escapes to a helper.
 */
static bool cfg_unsimplified(LLVMModuleRef m)
{
	for (LLVMValueRef fn = LLVMGetFirstFunction(m); fn; fn = LLVMGetNextFunction(fn)) {
		LLVMBasicBlockRef entry;

		if (LLVMIsDeclaration(fn))
			continue;
		entry = LLVMGetEntryBasicBlock(fn);
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
		     bb = LLVMGetNextBasicBlock(bb)) {
			LLVMValueRef term = LLVMGetBasicBlockTerminator(bb);
			LLVMBasicBlockRef succ;

			if (bb != entry && !block_uses(bb))
				return true;
			if (!term || !LLVMIsABranchInst(term) || LLVMIsConditional(term))
				continue;
			succ = LLVMGetSuccessor(term, 0);
			if (succ != bb && succ != entry && block_uses(succ) == 1)
				return true;
		}
	}
	return false;
}

/*
 * Intrinsics that LLVM 19's BPF backend cannot select and that only the BPF
 * target's IR passes lower, from the callbacks it registers with the pass
 * builder (BPFTargetMachine::registerPassBuilderCallbacks): at pipeline
 * start, in every default<On> pipeline, BPFPreserveStaticOffsetPass,
 * BPFAbstractMemberAccessPass and BPFPreserveDITypePass; late in the scalar
 * optimiser, BPFPreserveStaticOffsetPass again. A prefix ends in '.' where
 * the intrinsic is overloaded.
 */
static const char *const pipeline_only[] = {
	"llvm.preserve.static.offset",		/* __attribute__((preserve_static_offset)), bpftrace 0.21+ ctx */
	"llvm.preserve.array.access.index.",	/* CO-RE: __builtin_preserve_access_index */
	"llvm.preserve.struct.access.index.",
	"llvm.preserve.union.access.index.",
	"llvm.bpf.preserve.field.info.",	/* __builtin_preserve_field_info */
	"llvm.bpf.preserve.type.info",		/* __builtin_preserve_type_info */
	"llvm.bpf.preserve.enum.value",		/* __builtin_preserve_enum_value */
	"llvm.bpf.btf.type.id",			/* __builtin_btf_type_id */
};

static bool is_pipeline_only(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(pipeline_only) / sizeof(pipeline_only[0]); i++) {
		size_t n = strlen(pipeline_only[i]);

		if (pipeline_only[i][n - 1] == '.' ? len > n && !strncmp(name, pipeline_only[i], n) :
						     len == n && !memcmp(name, pipeline_only[i], n))
			return true;
	}
	return false;
}

const char *bc_ir_pipeline_only_intrinsic(LLVMModuleRef m)
{
	for (LLVMValueRef fn = LLVMGetFirstFunction(m); fn; fn = LLVMGetNextFunction(fn)) {
		size_t len;
		const char *name;

		if (!LLVMIsDeclaration(fn) || !LLVMGetIntrinsicID(fn) || !LLVMGetFirstUse(fn))
			continue;
		name = LLVMGetValueName2(fn, &len);
		if (is_pipeline_only(name, len))
			return name;
	}
	return NULL;
}

bool bc_ir_needs_optimization(LLVMModuleRef m)
{
	return bc_ir_promotable_allocas(m) > 0 || bc_ir_pipeline_only_intrinsic(m) ||
	       cfg_unsimplified(m) || has_write_only_alloca(m);
}
