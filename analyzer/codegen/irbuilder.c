// SPDX-License-Identifier: Apache-2.0
/* The IR builder: module, probes, allocations and memory intrinsics. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>

#include "irb_internal.h"
#include "../base/array.h"
#include "../llvm/ir_load.h"

int bc_irb_fail(struct bc_irb *irb, int err)
{
	if (irb && !irb->err)
		irb->err = err;
	return err;
}

void *bc_irb_fail_null(struct bc_irb *irb, int err)
{
	bc_irb_fail(irb, err);
	errno = -err;
	return NULL;
}

struct bc_irb *bc_irb_new(const struct bc_irb_opts *opts)
{
	struct bc_irb *irb = calloc(1, sizeof(*irb));

	if (!irb)
		goto nomem;
	if (opts)
		irb->opts = *opts;
	if (!irb->opts.bt_version)
		irb->opts.bt_version = BC_BTV(0, 17, 0);
	irb->m = calloc(1, sizeof(*irb->m));
	irb->prov = bc_prov_table_new();
	if (!irb->m || !irb->prov)
		goto nomem;
	irb->ctx = irb->m->ctx = LLVMContextCreate();
	if (!irb->ctx)
		goto nomem;
	bc_llvm_diags_install(irb->ctx, &irb->m->diags);
	irb->mod = irb->m->mod = LLVMModuleCreateWithNameInContext("bpftrace", irb->ctx);
	irb->b = LLVMCreateBuilderInContext(irb->ctx);
	irb->hb = LLVMCreateBuilderInContext(irb->ctx);
	irb->td = LLVMCreateTargetData(BC_IRB_DATALAYOUT);
	if (!irb->mod || !irb->b || !irb->hb || !irb->td)
		goto nomem;
	irb->cur = irb->b;
	LLVMSetSourceFileName(irb->mod, "bpftrace", 8);
	LLVMSetDataLayout(irb->mod, BC_IRB_DATALAYOUT);
	LLVMSetTarget(irb->mod, irb->opts.triple ? irb->opts.triple : BC_IRB_TRIPLE);
	irb->opts.triple = NULL;	/* not kept: the caller's string */
	irb->i1 = LLVMInt1TypeInContext(irb->ctx);
	irb->i8 = LLVMInt8TypeInContext(irb->ctx);
	irb->i16 = LLVMInt16TypeInContext(irb->ctx);
	irb->i32 = LLVMInt32TypeInContext(irb->ctx);
	irb->i64 = LLVMInt64TypeInContext(irb->ctx);
	irb->i128 = LLVMInt128TypeInContext(irb->ctx);
	irb->ptr = LLVMPointerTypeInContext(irb->ctx, 0);
	irb->void_ty = LLVMVoidTypeInContext(irb->ctx);
	/* bpftrace declares llvm.bpf.pseudo up front (IRBuilderBPF ctor) */
	{
		LLVMTypeRef p[2] = { irb->i64, irb->i64 };
		LLVMTypeRef fty = LLVMFunctionType(irb->i64, p, 2, 0);

		irb->pseudo_fn = LLVMAddFunction(irb->mod, "llvm.bpf.pseudo", fty);
	}
	return irb;
nomem:
	bc_irb_free(irb);
	errno = ENOMEM;
	return NULL;
}

static void free_bookkeeping(struct bc_irb *irb)
{
	for (size_t i = 0; i < irb->nr_maps; i++)
		free(irb->maps[i].name);
	free(irb->maps);
	irb->maps = NULL;
	irb->nr_maps = 0;
	irb->cap_maps = 0;
	bc_strindex_free(&irb->map_index);
	for (size_t i = 0; i < irb->nr_probe_idx; i++)
		free(irb->probe_idx[i].name);
	free(irb->probe_idx);
	irb->probe_idx = NULL;
	irb->nr_probe_idx = irb->cap_probe_idx = 0;
	for (size_t i = 0; i < irb->nr_structs; i++)
		free(irb->structs[i].name);
	free(irb->structs);
	irb->structs = NULL;
	irb->nr_structs = irb->cap_structs = 0;
	free(irb->scratch);
	irb->scratch = NULL;
	irb->nr_scratch = irb->cap_scratch = 0;
}

static void dispose_builders(struct bc_irb *irb)
{
	if (irb->b)
		LLVMDisposeBuilder(irb->b);
	if (irb->hb)
		LLVMDisposeBuilder(irb->hb);
	irb->b = irb->hb = irb->cur = NULL;
}

void bc_irb_free(struct bc_irb *irb)
{
	if (!irb)
		return;
	dispose_builders(irb);
	free_bookkeeping(irb);
	if (irb->td)
		LLVMDisposeTargetData(irb->td);
	bc_ir_module_free(irb->m);
	bc_prov_table_free(irb->prov);
	free(irb->fn_name);
	free(irb->error);
	free(irb);
}

