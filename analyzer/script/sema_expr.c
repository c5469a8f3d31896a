// SPDX-License-Identifier: Apache-2.0
/*
 * Expression types: literals, operators, ternaries, tuples and records,
 * field and array access, casts, sizeof/offsetof, block and if expressions.
 * The typing follows the target bpftrace:
 *
 *   integer literal   0.17-0.21 int64; 0.22-0.23 uint64 above INT32_MAX;
 *                     0.24 uint64 above INT64_MAX; 0.25+ the smallest unsigned
 *                     type that holds it (negative: the smallest signed)
 *   a op b (ints)     0.17-0.21 int64, signed when both are; 0.22-0.24 the
 *                     larger operand's width; 0.24 comparisons bool; 0.25+
 *                     int64 when either is signed else uint64, comparisons bool
 *   c ? s1 : s2       strings: 0.17 string[64], 0.18-0.19 strlen, 0.20-0.21
 *                     max_strlen, 0.22+ the longer operand
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/unit.h"
#include "sema_impl.h"

bool sema_is_none(const struct bc_stype *t)
{
	return !t || t->kind == BC_ST_NONE;
}

const struct bc_stype *sema_guess_int(struct sema_ctx *c, enum bc_addrspace as)
{
	struct bc_stype *t = bc_stype_int(8, true);

	if (t && !(t->name = strdup("?"))) {
		bc_stype_put(t);
		t = NULL;
	}
	return sema_keep(c, t ? bc_stype_with_as(t, as) : NULL);
}

bool sema_is_guess(const struct bc_stype *t)
{
	return t && t->kind == BC_ST_INT && t->name;
}

bool sema_is_int(const struct bc_stype *t)
{
	return t && (t->kind == BC_ST_INT || t->kind == BC_ST_ENUM);
}

bool sema_is_ptr(const struct bc_stype *t)
{
	return t && t->kind == BC_ST_POINTER;
}

bool sema_is_intlike(const struct bc_stype *t)
{
	return t && (t->kind == BC_ST_INT || t->kind == BC_ST_ENUM || t->kind == BC_ST_BOOL);
}

/* bpftrace's Type identity: ints of any width are one type, bool is its own
 * from 0.24, strings of any size are one type. */
int sema_type_class(const struct bc_stype *t)
{
	if (!t)
		return BC_ST_NONE;
	if (t->kind == BC_ST_ENUM)
		return BC_ST_INT;
	return t->kind;
}

/* SizedType::IsSameType: same Type; records by name; pointers by pointee. */
bool sema_same_type(const struct bc_stype *a, const struct bc_stype *b)
{
	if (sema_type_class(a) != sema_type_class(b))
		return false;
	if (a->kind == BC_ST_CSTRUCT)
		return a->name && b->name && !strcmp(a->name, b->name);
	if (a->kind == BC_ST_POINTER)
		return sema_same_type(a->elem, b->elem);
	return true;
}

bool sema_lit_str(const struct bc_expr *e, const char **out)
{
	if (!e || e->kind != BC_EXPR_STRING)
		return false;
	*out = e->u.str.data;
	return true;
}

static bool param_value(struct sema_ctx *c, long n, const char **out)
{
	if (!c->o->params || n < 1 || (size_t)n > c->o->nr_params)
		return false;
	*out = c->o->params[n - 1];
	return *out != NULL;
}

static bool parse_i64(const char *s, int64_t *v)
{
	char *end;
	long long x;

	if (!s || !*s)
		return false;
	errno = 0;
	x = strtoll(s, &end, 0);
	if (errno || *end)
		return false;
	*v = x;
	return true;
}

bool sema_lit_int(struct sema_ctx *c, const struct bc_expr *e, int64_t *out)
{
	const char *p;

	if (!e)
		return false;
	switch (e->kind) {
	case BC_EXPR_INT:
		*out = (int64_t)e->u.num.value;
		return true;
	case BC_EXPR_BOOL:
		*out = e->u.boolean;
		return true;
	case BC_EXPR_UNOP:
		if (e->u.unop.op == BC_OP_NEG && e->u.unop.operand &&
		    e->u.unop.operand->kind == BC_EXPR_INT) {
			*out = -(int64_t)e->u.unop.operand->u.num.value;
			return true;
		}
		return false;
	case BC_EXPR_PARAM:
		return param_value(c, e->u.param, &p) && parse_i64(p, out);
	case BC_EXPR_PARAMCOUNT:
		if (!c->o->params)
			return false;
		*out = (int64_t)c->o->nr_params;
		return true;
	default:
		return false;
	}
}

/* bpftrace's is_literal: integers (and folded negatives), strings, $N. */
bool sema_is_literal(const struct bc_expr *e)
{
	if (!e)
		return false;
	switch (e->kind) {
	case BC_EXPR_INT:
	case BC_EXPR_STRING:
	case BC_EXPR_BOOL:
	case BC_EXPR_PARAM:
	case BC_EXPR_PARAMCOUNT:
		return true;
	case BC_EXPR_UNOP:
		return e->u.unop.op == BC_OP_NEG && e->u.unop.operand &&
		       e->u.unop.operand->kind == BC_EXPR_INT;
	default:
		return false;
	}
}

