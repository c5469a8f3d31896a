// SPDX-License-Identifier: Apache-2.0
/*
 * Variables and scopes. Before 0.22 a variable belongs to its probe (or fn):
 * the first assignment in the text declares it and fixes its type, and a use
 * before that in the text is an error. From 0.22 every block is a scope (a
 * variable assigned inside `if { }` is gone after it) and `let` declares one
 * explicitly; shadowing an enclosing declaration is an error.
 *
 * Variable objects persist across passes (their types settle like map
 * types); what is visible is rebuilt in every pass as the text is walked.
 */
#include <stdlib.h>
#include <string.h>

#include "sema_impl.h"
#include "../base/array.h"

struct vis {
	struct bc_sema_var *var;
	bool assigned;
	bool let;		/* declared with let in this pass */
};

static bool block_scopes(struct sema_ctx *c)
{
	return c->v >= BC_BT(22);
}

void sema_scope_push(struct sema_ctx *c, const struct bc_block *b)
{
	struct sema_scope *s;

	if (c->nr_scopes >= SEMA_MAX_SCOPES) {
		c->nr_scopes++;		/* counted, not stored: pops stay balanced */
		return;
	}
	s = &c->scopes[c->nr_scopes++];
	s->block = b;
	s->n = 0;
}

void sema_scope_pop(struct sema_ctx *c)
{
	if (c->nr_scopes)
		c->nr_scopes--;
}

static struct sema_scope *cur_scope(struct sema_ctx *c)
{
	size_t n = c->nr_scopes < SEMA_MAX_SCOPES ? c->nr_scopes : SEMA_MAX_SCOPES;

	if (!n)
		return NULL;
	/* before 0.22 every variable lives at the probe level */
	return block_scopes(c) ? &c->scopes[n - 1] : &c->scopes[0];
}

static struct vis *find_visible(struct sema_ctx *c, const char *name, size_t *scope_idx)
{
	size_t n = c->nr_scopes < SEMA_MAX_SCOPES ? c->nr_scopes : SEMA_MAX_SCOPES;

	for (size_t i = n; i-- > 0;) {
		struct sema_scope *s = &c->scopes[i];
		struct vis *v = (struct vis *)s->vis;

		for (size_t k = 0; k < s->n; k++)
			if (!strcmp(v[k].var->name, name)) {
				if (scope_idx)
					*scope_idx = i;
				return &v[k];
			}
	}
	return NULL;
}

static struct vis *add_visible(struct sema_ctx *c, struct sema_scope *s, struct bc_sema_var *var,
			       bool assigned)
{
	struct vis *v;

	if (BC_GROW_SIZED(s->vis, s->cap, s->n + 1, sizeof(struct vis))) {
		sema_oom(c);
		return NULL;
	}
	v = &((struct vis *)s->vis)[s->n++];
	v->var = var;
	v->assigned = assigned;
	v->let = false;
	return v;
}

/* The persistent variable NAME of the current item and scope. */
static struct bc_sema_var *var_obj(struct sema_ctx *c, const char *name, const struct bc_block *b,
				   const struct bc_span *sp)
{
	struct bc_sema *r = c->r;
	struct bc_sema_var *v;

	for (size_t i = 0; i < r->nr_vars; i++) {
		v = r->vars[i];
		if (v->item == c->item && v->scope == b && !strcmp(v->name, name))
			return v;
	}
	if (BC_GROW(r->vars, r->cap_vars, r->nr_vars + 1)) {
		sema_oom(c);
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		sema_oom(c);
		return NULL;
	}
	v->name = name;
	v->item = c->item;
	v->scope = b;
	v->decl_span = *sp;
	v->type = bc_stype_none();
	r->vars[r->nr_vars++] = v;
	return v;
}

static const struct bc_block *scope_block(struct sema_ctx *c)
{
	struct sema_scope *s = cur_scope(c);

	return block_scopes(c) && s ? s->block : NULL;
}

static void set_type(struct sema_ctx *c, struct bc_sema_var *v, const struct bc_stype *t)
{
	struct bc_stype *nt = bc_stype_get((struct bc_stype *)t);

	sema_retire(c, v->type);
	v->type = nt;
	c->changed = true;
}

bool sema_var_visible(struct sema_ctx *c, const char *name)
{
	return find_visible(c, name, NULL) != NULL;
}

const struct bc_stype *sema_var_read(struct sema_ctx *c, struct bc_expr *e)
{
	struct vis *v = find_visible(c, e->u.name, NULL);

	if (!v) {
		sema_error(c, &e->span, "Undefined or undeclared variable: $%s", e->u.name);
		e->type = sema_none(c);
		return e->type;
	}
	e->sema = v->var;
	/* a warning only from 0.23 (bpftrace 913d5d8a7, "Don't error on variable use
	 * before assign"): the variable is zero-initialised */
	if (!v->assigned && !v->var->is_fn_arg && !v->var->is_loop_var && c->v < BC_BT(23)) {
		sema_error(c, &e->span, "Variable used before it was assigned: $%s", e->u.name);
		e->type = sema_none(c);
		return e->type;
	}
	if (c->final)
		v->var->nr_reads++;
	e->type = v->var->type ? v->var->type : sema_none(c);
	return e->type;
}

