// SPDX-License-Identifier: Apache-2.0
/*
 * Walking a probe's expressions before generating it: what bpftrace's
 * semantic and resource analysers find out ahead of code generation
 * (whether a probe is expanded, which of bpftrace's own maps exist).
 */
#include <string.h>

#include "codegen_impl.h"

static bool walk_expr(const struct bc_expr *e, cg_walk_fn fn, void *ctx);
static bool walk_block(const struct bc_block *b, cg_walk_fn fn, void *ctx);

static bool walk_list(const struct bc_expr_list *l, cg_walk_fn fn, void *ctx)
{
	for (size_t i = 0; i < l->n; i++)
		if (walk_expr(l->v[i], fn, ctx))
			return true;
	return false;
}

static bool walk_stmt(const struct bc_stmt *st, cg_walk_fn fn, void *ctx)
{
	if (!st)
		return false;
	switch (st->kind) {
	case BC_STMT_EXPR:
	case BC_STMT_RETURN:
	case BC_STMT_DISCARD:
		return walk_expr(st->u.expr, fn, ctx);
	case BC_STMT_ASSIGN:
		return walk_expr(st->u.assign.target, fn, ctx) ||
		       walk_expr(st->u.assign.value, fn, ctx);
	case BC_STMT_LET:
		return walk_expr(st->u.let.var, fn, ctx) || walk_expr(st->u.let.value, fn, ctx);
	case BC_STMT_IF:
		return walk_expr(st->u.if_.cond, fn, ctx) || walk_block(st->u.if_.then, fn, ctx) ||
		       walk_stmt(st->u.if_.else_if, fn, ctx) || walk_block(st->u.if_.els, fn, ctx);
	case BC_STMT_WHILE:
	case BC_STMT_UNROLL:
		return walk_expr(st->u.loop.cond, fn, ctx) || walk_block(st->u.loop.body, fn, ctx);
	case BC_STMT_FOR:
		return walk_expr(st->u.for_.map, fn, ctx) || walk_expr(st->u.for_.lo, fn, ctx) ||
		       walk_expr(st->u.for_.hi, fn, ctx) || walk_block(st->u.for_.body, fn, ctx);
	case BC_STMT_BLOCK:
		return walk_block(st->u.block, fn, ctx);
	default:
		return false;
	}
}

static bool walk_block(const struct bc_block *b, cg_walk_fn fn, void *ctx)
{
	if (!b)
		return false;
	for (size_t i = 0; i < b->n; i++)
		if (walk_stmt(b->stmts[i], fn, ctx))
			return true;
	return walk_expr(b->tail, fn, ctx);
}

static bool walk_expr(const struct bc_expr *e, cg_walk_fn fn, void *ctx)
{
	if (!e)
		return false;
	if (fn(e, ctx))
		return true;
	switch (e->kind) {
	case BC_EXPR_MAP:
		return walk_list(&e->u.map.keys, fn, ctx);
	case BC_EXPR_CALL:
		return walk_list(&e->u.call.args, fn, ctx);
	case BC_EXPR_BINOP:
		return walk_expr(e->u.binop.left, fn, ctx) || walk_expr(e->u.binop.right, fn, ctx);
	case BC_EXPR_UNOP:
	case BC_EXPR_COMPTIME:
		return walk_expr(e->u.unop.operand, fn, ctx);
	case BC_EXPR_TERNARY:
		return walk_expr(e->u.ternary.cond, fn, ctx) ||
		       walk_expr(e->u.ternary.then, fn, ctx) || walk_expr(e->u.ternary.els, fn, ctx);
	case BC_EXPR_FIELD:
		return walk_expr(e->u.field.base, fn, ctx);
	case BC_EXPR_TUPLE_INDEX:
		return walk_expr(e->u.tindex.base, fn, ctx);
	case BC_EXPR_INDEX:
		return walk_expr(e->u.index.base, fn, ctx) || walk_expr(e->u.index.index, fn, ctx);
	case BC_EXPR_CAST:
		return walk_expr(e->u.cast.operand, fn, ctx);
	case BC_EXPR_TUPLE:
		return walk_list(&e->u.list, fn, ctx);
	case BC_EXPR_RECORD:
		return walk_list(&e->u.record.values, fn, ctx);
	case BC_EXPR_BLOCK:
		return walk_block(e->u.block, fn, ctx);
	case BC_EXPR_IF:
		return walk_expr(e->u.if_.cond, fn, ctx) || walk_block(e->u.if_.then, fn, ctx) ||
		       walk_expr(e->u.if_.els, fn, ctx);
	default:
		return false;
	}
}

bool cg_walk_probe(const struct bc_probe *p, cg_walk_fn fn, void *ctx)
{
	return walk_expr(p->pred, fn, ctx) || walk_block(p->body, fn, ctx);
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
	struct uses u = { name, call };

	return cg_walk_probe(p, uses_cb, &u);
}
