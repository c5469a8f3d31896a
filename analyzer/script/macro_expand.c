// SPDX-License-Identifier: Apache-2.0
/*
 * Macro expansion: a copy of a macro's body for one call site, with the
 * parameters bound as bpftrace's MacroExpansion pass binds them
 * (src/ast/passes/macro_expansion.cpp of 0.24 and later): see
 * macro_expand.h. Types (`struct bc_type`) are shared with the body; the
 * copied expressions start untyped, for semantic analysis to type them at
 * this call site.
 */
#include <stdio.h>
#include <string.h>

#include "macro_expand.h"
#include "../base/version.h"

struct mx {
	struct bc_arena *a;
	const struct bc_macro *m;
	const struct bc_expr *call;	/* BC_EXPR_CALL, or the IDENT */
	char **locals;			/* variables the body assigns or declares */
	size_t nr_locals;
	const char *prefix;		/* "$name_" or "$name_N_" (u.name has no '$') */
	unsigned depth;
	bool oom;
	bool bind;			/* substitute parameters (not inside an argument) */
};

static size_t nr_call_args(const struct bc_expr *call)
{
	return call->kind == BC_EXPR_CALL ? call->u.call.args.n : 0;
}

static const struct bc_expr *call_arg(const struct bc_expr *call, size_t i)
{
	return call->u.call.args.v[i];
}

static void *mx_alloc(struct mx *x, size_t n)
{
	void *p = bc_arena_alloc(x->a, n);

	if (!p)
		x->oom = true;
	else
		memset(p, 0, n);
	return p;
}

static struct bc_expr *clone_expr(struct mx *x, const struct bc_expr *e);
static struct bc_block *clone_block(struct mx *x, const struct bc_block *b);

/* ---- the variables the body owns ---- */

static void add_local(struct mx *x, const char *name, char **buf, size_t cap)
{
	for (size_t i = 0; i < x->nr_locals; i++)
		if (!strcmp(x->locals[i], name))
			return;
	if (x->nr_locals < cap)
		buf[x->nr_locals++] = (char *)name;
}

static void scan_locals(struct mx *x, const struct bc_block *b, char **buf, size_t cap);

static void scan_stmt(struct mx *x, const struct bc_stmt *st, char **buf, size_t cap)
{
	if (!st)
		return;
	switch (st->kind) {
	case BC_STMT_ASSIGN:
		if (st->u.assign.target && st->u.assign.target->kind == BC_EXPR_VAR)
			add_local(x, st->u.assign.target->u.name, buf, cap);
		break;
	case BC_STMT_LET:
		if (st->u.let.var)
			add_local(x, st->u.let.var->u.name, buf, cap);
		break;
	case BC_STMT_IF:
		scan_locals(x, st->u.if_.then, buf, cap);
		scan_stmt(x, st->u.if_.else_if, buf, cap);
		scan_locals(x, st->u.if_.els, buf, cap);
		break;
	case BC_STMT_WHILE:
	case BC_STMT_UNROLL:
		scan_locals(x, st->u.loop.body, buf, cap);
		break;
	case BC_STMT_FOR:
		scan_locals(x, st->u.for_.body, buf, cap);
		break;
	case BC_STMT_BLOCK:
		scan_locals(x, st->u.block, buf, cap);
		break;
	default:
		break;
	}
}

static void scan_locals(struct mx *x, const struct bc_block *b, char **buf, size_t cap)
{
	for (size_t i = 0; b && i < b->n; i++)
		scan_stmt(x, b->stmts[i], buf, cap);
}

/* ---- names ---- */

static int param_index(const struct mx *x, enum bc_expr_kind kind, const char *name)
{
	for (size_t i = 0; i < x->m->args.n; i++) {
		const struct bc_expr *p = x->m->args.v[i];

		if (p && p->kind == kind && !strcmp(kind == BC_EXPR_MAP ? p->u.map.name : p->u.name,
						    name))
			return (int)i;
	}
	return -1;
}

