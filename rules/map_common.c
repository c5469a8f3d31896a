// SPDX-License-Identifier: Apache-2.0
/* Shared by the map rules (see map_common.h). */
#include <stdio.h>

#include "map_common.h"
#include "../analyzer/core/unit.h"

const struct bc_sema *bc_map_rule_sema(const struct bc_rule_ctx *ctx)
{
	const struct bc_sema *sema = bc_sema_of(ctx->unit);
	const struct bc_script *s = sema ? bc_sema_script(sema) : NULL;

	if (!s || s->nr_errors)
		return NULL;
	return sema;
}

const char *bc_btv_str(int version, char *buf)
{
	int major = version / 10000, minor = version / 100 % 100, patch = version % 100;

	if (patch)
		snprintf(buf, 16, "%d.%d.%d", major, minor, patch);
	else
		snprintf(buf, 16, "%d.%d", major, minor);
	return buf;
}

bool bc_map_use_writes(enum bc_map_use_kind kind)
{
	return kind == BC_MAP_USE_ASSIGN || kind == BC_MAP_USE_COMPOUND ||
	       kind == BC_MAP_USE_INCDEC || kind == BC_MAP_USE_AGG;
}

static const struct bc_stmt *in_block(const struct bc_block *b, const struct bc_expr *target);

/* Statements nested in expressions: block and if expressions (0.24+). */
static const struct bc_stmt *in_expr(const struct bc_expr *e, const struct bc_expr *target)
{
	const struct bc_stmt *st = NULL;

	if (!e)
		return NULL;
	switch (e->kind) {
	case BC_EXPR_BLOCK:
		return in_block(e->u.block, target);
	case BC_EXPR_IF:
		st = in_expr(e->u.if_.cond, target);
		if (!st)
			st = in_block(e->u.if_.then, target);
		return st ? st : in_expr(e->u.if_.els, target);
	case BC_EXPR_CALL:
		for (size_t i = 0; i < e->u.call.args.n && !st; i++)
			st = in_expr(e->u.call.args.v[i], target);
		return st;
	case BC_EXPR_BINOP:
		st = in_expr(e->u.binop.left, target);
		return st ? st : in_expr(e->u.binop.right, target);
	case BC_EXPR_UNOP:
	case BC_EXPR_COMPTIME:
		return in_expr(e->u.unop.operand, target);
	case BC_EXPR_TERNARY:
		st = in_expr(e->u.ternary.cond, target);
		if (!st)
			st = in_expr(e->u.ternary.then, target);
		return st ? st : in_expr(e->u.ternary.els, target);
	default:
		return NULL;
	}
}

static const struct bc_stmt *in_stmt(const struct bc_stmt *st, const struct bc_expr *target)
{
	const struct bc_stmt *r = NULL;

	if (!st)
		return NULL;
	switch (st->kind) {
	case BC_STMT_ASSIGN:
		if (st->u.assign.target == target)
			return st;
		return in_expr(st->u.assign.value, target);
	case BC_STMT_EXPR:
	case BC_STMT_RETURN:
	case BC_STMT_DISCARD:
		return in_expr(st->u.expr, target);
	case BC_STMT_LET:
		return in_expr(st->u.let.value, target);
	case BC_STMT_IF:
		r = in_expr(st->u.if_.cond, target);
		if (!r)
			r = in_block(st->u.if_.then, target);
		if (!r)
			r = in_stmt(st->u.if_.else_if, target);
		return r ? r : in_block(st->u.if_.els, target);
	case BC_STMT_WHILE:
	case BC_STMT_UNROLL:
		r = in_expr(st->u.loop.cond, target);
		return r ? r : in_block(st->u.loop.body, target);
	case BC_STMT_FOR:
		return in_block(st->u.for_.body, target);
	case BC_STMT_BLOCK:
		return in_block(st->u.block, target);
	default:
		return NULL;
	}
}

static const struct bc_stmt *in_block(const struct bc_block *b, const struct bc_expr *target)
{
	const struct bc_stmt *r = NULL;

	if (!b)
		return NULL;
	for (size_t i = 0; i < b->n && !r; i++)
		r = in_stmt(b->stmts[i], target);
	return r ? r : in_expr(b->tail, target);
}

const struct bc_stmt *bc_map_assign_of(const struct bc_script *s, const struct bc_expr *target)
{
	const struct bc_stmt *r = NULL;

	if (!s || !target)
		return NULL;
	for (size_t i = 0; i < s->nr_items && !r; i++) {
		const struct bc_item *it = &s->items[i];

		if (it->kind == BC_ITEM_PROBE)
			r = in_block(it->u.probe->body, target);
		else if (it->kind == BC_ITEM_FN)
			r = in_block(it->u.fn->body, target);
		else if (it->kind == BC_ITEM_MACRO)
			r = in_block(it->u.macro->body, target);
	}
	return r;
}