static uint32_t smallest_unsigned(uint64_t v)
{
	if (v <= UINT8_MAX)
		return 1;
	if (v <= UINT16_MAX)
		return 2;
	if (v <= UINT32_MAX)
		return 4;
	return 8;
}

static uint32_t smallest_signed_neg(uint64_t mag)
{
	if (mag <= 128)
		return 1;
	if (mag <= 32768)
		return 2;
	if (mag <= 2147483648u)
		return 4;
	return 8;
}

const struct bc_stype *sema_int_literal_type(struct sema_ctx *c, uint64_t v, bool negative)
{
	if (c->v >= BC_BT(25)) {
		if (negative)
			return sema_keep(c, bc_stype_int(smallest_signed_neg(v), true));
		return sema_keep(c, bc_stype_int(smallest_unsigned(v), false));
	}
	if (negative)
		return sema_keep(c, bc_stype_int(8, true));
	if (c->v >= BC_BT(24))
		return sema_keep(c, bc_stype_int(8, v <= INT64_MAX));
	if (c->v >= BC_BT(22))
		return sema_keep(c, bc_stype_int(8, v <= INT32_MAX));
	return sema_keep(c, bc_stype_int(8, true));
}

const struct bc_stype *sema_with_as(struct sema_ctx *c, const struct bc_stype *t,
				      enum bc_addrspace as)
{
	if (!t || t->as == as || t->kind == BC_ST_NONE)
		return t;
	return sema_keep(c, bc_stype_with_as(bc_stype_get((struct bc_stype *)t), as));
}

/* ---- literals and names ---- */

static const struct bc_stype *string_lit(struct sema_ctx *c, struct bc_expr *e)
{
	size_t len = e->u.str.len;
	uint32_t max = c->v >= BC_BT(19) ? c->prof->max_strlen : BT_STRING_SIZE;

	/* printf's format string is not part of the program; cgroupid() is
	 * resolved at compile time */
	if (!(c->func && !strcmp(c->func, "printf") && c->func_arg == 0) &&
	    !(c->func && !strcmp(c->func, "cgroupid")) && c->v < BC_BT(25) && max &&
	    len > max - 1)
		sema_error(c, &e->span, "String is too long (over %u bytes): %s", max,
			   e->u.str.data);
	return sema_keep(c, bc_stype_with_as(bc_stype_string((uint32_t)len + 1), BC_AS_KERNEL));
}

static const struct bc_stype *ident(struct sema_ctx *c, struct bc_expr *e)
{
	const struct bc_stype *mt = sema_macro_ident(c, e);
	int64_t v;

	if (mt)
		return mt;

	if (sema_enum_value(c, e->u.name, &v)) {
		int64_t *pv = bc_arena_alloc(&c->r->arena, sizeof(*pv));

		/* the value, for code generation (bc_sema_expr_ident_value) */
		if (pv) {
			*pv = v;
			e->sema = pv;
		}
		return sema_keep(c, bc_stype_int(8, false));
	}
	if (c->has_includes && c->hdr_done) {
		/* the headers as clang read them (sema_header_eval) */
		if (sema_header_value(c, e->u.name, &v)) {
			int64_t *pv = bc_arena_alloc(&c->r->arena, sizeof(*pv));

			if (pv) {
				*pv = v;
				e->sema = pv;
			}
			return sema_keep(c, bc_stype_int(8, false));
		}
		if (c->hdr.nr_errors && !c->hdr.nr_missing) {
			/* bpftrace stops at clang's errors: they are the reason */
			sema_header_errors(c);
			return sema_guess_int(c, BC_AS_NONE);
		}
		if (c->hdr.nr_missing) {
			sema_header_missing_notes(c);
			return sema_guess_int(c, BC_AS_NONE);
		}
	} else if (c->has_includes) {
		if (!c->final)
			sema_header_want(c, e->u.name);
		sema_guess(c, &e->span,
			   "'%s' is not an enum value of the script or the kernel BTF; assumed to be "
			   "an integer macro from an included header (int64)", e->u.name);
		return sema_guess_int(c, BC_AS_NONE);
	}
	if (bc_builtin_find(e->u.name, BC_BI_VAR, c->v)) {
		/* a builtin of a later version than the parser's list (ppid, 0.25) */
		e->kind = BC_EXPR_BUILTIN;
		return sema_builtin(c, e);
	}
	sema_error(c, &e->span, c->hdr_done ? "Unknown identifier: '%s' (not defined by the script, "
		   "its headers or the kernel BTF)" : "Unknown identifier: '%s'", e->u.name);
	return sema_none(c);
}

static const struct bc_stype *param(struct sema_ctx *c, struct bc_expr *e)
{
	const char *p;
	int64_t v;

	if (e->u.param <= 0) {
		sema_error(c, &e->span, "$%ld is not a valid parameter", e->u.param);
		return sema_keep(c, bc_stype_int(8, true));
	}
	if (c->in_str_call) {
		/* str($N): still an integer expression, the string is str()'s result;
		 * the parameter is copied to the BPF stack (kernel space) */
		return sema_keep(c, bc_stype_with_as(bc_stype_int(8, true), BC_AS_KERNEL));
	}
	if (param_value(c, e->u.param, &p) && !parse_i64(p, &v))
		sema_error(c, &e->span, "$%ld used numerically but given \"%s\". Try using str($%ld).",
			   e->u.param, p, e->u.param);
	return sema_keep(c, bc_stype_int(8, true));
}

