// SPDX-License-Identifier: Apache-2.0
/* Constructs the BPF backend aborts on, found before it runs. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_unsupported.h"

/* The only conventions BPFISelLowering lowers. */
static bool bpf_cc(unsigned cc)
{
	return cc == LLVMCCallConv || cc == LLVMFastCallConv;
}

__attribute__((format(printf, 2, 3)))
static int found(char **why, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(why, fmt, ap);
	va_end(ap);
	if (n < 0) {
		*why = NULL;
		return -ENOMEM;
	}
	return 1;
}

static int check_function(LLVMValueRef fn, char **why)
{
	size_t len;
	const char *name = LLVMGetValueName2(fn, &len);

	if (!bpf_cc(LLVMGetFunctionCallConv(fn)))
		return found(why, "calling convention %u of function '%s' is not supported "
			     "by the BPF backend (only C and fast)",
			     LLVMGetFunctionCallConv(fn), name);
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) {
			if ((LLVMIsACallInst(i) || LLVMIsAInvokeInst(i)) &&
			    !bpf_cc(LLVMGetInstructionCallConv(i)))
				return found(why, "a call with calling convention %u in function "
					     "'%s' is not supported by the BPF backend (only C and fast)",
					     LLVMGetInstructionCallConv(i), name);
			if (LLVMGetInstructionOpcode(i) == LLVMIndirectBr)
				return found(why, "an indirectbr in function '%s': the BPF "
					     "backend has no indirect jump", name);
		}
	return 0;
}

int bc_ir_bpf_unsupported(LLVMModuleRef m, LLVMValueRef *fn, char **why)
{
	int ret;

	*fn = NULL;
	*why = NULL;
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g)) {
		size_t len;

		if (LLVMIsThreadLocal(g))
			return found(why, "thread-local global '%s': BPF has no thread-local "
				     "storage", LLVMGetValueName2(g, &len));
	}
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f))
			continue;
		ret = check_function(f, why);
		if (ret) {
			*fn = f;
			return ret;
		}
	}
	return 0;
}
