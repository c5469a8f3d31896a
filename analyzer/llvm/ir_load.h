/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading LLVM IR (textual .ll or bitcode .bc) from memory into a module of
 * its own LLVM context. Typed-pointer IR from older LLVM (bpftrace 0.17 runs
 * LLVM 14) is upgraded by LLVM 19's reader. Every loaded module has passed
 * the LLVM verifier, so later passes and the backend may run on it.
 */
#ifndef BC_IR_LOAD_H
#define BC_IR_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Core.h>

#include "llvm_diag.h"

struct bc_unit;

struct bc_ir_module {
	LLVMContextRef ctx;		/* owned: one context per module */
	LLVMModuleRef mod;
	struct bc_llvm_diags diags;	/* everything LLVM reported for this context */
	bool is_bitcode;
	bool debug_info_stripped;	/* outdated or invalid debug info was dropped */
	bool poisoned;			/* LLVM failed fatally on it: only freed, and
					 * then leaked (llvm_guard.h) */
};

struct bc_ir_error {
	char *message;		/* LLVM's message, first line, without position prefix */
	uint32_t line, col;	/* 1-based position in textual IR; 0 when unknown */
};

/* True when DATA starts like LLVM bitcode (raw or with the wrapper header). */
bool bc_ir_is_bitcode(const void *data, size_t size);

/*
 * Parses DATA (bitcode by content, else textual IR; it needs no NUL
 * terminator) and verifies the module. On failure returns NULL with errno
 * set (EINVAL: not valid IR; ENOMEM) and, when ERR is not NULL, fills ERR
 * (free it with bc_ir_error_free).
 */
struct bc_ir_module *bc_ir_parse(const void *data, size_t size, struct bc_ir_error *err);
void bc_ir_error_free(struct bc_ir_error *e);

/* bc_ir_parse on the unit's bytes; a parse error becomes a unit failure
 * (bc_unit_fail) carrying the line:col LLVM reported. */
struct bc_ir_module *bc_ir_load(struct bc_unit *u);

void bc_ir_module_free(struct bc_ir_module *m);
/* After a fatal LLVM error while working on M: bc_ir_module_free leaves
 * its module and context allocated, untouched. */
void bc_ir_module_poison(struct bc_ir_module *m);

#endif
