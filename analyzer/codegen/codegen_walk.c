// SPDX-License-Identifier: Apache-2.0
/*
 * Walking a probe's expressions before generating it: what bpftrace's
 * semantic and resource analysers find out ahead of code generation
 * (whether a probe is expanded, which of bpftrace's own maps exist).
 *
 * The walk stops descending at CG_MAX_DEPTH levels, the nesting cg_expr
 * refuses with "expression nested too deeply": a left-leaning 1 + 1 + ...
 * chain is as deep as it is long, and the parser only bounds brackets.
 */
#include <string.h>

#include "codegen_impl.h"

struct walk {
	cg_walk_fn fn;
	void *ctx;
	unsigned depth;
	const struct bc_sema *sema;	/* macro uses descend into their bodies */
};

static bool walk_expr(const struct bc_expr *e, struct walk *w);
static bool walk_block(const struct bc_block *b, struct walk *w);
static bool walk_children(const struct bc_expr *e, struct walk *w);

static bool walk_list(const struct bc_expr_list *l, struct walk *w)
{
	for (size_t i = 0; i < l->n; i++)
		if (walk_expr(l->v[i], w))
			return true;
	return false;
}

static bool walk_stmt(const struct bc_stmt *st, struct walk *w)
{
	if (!st)
		return false;
	switch (st->kind) {
	case BC_STMT_EXPR:
	case BC_STMT_RETURN:
	case BC_STMT_DISCARD:
		return walk_expr(st->u.expr, w);
	case BC_STMT_ASSIGN:
		return walk_expr(st->u.assign.target, w) ||
		       walk_expr(st->u.assign.value, w);
	case BC_STMT_LET:
		return walk_expr(st->u.let.var, w) || walk_expr(st->u.let.value, w);
	case BC_STMT_IF:
		switch (bc_sema_comptime_branch(st->u.if_.cond)) {
		case 1:		/* `if comptime`: the untaken branch is not generated */
			return walk_block(st->u.if_.then, w);
		case 0:
			return walk_stmt(st->u.if_.else_if, w) || walk_block(st->u.if_.els, w);
		default:
			return walk_expr(st->u.if_.cond, w) || walk_block(st->u.if_.then, w) ||
			       walk_stmt(st->u.if_.else_if, w) || walk_block(st->u.if_.els, w);
		}
	case BC_STMT_WHILE:
	case BC_STMT_UNROLL:
		return walk_expr(st->u.loop.cond, w) || walk_block(st->u.loop.body, w);
	case BC_STMT_FOR:
		return walk_expr(st->u.for_.map, w) || walk_expr(st->u.for_.lo, w) ||
		       walk_expr(st->u.for_.hi, w) || walk_block(st->u.for_.body, w);
	case BC_STMT_BLOCK:
		return walk_block(st->u.block, w);
	default:
		return false;
	}
}

static bool walk_block(const struct bc_block *b, struct walk *w)
{
	if (!b)
		return false;
	for (size_t i = 0; i < b->n; i++)
		if (walk_stmt(b->stmts[i], w))
			return true;
	return walk_expr(b->tail, w);
}

static bool walk_expr(const struct bc_expr *e, struct walk *w)
{
	bool found;

	if (!e || w->depth >= CG_MAX_DEPTH)
		return false;
	if (w->fn(e, w->ctx))
		return true;
	w->depth++;
	found = walk_children(e, w);
	w->depth--;
	return found;
}

static bool walk_children(const struct bc_expr *e, struct walk *w)
{
	const struct bc_block *macro = w->sema ? bc_sema_macro_body(w->sema, e) : NULL;

	/* a macro use is its expanded body (its arguments are inside it) */
	if (macro)
		return walk_block(macro, w);
	switch (e->kind) {
	case BC_EXPR_MAP:
		return walk_list(&e->u.map.keys, w);
	case BC_EXPR_CALL:
		return walk_list(&e->u.call.args, w);
	case BC_EXPR_BINOP:
		return walk_expr(e->u.binop.left, w) || walk_expr(e->u.binop.right, w);
	case BC_EXPR_UNOP:
	case BC_EXPR_COMPTIME:
		return walk_expr(e->u.unop.operand, w);
	case BC_EXPR_TERNARY:
		return walk_expr(e->u.ternary.cond, w) ||
		       walk_expr(e->u.ternary.then, w) || walk_expr(e->u.ternary.els, w);
	case BC_EXPR_FIELD:
		return walk_expr(e->u.field.base, w);
	case BC_EXPR_TUPLE_INDEX:
		return walk_expr(e->u.tindex.base, w);
	case BC_EXPR_INDEX:
		return walk_expr(e->u.index.base, w) || walk_expr(e->u.index.index, w);
	case BC_EXPR_CAST:
		return walk_expr(e->u.cast.operand, w);
	case BC_EXPR_TUPLE:
		return walk_list(&e->u.list, w);
	case BC_EXPR_RECORD:
		return walk_list(&e->u.record.values, w);
	case BC_EXPR_BLOCK:
		return walk_block(e->u.block, w);
	case BC_EXPR_IF:
		return walk_expr(e->u.if_.cond, w) || walk_block(e->u.if_.then, w) ||
		       walk_expr(e->u.if_.els, w);
	default:
		return false;
	}
}

bool cg_walk_probe(const struct bc_probe *p, cg_walk_fn fn, void *ctx)
{
	return cg_walk_probe_sema(p, NULL, fn, ctx);
}

bool cg_walk_probe_sema(const struct bc_probe *p, const struct bc_sema *sema, cg_walk_fn fn,
			void *ctx)
{
	struct walk w = { fn, ctx, 0, sema };

	return walk_expr(p->pred, &w) || walk_block(p->body, &w);
}

struct uses {
	const char *name;
	bool call;
};

static bool uses_cb(const struct bc_expr *e, void *ctx)
{
	const struct uses *u = ctx;

	if (u->call)
		return e->kind == BC_EXPR_CALL && !strcmp(e->u.call.name, u->name);
	return e->kind == BC_EXPR_BUILTIN && !strcmp(e->u.name, u->name);
}

bool cg_probe_uses(const struct bc_probe *p, const char *name, bool call)
{
	return cg_probe_uses_sema(p, NULL, name, call);
}

bool cg_probe_uses_sema(const struct bc_probe *p, const struct bc_sema *sema, const char *name,
			bool call)
{
	struct uses u = { name, call };

	return cg_walk_probe_sema(p, sema, uses_cb, &u);
}
