// SPDX-License-Identifier: Apache-2.0
/* LLVM types as bpftrace's IRBuilderBPF::GetType / GetStructType make them. */
#include <errno.h>
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