/* update_string_size for variables: strings and tuples of strings grow. */
static struct bc_stype *grow_var(const struct bc_stype *have, const struct bc_stype *t)
{
	if (have->kind == BC_ST_STRING && t->kind == BC_ST_STRING && t->size > have->size)
		return bc_stype_with_script_dependent(bc_stype_string(t->size),
						      have->script_dependent || t->script_dependent);
	if (have->kind == BC_ST_TUPLE && t->kind == BC_ST_TUPLE && have->layout && t->layout &&
	    have->layout->nr_fields == t->layout->nr_fields) {
		size_t n = have->layout->nr_fields;
		struct bc_stype **el = calloc(n ? n : 1, sizeof(*el));
		bool any = false;
		struct bc_stype *nt;

		if (!el)
			return NULL;
		for (size_t i = 0; i < n; i++) {
			struct bc_stype *g = grow_var(have->layout->fields[i].type,
						      t->layout->fields[i].type);

			any |= g != NULL;
			el[i] = g ? g : bc_stype_get(have->layout->fields[i].type);
		}
		if (!any) {
			for (size_t i = 0; i < n; i++)
				bc_stype_put(el[i]);
			free(el);
			return NULL;
		}
		nt = bc_stype_tuple(el, n);
		free(el);
		return nt;
	}
	return NULL;
}

/*
 * Whether a tuple of type T may be assigned where one of type HAVE is held:
 * the same number of fields, strings of any length, tuples field by field,
 * and integers that fit (up to 0.24 a wider integer is refused: "Type
 * mismatch for $t ... '(int64,int64)' ... '(int64,int32)'"; 0.25+ unifies
 * integers of any width, the type_checker's tuple tests).
 */
bool sema_tuple_assignable(struct sema_ctx *c, const struct bc_stype *have,
			   const struct bc_stype *t)
{
	if (have->kind == BC_ST_TUPLE && t->kind == BC_ST_TUPLE) {
		if (!have->layout || !t->layout)
			return true;
		if (have->layout->nr_fields != t->layout->nr_fields)
			return false;
		for (size_t i = 0; i < have->layout->nr_fields; i++)
			if (!sema_tuple_assignable(c, have->layout->fields[i].type,
						   t->layout->fields[i].type))
				return false;
		return true;
	}
	/* records (0.25+): the same field names, in any order */
	if (have->kind == BC_ST_RECORD || t->kind == BC_ST_RECORD) {
		if (have->kind != t->kind || !have->layout || !t->layout)
			return have->kind == t->kind;
		if (have->layout->nr_fields != t->layout->nr_fields)
			return false;
		for (size_t i = 0; i < t->layout->nr_fields; i++) {
			const struct bc_field *f = bc_stype_field(have, t->layout->fields[i].name);

			if (!f || !sema_tuple_assignable(c, f->type, t->layout->fields[i].type))
				return false;
		}
		return true;
	}
	if (have->kind == BC_ST_STRING && t->kind == BC_ST_STRING)
		return true;
	if (sema_is_int(have) && sema_is_int(t)) {
		if (c->v >= BC_BT(25))
			return true;
		/* 0.24's SizedType::FitsInto: unsigned into signed needs a wider
		 * field, signed never fits unsigned */
		if (c->v >= BC_BT(24) && !sema_is_guess(have) && !sema_is_guess(t) &&
		    have->is_signed != t->is_signed)
			return !t->is_signed && t->size < have->size;
		return t->size <= have->size;
	}
	if (sema_is_guess(have) || sema_is_guess(t) || sema_is_none(have) || sema_is_none(t))
		return true;
	/* 0.25+: a stack of another mode or limit is another type (get_promoted_type) */
	if ((have->kind == BC_ST_KSTACK || have->kind == BC_ST_USTACK) && have->kind == t->kind &&
	    c->v >= BC_BT(25))
		return have->stack_mode == t->stack_mode && have->stack_limit == t->stack_limit;
	return sema_same_type(have, t);
}

/* An integer literal, `N` or `-N`: its magnitude and sign. */
static bool int_literal(const struct bc_expr *e, uint64_t *mag, bool *neg)
{
	*neg = false;
	if (e->kind == BC_EXPR_UNOP && e->u.unop.op == BC_OP_NEG && e->u.unop.operand &&
	    e->u.unop.operand->kind == BC_EXPR_INT) {
		*neg = true;
		e = e->u.unop.operand;
	}
	if (e->kind != BC_EXPR_INT)
		return false;
	*mag = e->u.num.value;
	return true;
}

