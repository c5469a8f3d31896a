// SPDX-License-Identifier: Apache-2.0
/*
 * Semantic analysis: the pass driver, statements and blocks, diagnostics, and
 * the result's accessors (see sema.h). Expressions are in sema_expr.c, calls
 * and builtins in sema_call.c, maps in sema_map.c, variables in sema_var.c,
 * probe contexts in sema_probe.c, types in sema_types.c / sema_ctypes.c and
 * settings in sema_config.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/diag.h"
#include "../core/target.h"
#include "../core/unit.h"
#include "../target/source.h"
#include "sema_impl.h"
#include "../base/array.h"

void bc_sema_opts_from_target(struct bc_sema_opts *o, const struct bc_target *t)
{
	memset(o, 0, sizeof(*o));
	if (!t)
		return;
	o->bpftrace = t->bpftrace;
	o->btf_path = t->btf_path;
	o->no_btf = t->btf_none;
	o->cache_dir = t->cache_dir;
	o->source = t->source;
	o->kernel_gaps = true;
}

/* ---- type pool and diagnostics ---- */

const struct bc_stype *sema_keep(struct sema_ctx *c, struct bc_stype *t)
{
	struct bc_sema *r = c->r;

	if (!t) {
		sema_oom(c);
		return sema_none(c);
	}
	if (BC_GROW(r->pool, r->cap_pool, r->nr_pool + 1)) {
		bc_stype_put(t);
		sema_oom(c);
		return sema_none(c);
	}
	r->pool[r->nr_pool++] = t;
	return t;
}

void sema_retire(struct sema_ctx *c, struct bc_stype *t)
{
	if (t)
		sema_keep(c, t);
}

/* The one "none" type, shared by every thread (files are analysed on
 * several threads at once: analyzer/driver/analyze_all.h). It is immortal:
 * reference counts leave it alone, so the threads never write it, and the
 * types of a unit may point at it after the thread that analysed it ends. */
const struct bc_stype *sema_none(struct sema_ctx *c)
{
	static struct bc_stype none = { .kind = BC_ST_NONE, .refs = BC_STYPE_IMMORTAL, .align = 1 };

	(void)c;
	return &none;
}

void sema_oom(struct sema_ctx *c)
{
	if (!c->err)
		c->err = -ENOMEM;
}

/* One diagnostic per (span, rule): a construct analysed twice reports once. */
static bool seen(struct sema_ctx *c, const struct bc_span *sp, enum bc_rule_id rule)
{
	uint32_t a = sp ? sp->start : 0, b = sp ? sp->end : 0;

	for (size_t i = 0; i < c->nr_seen; i++)
		if (c->seen[i].start == a && c->seen[i].end == b && c->seen[i].rule == rule)
			return true;
	if (BC_GROW(c->seen, c->cap_seen, c->nr_seen + 1))
		return false;
	c->seen[c->nr_seen].start = a;
	c->seen[c->nr_seen].end = b;
	c->seen[c->nr_seen].rule = rule;
	c->nr_seen++;
	return false;
}

static void report(struct sema_ctx *c, enum bc_rule_id rule, const struct bc_span *sp,
		   const char *fmt, va_list ap)
{
	struct bc_span span = { 0 };

	if (sp) {
		span = *sp;
		if (!span.line && span.end > span.start)
			bc_unit_locate(c->u, &span);
	}
	if (c->o->no_diags || seen(c, sp, rule))
		return;
	if (!bc_diag_addv(&c->u->diags, rule, c->u->display_path, &span, fmt, ap))
		sema_oom(c);
	if (rule == BC_RULE_SEMANTIC_ERROR)
		c->r->nr_errors++;
	else
		c->r->nr_guesses++;
}

void sema_error(struct sema_ctx *c, const struct bc_span *sp, const char *fmt, ...)
{
	va_list ap;

	if (!c->final)
		return;
	va_start(ap, fmt);
	report(c, BC_RULE_SEMANTIC_ERROR, sp, fmt, ap);
	va_end(ap);
}