int bc_irb_finish(struct bc_irb *irb, struct bc_ir_module **out, struct bc_prov_table **prov)
{
	char *msg = NULL;
	int err;

	*out = NULL;
	if (prov)
		*prov = NULL;
	if (!irb->m)
		return -EINVAL;
	if (irb->err)
		return irb->err;
	err = bc_irb_scratch_finish(irb);
	if (!err && irb->prov)
		err = bc_prov_seal(irb->prov);	/* the table is complete */
	if (err)
		return bc_irb_fail(irb, err);
	if (LLVMVerifyModule(irb->mod, LLVMReturnStatusAction, &msg)) {
		free(irb->error);
		irb->error = strdup(msg ? msg : "the module does not verify");
		LLVMDisposeMessage(msg);
		return bc_irb_fail(irb, -EINVAL);
	}
	LLVMDisposeMessage(msg);
	dispose_builders(irb);
	*out = irb->m;
	irb->m = NULL;
	if (prov) {
		*prov = irb->prov;
		irb->prov = NULL;
	}
	return 0;
}

/* ---- probes ---- */

static int next_probe_index(struct bc_irb *irb, const char *name)
{
	struct bc_irb_probe_index *nv;

	for (size_t i = 0; i < irb->nr_probe_idx; i++)
		if (!strcmp(irb->probe_idx[i].name, name))
			return irb->probe_idx[i].next++;
	if (BC_GROW(irb->probe_idx, irb->cap_probe_idx, irb->nr_probe_idx + 1))
		return -ENOMEM;
	nv = irb->probe_idx;
	nv[irb->nr_probe_idx].name = strdup(name);
	if (!nv[irb->nr_probe_idx].name)
		return -ENOMEM;
	nv[irb->nr_probe_idx].next = 2;
	irb->nr_probe_idx++;
	return 1;
}

LLVMValueRef bc_irb_probe_begin(struct bc_irb *irb, const char *name, const char *probe)
{
	LLVMTypeRef fty = LLVMFunctionType(irb->i64, &irb->ptr, 1, 0);
	char *section = NULL;
	size_t len;
	int idx;

	if (!name || !*name)
		return bc_irb_fail_null(irb, -EINVAL);
	idx = next_probe_index(irb, probe ? probe : name);
	if (idx < 0)
		return bc_irb_fail_null(irb, idx);
	if (asprintf(&section, "s_%s_%d", name, idx) < 0)
		return bc_irb_fail_null(irb, -ENOMEM);
	irb->fn = LLVMAddFunction(irb->mod, name, fty);
	LLVMSetSection(irb->fn, section);
	free(section);
	irb->entry = LLVMAppendBasicBlockInContext(irb->ctx, irb->fn, "entry");
	LLVMPositionBuilderAtEnd(irb->b, irb->entry);
	irb->cur = irb->b;
	free(irb->fn_name);
	irb->fn_name = strdup(LLVMGetValueName2(irb->fn, &len));
	if (!irb->fn_name)
		return bc_irb_fail_null(irb, -ENOMEM);
	return irb->fn;
}

int bc_irb_ret(struct bc_irb *irb, int64_t retval)
{
	if (!irb->fn)
		return bc_irb_fail(irb, -EINVAL);
	LLVMBuildRet(irb->cur, LLVMConstInt(irb->i64, (unsigned long long)retval, 1));
	return 0;
}

LLVMValueRef bc_irb_ctx(struct bc_irb *irb)
{
	return irb->fn ? LLVMGetParam(irb->fn, 0) : NULL;
}

LLVMBasicBlockRef bc_irb_block(struct bc_irb *irb, const char *name)
{
	if (!irb->fn)
		return bc_irb_fail_null(irb, -EINVAL);
	return LLVMAppendBasicBlockInContext(irb->ctx, irb->fn, name);
}

/* ---- allocations ---- */

/* IRBuilderBPF::hoist(): emit at the front of the entry block. */
void bc_irb_hoist_begin(struct bc_irb *irb)
{
	LLVMValueRef first = LLVMGetFirstInstruction(irb->entry);

	if (first)
		LLVMPositionBuilderBefore(irb->hb, first);
	else
		LLVMPositionBuilderAtEnd(irb->hb, irb->entry);
	irb->cur = irb->hb;
}

void bc_irb_hoist_end(struct bc_irb *irb)
{
	irb->cur = irb->b;
}

uint64_t bc_irb_sizeof(const struct bc_irb *irb, LLVMTypeRef ty)
{
	return LLVMABISizeOfType(irb->td, ty);
}