/*
 * An integer assigned to an integer variable that already has a type. 0.24
 * (c3c7813ef's literal folding, the semantic tests' mixed_int_var
 * assignments): a literal must fit the variable's type, another value must
 * have its sign and be no wider. 0.25+ unifies integers, except that a
 * variable declared with a type (`let $x: uint8`) still takes only literals
 * that fit.
 */
void sema_var_int_assign(struct sema_ctx *c, const struct bc_expr *var,
			 const struct bc_expr *value, const struct bc_stype *t,
			 const struct bc_span *sp)
{
	struct vis *v = find_visible(c, var->u.name, NULL);
	const struct bc_stype *have = v ? v->var->type : NULL;
	uint64_t mag, max;
	bool neg, lit;

	if (!c->final || !have || !sema_is_int(have) || !sema_is_int(t) || c->v < BC_BT(24))
		return;
	lit = int_literal(value, &mag, &neg);
	if (c->v >= BC_BT(25) && !(v->var->typed && lit))
		return;
	if (!have->size || have->size > 8)
		return;
	max = have->size == 8 ? (have->is_signed ? INT64_MAX : UINT64_MAX)
			      : (have->is_signed ? (1ull << (have->size * 8 - 1)) - 1
						 : (1ull << (have->size * 8)) - 1);
	if (lit && neg && !have->is_signed)
		sema_error(c, sp, "Type mismatch for $%s: trying to assign value of type '%s' "
			   "when variable already contains a value of type '%s'", var->u.name,
			   sema_tname(c, t), sema_tname(c, have));
	else if (lit && (neg ? mag > max + 1 : mag > max))
		sema_error(c, sp, "Type mismatch for $%s: trying to assign value '%s%llu' which "
			   "does not fit into the variable of type '%s'", var->u.name, neg ? "-" : "",
			   (unsigned long long)mag, sema_tname(c, have));
	else if (!lit && t->is_signed != have->is_signed)
		sema_error(c, sp, "Type mismatch for $%s: trying to assign value of type '%s' "
			   "when variable already contains a value of type '%s'", var->u.name,
			   sema_tname(c, t), sema_tname(c, have));
	else if (!lit && t->size > have->size)
		sema_error(c, sp, "Integer size mismatch. Assignment type '%s' is larger than the "
			   "variable type '%s'.", sema_tname(c, t), sema_tname(c, have));
}

/* Whether T fits a variable declared as HAVE without growing it: strings no longer, tuples field by field. */
static bool fits_declared(const struct bc_stype *have, const struct bc_stype *t)
{
	if (have->kind == BC_ST_STRING && t->kind == BC_ST_STRING)
		return t->size <= have->size;
	if (have->kind == BC_ST_TUPLE && t->kind == BC_ST_TUPLE && have->layout && t->layout &&
	    have->layout->nr_fields == t->layout->nr_fields) {
		for (size_t i = 0; i < t->layout->nr_fields; i++)
			if (!fits_declared(have->layout->fields[i].type, t->layout->fields[i].type))
				return false;
	}
	return true;
}

void sema_var_assign(struct sema_ctx *c, struct bc_expr *var, const struct bc_stype *t,
		     const struct bc_span *stmt_span)
{
	const char *name = var->u.name;
	struct vis *v = find_visible(c, name, NULL);
	struct bc_sema_var *obj;

	if (!v) {
		struct sema_scope *s = cur_scope(c);

		obj = var_obj(c, name, scope_block(c), &var->span);
		if (!obj || !s)
			return;
		v = add_visible(c, s, obj, true);
		if (!v)
			return;
		if (sema_is_none(obj->type) && !sema_is_none(t))
			set_type(c, obj, t);
	}
	obj = v->var;
	v->assigned = true;
	var->sema = obj;
	if (sema_is_none(obj->type) || sema_struct_upgrade(obj->type, t)) {
		if (!sema_is_none(t))
			set_type(c, obj, t);
	} else if (!sema_is_none(t) && obj->typed && c->v >= BC_BT(25) &&
		   !fits_declared(obj->type, t)) {
		/* `let $x: string[3]` keeps its type (0.25+): a longer value is refused */
		sema_error(c, stmt_span, "Type mismatch for $%s: trying to assign value of type '%s' "
			   "when variable already has a type '%s'", name, sema_tname(c, t),
			   sema_tname(c, obj->type));
	} else if (!sema_is_none(t)) {
		struct bc_stype *g = NULL;

		if (((obj->type->kind == BC_ST_TUPLE && t->kind == BC_ST_TUPLE) ||
		     (obj->type->kind == BC_ST_RECORD && t->kind == BC_ST_RECORD)) &&
		    !sema_tuple_assignable(c, obj->type, t))
			sema_error(c, stmt_span, "Type mismatch for $%s: trying to assign value of type "
				   "'%s' when variable already contains a value of type '%s'", name,
				   sema_tname(c, t), sema_tname(c, obj->type));
		else
			g = grow_var(obj->type, t);
		if (g) {
			sema_retire(c, obj->type);
			obj->type = g;
			c->changed = true;
		} else if (!sema_same_type(obj->type, t) && !sema_is_guess(t) &&
			   !sema_is_guess(obj->type) &&
			   !(obj->type->kind == BC_ST_STRING && t->kind == BC_ST_STRING) &&
			   !(obj->type->kind == BC_ST_TUPLE && t->kind == BC_ST_TUPLE)) {
			sema_error(c, stmt_span, "Type mismatch for $%s: trying to assign value of type "
				   "'%s' when variable already contains a value of type '%s'", name,
				   sema_tname(c, t), sema_tname(c, obj->type));
		}
	}
	if (c->final) {
		obj->nr_assigns++;
		if (!obj->first_assign.line && !obj->first_assign.end)
			obj->first_assign = *stmt_span;
	}
	var->type = obj->type;
}