void sema_guess(struct sema_ctx *c, const struct bc_span *sp, const char *fmt, ...)
{
	va_list ap;

	if (!c->final)
		return;
	va_start(ap, fmt);
	report(c, BC_RULE_UNKNOWN_TYPE, sp, fmt, ap);
	va_end(ap);
}

bool sema_kernel_gap(struct sema_ctx *c, unsigned need)
{
	if (!c->o->kernel_gaps)
		return false;
	/* --btf none declines the BTF: guesses for want of it are the user's choice */
	if ((need & SEMA_NEED_BTF) && (c->o->no_btf || sema_btf(c)))
		return false;
	if ((need & SEMA_NEED_TRACEPOINTS) && bc_source_has_tracepoints(sema_source(c)))
		return false;
	return true;
}

void sema_guess_kernel(struct sema_ctx *c, unsigned need, const struct bc_span *sp,
		       const char *fmt, ...)
{
	va_list ap;

	if (!c->final)
		return;
	if (sema_kernel_gap(c, need)) {
		c->u->kernel_gaps++;
		if (c->probe)
			c->probe->kernel_gap = true;
		else
			c->r->kernel_gap = true;
		return;
	}
	va_start(ap, fmt);
	report(c, BC_RULE_UNKNOWN_TYPE, sp, fmt, ap);
	va_end(ap);
}

const char *sema_tname(struct sema_ctx *c, const struct bc_stype *t)
{
	static _Thread_local char ring[8][256];
	static _Thread_local unsigned next;
	char *buf = ring[next++ % 8];
	char *n;

	if (!t)
		return "none";
	n = bc_stype_name(t, c->v);
	snprintf(buf, sizeof(ring[0]), "%s", n ? n : "?");
	free(n);
	return buf;
}

const char *sema_kind_str(const struct bc_stype *t)
{
	if (!t)
		return "none";
	switch (t->kind) {
	case BC_ST_INT:
	case BC_ST_ENUM:
		return "integer";
	case BC_ST_CSTRUCT:
		return "record";
	case BC_ST_POINTER:
		return "pointer";
	case BC_ST_ARRAY:
		return "array";
	default:
		return bc_stype_kind_name(t->kind);
	}
}

/* ---- statements ---- */

static bool is_call(const struct bc_expr *e)
{
	return e && e->kind == BC_EXPR_CALL;
}

static void cond_check(struct sema_ctx *c, const struct bc_stype *t, const struct bc_span *sp,
		       const char *what)
{
	if (sema_is_int(t) || t->kind == BC_ST_BOOL || sema_is_none(t))
		return;
	/* pointers are accepted as conditions from 0.19 (IsPtrTy in visit(If)) */
	if (t->kind == BC_ST_POINTER && c->v >= BC_BT(19))
		return;
	sema_error(c, sp, "Invalid condition in %s: %s", what, sema_kind_str(t));
}

/*
 * An aggregation read from its map and assigned: from 0.22 (acc409c19) a
 * hist, lhist or stats value (0.24's tseries too) never; from 0.24
 * (is_valid_assignment) a count/sum/min/max/avg value only into a map that
 * already holds plain integers (`@b = 0; @b = @a`). DST is the target map,
 * NULL for a variable.
 */
void sema_agg_assign(struct sema_ctx *c, const struct bc_expr *value,
		     struct bc_sema_map *dst, const struct bc_span *sp)
{
	static const char *const names[] = {
		[BC_ST_COUNT] = "count_t", [BC_ST_SUM] = "sum_t", [BC_ST_MIN] = "min_t",
		[BC_ST_MAX] = "max_t", [BC_ST_AVG] = "avg_t", [BC_ST_STATS] = "stats_t",
		[BC_ST_HIST] = "hist_t", [BC_ST_LHIST] = "lhist_t", [BC_ST_TSERIES] = "tseries_t",
	};
	const struct bc_sema_map *src;
	enum bc_stype_kind k;
	bool castable;

