/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capturing an LLVM context's diagnostics (parse errors from the bitcode
 * reader, backend errors such as the BPF stack-limit message, remarks)
 * instead of letting LLVM print them or exit the process.
 */
#ifndef BC_IR_LLVM_DIAG_H
#define BC_IR_LLVM_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include <llvm-c/Core.h>

struct bc_llvm_diag {
	LLVMDiagnosticSeverity severity;	/* LLVMDSError, LLVMDSWarning, ... */
	char *message;
};

struct bc_llvm_diags {
	struct bc_llvm_diag *v;
	size_t n, cap;
	bool lost;		/* a message could not be stored (out of memory) */
};

/* Routes every diagnostic of CTX into D (D must outlive the context's use). */
void bc_llvm_diags_install(LLVMContextRef ctx, struct bc_llvm_diags *d);
/* Number of stored diagnostics of severity SEV. */
size_t bc_llvm_diags_count(const struct bc_llvm_diags *d, LLVMDiagnosticSeverity sev);
/* The first message of severity SEV, or NULL. */
const char *bc_llvm_diags_first(const struct bc_llvm_diags *d, LLVMDiagnosticSeverity sev);
/* Drops stored diagnostics (keeps the buffer). */
void bc_llvm_diags_clear(struct bc_llvm_diags *d);
void bc_llvm_diags_free(struct bc_llvm_diags *d);

#endif