struct bc_prov_rec *bc_irb_record(struct bc_irb *irb, LLVMValueRef v, const struct bc_prov *prov,
				  LLVMTypeRef ty)
{
	struct bc_prov_rec *r;
	const char *name = NULL;
	size_t len = 0;

	if (LLVMIsAAllocaInst(v))
		name = LLVMGetValueName2(v, &len);
	r = bc_prov_add(irb->prov, prov, v, irb->fn_name, len ? name : NULL);
	if (!r)
		return bc_irb_fail_null(irb, -errno);
	r->bytes = bc_irb_sizeof(irb, ty);
	bc_prov_attach(v, r->id);
	return r;
}

static LLVMValueRef call_intrinsic(struct bc_irb *irb, const char *iname, LLVMTypeRef *over,
				   unsigned nover, LLVMValueRef *args, unsigned nargs)
{
	unsigned id = LLVMLookupIntrinsicID(iname, strlen(iname));
	LLVMValueRef fn;
	LLVMTypeRef fty;

	if (!id)
		return bc_irb_fail_null(irb, -ENOENT);
	fn = LLVMGetIntrinsicDeclaration(irb->mod, id, over, nover);
	fty = LLVMIntrinsicGetType(irb->ctx, id, over, nover);
	return LLVMBuildCall2(irb->cur, fty, fn, args, nargs, "");
}

static int lifetime(struct bc_irb *irb, const char *iname, LLVMValueRef ptr)
{
	LLVMValueRef args[2] = { LLVMConstInt(irb->i64, (unsigned long long)-1, 1), ptr };

	if (!ptr)
		return bc_irb_fail(irb, -EINVAL);
	return call_intrinsic(irb, iname, &irb->ptr, 1, args, 2) ? 0 : irb->err;
}

int bc_irb_lifetime_start(struct bc_irb *irb, LLVMValueRef ptr)
{
	return lifetime(irb, "llvm.lifetime.start", ptr);
}

int bc_irb_lifetime_end(struct bc_irb *irb, LLVMValueRef ptr)
{
	if (ptr && !LLVMIsAAllocaInst(ptr))
		return 0;
	return lifetime(irb, "llvm.lifetime.end", ptr);
}

static LLVMValueRef hoisted_alloca(struct bc_irb *irb, LLVMTypeRef ty, const char *name,
				   const struct bc_prov *prov)
{
	LLVMValueRef a = LLVMBuildAlloca(irb->cur, ty, name ? name : "");

	if (!bc_irb_record(irb, a, prov, ty))
		return NULL;
	return a;
}

LLVMValueRef bc_irb_alloca(struct bc_irb *irb, LLVMTypeRef ty, const char *name,
			   const struct bc_prov *prov)
{
	LLVMValueRef a;

	if (!irb->fn || !ty || !prov)
		return bc_irb_fail_null(irb, -EINVAL);
	bc_irb_hoist_begin(irb);
	a = hoisted_alloca(irb, ty, name, prov);
	bc_irb_hoist_end(irb);
	if (!a || bc_irb_lifetime_start(irb, a))
		return NULL;
	return a;
}

/* CreateAllocationInit: zero an integer by a store, anything else by MEMSET. */
static int zero_init(struct bc_irb *irb, LLVMTypeRef ty, LLVMValueRef p, bool bpf_memset)
{
	if (LLVMGetTypeKind(ty) == LLVMIntegerTypeKind) {
		LLVMBuildStore(irb->cur, LLVMConstNull(ty), p);
		return 0;
	}
	if (bpf_memset)
		return bc_irb_memset_bpf(irb, p, bc_irb_sizeof(irb, ty)) ? 0 : irb->err;
	return bc_irb_memset(irb, p, 0, bc_irb_sizeof(irb, ty), 1) ? 0 : irb->err;
}

LLVMValueRef bc_irb_alloca_init(struct bc_irb *irb, LLVMTypeRef ty, const char *name,
				const struct bc_prov *prov)
{
	LLVMValueRef a;

	if (!irb->fn || !ty || !prov)
		return bc_irb_fail_null(irb, -EINVAL);
	bc_irb_hoist_begin(irb);
	a = hoisted_alloca(irb, ty, name, prov);
	if (a && (bc_irb_lifetime_start(irb, a) || zero_init(irb, ty, a, false)))
		a = NULL;
	bc_irb_hoist_end(irb);
	return a;
}

LLVMValueRef bc_irb_alloc(struct bc_irb *irb, enum bc_scratch_cat cat, LLVMTypeRef ty,
			  const char *name, const struct bc_prov *prov, uint64_t on_stack_limit)
{
	if (!ty)
		return bc_irb_fail_null(irb, -EINVAL);
	if (bc_irb_sizeof(irb, ty) > on_stack_limit)
		return bc_irb_scratch(irb, cat, ty, prov);
	return bc_irb_alloca(irb, ty, name, prov);
}

