// SPDX-License-Identifier: Apache-2.0
/*
 * Code generation entry point and what every construct family shares:
 * errors, allocations with provenance, bpftrace 0.17's type predicates
 * (codegen_helper.h), small IR helpers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen_impl.h"
#include "../llvm/ir_load.h"
#include "irb_internal.h"

/* ---- errors ---- */

static void status_set(struct cg *c, int err, const struct bc_span *sp, const char *what,
		       const char *fmt, va_list ap)
{
	if (c->err)
		return;
	c->err = err;
	if (!c->st)
		return;
	memset(c->st, 0, sizeof(*c->st));
	c->st->err = err;
	c->st->item = c->item;
	if (sp)
		c->st->span = *sp;
	snprintf(c->st->construct, sizeof(c->st->construct), "%s", what ? what : "");
	vsnprintf(c->st->message, sizeof(c->st->message), fmt, ap);
}

int cg_unsupported(struct cg *c, const struct bc_span *sp, const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	status_set(c, -EOPNOTSUPP, sp, what, fmt, ap);
	va_end(ap);
	return c->err;
}

int cg_fail(struct cg *c, int err, const struct bc_span *sp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	status_set(c, err, sp, NULL, fmt, ap);
	va_end(ap);
	return c->err;
}

int cg_irb_err(struct cg *c)
{
	if (c->irb->err && !c->err)
		return cg_fail(c, c->irb->err, NULL, "IR builder failure (%s)",
			       strerror(-c->irb->err));
	return c->err ? c->err : c->irb->err;
}

/* ---- values and allocations ---- */

void cg_end(struct cg *c, struct cg_val *v)
{
	if (v->del)
		bc_irb_lifetime_end(c->irb, v->del);
	v->del = NULL;
}

LLVMValueRef cg_disarm(struct cg_val *v)
{
	LLVMValueRef d = v->del;

	v->del = NULL;
	return d;
}

struct bc_prov cg_prov(const char *construct, const char *name, const struct bc_span *sp,
		       bool dep, const uint32_t *from, size_t nr_from)
{
	struct bc_prov p = { .construct = construct, .name = name, .script_dependent = dep,
			     .from = from, .nr_from = nr_from };

	if (sp)
		p.span = *sp;
	if (!from || !from[0])
		p.from = NULL, p.nr_from = 0;
	return p;
}

LLVMValueRef cg_alloca(struct cg *c, LLVMTypeRef ty, const char *name, const struct bc_prov *p)
{
	LLVMValueRef a = bc_irb_alloca(c->irb, ty, name, p);

	if (!a)
		cg_irb_err(c);
	return a;
}

LLVMValueRef cg_alloc(struct cg *c, enum bc_scratch_cat cat, LLVMTypeRef ty, const char *name,
		      const struct bc_prov *p)
{
	LLVMValueRef a;

	if (!c->scratch)
		return cg_alloca(c, ty, name, p);
	a = bc_irb_alloc(c->irb, cat, ty, name, p, c->on_stack_limit);
	if (!a)
		cg_irb_err(c);
	return a;
}

uint32_t cg_prov_id(struct cg *c, LLVMValueRef v)
{
	return v ? bc_irb_prov_id(c->irb, v) : 0;
}

int cg_scratch_elem(struct cg *c, const char *construct, const char *key, const struct bc_span *sp,
		    const char *map, bool end_key, LLVMValueRef *data)
{
	struct bc_prov p = cg_prov(construct, key, sp, false, NULL, 0);
	LLVMValueRef slot = cg_alloca(c, c->irb->i32, key, &p);
	int id = bc_irb_map_id(c->irb, map);

	if (!slot || id < 0)
		return cg_irb_err(c);
	LLVMBuildStore(c->b, cg_i32(c, 0), slot);
	*data = bc_irb_map_lookup(c->irb, id, slot);
	if (!*data)
		return cg_irb_err(c);
	if (end_key)
		bc_irb_lifetime_end(c->irb, slot);
	return 0;
}

/* ---- types ---- */

bool cg_is_int(const struct bc_stype *t)
{
	return bc_stype_is_int_like(t);
}

bool cg_is_ptr(const struct bc_stype *t)
{
	return t && t->kind == BC_ST_POINTER;
}

bool cg_is_none(const struct bc_stype *t)
{
	return !t || t->kind == BC_ST_NONE || t->kind == BC_ST_VOID;
}

uint32_t cg_size(const struct bc_stype *t)
{
	return t ? t->size : 0;
}

bool cg_need_memcpy(const struct bc_stype *t)
{
	return bc_stype_is_aggregate(t) || (t && (t->kind == BC_ST_TIMESTAMP ||
						  t->kind == BC_ST_CGROUP_PATH)) ||
	       (bc_stype_is_stack(t) && t->stack_in_memory);
}

bool cg_on_stack_already(const struct bc_stype *t)
{
	if (!t)
		return false;
	switch (t->kind) {
	case BC_ST_STRING:
	case BC_ST_BUFFER:
	case BC_ST_INET:
	case BC_ST_USYM:
	case BC_ST_TUPLE:
	case BC_ST_RECORD:	/* 0.25 records: built on the stack like tuples */
	case BC_ST_TIMESTAMP:
	case BC_ST_MACADDR:
	case BC_ST_CGROUP_PATH:
		return true;
	case BC_ST_KSTACK:
	case BC_ST_USTACK:
		return t->stack_in_memory;
	default:
		return false;
	}
}