	if (!value || value->kind != BC_EXPR_MAP) {
		if (dst)
			dst->plain_value = true;
		return;
	}
	src = value->sema;
	k = src && src->value ? src->value->kind : BC_ST_NONE;
	if (k < BC_ST_COUNT || k > BC_ST_TSERIES) {
		if (dst)
			dst->plain_value = true;
		return;
	}
	if (c->v < BC_BT(22) || !c->final)
		return;
	castable = k <= BC_ST_AVG;
	if (castable && (!dst || c->v < BC_BT(24) || dst->plain_value))
		return;
	if (dst)
		sema_error(c, sp, "Map value '%s' cannot be assigned from one map to another. The "
			   "function that returns this type must be called directly e.g. "
			   "`@%s = %.*s(...);`.", names[k], dst->name, (int)strlen(names[k]) - 2,
			   names[k]);
	else
		sema_error(c, sp, "Value '%s' cannot be assigned to a scratch variable.",
			   names[k]);
}

static void assign_stmt(struct sema_ctx *c, struct bc_stmt *st)
{
	struct bc_expr *target = st->u.assign.target, *value = st->u.assign.value;
	const struct bc_stype *t;

	if (!target || !value)
		return;
	if (target->kind == BC_EXPR_MAP) {
		enum bc_map_use_kind kind = BC_MAP_USE_ASSIGN;
		unsigned errs;

		sema_map_keys(c, target, true);
		errs = c->r->nr_errors;
		t = sema_expr(c, value, is_call(value) ? ROLE_MAP_VALUE : ROLE_NONE);
		if (st->u.assign.op != BC_OP_NONE) {
			struct bc_expr tmp = {
				.kind = BC_EXPR_BINOP,
				.span = st->span,
				.u.binop = { .op = st->u.assign.op, .left = target, .right = value,
					     .op_span = st->u.assign.op_span },
			};

			/* bpftrace desugars @m op= v into @m = @m op v */
			t = sema_binop_result(c, &tmp, sema_map_read(c, target), t);
			kind = BC_MAP_USE_COMPOUND;
		} else if (bc_stype_is_aggregation(t)) {
			kind = BC_MAP_USE_AGG;
		}
		if (value->kind == BC_EXPR_BUILTIN && !sema_is_none(t) &&
		    (!strcmp(value->u.name, "ctx") ||
		     (!strcmp(value->u.name, "args") && c->v < BC_BT(19))))
			sema_error(c, &st->span, "context cannot be assigned to a map");
		if (st->u.assign.op == BC_OP_NONE)
			sema_map_value_sign(c, target, value, t, &st->span);
		sema_map_assign(c, target, t, &st->span);
		if (st->u.assign.op == BC_OP_NONE)
			sema_agg_assign(c, value, target->sema, &st->span);
		else if (target->sema)
			((struct bc_sema_map *)target->sema)->plain_value = true;
		sema_map_use(c, target, kind, NULL, &st->span);
		/* a value that has no type without an error of its own (printf(), ...) */
		if (sema_is_none(t) && value->kind != BC_EXPR_ERROR && c->r->nr_errors == errs)
			sema_error(c, &value->span, "Invalid expression for assignment: %s",
				   sema_kind_str(t));
		return;
	}
	if (target->kind == BC_EXPR_VAR) {
		unsigned errs = c->r->nr_errors;

		t = sema_expr(c, value, is_call(value) ? ROLE_VAR_VALUE : ROLE_NONE);
		if (st->u.assign.op != BC_OP_NONE) {
			struct bc_expr tmp = {
				.kind = BC_EXPR_BINOP,
				.span = st->span,
				.u.binop = { .op = st->u.assign.op, .left = target, .right = value,
					     .op_span = st->u.assign.op_span },
			};

			t = sema_binop_result(c, &tmp, sema_var_read(c, target), t);
		}
		if (value->kind == BC_EXPR_BUILTIN && !strcmp(value->u.name, "args") &&
		    (c->pt == BC_PROBE_KFUNC || c->pt == BC_PROBE_KRETFUNC ||
		     c->pt == BC_PROBE_UPROBE) && c->v < BC_BT(21))
			sema_error(c, &st->span, "args cannot be assigned to a variable");
		if (sema_is_none(t) && value->kind != BC_EXPR_ERROR && c->r->nr_errors == errs)
			sema_error(c, &value->span, "Invalid expression for assignment: %s",
				   sema_kind_str(t));
		if (st->u.assign.op == BC_OP_NONE)
			sema_var_int_assign(c, target, value, t, &st->span);
		sema_var_assign(c, target, t, &st->span);
		sema_agg_assign(c, value, NULL, &st->span);
		return;
	}
	/* tuple fields and the like: the parser already refused them */
	sema_expr(c, target, ROLE_NONE);
	sema_expr(c, value, ROLE_NONE);
}