/* ---- operators ---- */

static bool is_comparison(enum bc_op op)
{
	switch (op) {
	case BC_OP_EQ: case BC_OP_NE: case BC_OP_LT: case BC_OP_GT: case BC_OP_LE: case BC_OP_GE:
		return true;
	default:
		return false;
	}
}

static bool is_logical(enum bc_op op)
{
	return op == BC_OP_LAND || op == BC_OP_LOR;
}

static enum bc_addrspace binop_as(const struct bc_stype *l, const struct bc_stype *r)
{
	enum bc_addrspace a = l ? l->as : BC_AS_NONE, b = r ? r->as : BC_AS_NONE;

	if (a != b && a != BC_AS_NONE && b != BC_AS_NONE)
		return BC_AS_NONE;
	return a != BC_AS_NONE ? a : b;
}

static const struct bc_stype *binop_ptr(struct sema_ctx *c, struct bc_expr *e,
					const struct bc_stype *l, const struct bc_stype *r)
{
	enum bc_op op = e->u.binop.op;
	bool left_ptr = sema_is_ptr(l);
	const struct bc_stype *ptr = left_ptr ? l : r, *other = left_ptr ? r : l;
	bool cmp = is_comparison(op);

	if (sema_is_ptr(other)) {
		if (cmp)
			return sema_keep(c, c->v >= BC_BT(24) ? bc_stype_bool() : bc_stype_int(8, false));
		if (c->v >= BC_BT(24) && is_logical(op))
			return sema_keep(c, bc_stype_bool());
	} else if (sema_is_intlike(other)) {
		if (op == BC_OP_SUB && !left_ptr)
			;
		else if (op == BC_OP_ADD || op == BC_OP_SUB)
			return sema_keep(c, bc_stype_pointer(bc_stype_get(ptr->elem), ptr->as));
		else if (cmp || (is_logical(op) && c->v >= BC_BT(24)))
			return sema_keep(c, c->v >= BC_BT(24) ? bc_stype_bool() : bc_stype_int(8, true));
		else if (is_logical(op))
			return sema_keep(c, bc_stype_int(8, true));
	} else if (sema_is_none(other)) {
		return sema_none(c);
	}
	sema_error(c, &e->span, "The %s operator can not be used on expressions of types %s, %s",
		   bc_op_str(op), sema_tname(c, l), sema_tname(c, r));
	return sema_keep(c, bc_stype_int(8, true));
}

static const struct bc_stype *binop_int_type(struct sema_ctx *c, enum bc_op op,
					     const struct bc_stype *l, const struct bc_stype *r)
{
	bool ls = l->is_signed, rs = r->is_signed;
	bool sign = ls && rs;
	uint32_t size = 8;

	if (op == BC_OP_SHL || op == BC_OP_SHR)
		sign = ls;
	if (c->v >= BC_BT(25)) {
		if (is_comparison(op) || is_logical(op) ||
		    (l->kind == BC_ST_BOOL && r->kind == BC_ST_BOOL))
			return sema_keep(c, bc_stype_bool());
		return sema_keep(c, bc_stype_int(8, ls || rs));
	}
	if (c->v >= BC_BT(24) && (is_comparison(op) || is_logical(op) ||
			       (l->kind == BC_ST_BOOL && r->kind == BC_ST_BOOL)))
		return sema_keep(c, bc_stype_bool());
	if (c->v >= BC_BT(22) && sema_is_intlike(l) && sema_is_intlike(r))
		size = l->size > r->size ? l->size : r->size;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		size = 8;
	return sema_keep(c, bc_stype_int(size, sign));
}

