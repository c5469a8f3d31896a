/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Debug info for an emitted object, built with the LLVM-C DIBuilder, so that
 * the BPF backend writes `.BTF` (functions, the `.maps` definitions) and
 * `.BTF.ext` (func and line info):
 *
 *  - one compile unit (C99) whose file is the script;
 *  - a DISubprogram per defined function, `long long NAME(void *ctx)`
 *    named by its C identifier (BTF names must be identifiers);
 *  - a DILocation per statement (codegen's at_span hook), every other
 *    instruction taking the location before it in its block (or the
 *    function's line), so that line info points at the script;
 *  - the libbpf map definition `struct { int (*type)[T]; int
 *    (*max_entries)[N]; K *key; V *value; }` (bpf_helpers.h's __uint and
 *    __type) of each `.maps` global.
 */
#ifndef BC_EMIT_DBG_H
#define BC_EMIT_DBG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>

#include "../core/diag.h"

struct bc_emit_dbg_fn {
	LLVMValueRef fn;
	char *name;		/* its C identifier */
	LLVMMetadataRef sp;
	uint32_t line;
};

struct bc_emit_dbg {
	char *path;		/* the source file (absolute when known) */
	LLVMModuleRef mod;
	LLVMContextRef ctx;
	LLVMDIBuilderRef di;
	LLVMMetadataRef cu, file;
	struct bc_emit_dbg_fn *fns;
	size_t nr_fns, cap_fns;
	int err;		/* first error (negative errno) */
};

/* Prepares D for the source PATH (may be NULL: "<stdin>"). The module is
 * bound on first use. 0 or -ENOMEM. */
int bc_emit_dbg_init(struct bc_emit_dbg *d, const char *path);
/* Binds D to MOD: a new compile unit when MOD has none, else a DIBuilder
 * over the existing one (IR input, or after bc_emit_dbg_finalize). */
int bc_emit_dbg_bind(struct bc_emit_dbg *d, LLVMModuleRef mod);
/* codegen's at_span hook: B's location from now on is SPAN's line and
 * column in FN. */
void bc_emit_dbg_at(void *ctx, LLVMBuilderRef b, LLVMValueRef fn, const struct bc_span *span);
/* The C identifier D gave (or gives) FN, unique in the module. NULL + errno. */
const char *bc_emit_dbg_fn_name(struct bc_emit_dbg *d, LLVMValueRef fn, uint32_t line);
/* Every defined function gets its subprogram, every instruction a location. */
int bc_emit_dbg_functions(struct bc_emit_dbg *d);
/* Every kfunc the module declares (an extern in ".ksyms") without debug
 * info gets its prototype, which BTF needs (bc_emit_dbg_functions does it
 * too). 0 or a negative errno. */
int bc_emit_dbg_ksyms(struct bc_emit_dbg *d);
/* The libbpf map definition type and its global's debug info. KEY/VALUE
 * sizes in bytes; ELEM_WORDS: a value of u64 words (stack traces). */
int bc_emit_dbg_map(struct bc_emit_dbg *d, LLVMValueRef global, const char *name, int type,
		    uint32_t max_entries, uint32_t key_size, uint32_t value_size);
/* A location in FN for instructions a rewrite adds (its first one's). */
LLVMMetadataRef bc_emit_dbg_fn_loc(LLVMValueRef fn);
/* Finalizes and drops the DIBuilder (the module keeps the metadata). */
void bc_emit_dbg_finalize(struct bc_emit_dbg *d);
void bc_emit_dbg_free(struct bc_emit_dbg *d);

#endif
