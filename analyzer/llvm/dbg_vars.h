/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Source variables of IR stack slots, from the module's debug info.
 *
 * An alloca is named by the DILocalVariable that an llvm.dbg.declare (or,
 * with clang's assignment tracking at -O1 and above, an llvm.dbg.assign)
 * describes at it: the variable's name, C type, file and declaration line.
 * Both the intrinsics and the #dbg_declare / #dbg_assign records of LLVM 19
 * are read (the module is switched to intrinsics for the walk and back).
 *
 * The inlined-at chain tells which __always_inline helper put a slot in the
 * function: a variable declared in a scope inlined into the function comes
 * from that helper; a variable of the function itself that only inlined
 * code of one helper call writes (stores, memset/memcpy, helper calls taking
 * its address) is "filled by" that call. The helper is the one the function
 * calls directly (the outermost inlinedAt), and the call site is that
 * inlinedAt location, a line of the function.
 */
#ifndef BC_LLVM_DBG_VARS_H
#define BC_LLVM_DBG_VARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Core.h>

struct bc_dbg_var {
	char *name;		/* the variable; NULL = no debug info for the slot */
	char *type;		/* "struct trace_rec", "char[48]", ...; NULL unknown */
	char *file;		/* declaration file (the DIFile's directory joined when relative) */
	uint32_t line;		/* declaration line; 0 unknown */
	char *helper;		/* inlined helper that declares or fills it; NULL none */
	bool declared_in_helper; /* the variable belongs to HELPER's scope */
	uint32_t call_line, call_col; /* where the function calls HELPER */
};

/* Fills OUT[i] for ALLOCAS[i] (allocas of FN). OUT is zeroed first.
 * 0 or -ENOMEM. */
int bc_dbg_vars(LLVMModuleRef m, LLVMValueRef fn, const LLVMValueRef *allocas, size_t n,
		struct bc_dbg_var *out);
void bc_dbg_var_free(struct bc_dbg_var *v);

#endif
