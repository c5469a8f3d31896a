// SPDX-License-Identifier: Apache-2.0
/* LLVM types as bpftrace's IRBuilderBPF::GetType / GetStructType make them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irb_internal.h"
#include "../base/array.h"

LLVMTypeRef bc_irb_new_struct_type(struct bc_irb *irb, const char *name, LLVMTypeRef *elems,
				   unsigned n, bool packed)
{
	LLVMTypeRef st;

	if (!name)
		return bc_irb_fail_null(irb, -EINVAL);
	st = LLVMStructCreateNamed(irb->ctx, name);
	LLVMStructSetBody(st, elems, n, packed);
	return st;
}

LLVMTypeRef bc_irb_struct_type(struct bc_irb *irb, const char *name, LLVMTypeRef *elems,
			       unsigned n, bool packed)
{
	struct bc_irb_struct *nv;
	LLVMTypeRef st;

	if (!name)
		return bc_irb_fail_null(irb, -EINVAL);
	for (size_t i = 0; i < irb->nr_structs; i++)
		if (!strcmp(irb->structs[i].name, name))
			return irb->structs[i].ty;
	if (BC_GROW(irb->structs, irb->cap_structs, irb->nr_structs + 1))
		return bc_irb_fail_null(irb, -ENOMEM);
	nv = irb->structs;
	nv[irb->nr_structs].name = strdup(name);
	if (!nv[irb->nr_structs].name)
		return bc_irb_fail_null(irb, -ENOMEM);
	st = bc_irb_new_struct_type(irb, name, elems, n, packed);
	nv[irb->nr_structs++].ty = st;
	return st;
}

/*
 * The value of kstack/ustack of 0.21+ (docs/bpftrace-codegen.md §1.5):
 * 0.21-0.22 %stack_key {i64, i32} / %stack_t {i64, i32, i32, i32};
 * 0.23-0.24 %kstack_key {i64, i64} / %ustack_key {i64, i64, i32, i32};
 * 0.25+ the frames: {[i32 pid, i32 probe id,] i64 nr, [limit x frame]},
 * a frame an i64 or %stack_build_id {i32, [20 x i8], i64}.
 */
LLVMTypeRef bc_irb_stack_type(struct bc_irb *irb, const struct bc_stype *t)
{
	bool u = t->kind == BC_ST_USTACK;
	int v = irb->opts.bt_version;
	LLVMTypeRef e[4], frame;
	char name[64];

	if (v < BC_BTV(0, 23, 0)) {
		e[0] = irb->i64;
		e[1] = e[2] = e[3] = irb->i32;
		return u ? bc_irb_struct_type(irb, "stack_t", e, 4, false) :
			   bc_irb_struct_type(irb, "stack_key", e, 2, false);
	}
	if (v < BC_BTV(0, 25, 0)) {
		e[0] = e[1] = irb->i64;
		e[2] = e[3] = irb->i32;
		return bc_irb_struct_type(irb, u ? "ustack_key" : "kstack_key", e, u ? 4 : 2,
					  false);
	}
	frame = irb->i64;
	if (t->stack_mode == BC_STACK_BUILD_ID) {
		LLVMTypeRef b[3] = { irb->i32, LLVMArrayType2(irb->i8, 20), irb->i64 };

		frame = bc_irb_struct_type(irb, "stack_build_id", b, 3, false);
		if (!frame)
			return NULL;
	}
	e[0] = e[1] = irb->i32;
	e[2] = irb->i64;
	e[3] = LLVMArrayType2(frame, t->stack_limit);
	snprintf(name, sizeof(name), "%cstack_%d_%u", u ? 'u' : 'k', (int)t->stack_mode,
		 t->stack_limit);
	return u ? bc_irb_struct_type(irb, name, e, 4, false) :
		   bc_irb_struct_type(irb, name, e + 2, 2, false);
}

static LLVMTypeRef tuple_type(struct bc_irb *irb, const struct bc_stype *t)
{
	const struct bc_layout *l = t->layout;
	LLVMTypeRef *elems, st;
	char *name;

	if (!l)
		return bc_irb_fail_null(irb, -EINVAL);
	name = bc_stype_llvm_name(t, irb->opts.bt_version);
	if (!name)
		return bc_irb_fail_null(irb, -errno);
	elems = calloc(l->nr_fields ? l->nr_fields : 1, sizeof(*elems));
	if (!elems) {
		free(name);
		return bc_irb_fail_null(irb, -ENOMEM);
	}
	st = NULL;
	for (size_t i = 0; i < l->nr_fields; i++) {
		elems[i] = bc_irb_type(irb, l->fields[i].type);
		if (!elems[i])
			goto out;
	}
	st = bc_irb_struct_type(irb, name, elems, (unsigned)l->nr_fields, false);
out:
	free(elems);
	free(name);
	return st;
}

LLVMTypeRef bc_irb_type(struct bc_irb *irb, const struct bc_stype *t)
{
	if (!t)
		return bc_irb_fail_null(irb, -EINVAL);
	if (bc_stype_is_byte_array(t) || t->kind == BC_ST_CSTRUCT)
		return LLVMArrayType2(irb->i8, t->size);
	switch (t->kind) {
	case BC_ST_ARRAY: {
		LLVMTypeRef e = bc_irb_type(irb, t->elem);

		return e ? LLVMArrayType2(e, t->nelems) : NULL;
	}
	case BC_ST_TUPLE:
	case BC_ST_RECORD:
		return tuple_type(irb, t);
	case BC_ST_POINTER:
		return irb->i64;
	case BC_ST_KSTACK:
	case BC_ST_USTACK:
		if (t->stack_in_memory)
			return bc_irb_stack_type(irb, t);
		break;
	default:
		break;
	}
	switch (t->size) {
	case 16: return irb->i128;
	case 8: return irb->i64;
	case 4: return irb->i32;
	case 2: return irb->i16;
	case 1: return irb->i8;
	default: return bc_irb_fail_null(irb, -EINVAL);
	}
}
