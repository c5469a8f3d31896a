// SPDX-License-Identifier: Apache-2.0
/*
 * getopt() (0.24+): bpftrace's NamedParamPass turns getopt("name", default)
 * into a read of a global variable of the same name that bpftrace fills
 * from the command line before loading (codegen_llvm.cpp, visit(MapAccess)
 * for a named parameter). A bool or integer option is a load from the
 * global, no stack; a string option is copied into a string buffer
 * (CreateGetStrAllocation: scratch above on_stack_limit) that is zeroed
 * first (CreateMemsetBPF, CreateMemcpyBPF). The option's type is that of
 * its default (builtins.c, getopt_result).
 */
#include <errno.h>
#include <string.h>

#include "codegen_impl.h"

/* The option's global: one per name, read-only to the program. */
static LLVMValueRef option_global(struct cg *c, const char *name, LLVMTypeRef ty)
{
	LLVMValueRef g = LLVMGetNamedGlobal(c->irb->mod, name);

	if (g)
		return g;
	g = LLVMAddGlobal(c->irb->mod, ty, name);
	LLVMSetInitializer(g, LLVMConstNull(ty));
	LLVMSetAlignment(g, 8);
	LLVMSetGlobalConstant(g, 1);
	LLVMSetSection(g, ".rodata");
	LLVMSetExternallyInitialized(g, 1);
	return g;
}

int cg_getopt(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	const struct bc_stype *t = cg_etype(c, call);
	const struct bc_expr *a0 = call->u.call.args.n ? call->u.call.args.v[0] : NULL;
	const char *name;
	size_t len;
	LLVMValueRef g;

	if (!t)
		return c->err;
	if (!a0 || !cg_lit_str(c, a0, &name, &len))
		return cg_fail(c, -EINVAL, &call->span, "getopt() needs a literal name");
	if (t->kind == BC_ST_STRING) {
		struct bc_prov p = cg_prov(BC_PROV_STR, name, &call->span, true, NULL, 0);
		LLVMTypeRef ty = LLVMArrayType2(c->irb->i8, c->strlen);
		LLVMValueRef buf;

		g = option_global(c, name, LLVMArrayType2(c->irb->i8, t->size));
		buf = cg_alloc(c, BC_SCRATCH_GET_STR, ty, name, &p);
		if (!buf)
			return c->err;
		bc_irb_memset_bpf(c->irb, buf, t->size);
		bc_irb_memcpy_bpf(c->irb, buf, g, t->size);
		out->v = buf;
		out->del = LLVMIsAAllocaInst(buf) ? buf : NULL;
		out->prov = cg_prov_id(c, buf);
		return cg_irb_err(c);
	}
	/* a bool is an i8 in 0.24, an i1 from 0.25 */
	{
		LLVMTypeRef ty = t->kind == BC_ST_BOOL ?
					 (c->ver >= BC_BTV(0, 25, 0) ? c->irb->i1 : c->irb->i8) :
					 c->irb->i64;

		g = option_global(c, name, ty);
		out->v = LLVMBuildLoad2(c->b, ty, g, name);
	}
	return cg_irb_err(c);
}