static const char *var_name(struct mx *x, const char *name)
{
	int i = param_index(x, BC_EXPR_VAR, name);
	size_t n;
	char *s;

	if (i >= 0)
		return call_arg(x->call, (size_t)i)->u.name;	/* the caller's variable */
	for (size_t k = 0; k < x->nr_locals; k++) {
		if (strcmp(x->locals[k], name))
			continue;
		n = strlen(x->prefix) + 1 + strlen(name) + 1;
		s = mx_alloc(x, n);
		if (s)
			snprintf(s, n, "%s$%s", x->prefix, name);
		return s ? s : name;
	}
	return name;
}

/* ---- copies ---- */

static void clone_list(struct mx *x, struct bc_expr_list *dst, const struct bc_expr_list *src)
{
	dst->n = src->n;
	dst->v = src->n ? mx_alloc(x, src->n * sizeof(*dst->v)) : NULL;
	if (src->n && !dst->v) {
		dst->n = 0;
		return;
	}
	for (size_t i = 0; i < src->n; i++)
		dst->v[i] = clone_expr(x, src->v[i]);
}

static struct bc_expr *clone_arg(struct mx *x, const struct bc_expr *a)
{
	bool bind = x->bind;
	struct bc_expr *r;

	/* the argument is the caller's expression: no parameter inside it */
	x->bind = false;
	r = clone_expr(x, a);
	x->bind = bind;
	return r;
}

static struct bc_expr *clone_expr(struct mx *x, const struct bc_expr *e)
{
	struct bc_expr *r;
	int i;

	if (!e)
		return NULL;
	if (x->bind && e->kind == BC_EXPR_IDENT &&
	    (i = param_index(x, BC_EXPR_IDENT, e->u.name)) >= 0)
		return clone_arg(x, call_arg(x->call, (size_t)i));
	r = mx_alloc(x, sizeof(*r));
	if (!r)
		return NULL;
	*r = *e;
	r->type = NULL;
	r->sema = NULL;
	switch (e->kind) {
	case BC_EXPR_VAR:
		if (x->bind)
			r->u.name = var_name(x, e->u.name);
		break;
	case BC_EXPR_MAP:
		if (x->bind && (i = param_index(x, BC_EXPR_MAP, e->u.map.name)) >= 0)
			r->u.map.name = call_arg(x->call, (size_t)i)->u.map.name;
		clone_list(x, &r->u.map.keys, &e->u.map.keys);
		break;
	case BC_EXPR_CALL:
		clone_list(x, &r->u.call.args, &e->u.call.args);
		break;
	case BC_EXPR_BINOP:
		r->u.binop.left = clone_expr(x, e->u.binop.left);
		r->u.binop.right = clone_expr(x, e->u.binop.right);
		break;
	case BC_EXPR_UNOP:
	case BC_EXPR_COMPTIME:
		r->u.unop.operand = clone_expr(x, e->u.unop.operand);
		break;
	case BC_EXPR_TERNARY:
		r->u.ternary.cond = clone_expr(x, e->u.ternary.cond);
		r->u.ternary.then = clone_expr(x, e->u.ternary.then);
		r->u.ternary.els = clone_expr(x, e->u.ternary.els);
		break;
	case BC_EXPR_FIELD:
		r->u.field.base = clone_expr(x, e->u.field.base);
		break;
	case BC_EXPR_TUPLE_INDEX:
		r->u.tindex.base = clone_expr(x, e->u.tindex.base);
		break;
	case BC_EXPR_INDEX:
		r->u.index.base = clone_expr(x, e->u.index.base);
		r->u.index.index = clone_expr(x, e->u.index.index);
		break;
	case BC_EXPR_CAST:
		r->u.cast.operand = clone_expr(x, e->u.cast.operand);
		break;
	case BC_EXPR_TUPLE:
		clone_list(x, &r->u.list, &e->u.list);
		break;
	case BC_EXPR_RECORD:
		clone_list(x, &r->u.record.values, &e->u.record.values);
		break;
	case BC_EXPR_SIZEOF:
	case BC_EXPR_TYPEINFO:
		r->u.sizeof_.expr = clone_expr(x, e->u.sizeof_.expr);
		break;
	case BC_EXPR_OFFSETOF:
		r->u.offsetof_.expr = clone_expr(x, e->u.offsetof_.expr);
		break;
	case BC_EXPR_BLOCK:
		r->u.block = clone_block(x, e->u.block);
		break;
	case BC_EXPR_IF:
		r->u.if_.cond = clone_expr(x, e->u.if_.cond);
		r->u.if_.then = clone_block(x, e->u.if_.then);
		r->u.if_.els = clone_expr(x, e->u.if_.els);
		break;
	default:
		break;
	}
	return r;
}

