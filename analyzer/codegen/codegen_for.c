// SPDX-License-Identifier: Apache-2.0
/*
 * for loops (0.21+), as codegen_llvm.cpp's visit(For) generates them: the
 * body is a callback function of its own, so it has its own stack frame,
 * and the kernel counts it on the call chain of the program that calls the
 * helper (docs/kernel-stack.md: synchronous callbacks are walked like
 * bpf-to-bpf calls; analyzer/stack/chain.c).
 *
 *  - `for ($kv : @m)`: bpf_for_each_map_elem(map, map_for_each_cb, ctx, 0)
 *    with `i64 map_for_each_cb(ptr map, ptr key, ptr value, ptr ctx)`. The
 *    loop variable is a tuple (key, value) built in the callback
 *    (createAnonStruct: scratch above on_stack_limit from 0.22); an
 *    integer key or value is loaded first, anything else copied from the
 *    map's memory.
 *  - `for ($i : lo..hi)` (0.24+): bpf_loop(hi - lo, loop_cb, ctx, 0) with
 *    `i64 loop_cb(i64 index, ptr ctx)`; the context carries the start and
 *    the current value, and the loop variable is that context field.
 *
 * Variables of the probe the body uses are passed by address in a context
 * struct of pointers ("ctx", an alloca in the probe; createForContext),
 * with the range's two extra fields after them; a map loop with no such
 * variable passes a null context. `continue` returns 0 from the callback,
 * `break` 1. A map holding per-CPU aggregations (count(), sum(), ...)
 * would need the per-CPU sum bpftrace builds in the callback
 * (CreatePerCpuMapAggElems), which is not modelled.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/bpf.h>

#include "codegen_impl.h"
#include "../base/array.h"

/* ---- the probe's variables the body uses ---- */

struct captured {
	struct cg *c;
	size_t nr_outer;		/* c->vars[0..nr_outer) exist before the loop */
	size_t idx[64];			/* indexes into c->vars, in order of first use */
	size_t n;
	bool full;
};

static bool capture_cb(const struct bc_expr *e, void *ctx)
{
	struct captured *k = ctx;
	struct cg_var *v;
	size_t i;

	if (e->kind != BC_EXPR_VAR)
		return false;
	v = cg_var_find(k->c, e);
	if (!v)
		return false;
	i = (size_t)(v - k->c->vars);
	if (i >= k->nr_outer)
		return false;
	for (size_t j = 0; j < k->n; j++)
		if (k->idx[j] == i)
			return false;
	if (k->n == sizeof(k->idx) / sizeof(k->idx[0])) {
		k->full = true;
		return true;
	}
	k->idx[k->n++] = i;
	return false;
}

/* ---- the callback ---- */

struct saved_fn {
	LLVMValueRef fn;
	LLVMBasicBlockRef entry, at;
	size_t nr_vars, nr_loops;
};

static LLVMValueRef callback_begin(struct cg *c, const char *name, LLVMTypeRef *args,
				   unsigned nargs, struct saved_fn *s)
{
	LLVMValueRef fn = LLVMAddFunction(c->irb->mod, name,
					  LLVMFunctionType(c->irb->i64, args, nargs, 0));

	s->fn = c->irb->fn;
	s->entry = c->irb->entry;
	s->at = LLVMGetInsertBlock(c->b);
	s->nr_vars = c->nr_vars;
	s->nr_loops = c->nr_loops;
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	LLVMSetSection(fn, ".text");
	c->irb->fn = fn;
	c->irb->entry = LLVMAppendBasicBlockInContext(c->ctx, fn, "for_body");
	LLVMPositionBuilderAtEnd(c->b, c->irb->entry);
	return fn;
}

static void callback_end(struct cg *c, const struct saved_fn *s)
{
	c->irb->fn = s->fn;
	c->irb->entry = s->entry;
	LLVMPositionBuilderAtEnd(c->b, s->at);
	/* the body's own variables, the loop variable among them, end here */
	c->nr_vars = s->nr_vars;
	c->nr_loops = s->nr_loops;
}

/* The loop variable: a variable of the callback whose slot is SLOT. */
static int loop_var(struct cg *c, const struct bc_expr *var, LLVMValueRef slot, LLVMTypeRef ty)
{
	struct cg_var *v;

	if (BC_GROW(c->vars, c->cap_vars, c->nr_vars + 1))
		return cg_fail(c, -ENOMEM, NULL, "out of memory");
	v = &c->vars[c->nr_vars++];
	memset(v, 0, sizeof(*v));
	v->sv = bc_sema_expr_var(var);
	v->name = var->u.name;
	v->slot = slot;
	v->ty = ty;
	v->prov = cg_prov_id(c, slot);
	return 0;
}

/* The body: captured variables read from the context, continue/break
 * as returns, then restores the captured slots. */