static void for_stmt(struct sema_ctx *c, struct bc_stmt *st)
{
	struct bc_block *body = st->u.for_.body;
	const struct bc_stype *vt = NULL;

	/* the checks of visit(For) since 0.21, when for loops came */
	if (st->u.for_.var && st->u.for_.var->kind == BC_EXPR_VAR &&
	    sema_var_visible(c, st->u.for_.var->u.name))
		sema_error(c, &st->u.for_.var->span,
			   "Loop declaration shadows existing variable: $%s",
			   st->u.for_.var->u.name);
	if (st->u.for_.map) {
		struct bc_expr *m = st->u.for_.map;

		if (m->kind != BC_EXPR_MAP) {
			sema_expr(c, m, ROLE_NONE);
			sema_error(c, &m->span, "for-loop iterable must be a map");
		} else {
			struct bc_sema_map *map = sema_map_get(c, m);

			m->type = sema_none(c);
			if (m->u.map.has_keys)
				sema_error(c, &m->span, "%s[...] cannot be iterated: use the whole map",
					   m->u.map.name[0] ? m->u.map.name : "@");
			sema_map_use(c, m, BC_MAP_USE_FOR, NULL, &st->span);
			if (c->final && map && sema_is_none(map->value) && !map->declared)
				sema_map_undefined(c, map, &m->span);
			if (map && map->value && map->value->kind >= BC_ST_STATS &&
			    map->value->kind <= BC_ST_TSERIES)
				sema_error(c, &m->span, "Loop expression does not support type: %s",
					   sema_tname(c, map->value));
			if (map && map->value && !sema_is_none(map->value)) {
				struct bc_stype *el[2];
				/* a map keyed only later in the text: the previous pass's keys */
				bool prev = !map->key && map->prev_fixed;
				size_t nk = prev ? map->prev_nr_keys : map->nr_keys;
				struct bc_stype **kt = prev ? map->prev_key_types : map->key_types;

				/* $kv is (key, value); a keyless map has no key to iterate */
				if (!nk) {
					if (c->final && map->nr_uses)
						sema_error(c, &m->span,
							   "Maps used in for-loops must have keys: %s",
							   m->u.map.name);
				}
				if (nk == 1) {
					el[0] = bc_stype_get(kt[0]);
				} else if (nk > 1) {
					struct bc_stype **ks = calloc(nk, sizeof(*ks));

					el[0] = NULL;
					if (ks) {
						for (size_t i = 0; i < nk; i++)
							ks[i] = bc_stype_get(kt[i]);
						el[0] = bc_stype_tuple(ks, nk);
						free(ks);
					}
				} else {
					el[0] = bc_stype_int(8, true);
				}
				el[1] = bc_stype_get(map->value);
				if (el[0])
					vt = sema_keep(c, bc_stype_tuple(el, 2));
				else
					bc_stype_put(el[1]);
			}
		}
	} else {
		const struct bc_stype *lo = st->u.for_.lo ? sema_expr(c, st->u.for_.lo, ROLE_NONE)
							  : sema_none(c);
		const struct bc_stype *hi = st->u.for_.hi ? sema_expr(c, st->u.for_.hi, ROLE_NONE)
							  : sema_none(c);

		if (!sema_is_none(lo) && !sema_is_int(lo))
			sema_error(c, &st->u.for_.lo->span,
				   "Loop range requires an integer for the start value");
		if (!sema_is_none(hi) && !sema_is_int(hi))
			sema_error(c, &st->u.for_.hi->span,
				   "Loop range requires an integer for the end value");
		vt = sema_is_int(lo) ? lo : sema_keep(c, bc_stype_int(8, true));
	}
	if (!body)
		return;
	sema_scope_push(c, body);
	if (st->u.for_.var && st->u.for_.var->kind == BC_EXPR_VAR)
		sema_var_declare(c, st->u.for_.var, vt ? vt : sema_none(c), false, true);
	c->loop_depth++;
	c->for_depth++;
	sema_block(c, body, false);
	c->for_depth--;
	c->loop_depth--;
	sema_scope_pop(c);
}