static struct bc_stmt *clone_stmt(struct mx *x, const struct bc_stmt *st)
{
	struct bc_stmt *r;

	if (!st)
		return NULL;
	r = mx_alloc(x, sizeof(*r));
	if (!r)
		return NULL;
	*r = *st;
	r->sema = NULL;
	switch (st->kind) {
	case BC_STMT_EXPR:
	case BC_STMT_RETURN:
	case BC_STMT_DISCARD:
		r->u.expr = clone_expr(x, st->u.expr);
		break;
	case BC_STMT_ASSIGN:
		r->u.assign.target = clone_expr(x, st->u.assign.target);
		r->u.assign.value = clone_expr(x, st->u.assign.value);
		break;
	case BC_STMT_LET:
		r->u.let.var = clone_expr(x, st->u.let.var);
		r->u.let.value = clone_expr(x, st->u.let.value);
		break;
	case BC_STMT_IF:
		r->u.if_.cond = clone_expr(x, st->u.if_.cond);
		r->u.if_.then = clone_block(x, st->u.if_.then);
		r->u.if_.else_if = clone_stmt(x, st->u.if_.else_if);
		r->u.if_.els = clone_block(x, st->u.if_.els);
		break;
	case BC_STMT_WHILE:
	case BC_STMT_UNROLL:
		r->u.loop.cond = clone_expr(x, st->u.loop.cond);
		r->u.loop.body = clone_block(x, st->u.loop.body);
		break;
	case BC_STMT_FOR:
		r->u.for_.var = clone_expr(x, st->u.for_.var);
		r->u.for_.map = clone_expr(x, st->u.for_.map);
		r->u.for_.lo = clone_expr(x, st->u.for_.lo);
		r->u.for_.hi = clone_expr(x, st->u.for_.hi);
		r->u.for_.body = clone_block(x, st->u.for_.body);
		break;
	case BC_STMT_BLOCK:
		r->u.block = clone_block(x, st->u.block);
		break;
	default:
		break;
	}
	return r;
}

static struct bc_block *clone_block(struct mx *x, const struct bc_block *b)
{
	struct bc_block *r;

	if (!b)
		return NULL;
	r = mx_alloc(x, sizeof(*r));
	if (!r)
		return NULL;
	*r = *b;
	r->stmts = b->n ? mx_alloc(x, b->n * sizeof(*r->stmts)) : NULL;
	if (b->n && !r->stmts) {
		r->n = 0;
		return r;
	}
	for (size_t i = 0; i < b->n; i++)
		r->stmts[i] = clone_stmt(x, b->stmts[i]);
	r->tail = clone_expr(x, b->tail);
	return r;
}

struct bc_block *bc_macro_expand(struct bc_arena *a, const struct bc_macro *m,
				 const struct bc_expr *call, unsigned depth, int version)
{
	char *locals[64], prefix[256];
	struct mx x = { .a = a, .m = m, .call = call, .locals = locals, .depth = depth,
			.bind = true };
	struct bc_block *r;

	if (!a || !m || !call || !m->body || nr_call_args(call) != m->args.n)
		return NULL;
	for (size_t i = 0; i < m->args.n; i++) {
		const struct bc_expr *p = m->args.v[i], *arg = call_arg(call, i);

		if (!p || !arg)
			return NULL;
		if (p->kind == BC_EXPR_VAR && arg->kind != BC_EXPR_VAR)
			return NULL;
		if (p->kind == BC_EXPR_MAP && (arg->kind != BC_EXPR_MAP || arg->u.map.has_keys))
			return NULL;
	}
	scan_locals(&x, m->body, locals, sizeof(locals) / sizeof(locals[0]));
	/* get_new_var_ident: "$$" + name (+ "_" + depth after 0.24) + "_" + "$x" */
	if (version >= BC_BT(25) && depth > 1)
		snprintf(prefix, sizeof(prefix), "$%s_%u_", m->name, depth);
	else
		snprintf(prefix, sizeof(prefix), "$%s_", m->name);
	x.prefix = prefix;
	r = clone_block(&x, m->body);
	return x.oom ? NULL : r;
}