/* The type of L op R, with bpftrace's checks. E is the binop (for spans and literals). */
static const struct bc_stype *binop_type(struct sema_ctx *c, struct bc_expr *e,
					 const struct bc_stype *l, const struct bc_stype *r)
{
	enum bc_op op = e->u.binop.op;
	const struct bc_expr *le = e->u.binop.left, *re = e->u.binop.right;
	const struct bc_stype *t;

	if (sema_is_none(l) || sema_is_none(r))
		return sema_keep(c, bc_stype_int(8, true));
	if (sema_is_guess(l) || sema_is_guess(r)) {
		/* a guessed operand: type as integers, report nothing */
		if (sema_is_ptr(l) || sema_is_ptr(r))
			return sema_is_ptr(l) ? l : r;
		return binop_int_type(c, op, sema_is_intlike(l) ? l : r, sema_is_intlike(r) ? r : l);
	}
	if (sema_is_ptr(l) || sema_is_ptr(r))
		return binop_ptr(c, e, l, r);
	if (sema_is_intlike(l) && sema_is_intlike(r)) {
		t = binop_int_type(c, op, l, r);
		return sema_with_as(c, t, binop_as(l, r));
	}
	/* non-integer operands: int64 unless an error below */
	t = sema_keep(c, (c->v >= BC_BT(24) && (is_comparison(op) || is_logical(op)))
			 ? bc_stype_bool() : bc_stype_int(8, l->is_signed && r->is_signed));
	if (l->kind == BC_ST_ARRAY && r->kind == BC_ST_ARRAY) {
		if (op != BC_OP_EQ && op != BC_OP_NE)
			sema_error(c, &e->span, "The %s operator cannot be used on arrays.",
				   bc_op_str(op));
		if (l->nelems != r->nelems)
			sema_error(c, &e->span,
				   "Only arrays of same size support comparison operators.");
		else if (!sema_is_int(l->elem) || !bc_stype_equal(l, r))
			sema_error(c, &e->span,
				   "Only arrays of same sized integer support comparison operators.");
		return t;
	}
	if (sema_type_class(l) != sema_type_class(r)) {
		struct bc_span sp = le->span;

		sp.end = re->span.end;
		sp.end_line = re->span.end_line ? re->span.end_line : re->span.line;
		sp.end_col = re->span.end_col ? re->span.end_col : re->span.col;
		sema_error(c, &sp, "Type mismatch for '%s': comparing '%s' with '%s'", bc_op_str(op),
			   sema_tname(c, l), sema_tname(c, r));
		return t;
	}
	if (op != BC_OP_EQ && op != BC_OP_NE) {
		sema_error(c, &e->span,
			   "The %s operator can not be used on expressions of types %s, %s",
			   bc_op_str(op), sema_tname(c, l), sema_tname(c, r));
	}
	return t;
}

const struct bc_stype *sema_binop_result(struct sema_ctx *c, struct bc_expr *e,
					 const struct bc_stype *l, const struct bc_stype *r)
{
	return binop_type(c, e, l ? l : sema_none(c), r ? r : sema_none(c));
}

/* Tuples that == cannot compare (0.25+): other arity, field kinds, or arrays of another shape. */
static bool tuple_cmp_differs(const struct bc_stype *l, const struct bc_stype *r)
{
	if (sema_is_guess(l) || sema_is_guess(r))
		return false;
	if (sema_type_class(l) != sema_type_class(r))
		return true;
	if (l->kind == BC_ST_ARRAY)
		return l->size != r->size || !l->elem || !r->elem || l->elem->size != r->elem->size;
	if (l->kind != BC_ST_TUPLE || !l->layout || !r->layout)
		return false;
	if (l->layout->nr_fields != r->layout->nr_fields)
		return true;
	for (size_t i = 0; i < l->layout->nr_fields; i++)
		if (tuple_cmp_differs(l->layout->fields[i].type, r->layout->fields[i].type))
			return true;
	return false;
}

static const struct bc_stype *binop(struct sema_ctx *c, struct bc_expr *e)
{
	const struct bc_stype *l, *r;

	l = sema_expr(c, e->u.binop.left, ROLE_NONE);
	r = sema_expr(c, e->u.binop.right, ROLE_NONE);
	if ((e->u.binop.op == BC_OP_EQ || e->u.binop.op == BC_OP_NE) && c->v >= BC_BT(25) &&
	    l->kind == BC_ST_TUPLE && r->kind == BC_ST_TUPLE && tuple_cmp_differs(l, r)) {
		sema_error(c, &e->span, "Type mismatch for '%s': comparing %s with %s",
			   bc_op_str(e->u.binop.op), sema_tname(c, l), sema_tname(c, r));
		return sema_keep(c, bc_stype_bool());
	}
	return binop_type(c, e, l, r);
}

bool sema_is_args_expr(const struct bc_expr *e)
{
	while (e && e->kind == BC_EXPR_UNOP && e->u.unop.op == BC_OP_DEREF)
		e = e->u.unop.operand;
	return e && e->kind == BC_EXPR_BUILTIN && !strcmp(e->u.name, "args");
}

static const struct bc_stype *deref(struct sema_ctx *c, const struct bc_stype *t,
				    const struct bc_expr *operand, const struct bc_span *sp)
{
	if (sema_is_ptr(t)) {
		const struct bc_stype *p = t->elem;

		if (!p || p->kind == BC_ST_NONE || p->kind == BC_ST_VOID)
			return sema_keep(c, bc_stype_int(8, false));
		/* a pointee is named only: the struct value gets its layout
		 * (script, uprobe DWARF, BTF; quietly left unknown otherwise) */
		if (p->kind == BC_ST_CSTRUCT && !p->layout && p->name) {
			const struct bc_stype *full = sema_struct(c, p->name, sp, false);

			if (full && full->layout)
				p = full;
		}
		sema_resolve_value(c, p, 0);
		return sema_with_as(c, p, t->as);
	}
	if (t->kind == BC_ST_CSTRUCT) {
		/* dereferencing args is allowed (with no effect) for compatibility */
		if (sema_is_args_expr(operand))
			return t;
		sema_error(c, sp, "Can not dereference struct/union of type '%s'. It is not a pointer.",
			   t->name ? t->name : "?");
		return sema_none(c);
	}
	if (sema_is_intlike(t))
		return sema_keep(c, bc_stype_int(8, false));
	return sema_none(c);
}

