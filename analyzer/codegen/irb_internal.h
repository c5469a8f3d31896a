/* SPDX-License-Identifier: Apache-2.0 */
/* What the irbuilder's files share (not for other modules). */
#ifndef BC_IR_IRB_INTERNAL_H
#define BC_IR_IRB_INTERNAL_H

#include "irbuilder.h"

struct bc_irb_map {
	char *name;
	int id;
};

struct bc_irb_probe_index {
	char *name;
	int next;
};

struct bc_irb_struct {
	char *name;
	LLVMTypeRef ty;
};

struct bc_irb_scratch_use {
	enum bc_scratch_cat cat;
	uint32_t slot;
	LLVMValueRef gep;	/* over the pending global until bc_irb_finish */
	LLVMValueRef cpu;	/* %cpu.id.bounded */
	uint32_t prov_id;
};

/* Records ERR (negative errno) as the builder's first error; returns it. */
int bc_irb_fail(struct bc_irb *irb, int err);
/* NULL + errno = -ERR, recorded. */
void *bc_irb_fail_null(struct bc_irb *irb, int err);

/* Points irb->cur at the entry front (hoisting); bc_irb_hoist_end undoes it. */
void bc_irb_hoist_begin(struct bc_irb *irb);
void bc_irb_hoist_end(struct bc_irb *irb);

/* Records PROV for V (an alloca or scratch GEP) and tags V with its id. */
struct bc_prov_rec *bc_irb_record(struct bc_irb *irb, LLVMValueRef v, const struct bc_prov *prov,
				  LLVMTypeRef ty);

/* `inttoptr (i64 ID to ptr)` call of type RET(types of ARGS) at irb->cur. */
LLVMValueRef bc_irb_call_id(struct bc_irb *irb, int id, LLVMTypeRef ret, LLVMValueRef *args,
			    unsigned n, const char *name);

/* bc_irb_finish's part: the final scratch globals. 0 or negative errno. */
int bc_irb_scratch_finish(struct bc_irb *irb);

#endif