static void unroll_stmt(struct sema_ctx *c, struct bc_stmt *st)
{
	int64_t n;

	if (st->u.loop.cond) {
		sema_expr(c, st->u.loop.cond, ROLE_NONE);
		if (!sema_lit_int(c, st->u.loop.cond, &n)) {
			if (st->u.loop.cond->kind != BC_EXPR_PARAM)
				sema_error(c, &st->span, "invalid unroll value");
		} else if (n > BT_UNROLL_MAX) {
			sema_error(c, &st->span, "unroll maximum value is %d", BT_UNROLL_MAX);
		} else if (n < 1) {
			sema_error(c, &st->span, "unroll minimum value is 1");
		}
	}
	sema_block(c, st->u.loop.body, true);
}

void sema_stmt(struct sema_ctx *c, struct bc_stmt *st)
{
	if (!st || c->err)
		return;
	switch (st->kind) {
	case BC_STMT_ERROR:
	case BC_STMT_IMPORT:
		break;
	case BC_STMT_EXPR:
	case BC_STMT_DISCARD:
		if (st->u.expr)
			sema_expr(c, st->u.expr, ROLE_NONE);
		break;
	case BC_STMT_ASSIGN:
		assign_stmt(c, st);
		break;
	case BC_STMT_LET:
		sema_var_let(c, st);
		break;
	case BC_STMT_IF: {
		int ct = sema_comptime(c, st->u.if_.cond);
		const struct bc_stype *t;

		if (ct >= 0) {
			/* the untaken branch of `if comptime` is not analysed */
			if (ct)
				sema_block(c, st->u.if_.then, true);
			else if (st->u.if_.else_if)
				sema_stmt(c, st->u.if_.else_if);
			else if (st->u.if_.els)
				sema_block(c, st->u.if_.els, true);
			break;
		}
		if (st->u.if_.cond && st->u.if_.cond->kind == BC_EXPR_COMPTIME &&
		    c->v >= BC_BT(25) && st->u.if_.cond->type)
			t = st->u.if_.cond->type;	/* sema_comptime typed it */
		else
			t = st->u.if_.cond ? sema_expr(c, st->u.if_.cond, ROLE_NONE) : sema_none(c);
		if (st->u.if_.cond)
			cond_check(c, t, &st->span, "if()");
		bool in_ct = st->u.if_.cond && st->u.if_.cond->kind == BC_EXPR_COMPTIME;

		if (st->u.if_.cond && sema_void_call(c, st->u.if_.cond))
			sema_error(c, &st->span, "Invalid condition in if(): none");
		c->comptime_depth += in_ct;	/* a branch bpftrace may fold away */
		sema_block(c, st->u.if_.then, true);
		if (st->u.if_.else_if)
			sema_stmt(c, st->u.if_.else_if);
		if (st->u.if_.els)
			sema_block(c, st->u.if_.els, true);
		c->comptime_depth -= in_ct;
		break;
	}
	case BC_STMT_WHILE:
		if (st->u.loop.cond)
			cond_check(c, sema_expr(c, st->u.loop.cond, ROLE_NONE), &st->span, "while()");
		c->loop_depth++;
		sema_block(c, st->u.loop.body, true);
		c->loop_depth--;
		break;
	case BC_STMT_UNROLL:
		unroll_stmt(c, st);
		break;
	case BC_STMT_FOR:
		for_stmt(c, st);
		break;
	case BC_STMT_BREAK:
	case BC_STMT_CONTINUE:
		if (!c->loop_depth)
			sema_error(c, &st->span, "%s used outside of a loop",
				   st->kind == BC_STMT_BREAK ? "break" : "continue");
		break;
	case BC_STMT_RETURN:
		/* 0.25's LoopReturnPass lets a loop body return */
		if (c->for_depth && c->v < BC_BT(25))
			sema_error(c, &st->span, "'return' statement is not allowed in a for-loop");
		if (st->u.expr) {
			const struct bc_stype *t = sema_expr(c, st->u.expr, ROLE_NONE);

			if (!c->fn && c->v < BC_BT(25))
				sema_error(c, &st->span,
					   "Return value is only allowed in a subprogram");
			else if (!c->fn && c->probe && !sema_is_none(t) && !sema_is_guess(t) &&
				 !sema_is_int(t))
				/* 0.25+ type_checker visit(Jump) */
				sema_error(c, &st->span, "Probe return values can only be integers. "
					   "Found %s", sema_tname(c, t));
			else if (c->fn && c->fn->ret && c->fn->ret->resolved &&
				 c->fn->ret->resolved->kind == BC_ST_VOID && !sema_is_none(t))
				sema_error(c, &st->span,
					   "Function %s is of type void, cannot return %s",
					   c->fn->name, sema_tname(c, t));
			else
				sema_fn_return(c, st->u.expr, t, &st->span);
		} else {
			sema_fn_return(c, NULL, NULL, &st->span);
		}
		break;
	case BC_STMT_BLOCK:
		sema_block(c, st->u.block, true);
		break;
	}
}