static const struct bc_stype *incdec(struct sema_ctx *c, struct bc_expr *e)
{
	struct bc_expr *x = e->u.unop.operand;
	const struct bc_stype *t;

	if (x->kind == BC_EXPR_MAP) {
		struct bc_sema_map *m = sema_map_get(c, x);

		sema_map_keys(c, x, true);
		if (m && sema_is_none(m->value))
			sema_map_assign(c, x, sema_keep(c, bc_stype_int(8, true)), &e->span);
		t = sema_map_read(c, x);
		sema_map_use(c, x, BC_MAP_USE_INCDEC, NULL, &e->span);
	} else if (x->kind == BC_EXPR_VAR) {
		t = sema_var_read(c, x);
	} else {
		sema_expr(c, x, ROLE_NONE);
		sema_error(c, &e->span, "The %s operator must be applied to a map or variable",
			   bc_op_str(e->u.unop.op));
		return sema_none(c);
	}
	if (sema_is_ptr(t))
		return t;
	if (!sema_is_int(t) && !sema_is_none(t)) {
		sema_error(c, &e->span, "The %s operator can not be used on expressions of type '%s'",
			   bc_op_str(e->u.unop.op), sema_tname(c, t));
		return sema_none(c);
	}
	return sema_keep(c, bc_stype_int(8, sema_is_none(t) ? true : t->is_signed));
}

static const struct bc_stype *unop(struct sema_ctx *c, struct bc_expr *e)
{
	enum bc_op op = e->u.unop.op;
	struct bc_expr *x = e->u.unop.operand;
	const struct bc_stype *t;

	if (!x)
		return sema_none(c);
	switch (op) {
	case BC_OP_PREINC: case BC_OP_PREDEC: case BC_OP_POSTINC: case BC_OP_POSTDEC:
		return incdec(c, e);
	case BC_OP_ADDR:
		if (x->kind == BC_EXPR_MAP) {
			struct bc_sema_map *m = sema_map_get(c, x);

			x->type = sema_none(c);
			/* the address of a map that never gets a value (0.24+); not a
			 * read, so BC303 leaves it to this error */
			if (m && c->final && c->v >= BC_BT(24) && sema_is_none(m->value) &&
			    !m->declared)
				sema_error(c, &x->span, "Undefined map: @%s", m->name);
			sema_map_use(c, x, BC_MAP_USE_ADDR, NULL, &e->span);
			return sema_keep(c, bc_stype_pointer(bc_stype_none(), BC_AS_KERNEL));
		}
		t = sema_expr(c, x, ROLE_NONE);
		/* &$v of a `let $v;` never assigned (0.24+) */
		if (x->kind == BC_EXPR_VAR && sema_is_none(t) && c->final && c->v >= BC_BT(24) &&
		    sema_var_visible(c, x->u.name))
			sema_error(c, &x->span, "No type available for variable $%s", x->u.name);
		return sema_keep(c, bc_stype_pointer(bc_stype_get((struct bc_stype *)t), BC_AS_KERNEL));
	case BC_OP_NEG:
		if (x->kind == BC_EXPR_INT) {
			/* a negative literal: folded by bpftrace's parser */
			x->type = sema_int_literal_type(c, x->u.num.value, false);
			return sema_int_literal_type(c, x->u.num.value, true);
		}
		break;
	default:
		break;
	}
	t = sema_expr(c, x, ROLE_NONE);
	if (sema_is_none(t))
		return sema_none(c);
	if (sema_is_guess(t))
		return op == BC_OP_DEREF ? t : sema_keep(c, bc_stype_int(8, true));
	if (op == BC_OP_DEREF) {
		if (!sema_is_int(t) && !sema_is_ptr(t) && !sema_is_args_expr(x) &&
		    t->kind != BC_ST_CSTRUCT)
			sema_error(c, &e->span,
				   "The %s operator can not be used on expressions of type '%s'",
				   bc_op_str(op), sema_tname(c, t));
		return deref(c, t, x, &e->span);
	}
	/* 0.24+ (visit(Unop)): a bool takes only `!`, a pointer none of ! ~ - */
	if (!sema_is_intlike(t) || (c->v >= BC_BT(24) && t->kind == BC_ST_BOOL && op != BC_OP_LNOT)) {
		sema_error(c, &e->span, "The %s operator can not be used on expressions of type '%s'",
			   bc_op_str(op), sema_tname(c, t));
		return sema_none(c);
	}
	if (op == BC_OP_LNOT) {
		if (c->v >= BC_BT(24))
			return sema_keep(c, bc_stype_bool());
		return sema_keep(c, bc_stype_int(t->size ? t->size : 8, false));
	}
	return sema_keep(c, bc_stype_int(8, t->is_signed));
}

bool sema_void_call(struct sema_ctx *c, const struct bc_expr *e)
{
	const struct bc_builtin *b;

	if (e->kind != BC_EXPR_CALL || !e->u.call.name)
		return false;
	b = bc_builtin_find(e->u.call.name, BC_BI_FUNC, c->v);
	return b && b->result == BC_RES_NONE;
}

