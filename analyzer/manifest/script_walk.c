// SPDX-License-Identifier: Apache-2.0
/* Visiting every expression of a script (script_walk.h). */
#include "script_walk.h"

struct walk {
	bc_script_expr_fn fn;
	void *arg;
};

static void walk_expr(struct walk *g, const struct bc_expr *e);
static void walk_block(struct walk *g, const struct bc_block *b);

static void walk_list(struct walk *g, const struct bc_expr_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		walk_expr(g, l->v[i]);
}

static void walk_expr(struct walk *g, const struct bc_expr *e)
{
	if (!e)
		return;
	g->fn(e, g->arg);
	switch (e->kind) {
	case BC_EXPR_MAP:
		walk_list(g, &e->u.map.keys);
		break;
	case BC_EXPR_CALL:
		walk_list(g, &e->u.call.args);
		break;
	case BC_EXPR_BINOP:
		walk_expr(g, e->u.binop.left);
		walk_expr(g, e->u.binop.right);
		break;
	case BC_EXPR_UNOP:
	case BC_EXPR_COMPTIME:
		walk_expr(g, e->u.unop.operand);
		break;
	case BC_EXPR_TERNARY:
		walk_expr(g, e->u.ternary.cond);
		walk_expr(g, e->u.ternary.then);
		walk_expr(g, e->u.ternary.els);
		break;
	case BC_EXPR_FIELD:
		walk_expr(g, e->u.field.base);
		break;
	case BC_EXPR_TUPLE_INDEX:
		walk_expr(g, e->u.tindex.base);
		break;
	case BC_EXPR_INDEX:
		walk_expr(g, e->u.index.base);
		walk_expr(g, e->u.index.index);
		break;
	case BC_EXPR_CAST:
		walk_expr(g, e->u.cast.operand);
		break;
	case BC_EXPR_TUPLE:
		walk_list(g, &e->u.list);
		break;
	case BC_EXPR_RECORD:
		walk_list(g, &e->u.record.values);
		break;
	case BC_EXPR_BLOCK:
		walk_block(g, e->u.block);
		break;
	case BC_EXPR_IF:
		walk_expr(g, e->u.if_.cond);
		walk_block(g, e->u.if_.then);
		walk_expr(g, e->u.if_.els);
		break;
	default:
		break;
	}
}

static void walk_stmt(struct walk *g, const struct bc_stmt *s)
{
	if (!s)
		return;
	switch (s->kind) {
	case BC_STMT_EXPR:
	case BC_STMT_RETURN:
	case BC_STMT_DISCARD:
		walk_expr(g, s->u.expr);
		break;
	case BC_STMT_ASSIGN:
		walk_expr(g, s->u.assign.target);
		walk_expr(g, s->u.assign.value);
		break;
	case BC_STMT_LET:
		walk_expr(g, s->u.let.value);
		break;
	case BC_STMT_IF:
		walk_expr(g, s->u.if_.cond);
		walk_block(g, s->u.if_.then);
		walk_stmt(g, s->u.if_.else_if);
		walk_block(g, s->u.if_.els);
		break;
	case BC_STMT_WHILE:
	case BC_STMT_UNROLL:
		walk_expr(g, s->u.loop.cond);
		walk_block(g, s->u.loop.body);
		break;
	case BC_STMT_FOR:
		walk_expr(g, s->u.for_.map);
		walk_expr(g, s->u.for_.lo);
		walk_expr(g, s->u.for_.hi);
		walk_block(g, s->u.for_.body);
		break;
	case BC_STMT_BLOCK:
		walk_block(g, s->u.block);
		break;
	default:
		break;
	}
}

static void walk_block(struct walk *g, const struct bc_block *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		walk_stmt(g, b->stmts[i]);
	walk_expr(g, b->tail);
}

void bc_script_walk_exprs(const struct bc_script *s, bc_script_expr_fn fn, void *arg)
{
	struct walk g = { .fn = fn, .arg = arg };

	for (size_t i = 0; i < s->nr_items; i++) {
		const struct bc_item *it = &s->items[i];

		if (it->kind == BC_ITEM_PROBE) {
			walk_expr(&g, it->u.probe->pred);
			walk_block(&g, it->u.probe->body);
		} else if (it->kind == BC_ITEM_FN) {
			walk_block(&g, it->u.fn->body);
		}
	}
}
