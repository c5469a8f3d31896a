// SPDX-License-Identifier: Apache-2.0
/* Constructs the BPF backend aborts on, found before it runs. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_unsupported.h"

/*
 * Intrinsics whose lowering in LLVM 19's BPF backend ends the process
 * ("unimplemented opcode", "Cannot select", "Named registers not
 * implemented"), checked with llc-19. A trailing '.' matches the overloads.
 * (Intrinsics only the BPF IR passes lower are opt_state.c's table: those
 * are lowered, not refused.)
 */
static const char *const refused[] = {
	"llvm.returnaddress",
	"llvm.frameaddress.",
	"llvm.addressofreturnaddress.",
	"llvm.sponentry.",
	"llvm.eh.dwarf.cfa",
	"llvm.thread.pointer",
	"llvm.read_register.",
	"llvm.read_volatile_register.",
	"llvm.write_register.",
};

static const char *refused_intrinsic(LLVMValueRef call)
{
	LLVMValueRef callee = LLVMGetCalledValue(call);
	const char *name;
	size_t len;

	if (!callee || !LLVMIsAFunction(callee) || !LLVMGetIntrinsicID(callee))
		return NULL;
	name = LLVMGetValueName2(callee, &len);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		size_t n = strlen(refused[i]);

		if (refused[i][n - 1] == '.' ? len > n && !strncmp(name, refused[i], n) :
					       len == n && !memcmp(name, refused[i], n))
			return name;
	}
	return NULL;
}

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
			const char *intr = LLVMIsACallInst(i) ? refused_intrinsic(i) : NULL;

			if (intr)
				return found(why, "intrinsic %s in function '%s' is not supported "
					     "by the BPF backend", intr, name);
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

int bc_ir_bpf_unsupported(LLVMModuleRef m, LLVMValueRef *at, char **why)
{
	int ret;

	*at = NULL;
	*why = NULL;
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g)) {
		size_t len;

		*at = g;
		if (LLVMIsThreadLocal(g))
			return found(why, "thread-local global '%s': BPF has no thread-local "
				     "storage", LLVMGetValueName2(g, &len));
	}
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		if (LLVMIsDeclaration(f))
			continue;
		*at = f;
		ret = check_function(f, why);
		if (ret)
			return ret;
	}
	*at = NULL;
	return 0;
}