void sema_block(struct sema_ctx *c, struct bc_block *b, bool new_scope)
{
	if (!b)
		return;
	if (new_scope)
		sema_scope_push(c, b);
	for (size_t i = 0; i < b->n && !c->err; i++)
		sema_stmt(c, b->stmts[i]);
	if (b->tail)
		sema_expr(c, b->tail, ROLE_NONE);
	if (new_scope)
		sema_scope_pop(c);
}

/* ---- items ---- */

static void probe_item(struct sema_ctx *c, size_t item, struct bc_sema_probe *p)
{
	const struct bc_probe *pr = p->probe;

	c->item = item;
	c->probe = p;
	c->fn = NULL;
	c->pt = p->type;
	c->loop_depth = 0;
	sema_scope_push(c, pr->body);
	if (pr->pred) {
		const struct bc_stype *t = sema_expr(c, pr->pred, ROLE_NONE);

		/* 0.25+ folds a literal condition (fold_literals' IfExpr, eval_bool) */
		bool folded = c->v >= BC_BT(25) && pr->pred->kind == BC_EXPR_STRING;

		if (!folded && !sema_is_int(t) && !sema_is_ptr(t) && t->kind != BC_ST_BOOL &&
		    !sema_is_none(t))
			sema_error(c, &pr->pred_span, "Invalid type for predicate: %s",
				   sema_kind_str(t));
	}
	sema_block(c, pr->body, false);
	sema_scope_pop(c);
	c->probe = NULL;
}

static void fn_item(struct sema_ctx *c, size_t item, const struct bc_fn *fn)
{
	c->item = item;
	c->probe = NULL;
	c->fn = fn;
	c->pt = BC_PROBE_INVALID;
	c->loop_depth = 0;
	sema_scope_push(c, fn->body);
	/*
	 * The arguments typed by typeof() come after the others, and the
	 * return type after all: `fn f($x: typeof($y), $y: int64): typeof($x)`
	 * (0.25's type resolver orders them by need, typeof_subprog).
	 */
	for (int late = 0; late < 2; late++) {
		for (size_t i = 0; i < fn->nr_args; i++) {
			const struct bc_fn_arg *a = &fn->args[i];
			const struct bc_stype *t;

			if ((a->type && a->type->kind == BC_TYPE_TYPEOF) != (late == 1))
				continue;
			t = a->type ? sema_type(c, a->type) : sema_none(c);
			if (a->var && a->var->kind == BC_EXPR_VAR)
				sema_var_declare(c, a->var, t, true, false);
		}
	}
	if (fn->ret)
		sema_type(c, fn->ret);
	sema_block(c, fn->body, false);
	sema_fn_paths(c, fn);
	sema_scope_pop(c);
	c->fn = NULL;
}