static bool type_sized(const struct bc_stype *t)
{
	if (cg_is_none(t))
		return false;
	switch (t->kind) {
	case BC_ST_ARRAY:
		return t->elem && t->nelems && type_sized(t->elem);
	case BC_ST_TUPLE:
	case BC_ST_RECORD:
		if (!t->layout)
			return false;
		for (size_t i = 0; i < t->layout->nr_fields; i++)
			if (!type_sized(t->layout->fields[i].type))
				return false;
		return true;
	case BC_ST_POINTER:
		return true;
	case BC_ST_KSTACK:
	case BC_ST_USTACK:
		if (t->stack_in_memory)
			return true;
		/* fall through */
	default:
		if (bc_stype_is_byte_array(t) || t->kind == BC_ST_CSTRUCT)
			return t->size > 0;
		return t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8 ||
		       t->size == 16;
	}
}

LLVMTypeRef cg_type(struct cg *c, const struct bc_stype *t, const struct bc_span *sp)
{
	LLVMTypeRef ty;

	if (!type_sized(t)) {
		cg_unsupported(c, sp, "type", "a value of type %s has no size to allocate",
			       t ? bc_stype_kind_name(t->kind) : "(untyped)");
		return NULL;
	}
	ty = bc_irb_type(c->irb, t);
	if (!ty)
		cg_irb_err(c);
	return ty;
}

const struct bc_stype *cg_etype(struct cg *c, const struct bc_expr *e)
{
	if (!e->type) {
		cg_fail(c, -EINVAL, &e->span, "expression left untyped by semantic analysis");
		return NULL;
	}
	return e->type;
}

/* ---- small IR helpers ---- */

LLVMValueRef cg_i64(struct cg *c, uint64_t v)
{
	return LLVMConstInt(c->irb->i64, v, 0);
}

LLVMValueRef cg_i32(struct cg *c, uint32_t v)
{
	return LLVMConstInt(c->irb->i32, v, 0);
}

LLVMValueRef cg_i8(struct cg *c, uint8_t v)
{
	return LLVMConstInt(c->irb->i8, v, 0);
}

LLVMValueRef cg_intcast(struct cg *c, LLVMValueRef v, LLVMTypeRef to, bool is_signed,
			const char *name)
{
	LLVMTypeRef from = LLVMTypeOf(v);

	if (from == to)
		return v;
	if (LLVMGetTypeKind(from) == LLVMPointerTypeKind)
		return LLVMBuildPtrToInt(c->b, v, to, name ? name : "");
	return LLVMBuildIntCast2(c->b, v, to, is_signed, name ? name : "");
}

LLVMValueRef cg_int64(struct cg *c, LLVMValueRef v, bool is_signed)
{
	return cg_intcast(c, v, c->irb->i64, is_signed, NULL);
}

LLVMValueRef cg_byte_gep(struct cg *c, LLVMTypeRef arr, LLVMValueRef base, uint64_t off)
{
	LLVMValueRef ix[2] = { cg_i64(c, 0), cg_i64(c, off) };

	return LLVMBuildGEP2(c->b, arr, base, ix, 2, "");
}

LLVMValueRef cg_gep32(struct cg *c, LLVMTypeRef ty, LLVMValueRef base, unsigned idx)
{
	LLVMValueRef ix[2] = { cg_i32(c, 0), cg_i32(c, idx) };

	return LLVMBuildGEP2(c->b, ty, base, ix, 2, "");
}

LLVMBasicBlockRef cg_block(struct cg *c, const char *name)
{
	return LLVMAppendBasicBlockInContext(c->ctx, c->irb->fn, name);
}

void cg_ret(struct cg *c)
{
	/* classic tracepoints must return 1 or perf does not see the event */
	LLVMBuildRet(c->b, cg_i64(c, c->pt == BC_PROBE_TRACEPOINT ? 1 : 0));
}

/* ---- entry point ---- */

