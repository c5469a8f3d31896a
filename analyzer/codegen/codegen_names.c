// SPDX-License-Identifier: Apache-2.0
/*
 * syscall_name(n) (0.25+) and signal_name(sig) (0.26+): standard-library
 * macros (src/stdlib/strings.bt of those tags) that declare a string[64]
 * variable, call a C function of bpftrace's stdlib (strings.bpf.c, linked
 * into the program) with the number and the variable's address, and yield
 * the variable:
 *
 *     let $v : string[64];  __syscall_name((int32)n, &$v);  $v
 *
 * The variable is the macro's own ("$$syscall_name_$v"), allocated as any
 * variable (scratch above on_stack_limit). The C function copies one
 * 64-byte entry of a read-only name table indexed under a mask (0x3ff for
 * system calls, 0x7f for signals) into it, or a fixed "unknown" string:
 * the model defines a function of that shape, a bounds check and a
 * 64-byte copy from a global, which needs no stack of its own. The
 * table's names are not modelled (zeroes): no stack figure depends on them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "codegen_impl.h"

#define NAME_BYTES	64

static const struct {
	const char *builtin, *fn, *table;
	unsigned mask;
} tables[] = {
	{ "syscall_name", "__syscall_name", "syscall_names", 0x3ff },
	{ "signal_name", "__signal_name", "signals", 0x7f },
};

static LLVMValueRef ro_global(struct cg *c, const char *name, LLVMTypeRef ty)
{
	LLVMValueRef g = LLVMGetNamedGlobal(c->irb->mod, name);

	if (g)
		return g;
	g = LLVMAddGlobal(c->irb->mod, ty, name);
	LLVMSetInitializer(g, LLVMConstNull(ty));
	LLVMSetLinkage(g, LLVMInternalLinkage);
	LLVMSetGlobalConstant(g, 1);
	LLVMSetAlignment(g, 1);
	return g;
}

/* i32 FN(i32 n, ptr out): copies table[n & mask] (or "unknown") to out. */
static LLVMValueRef name_fn(struct cg *c, size_t k)
{
	LLVMTypeRef str = LLVMArrayType2(c->irb->i8, NAME_BYTES);
	LLVMTypeRef tab = LLVMArrayType2(str, (uint64_t)tables[k].mask + 1);
	LLVMTypeRef args[2] = { c->irb->i32, c->irb->ptr };
	LLVMValueRef fn = LLVMGetNamedFunction(c->irb->mod, tables[k].fn), t, u, n, idx[2];
	LLVMBasicBlockRef entry, known, unknown;
	LLVMBuilderRef b;
	char uname[64];

	if (fn)
		return fn;
	t = ro_global(c, tables[k].table, tab);
	snprintf(uname, sizeof(uname), "unknown_%s", tables[k].table);
	u = ro_global(c, uname, str);
	fn = LLVMAddFunction(c->irb->mod, tables[k].fn, LLVMFunctionType(c->irb->i32, args, 2, 0));
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	LLVMSetSection(fn, ".text");
	b = LLVMCreateBuilderInContext(c->ctx);
	if (!b)
		return NULL;
	entry = LLVMAppendBasicBlockInContext(c->ctx, fn, "entry");
	known = LLVMAppendBasicBlockInContext(c->ctx, fn, "known");
	unknown = LLVMAppendBasicBlockInContext(c->ctx, fn, "unknown");
	LLVMPositionBuilderAtEnd(b, entry);
	n = LLVMGetParam(fn, 0);
	LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULE, n, cg_i32(c, tables[k].mask), "in_range"),
			known, unknown);
	LLVMPositionBuilderAtEnd(b, known);
	idx[0] = cg_i64(c, 0);
	idx[1] = LLVMBuildZExt(b, LLVMBuildAnd(b, n, cg_i32(c, tables[k].mask), ""), c->irb->i64,
			       "");
	LLVMBuildMemCpy(b, LLVMGetParam(fn, 1), 1, LLVMBuildGEP2(b, tab, t, idx, 2, "entry"), 1,
			cg_i64(c, NAME_BYTES));
	LLVMBuildRet(b, cg_i32(c, 0));
	LLVMPositionBuilderAtEnd(b, unknown);
	LLVMBuildMemCpy(b, LLVMGetParam(fn, 1), 1, u, 1, cg_i64(c, NAME_BYTES));
	LLVMBuildRet(b, cg_i32(c, 0));
	LLVMDisposeBuilder(b);
	return fn;
}

int cg_name_call(struct cg *c, const struct bc_expr *call, struct cg_val *out, bool *handled)
{
	const char *f = call->u.call.name;
	const struct bc_expr *a0 = call->u.call.args.n == 1 ? call->u.call.args.v[0] : NULL;
	LLVMTypeRef ty = LLVMArrayType2(c->irb->i8, NAME_BYTES);
	struct cg_val v = { 0 };
	LLVMValueRef fn, var, args[2];
	struct bc_prov p;
	char name[80];
	size_t k;
	int err;

	*handled = false;
	for (k = 0; k < sizeof(tables) / sizeof(tables[0]); k++)
		if (!strcmp(f, tables[k].builtin))
			break;
	if (k == sizeof(tables) / sizeof(tables[0]) || c->ver < BC_BTV(0, 25, 0))
		return 0;
	*handled = true;
	if (!a0)
		return cg_fail(c, -EINVAL, &call->span, "%s() takes one argument", f);
	/* let $v : string[64] (CreateVariableAllocationInit) */
	snprintf(name, sizeof(name), "$$%s_$v", f);
	p = cg_prov(BC_PROV_VARIABLE, name, &call->span, false, NULL, 0);
	var = bc_irb_alloc_init(c->irb, BC_SCRATCH_VAR, ty, name, &p, c->on_stack_limit);
	if (!var)
		return cg_irb_err(c);
	if ((err = cg_expr(c, a0, &v)))
		return err;
	if (!v.v)
		return cg_unsupported(c, &a0->span, f, "the argument has no value");
	fn = name_fn(c, k);
	if (!fn)
		return cg_fail(c, -ENOMEM, NULL, "out of memory");
	args[0] = cg_intcast(c, v.v, c->irb->i32, true, NULL);
	args[1] = var;
	LLVMBuildCall2(c->b, LLVMGlobalGetValueType(fn), fn, args, 2, "");
	cg_end(c, &v);
	out->v = var;
	out->prov = cg_prov_id(c, var);
	return cg_irb_err(c);
}