LLVMValueRef bc_irb_alloc_init(struct bc_irb *irb, enum bc_scratch_cat cat, LLVMTypeRef ty,
			       const char *name, const struct bc_prov *prov,
			       uint64_t on_stack_limit)
{
	LLVMValueRef p;

	if (!irb->fn || !ty)
		return bc_irb_fail_null(irb, -EINVAL);
	/* HEAD hoists the allocation and its initialisation together; inside,
	 * CreateAllocaBPF hoists again (to the same place) and starts the
	 * lifetime at the hoisted point. */
	bc_irb_hoist_begin(irb);
	if (bc_irb_sizeof(irb, ty) > on_stack_limit) {
		p = bc_irb_scratch(irb, cat, ty, prov);
	} else {
		p = prov ? hoisted_alloca(irb, ty, name, prov) : bc_irb_fail_null(irb, -EINVAL);
		if (p && bc_irb_lifetime_start(irb, p))
			p = NULL;
	}
	if (p && zero_init(irb, ty, p, true))
		p = NULL;
	bc_irb_hoist_end(irb);
	return p;
}

uint32_t bc_irb_prov_id(const struct bc_irb *irb, LLVMValueRef v)
{
	const struct bc_prov_rec *r = bc_prov_find_value(irb->prov, v);

	return r ? r->id : 0;
}

LLVMValueRef bc_irb_str_literal(struct bc_irb *irb, const char *s, uint64_t size,
				const struct bc_prov *prov)
{
	size_t n;
	LLVMValueRef buf;

	if (!s || !size || size > UINT32_MAX)
		return bc_irb_fail_null(irb, -EINVAL);
	n = strnlen(s, size - 1);
	buf = bc_irb_alloca(irb, LLVMArrayType2(irb->i8, size), "str", prov);
	if (!buf)
		return NULL;
	if (n + 1 == size) {
		LLVMBuildStore(irb->cur, LLVMConstStringInContext2(irb->ctx, s, n, 0), buf);
	} else {
		/* a literal shorter than its type: pad with NULs */
		char *pad = calloc(1, size);

		if (!pad)
			return bc_irb_fail_null(irb, -ENOMEM);
		memcpy(pad, s, n);
		LLVMBuildStore(irb->cur, LLVMConstStringInContext2(irb->ctx, pad, size, 1), buf);
		free(pad);
	}
	return buf;
}

LLVMValueRef bc_irb_str_global(struct bc_irb *irb, const char *s, uint64_t size)
{
	LLVMValueRef g;
	size_t n;
	char *pad;

	if (!s || !size || size > UINT32_MAX)
		return bc_irb_fail_null(irb, -EINVAL);
	n = strnlen(s, size - 1);
	pad = calloc(1, size);
	if (!pad)
		return bc_irb_fail_null(irb, -ENOMEM);
	memcpy(pad, s, n);
	g = n ? LLVMGetNamedGlobal(irb->mod, pad) : NULL;
	if (!g) {
		g = LLVMAddGlobal(irb->mod, LLVMArrayType2(irb->i8, size), pad);
		LLVMSetInitializer(g, LLVMConstStringInContext2(irb->ctx, pad, size, 1));
	}
	free(pad);
	return g;
}

/* ---- memory intrinsics ---- */

/*
 * The BPF backend expands a memcpy/memset of at most 128 8-byte stores
 * in line and refuses the library call beyond; bpftrace never emits one
 * that large (CreateMemcpyBPF/CreateMemsetBPF call the helper above 512
 * bytes), so neither does the model.
 */
#define BC_BPF_INLINE_MEM_MAX	1024

LLVMValueRef bc_irb_memset(struct bc_irb *irb, LLVMValueRef ptr, uint8_t val, uint64_t size,
			   unsigned align)
{
	if (!ptr)
		return bc_irb_fail_null(irb, -EINVAL);
	/* 0.22+ CreateMemsetBPF: the helper above 512 bytes; before, bpftrace's
	 * memsets that large only come with frames over the limit */
	if (!val && size > (irb->opts.bt_version >= BC_BT(22) ? BC_BPF_INLINE_MEM_MAX / 2
							 : BC_BPF_INLINE_MEM_MAX))
		return bc_irb_memset_bpf(irb, ptr, size);
	return LLVMBuildMemSet(irb->cur, ptr, LLVMConstInt(irb->i8, val, 0),
			       LLVMConstInt(irb->i64, size, 0), align);
}

LLVMValueRef bc_irb_memcpy(struct bc_irb *irb, LLVMValueRef dst, LLVMValueRef src,
			   uint64_t size, unsigned align)
{
	if (!dst || !src)
		return bc_irb_fail_null(irb, -EINVAL);
	if (size > BC_BPF_INLINE_MEM_MAX)
		return bc_irb_memcpy_bpf(irb, dst, src, size);
	return LLVMBuildMemCpy(irb->cur, dst, align, src, align,
			       LLVMConstInt(irb->i64, size, 0));
}