/*
 * A call to a builtin that returns nothing (printf, exit, print, cat, time):
 * its "none" is a value kind bpftrace compares in a ternary, unlike the
 * "none" of an expression that already failed and was reported.
 */
static bool yields_none(struct sema_ctx *c, const struct bc_expr *e, const struct bc_stype *t)
{
	return sema_is_none(t) && sema_void_call(c, e);
}

/* bpftrace: "Ternary operator must return the same type" */
static bool ternary_mismatch(struct sema_ctx *c, const struct bc_expr *le, const struct bc_stype *l,
			     const struct bc_expr *re, const struct bc_stype *r)
{
	bool ln = yields_none(c, le, l), rn = yields_none(c, re, r);

	if (ln || rn)
		return ln != rn && (ln ? !sema_is_none(r) : !sema_is_none(l));
	return !sema_is_none(l) && !sema_is_none(r) && sema_type_class(l) != sema_type_class(r) &&
	       !sema_is_guess(l) && !sema_is_guess(r);
}

/*
 * Whether branch types L and R of the same class are still not one type:
 * tuples whose fields differ in class (IsSameType, 0.23+), stacks of another
 * mode or limit (0.23+ "must have the same stack type"; 0.25+ stack types
 * that do not promote).
 */
static bool branch_shapes_differ(const struct bc_stype *l, const struct bc_stype *r)
{
	if ((l->kind == BC_ST_KSTACK || l->kind == BC_ST_USTACK) && l->kind == r->kind)
		return l->stack_mode != r->stack_mode || l->stack_limit != r->stack_limit;
	if (l->kind != BC_ST_TUPLE || r->kind != BC_ST_TUPLE || !l->layout || !r->layout)
		return false;
	if (l->layout->nr_fields != r->layout->nr_fields)
		return true;
	for (size_t i = 0; i < l->layout->nr_fields; i++) {
		const struct bc_stype *a = l->layout->fields[i].type, *b = r->layout->fields[i].type;

		if (sema_is_guess(a) || sema_is_guess(b))
			continue;
		if (sema_type_class(a) != sema_type_class(b) || branch_shapes_differ(a, b))
			return true;
	}
	return false;
}

static void ternary_shapes(struct sema_ctx *c, struct bc_expr *e, const struct bc_stype *l,
			   const struct bc_stype *r)
{
	if (c->v < BC_BT(23) || sema_is_none(l) || sema_is_none(r) ||
	    sema_type_class(l) != sema_type_class(r) || !branch_shapes_differ(l, r))
		return;
	if (c->v >= BC_BT(25))
		sema_error(c, &e->span, "Branches must return the same type or compatible types: "
			   "have '%s' and '%s'", sema_tname(c, l), sema_tname(c, r));
	else if (l->kind == BC_ST_TUPLE)
		sema_error(c, &e->span, "Ternary operator must return the same type: have '%s' and "
			   "'%s'", sema_tname(c, l), sema_tname(c, r));
	else
		sema_error(c, &e->span, "Ternary operator must have the same stack type on the right "
			   "and left sides.");
}

static const struct bc_stype *ternary(struct sema_ctx *c, struct bc_expr *e)
{
	const struct bc_stype *ct, *l, *r;
	uint32_t size;

	ct = sema_expr(c, e->u.ternary.cond, ROLE_NONE);
	if (!e->u.ternary.then) {
		/* Elvis a ?: b: the condition's value when it is true */
		r = sema_expr(c, e->u.ternary.els, ROLE_NONE);
		if (ternary_mismatch(c, e->u.ternary.cond, ct, e->u.ternary.els, r))
			sema_error(c, &e->span,
				   "Ternary operator must return the same type: have '%s' and '%s'",
				   sema_kind_str(ct), sema_kind_str(r));
		return ct;
	}
	l = sema_expr(c, e->u.ternary.then, ROLE_NONE);
	r = sema_expr(c, e->u.ternary.els, ROLE_NONE);
	if (ternary_mismatch(c, e->u.ternary.then, l, e->u.ternary.els, r))
		sema_error(c, &e->span, "Ternary operator must return the same type: have '%s' and '%s'",
			   sema_kind_str(l), sema_kind_str(r));
	else
		ternary_shapes(c, e, l, r);
	if ((!sema_is_none(ct) && !sema_is_intlike(ct) && !(c->v >= BC_BT(19) && sema_is_ptr(ct))) ||
	    sema_void_call(c, e->u.ternary.cond))
		sema_error(c, &e->span, "Invalid condition in ternary: %s", sema_kind_str(ct));
	if (sema_is_none(l))
		return sema_none(c);
	switch (l->kind) {
	case BC_ST_STRING:
		if (c->v < BC_BT(18))
			size = BT_STRING_SIZE;
		else if (c->v < BC_BT(22))
			size = c->prof->max_strlen;
		else
			size = l->size > r->size ? l->size : r->size;
		return sema_keep(c, bc_stype_string(size));
	case BC_ST_INT:
	case BC_ST_ENUM:
		return sema_keep(c, bc_stype_int(8, l->is_signed));
	case BC_ST_BOOL:
		return l;
	default:
		if (c->v < BC_BT(22)) {
			sema_error(c, &e->span, "Ternary return type unsupported %s", sema_kind_str(l));
			return sema_none(c);
		}
		return l;
	}
}