static int check_args(const struct bc_script *s, const struct bc_sema *sema,
		      struct bc_ir_module **out)
{
	if (!s || !sema || !out)
		return -EINVAL;
	if (bc_sema_script(sema) != s)
		return -EINVAL;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct internal_maps {
	struct cg *c;
	bool join, elapsed;
};

static bool internal_cb(const struct bc_expr *e, void *ctx)
{
	struct internal_maps *im = ctx;
	bool stack = (e->kind == BC_EXPR_BUILTIN &&
		      (!strcmp(e->u.name, "kstack") || !strcmp(e->u.name, "ustack"))) ||
		     (e->kind == BC_EXPR_CALL &&
		      (!strcmp(e->u.call.name, "kstack") || !strcmp(e->u.call.name, "ustack")));

	if (stack && e->type) {
		char name[64];

		cg_stack_map_name(e->type, name, sizeof(name));
		bc_irb_map_id(im->c->irb, name);
	}
	im->join |= e->kind == BC_EXPR_CALL && !strcmp(e->u.call.name, "join");
	im->elapsed |= e->kind == BC_EXPR_BUILTIN && !strcmp(e->u.name, "elapsed");
	return false;
}

/*
 * bpftrace numbers the script's maps first, in name order (its map table is
 * a std::map), then its own: the stack maps, join, elapsed, perf_event
 * (RequiredResources::create_maps).
 */
static int number_maps(struct cg *c)
{
	struct internal_maps im = { .c = c };
	size_t n = bc_sema_nr_maps(c->sema);
	const char **names = calloc(n ? n : 1, sizeof(*names));

	if (!names)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		names[i] = bc_sema_map_at(c->sema, i)->name;
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++)
		if (cg_map_id(c, names[i]) < 0)
			break;
	free(names);
	for (size_t i = 0; i < c->s->nr_items; i++)
		if (c->s->items[i].kind == BC_ITEM_PROBE)
			cg_walk_probe_sema(c->s->items[i].u.probe, c->sema, internal_cb, &im);
	if (im.join)
		bc_irb_map_id(c->irb, "join");
	if (im.elapsed)
		bc_irb_map_id(c->irb, "elapsed");
	bc_irb_map_id(c->irb, "perf_event");
	return cg_irb_err(c);
}

void bc_codegen_maps_free(struct bc_codegen_maps *m)
{
	for (size_t i = 0; m && i < m->nr; i++)
		free(m->names[i]);
	if (m) {
		free(m->names);
		m->names = NULL;
		m->nr = 0;
	}
}

/* The builder's map table by id, for the caller (opts->maps). */
static int copy_maps(const struct bc_irb *irb, struct bc_codegen_maps *out)
{
	const struct bc_irb_map *v = irb->maps;

	out->nr = irb->nr_maps;
	out->names = calloc(out->nr ? out->nr : 1, sizeof(*out->names));
	if (!out->names)
		return -ENOMEM;
	for (size_t i = 0; i < irb->nr_maps; i++) {
		if (v[i].id < 0 || (size_t)v[i].id >= out->nr)
			continue;
		out->names[v[i].id] = strdup(v[i].name);
		if (!out->names[v[i].id]) {
			bc_codegen_maps_free(out);
			return -ENOMEM;
		}
	}
	return 0;
}

static void free_vars(struct cg *c)
{
	free(c->vars);
	c->vars = NULL;
	c->nr_vars = c->cap_vars = 0;
}

int bc_codegen(const struct bc_script *s, const struct bc_sema *sema,
	       const struct bc_codegen_opts *o, struct bc_ir_module **out,
	       struct bc_prov_table **prov)
{
	static const struct bc_codegen_opts defaults;
	struct bc_irb_opts io = { 0 };
	struct cg c = { 0 };
	int err;

	if (out)
		*out = NULL;
	if (prov)
		*prov = NULL;
	err = check_args(s, sema, out);
	if (err)
		return err;
	c.o = o ? o : &defaults;
	c.st = c.o->status;
	if (c.st)
		memset(c.st, 0, sizeof(*c.st));
	c.s = s;
	c.sema = sema;
	c.ver = c.o->bpftrace ? c.o->bpftrace : bc_sema_version(sema);
	c.prof = c.o->profile ? c.o->profile : bc_sema_profile(sema);
	if (!c.prof)
		return -EINVAL;
	if (bc_sema_nr_errors(sema)) {
		cg_fail(&c, -EINVAL, NULL, "the script has semantic errors");
		return c.err;
	}
	c.scratch = c.prof->has_scratch && c.ver >= BC_BTV(0, 22, 0);
	c.on_stack_limit = c.prof->on_stack_limit;
	c.strlen = c.ver >= BC_BTV(0, 22, 0) ? bc_bt_profile_str_size(c.prof) : c.prof->max_strlen;
	io.bt_version = c.ver;
	io.no_probe_read_kernel = c.o->no_probe_read_kernel;
	c.irb = bc_irb_new(&io);
	if (!c.irb)
		return -ENOMEM;
	c.b = c.irb->b;
	c.ctx = c.irb->ctx;

	err = number_maps(&c);
	if (err) {
		bc_irb_free(c.irb);
		return err;
	}
	for (size_t i = 0; i < s->nr_items && !c.err; i++) {
		if (s->items[i].kind != BC_ITEM_PROBE)
			continue;
		if (c.o->only_item && i != c.o->item)
			continue;
		cg_probe(&c, i);
	}
	free_vars(&c);
	free(c.macros);
	for (size_t i = 0; i < c.nr_probe_names; i++)
		free(c.probe_names[i]);
	free(c.probe_names);
	err = c.err ? c.err : cg_irb_err(&c);
	if (!err && c.o->maps)
		err = copy_maps(c.irb, c.o->maps);
	if (!err) {
		err = bc_irb_finish(c.irb, out, prov);
		if (err)
			cg_fail(&c, err, NULL, "the generated module does not verify: %s",
				c.irb->error ? c.irb->error : "");
	}
	bc_irb_free(c.irb);
	return err;
}