static int callback_body(struct cg *c, const struct bc_stmt *st, LLVMValueRef ctx,
			 LLVMTypeRef ctx_t, const struct captured *k)
{
	LLVMBasicBlockRef cont = cg_block(c, "for_continue"), brk = cg_block(c, "for_break");
	LLVMValueRef saved[64];
	int err;

	for (size_t i = 0; i < k->n; i++) {
		struct cg_var *v = &c->vars[k->idx[i]];
		LLVMValueRef f = cg_gep32(c, ctx_t, ctx, (unsigned)i);

		saved[i] = v->slot;
		v->slot = LLVMBuildLoad2(c->b, c->irb->ptr, f, v->name);
	}
	if (c->nr_loops >= CG_MAX_LOOPS)
		return cg_unsupported(c, &st->span, "for", "loops nested too deeply");
	c->loops[c->nr_loops].cont = cont;
	c->loops[c->nr_loops].brk = brk;
	c->nr_loops++;
	err = cg_stmts(c, st->u.for_.body);
	c->nr_loops--;
	for (size_t i = 0; i < k->n; i++)
		c->vars[k->idx[i]].slot = saved[i];
	if (err)
		return err;
	LLVMBuildBr(c->b, cont);
	LLVMPositionBuilderAtEnd(c->b, cont);
	LLVMBuildRet(c->b, cg_i64(c, 0));
	LLVMPositionBuilderAtEnd(c->b, brk);
	LLVMBuildRet(c->b, cg_i64(c, 1));
	return cg_irb_err(c);
}

/* createForContext: {ptr x captured, EXTRA...} on the probe's stack; NULL
 * type when there is no field. */
static int make_ctx(struct cg *c, const struct bc_stmt *st, const struct captured *k,
		    LLVMTypeRef *extra, unsigned nextra, LLVMTypeRef *ctx_t, LLVMValueRef *ctx)
{
	LLVMTypeRef fields[72];
	unsigned n = 0;
	struct bc_prov p;

	*ctx_t = NULL;
	*ctx = NULL;
	for (size_t i = 0; i < k->n; i++)
		fields[n++] = c->irb->ptr;
	for (unsigned i = 0; i < nextra; i++)
		fields[n++] = extra[i];
	if (!n)
		return 0;
	*ctx_t = LLVMStructCreateNamed(c->ctx, "ctx_t");
	LLVMStructSetBody(*ctx_t, fields, n, 0);
	p = cg_prov("for-context", "ctx", &st->span, false, NULL, 0);
	*ctx = cg_alloca(c, *ctx_t, "ctx", &p);
	if (!*ctx)
		return c->err;
	for (size_t i = 0; i < k->n; i++)
		LLVMBuildStore(c->b, c->vars[k->idx[i]].slot, cg_gep32(c, *ctx_t, *ctx, (unsigned)i));
	return 0;
}

/* A key or value of the map: loaded when it is an integer, else in place. */
static LLVMValueRef elem(struct cg *c, const struct bc_stype *t, LLVMValueRef p, const char *name)
{
	LLVMTypeRef ty;

	if (cg_need_memcpy(t))
		return p;
	ty = cg_type(c, t, NULL);
	return ty ? LLVMBuildLoad2(c->b, ty, p, name) : NULL;
}

static int for_map(struct cg *c, const struct bc_stmt *st, struct captured *k)
{
	const struct bc_expr *m = st->u.for_.map, *var = st->u.for_.var;
	const struct bc_stype *vt = cg_etype(c, var);
	const struct bc_sema_map *sm = cg_map(c, m);
	LLVMTypeRef p = c->irb->ptr, args[4] = { p, p, p, p }, ctx_t, tty;
	LLVMValueRef ctx, cb, fd, hargs[4], tup, kv[2];
	struct saved_fn s;
	struct bc_prov pr;
	char vname[256];
	int id, err;

	if (!vt || !sm)
		return c->err;
	if (vt->kind != BC_ST_TUPLE || !vt->layout || vt->layout->nr_fields != 2)
		return cg_fail(c, -EINVAL, &var->span, "loop variable typed as %s",
			       bc_stype_kind_name(vt->kind));
	if (sm->bpf_map_type == BPF_MAP_TYPE_PERCPU_HASH ||
	    sm->bpf_map_type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	    sm->bpf_map_type == BPF_MAP_TYPE_LRU_PERCPU_HASH)
		return cg_unsupported(c, &m->span, "for over a per-CPU map",
				      "for over a map of per-CPU aggregations (the per-CPU sum "
				      "in the callback) is not modelled");
	id = cg_map_id(c, m->u.map.name);
	if (id < 0)
		return c->err;
	tty = cg_type(c, vt, &var->span);
	if (!tty)
		return c->err;
	if ((err = make_ctx(c, st, k, NULL, 0, &ctx_t, &ctx)))
		return err;
	cb = callback_begin(c, "map_for_each_cb", args, 4, &s);
	kv[0] = elem(c, vt->layout->fields[0].type, LLVMGetParam(cb, 1), "key");
	kv[1] = elem(c, vt->layout->fields[1].type, LLVMGetParam(cb, 2), "val");
	if (!kv[0] || !kv[1])
		return c->err ? c->err : cg_fail(c, -EINVAL, &var->span, "untyped loop variable");
	/* createAnonStruct for $kv, named after the variable */
	snprintf(vname, sizeof(vname), "$%s", var->u.name);
	pr = cg_prov(BC_PROV_TUPLE, vname, &var->span, vt->script_dependent, NULL, 0);
	tup = cg_alloc(c, BC_SCRATCH_ANON_STRUCT, tty, vname, &pr);
	if (!tup)
		return c->err;
	if (c->ver >= BC_BT(22))
		bc_irb_memset_bpf(c->irb, tup, bc_irb_sizeof(c->irb, tty));
	else
		bc_irb_memset(c->irb, tup, 0, bc_irb_sizeof(c->irb, tty), 1);
	for (unsigned i = 0; i < 2; i++) {
		const struct bc_stype *ft = vt->layout->fields[i].type;
		LLVMValueRef dst = cg_gep32(c, tty, tup, i);

		if (cg_need_memcpy(ft))
			bc_irb_memcpy_bpf(c->irb, dst, kv[i], ft->size);
		else
			LLVMBuildStore(c->b, kv[i], dst);
	}
	if ((err = loop_var(c, var, tup, tty)) ||
	    (err = callback_body(c, st, LLVMGetParam(cb, 3), ctx_t, k)))
		return err;
	callback_end(c, &s);
	fd = bc_irb_map_fd(c->irb, id);
	if (!fd)
		return cg_irb_err(c);
	hargs[0] = fd;
	hargs[1] = cb;
	hargs[2] = ctx ? ctx : LLVMConstNull(c->irb->ptr);
	hargs[3] = cg_i64(c, 0);
	bc_irb_helper(c->irb, BPF_FUNC_for_each_map_elem, c->irb->i64, hargs, 4,
		      "for_each_map_elem");
	return cg_irb_err(c);
}