/* A hist/lhist/tseries value read from its map inside a tuple or record (0.22+). */
static void multikey_elem(struct sema_ctx *c, const struct bc_expr *x, const struct bc_stype *t,
			  const char *what)
{
	if (c->v >= BC_BT(22) && (t->kind == BC_ST_HIST || t->kind == BC_ST_LHIST ||
				  t->kind == BC_ST_TSERIES))
		sema_error(c, &x->span, "Map type %s cannot exist inside a %s.", sema_tname(c, t),
			   what);
}

/*
 * Whether `comptime E` can fold (0.25+ TypeResolver's unresolved comptimes):
 * no variable or map value in it, outside sizeof/offsetof/typeinfo (a call's
 * arguments are left to the call: is_scalar(@m) folds).
 */
static bool comptime_resolvable(const struct bc_expr *e)
{
	if (!e)
		return true;
	switch (e->kind) {
	case BC_EXPR_VAR:
	case BC_EXPR_MAP:
		return false;
	case BC_EXPR_BINOP:
		return comptime_resolvable(e->u.binop.left) && comptime_resolvable(e->u.binop.right);
	case BC_EXPR_UNOP:
	case BC_EXPR_COMPTIME:
		return comptime_resolvable(e->u.unop.operand);
	case BC_EXPR_TERNARY:
		return comptime_resolvable(e->u.ternary.cond) &&
		       comptime_resolvable(e->u.ternary.then) && comptime_resolvable(e->u.ternary.els);
	case BC_EXPR_FIELD:
		return comptime_resolvable(e->u.field.base);
	case BC_EXPR_TUPLE_INDEX:
		return comptime_resolvable(e->u.tindex.base);
	case BC_EXPR_INDEX:
		return comptime_resolvable(e->u.index.base) && comptime_resolvable(e->u.index.index);
	case BC_EXPR_CAST:
		return comptime_resolvable(e->u.cast.operand);
	default:
		return true;
	}
}

static const struct bc_stype *tuple(struct sema_ctx *c, struct bc_expr *e)
{
	size_t n = e->u.list.n;
	struct bc_stype **el = calloc(n ? n : 1, sizeof(*el));
	bool bad = false;

	if (!el) {
		sema_oom(c);
		return sema_none(c);
	}
	for (size_t i = 0; i < n; i++) {
		const struct bc_stype *t = sema_expr(c, e->u.list.v[i], ROLE_NONE);

		multikey_elem(c, e->u.list.v[i], t, "tuple");
		/* an invalid element leaves the tuple untyped (bpftrace skips it) */
		if (sema_is_none(t) || t->size == 0)
			bad = true;
		el[i] = bc_stype_get((struct bc_stype *)t);
	}
	if (bad) {
		for (size_t i = 0; i < n; i++)
			bc_stype_put(el[i]);
		free(el);
		return sema_none(c);
	}
	{
		struct bc_stype *t = bc_stype_tuple(el, n);

		free(el);
		return sema_keep(c, t);
	}
}

static const struct bc_stype *record(struct sema_ctx *c, struct bc_expr *e)
{
	size_t n = e->u.record.values.n;
	struct bc_stype **el = calloc(n ? n : 1, sizeof(*el));
	struct bc_stype *t;

	if (!el) {
		sema_oom(c);
		return sema_none(c);
	}
	for (size_t i = 0; i < n; i++) {
		el[i] = bc_stype_get((struct bc_stype *)sema_expr(c, e->u.record.values.v[i],
								    ROLE_NONE));
		multikey_elem(c, e->u.record.values.v[i], el[i], "record");
		for (size_t k = 0; k < i; k++)
			if (!strcmp(e->u.record.names[k], e->u.record.names[i]))
				sema_error(c, &e->u.record.name_spans[i],
					   "Named argument list already contains name: %s",
					   e->u.record.names[i]);
	}
	t = bc_stype_record(e->u.record.names, el, n);
	free(el);
	return sema_keep(c, t);
}

static const struct bc_stype *block_expr(struct sema_ctx *c, struct bc_expr *e)
{
	struct bc_block *b = e->u.block;
	const struct bc_stype *t = sema_none(c);

	if (!b)
		return t;
	sema_scope_push(c, b);
	for (size_t i = 0; i < b->n && !c->err; i++)
		sema_stmt(c, b->stmts[i]);
	if (b->tail)
		t = sema_expr(c, b->tail, ROLE_NONE);
	else
		t = sema_keep(c, bc_stype_void());
	sema_scope_pop(c);
	return t;
}

static const struct bc_stype *if_expr(struct sema_ctx *c, struct bc_expr *e)
{
	const struct bc_stype *ct = sema_expr(c, e->u.if_.cond, ROLE_NONE), *a, *b = NULL;
	struct bc_expr tmp = { .kind = BC_EXPR_BLOCK, .span = e->span, .u.block = e->u.if_.then };

	if ((!sema_is_none(ct) && !sema_is_intlike(ct) && !sema_is_ptr(ct)) ||
	    sema_void_call(c, e->u.if_.cond))
		sema_error(c, &e->span, "Invalid condition in if(): %s", sema_kind_str(ct));
	a = block_expr(c, &tmp);
	if (e->u.if_.els)
		b = sema_expr(c, e->u.if_.els, ROLE_NONE);
	if (b && !sema_is_none(a) && !sema_is_none(b) && sema_type_class(a) != sema_type_class(b))
		sema_error(c, &e->span, "Branches must return the same type: have '%s' and '%s'",
			   sema_tname(c, a), sema_tname(c, b));
	return a;
}

