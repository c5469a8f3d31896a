// SPDX-License-Identifier: Apache-2.0
/* Uses of bpftrace's per-CPU scratch-buffer globals in a function. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attribution.h"
#include "scratch.h"
#include "../base/array.h"

/* SIZE of [1 x [NSLOTS x [SIZE x i8]]]: the type two array levels down. */
static uint64_t slot_bytes(LLVMValueRef g, LLVMTargetDataRef td)
{
	LLVMTypeRef t = LLVMGlobalGetValueType(g);

	for (int level = 0; level < 2; level++) {
		if (LLVMGetTypeKind(t) != LLVMArrayTypeKind)
			return LLVMABISizeOfType(td, t);
		t = LLVMGetElementType(t);
	}
	return LLVMABISizeOfType(td, t);
}

static bool is_gep(LLVMValueRef v)
{
	return LLVMIsAGetElementPtrInst(v) ||
	       (LLVMIsAConstantExpr(v) && LLVMGetConstOpcode(v) == LLVMGetElementPtr);
}

/* The slot index of GEP @g, 0, %cpu, SLOT, ...; -1 when not constant/present. */
static int64_t gep_slot(LLVMValueRef gep)
{
	LLVMValueRef idx;

	if (LLVMGetNumOperands(gep) < 4)
		return -1;
	idx = LLVMGetOperand(gep, 3);
	if (!LLVMIsAConstantInt(idx))
		return -1;
	return LLVMConstIntGetSExtValue(idx);
}

static int add_use(struct bc_scratch_use **v, size_t *n, size_t *cap, LLVMValueRef g,
		   int64_t slot, LLVMTargetDataRef td)
{
	size_t len;
	const char *name = LLVMGetValueName2(g, &len);

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].global, name) && (*v)[i].slot == slot)
			return 0;
	/* a non-constant index is only worth a row when no constant one names
	 * the same global */
	if (slot < 0)
		for (size_t i = 0; i < *n; i++)
			if (!strcmp((*v)[i].global, name))
				return 0;
	if (slot >= 0)
		for (size_t i = 0; i < *n; i++)
			if (!strcmp((*v)[i].global, name) && (*v)[i].slot < 0) {
				(*v)[i].slot = slot;
				return 0;
			}
	if (BC_GROW(*v, *cap, *n + 1))
		return -ENOMEM;
	(*v)[(*n)++] = (struct bc_scratch_use){ name, slot, slot_bytes(g, td) };
	return 0;
}

static bool scratch_global(LLVMValueRef v)
{
	size_t len;

	return v && LLVMIsAGlobalVariable(v) && bc_ir_is_scratch_global(LLVMGetValueName2(v, &len));
}

int bc_ir_scratch_uses(LLVMValueRef fn, LLVMTargetDataRef td, struct bc_scratch_use **out,
		       size_t *nr)
{
	size_t cap = 0;
	int err;

	*out = NULL;
	*nr = 0;
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			int nops = LLVMGetNumOperands(in);

			if (is_gep(in) && scratch_global(LLVMGetOperand(in, 0))) {
				err = add_use(out, nr, &cap, LLVMGetOperand(in, 0), gep_slot(in), td);
				if (err)
					goto fail;
				continue;
			}
			for (int k = 0; k < nops; k++) {
				LLVMValueRef op = LLVMGetOperand(in, (unsigned)k);

				if (scratch_global(op))
					err = add_use(out, nr, &cap, op, -1, td);
				else if (op && LLVMIsAConstantExpr(op) && is_gep(op) &&
					 scratch_global(LLVMGetOperand(op, 0)))
					err = add_use(out, nr, &cap, LLVMGetOperand(op, 0),
						      gep_slot(op), td);
				else
					err = 0;
				if (err)
					goto fail;
			}
		}
	}
	return 0;
fail:
	free(*out);
	*out = NULL;
	*nr = 0;
	return err;
}
