/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Scratch buffers of recent bpftrace (v0.22+, docs/bpftrace-codegen.md §2.2):
 * temporaries larger than on_stack_limit live in per-CPU slots of the
 * globals @__bt__get_str_buf, @__bt__fmt_str_buf, ... of type
 * [1 x [NSLOTS x [SIZE x i8]]] (resized to one row per CPU at load time),
 * addressed as GEP @g, 0, %cpu.id.bounded, SLOT, 0. They take no stack.
 */
#ifndef BC_IR_SCRATCH_H
#define BC_IR_SCRATCH_H

#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>

struct bc_scratch_use {
	const char *global;	/* the global's name (owned by LLVM, valid with the module) */
	int64_t slot;		/* constant slot index; -1 when not constant */
	uint64_t slot_bytes;	/* SIZE: bytes per slot and CPU */
};

/* The distinct (global, slot) pairs function FN addresses. *OUT is a malloc'd
 * array (free it). 0 or -ENOMEM. */
int bc_ir_scratch_uses(LLVMValueRef fn, LLVMTargetDataRef td, struct bc_scratch_use **out,
		       size_t *nr);

#endif