static int for_range(struct cg *c, const struct bc_stmt *st, struct captured *k)
{
	const struct bc_expr *var = st->u.for_.var;
	const struct bc_stype *vt = cg_etype(c, var);
	LLVMTypeRef args[2] = { c->irb->i64, c->irb->ptr }, extra[2], vty, ctx_t;
	struct cg_val lo = { 0 }, hi = { 0 };
	LLVMValueRef iters, ctx, cb, start, cur, hargs[4];
	struct saved_fn s;
	int err;

	if (!vt)
		return c->err;
	vty = cg_type(c, vt, &var->span);
	if (!vty)
		return c->err;
	if ((err = cg_expr(c, st->u.for_.lo, &lo)) || (err = cg_expr(c, st->u.for_.hi, &hi)))
		return err;
	if (!lo.v || !hi.v)
		return cg_unsupported(c, &st->span, "for", "a range bound has no value");
	lo.v = cg_intcast(c, lo.v, vty, vt->is_signed, NULL);
	hi.v = cg_intcast(c, hi.v, vty, vt->is_signed, NULL);
	iters = LLVMBuildSub(c->b, hi.v, lo.v, "");
	extra[0] = extra[1] = vty;
	if ((err = make_ctx(c, st, k, extra, 2, &ctx_t, &ctx)))
		return err;
	LLVMBuildStore(c->b, lo.v, cg_gep32(c, ctx_t, ctx, (unsigned)k->n));
	cb = callback_begin(c, "loop_cb", args, 2, &s);
	start = cg_gep32(c, ctx_t, LLVMGetParam(cb, 1), (unsigned)k->n);
	cur = cg_gep32(c, ctx_t, LLVMGetParam(cb, 1), (unsigned)k->n + 1);
	LLVMBuildStore(c->b,
		       LLVMBuildAdd(c->b, LLVMBuildLoad2(c->b, vty, start, "start"),
				    cg_intcast(c, LLVMGetParam(cb, 0), vty, true, NULL), ""),
		       cur);
	if ((err = loop_var(c, var, cur, vty)) ||
	    (err = callback_body(c, st, LLVMGetParam(cb, 1), ctx_t, k)))
		return err;
	callback_end(c, &s);
	hargs[0] = cg_intcast(c, iters, c->irb->i32, false, NULL);
	hargs[1] = cb;
	hargs[2] = ctx;
	hargs[3] = cg_i64(c, 0);
	bc_irb_helper(c->irb, BPF_FUNC_loop, c->irb->i64, hargs, 4, "bpf_loop");
	cg_end(c, &lo);
	cg_end(c, &hi);
	return cg_irb_err(c);
}

int cg_for(struct cg *c, const struct bc_stmt *st)
{
	struct captured k = { .c = c, .nr_outer = c->nr_vars };
	struct bc_probe body = { .body = st->u.for_.body };

	if (c->ver < BC_BT(21) || !st->u.for_.var || !st->u.for_.body)
		return cg_fail(c, -EINVAL, &st->span, "for loop without a body or variable");
	cg_walk_probe_sema(&body, c->sema, capture_cb, &k);
	if (k.full)
		return cg_unsupported(c, &st->span, "for", "a loop body using over 64 variables");
	if (st->u.for_.map)
		return for_map(c, st, &k);
	return for_range(c, st, &k);
}