static void run_pass(struct sema_ctx *c)
{
	struct bc_script *s = c->s;
	size_t pi = 0;

	c->changed = false;
	c->nr_scopes = 0;
	sema_maps_pass_start(c);
	for (size_t i = 0; i < s->nr_items && !c->err; i++) {
		const struct bc_item *it = &s->items[i];

		switch (it->kind) {
		case BC_ITEM_PROBE:
			probe_item(c, i, &c->r->probes[pi++]);
			break;
		case BC_ITEM_FN:
			fn_item(c, i, it->u.fn);
			break;
		case BC_ITEM_MAP_DECL:
			c->item = i;
			sema_map_decl(c, it->u.map_decl);
			break;
		case BC_ITEM_MACRO:
			break;	/* analysed where they are expanded (sema_call.c) */
		}
	}
}

static int init_probes(struct sema_ctx *c)
{
	struct bc_script *s = c->s;
	size_t n = 0;

	for (size_t i = 0; i < s->nr_items; i++)
		if (s->items[i].kind == BC_ITEM_PROBE)
			n++;
	c->r->probes = calloc(n ? n : 1, sizeof(*c->r->probes));
	if (!c->r->probes)
		return -ENOMEM;
	for (size_t i = 0; i < s->nr_items; i++) {
		struct bc_sema_probe *p;

		if (s->items[i].kind != BC_ITEM_PROBE)
			continue;
		p = &c->r->probes[c->r->nr_probes++];
		p->item = i;
		p->probe = s->items[i].u.probe;
		c->item = i;
		sema_probe_init(c, p);
	}
	return 0;
}

int bc_sema_run(struct bc_unit *u, struct bc_script *s, const struct bc_sema_opts *opts,
		struct bc_sema **out)
{
	struct bc_sema_opts defaults = { 0 };
	struct sema_ctx c = { 0 };
	struct bc_sema *r;
	int err;

	if (!u || !s || !out)
		return -EINVAL;
	*out = NULL;
	if (!opts)
		opts = &defaults;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->script = s;
	r->version = opts->bpftrace ? opts->bpftrace : BC_BT(17);
	c.r = r;
	c.u = u;
	c.s = s;
	c.o = opts;
	c.v = r->version;
	c.prof = &r->prof;
	/* settings: version defaults, environment, config block */
	c.final = true;
	err = sema_profile(&c, &r->prof);
	if (err) {
		bc_sema_free(r);
		return err;
	}
	sema_features(&c);
	c.final = false;
	sema_cdefs_init(&c);
	err = init_probes(&c);
	if (err) {
		sema_types_free(&c);
		free(c.seen);
		bc_sema_free(r);
		return err;
	}
	/* passes until map and variable types settle, then the reporting pass */
	for (c.pass = 1; c.pass <= SEMA_MAX_PASSES && !c.err; c.pass++) {
		run_pass(&c);
		if (!c.changed)
			break;
	}
	/* identifiers left for the headers: ask clang once, settle again */
	if (!c.err && sema_header_eval(&c))
		for (c.pass = 1; c.pass <= SEMA_MAX_PASSES && !c.err; c.pass++) {
			run_pass(&c);
			if (!c.changed)
				break;
		}
	c.final = true;
	if (!c.err)
		run_pass(&c);
	if (!c.err)
		sema_header_errors(&c);	/* bpftrace refuses the script at clang */
	if (!c.err)
		sema_maps_finish(&c);
	r->has_btf = c.btf_state > 0;
	err = c.err;
	if (!err)
		err = sema_keep_structs(&c);
	sema_header_free(&c);
	sema_types_free(&c);
	free(c.seen);
	for (size_t i = 0; i < SEMA_MAX_SCOPES; i++)
		free(c.scopes[i].vis);
	if (err) {
		bc_sema_free(r);
		return err;
	}
	*out = r;
	return 0;
}
