// SPDX-License-Identifier: Apache-2.0
/*
 * `if comptime COND` (bpftrace 0.25+): a condition resolved while the
 * script is typed, whose untaken branch is never analysed or generated
 * (fold_literals' IfExpr and the type resolver's comptime loop): `@a = 1;
 * if (comptime false) { @a[1] = 1; }` has no key mismatch. What resolves
 * here: literals, `!`, `&&`, `||`, comparisons of integer literals,
 * is_scalar(@map) and typeinfo(x) == typeinfo(y).
 */
#include <stdlib.h>
#include <string.h>

#include "sema_impl.h"

/* the verdicts a COMPTIME condition's `sema` field points at */
static const int ct_false = 0, ct_true = 1;

/* The key state of @m as the script has fixed it (this pass, else the last). */
static int map_scalar(struct sema_ctx *c, const struct bc_expr *m)
{
	const struct bc_sema_map *map = sema_map_get(c, m);

	if (!map)
		return -1;
	if (map->key)
		return map->nr_keys == 0;
	if (map->prev_fixed)
		return map->prev_nr_keys == 0;
	return -1;
}

static const struct bc_stype *typeinfo_of(const struct bc_expr *e)
{
	if (e->u.sizeof_.expr)
		return e->u.sizeof_.expr->type;
	return e->u.sizeof_.type ? e->u.sizeof_.type->resolved : NULL;
}

static int ct_eval(struct sema_ctx *c, const struct bc_expr *e, unsigned depth)
{
	int64_t a, b;
	int l, r;

	if (!e || depth > BC_AST_MAX_DEPTH)
		return -1;
	switch (e->kind) {
	case BC_EXPR_BOOL:
		return e->u.boolean;
	case BC_EXPR_INT:
		return e->u.num.value != 0;
	case BC_EXPR_STRING:
		return e->u.str.len != 0;
	case BC_EXPR_COMPTIME:
		return ct_eval(c, e->u.unop.operand, depth + 1);
	case BC_EXPR_UNOP:
		if (e->u.unop.op == BC_OP_LNOT) {
			l = ct_eval(c, e->u.unop.operand, depth + 1);
			return l < 0 ? -1 : !l;
		}
		if (e->u.unop.op == BC_OP_NEG && e->u.unop.operand->kind == BC_EXPR_INT)
			return 1;
		return -1;
	case BC_EXPR_CALL:
		if (e->u.call.name && !strcmp(e->u.call.name, "is_scalar") &&
		    e->u.call.args.n == 1 && e->u.call.args.v[0]->kind == BC_EXPR_MAP)
			return map_scalar(c, e->u.call.args.v[0]);
		return -1;
	case BC_EXPR_BINOP:
		if (e->u.binop.op == BC_OP_LAND || e->u.binop.op == BC_OP_LOR) {
			l = ct_eval(c, e->u.binop.left, depth + 1);
			r = ct_eval(c, e->u.binop.right, depth + 1);
			if (e->u.binop.op == BC_OP_LAND)
				return l == 0 || r == 0 ? 0 : l < 0 || r < 0 ? -1 : 1;
			return l == 1 || r == 1 ? 1 : l < 0 || r < 0 ? -1 : 0;
		}
		if ((e->u.binop.op == BC_OP_EQ || e->u.binop.op == BC_OP_NE) &&
		    e->u.binop.left->kind == BC_EXPR_TYPEINFO &&
		    e->u.binop.right->kind == BC_EXPR_TYPEINFO) {
			const struct bc_stype *x = typeinfo_of(e->u.binop.left);
			const struct bc_stype *y = typeinfo_of(e->u.binop.right);
			char *nx, *ny;
			int eq;

			if (!x || !y || sema_is_none(x) || sema_is_none(y))
				return -1;
			nx = bc_stype_name(x, c->v);
			ny = bc_stype_name(y, c->v);
			eq = nx && ny ? !strcmp(nx, ny) : -1;
			free(nx);
			free(ny);
			if (eq < 0)
				return -1;
			return e->u.binop.op == BC_OP_EQ ? eq : !eq;
		}
		if (!sema_lit_int(c, e->u.binop.left, &a) || !sema_lit_int(c, e->u.binop.right, &b))
			return -1;
		switch (e->u.binop.op) {
		case BC_OP_EQ: return a == b;
		case BC_OP_NE: return a != b;
		case BC_OP_LT: return a < b;
		case BC_OP_GT: return a > b;
		case BC_OP_LE: return a <= b;
		case BC_OP_GE: return a >= b;
		default: return -1;
		}
	default:
		return -1;
	}
}

int sema_comptime(struct sema_ctx *c, struct bc_expr *cond)
{
	int v;

	if (!cond || cond->kind != BC_EXPR_COMPTIME || c->v < BC_BT(25))
		return -1;
	sema_expr(c, cond, ROLE_NONE);
	v = ct_eval(c, cond, 0);
	cond->sema = v < 0 ? NULL : (void *)(v ? &ct_true : &ct_false);
	return v;
}

int bc_sema_comptime_branch(const struct bc_expr *cond)
{
	if (!cond || cond->kind != BC_EXPR_COMPTIME || !cond->sema)
		return -1;
	return *(const int *)cond->sema;
}