struct bc_sema_var *sema_var_declare(struct sema_ctx *c, struct bc_expr *var,
				     const struct bc_stype *t, bool fn_arg, bool loop_var)
{
	struct sema_scope *s = c->nr_scopes && c->nr_scopes <= SEMA_MAX_SCOPES
				       ? &c->scopes[c->nr_scopes - 1] : NULL;
	struct bc_sema_var *obj;

	if (!s)
		return NULL;
	obj = var_obj(c, var->u.name, s->block, &var->span);
	if (!obj)
		return NULL;
	obj->is_fn_arg = fn_arg;
	obj->is_loop_var = loop_var;
	if (!sema_same_type(obj->type, t) || obj->type->size != t->size)
		set_type(c, obj, t);
	add_visible(c, s, obj, true);
	var->sema = obj;
	var->type = obj->type;
	return obj;
}

void sema_var_let(struct sema_ctx *c, struct bc_stmt *st)
{
	struct bc_expr *var = st->u.let.var;
	const struct bc_stype *decl = NULL, *t = NULL;
	struct sema_scope *s = c->nr_scopes && c->nr_scopes <= SEMA_MAX_SCOPES
				       ? &c->scopes[c->nr_scopes - 1] : NULL;
	struct bc_sema_var *obj;
	struct vis *v;
	size_t at;

	if (!var || var->kind != BC_EXPR_VAR || !s)
		return;
	if (st->u.let.type) {
		/* 0.22-0.24 type a declaration without looking its struct up;
		 * 1160b4b8f (0.25) does */
		bool quiet = c->quiet_structs;

		c->quiet_structs = c->v < BC_BT(25);
		decl = sema_type(c, st->u.let.type);
		c->quiet_structs = quiet;
	}
	/*
	 * The value is checked before the variable exists, as bpftrace visits
	 * it: `let $x = { let $x = 1; $x }` declares the inner $x first.
	 */
	if (st->u.let.value) {
		t = sema_expr(c, st->u.let.value, st->u.let.value->kind == BC_EXPR_CALL ?
						  ROLE_VAR_VALUE : ROLE_NONE);
		sema_agg_assign(c, st->u.let.value, NULL, &st->span);
	}
	v = find_visible(c, var->u.name, &at);
	if (v) {
		if (v->let)
			sema_error(c, &st->span, "Variable $%s was already declared. Variable "
				   "shadowing is not allowed.", var->u.name);
		else
			sema_error(c, &st->span, "Variable declarations need to occur before variable "
				   "usage or assignment. Variable: $%s", var->u.name);
	}
	obj = var_obj(c, var->u.name, s->block, &var->span);
	if (!obj)
		return;
	obj->is_let = true;
	obj->typed = decl && !sema_is_none(decl);
	obj->decl_span = st->span;
	if (decl && !sema_is_none(decl) && sema_is_none(obj->type))
		set_type(c, obj, decl);
	v = add_visible(c, s, obj, false);
	if (v)
		v->let = true;
	var->sema = obj;
	var->type = obj->type;
	if (!st->u.let.value)
		return;
	if (decl && !sema_is_none(decl) && !sema_is_none(t) && !sema_same_type(decl, t))
		sema_error(c, &st->span, "Type mismatch for $%s: trying to assign value of type '%s' "
			   "when variable already has a type '%s'", var->u.name, sema_tname(c, t),
			   sema_tname(c, decl));
	else
		sema_var_int_assign(c, var, st->u.let.value, t, &st->span);
	sema_var_assign(c, var, t, &st->span);
}