/* typeinfo(x) (0.25): (uint64 type id, string base type, string full type). */
static const struct bc_stype *typeinfo(struct sema_ctx *c, struct bc_expr *e)
{
	const struct bc_stype *t = NULL;
	struct bc_stype *el[3];
	char *name;

	if (e->u.sizeof_.type)
		t = sema_type(c, e->u.sizeof_.type);
	else if (e->u.sizeof_.expr)
		t = sema_expr(c, e->u.sizeof_.expr, ROLE_NONE);
	name = t ? bc_stype_name(t, c->v) : NULL;
	el[0] = bc_stype_int(8, false);
	el[1] = bc_stype_string(name ? (uint32_t)strlen(name) + 1 : 1);
	el[2] = bc_stype_string(name ? (uint32_t)strlen(name) + 1 : 1);
	free(name);
	return sema_keep(c, bc_stype_tuple(el, 3));
}

/* ---- dispatch ---- */

const struct bc_stype *sema_expr(struct sema_ctx *c, struct bc_expr *e, enum sema_role role)
{
	const struct bc_stype *t;

	if (!e)
		return sema_none(c);
	if (!c->err && c->depth >= SEMA_MAX_DEPTH) {
		/* a limit of bpfcheck (the recursion below), not an error in the
		 * script: the unit fails, as for the parser's nesting limit, rather
		 * than typing the subtree "none" and reporting what follows from it */
		bc_unit_fail(c->u, -E2BIG, &e->span, "expression nested too deeply (the limit is %u "
			     "levels): the script could not be checked", SEMA_MAX_DEPTH);
		c->err = -E2BIG;
	}
	if (c->err) {
		e->type = sema_none(c);
		return e->type;
	}
	c->depth++;
	switch (e->kind) {
	case BC_EXPR_ERROR:
		t = sema_none(c);
		break;
	case BC_EXPR_INT:
		t = sema_int_literal_type(c, e->u.num.value, false);
		break;
	case BC_EXPR_BOOL:
		t = sema_keep(c, c->v >= BC_BT(24) ? bc_stype_bool() : bc_stype_int(1, false));
		break;
	case BC_EXPR_STRING:
		t = string_lit(c, e);
		break;
	case BC_EXPR_BUILTIN:
		t = sema_builtin(c, e);
		break;
	case BC_EXPR_IDENT:
		t = ident(c, e);
		break;
	case BC_EXPR_PARAM:
		t = param(c, e);
		break;
	case BC_EXPR_PARAMCOUNT:
		if (c->in_str_call)
			sema_error(c, &e->span, "use $#, not str($#)");
		t = sema_keep(c, bc_stype_int(8, true));
		break;
	case BC_EXPR_VAR:
		t = sema_var_read(c, e);
		break;
	case BC_EXPR_MAP:
		sema_map_keys(c, e, true);
		t = sema_map_read(c, e);
		sema_map_use(c, e, BC_MAP_USE_READ, NULL, &e->span);
		break;
	case BC_EXPR_CALL:
		t = sema_call(c, e, role);
		break;
	case BC_EXPR_BINOP:
		t = binop(c, e);
		break;
	case BC_EXPR_UNOP:
		t = unop(c, e);
		break;
	case BC_EXPR_TERNARY:
		t = ternary(c, e);
		break;
	case BC_EXPR_FIELD:
		t = sema_field(c, e);
		break;
	case BC_EXPR_TUPLE_INDEX:
		t = sema_tuple_index(c, e);
		break;
	case BC_EXPR_INDEX:
		t = sema_index_expr(c, e);
		break;
	case BC_EXPR_CAST:
		t = sema_cast(c, e);
		break;
	case BC_EXPR_TUPLE:
		t = tuple(c, e);
		break;
	case BC_EXPR_RECORD:
		t = record(c, e);
		break;
	case BC_EXPR_SIZEOF:
		t = sema_sizeof_expr(c, e);
		break;
	case BC_EXPR_OFFSETOF:
		t = sema_offsetof_expr(c, e);
		break;
	case BC_EXPR_TYPEINFO:
		t = typeinfo(c, e);
		break;
	case BC_EXPR_COMPTIME:
		t = sema_expr(c, e->u.unop.operand, ROLE_NONE);
		if (c->final && !comptime_resolvable(e->u.unop.operand))
			sema_error(c, &e->span, "Unable to resolve comptime expression");
		break;
	case BC_EXPR_BLOCK:
		t = block_expr(c, e);
		break;
	case BC_EXPR_IF:
		t = if_expr(c, e);
		break;
	default:
		t = sema_none(c);
		break;
	}
	c->depth--;
	if (!t)
		t = sema_none(c);
	e->type = t;
	return t;
}
