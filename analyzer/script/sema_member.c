// SPDX-License-Identifier: Apache-2.0
/*
 * Member access and type operations: `.field` and `->field` through C
 * structs (script, BTF, DWARF) and records, tuple indexes, array indexing,
 * casts, sizeof() and offsetof(), with bpftrace's checks. A member of a
 * struct whose layout is unknown is a guessed int64 (BC101).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema_impl.h"

static const struct bc_stype *field_of(struct sema_ctx *c, struct bc_expr *e,
				       const struct bc_stype *rec, enum bc_addrspace as, bool is_tp,
				       bool is_args)
{
	const char *fname = e->u.field.name;
	const struct bc_field *f;
	const struct bc_stype *full = is_args && c->probe && c->probe->args_guessed && !rec->layout
				      ? rec : sema_resolve(c, rec, &e->span);

	/* the resolved struct, for code generation (bc_sema_expr_record) */
	e->sema = full && full->layout ? (void *)full : NULL;
	if (!full || !full->layout) {
		/* the struct's layout is unknown (no BTF, a header type): a guess;
		 * unresolved probe args were noted once, where they were resolved */
		if (!(is_args && c->probe && c->probe->args_guessed))
			sema_guess(c, &e->u.field.name_span,
				   "layout of '%s' is unknown; field '%s' assumed to be an int64",
				   rec->name ? rec->name : "?", fname);
		return sema_guess_int(c, as);
	}
	f = bc_stype_field(full, fname);
	if (!f) {
		sema_error(c, &e->span, "Struct/union of type '%s' does not contain a field named '%s'",
			   full->name ? full->name : "?", fname);
		return sema_none(c);
	}
	if (is_tp && f->is_common && c->v < BC_BT(25))
		sema_error(c, &e->span, "BPF does not support accessing common tracepoint fields");
	if (is_tp && c->probe) {
		/* a wildcarded tracepoint: every match must have the field */
		for (size_t i = 1; i < c->probe->nr_all_args; i++) {
			const struct bc_stype *o = c->probe->all_args[i];

			if (o && o->layout && !bc_stype_field(o, fname))
				sema_error(c, &e->span,
					   "Struct/union of type '%s' does not contain a field named "
					   "'%s'", o->name ? o->name : "?", fname);
		}
	}
	sema_resolve_value(c, f->type, 0);	/* a struct value: complete for its printer */
	return sema_with_as(c, f->type, as);
}

const struct bc_stype *sema_field(struct sema_ctx *c, struct bc_expr *e)
{
	struct bc_expr *base = e->u.field.base;
	const struct bc_stype *t = sema_expr(c, base, ROLE_NONE);
	bool args = sema_is_args_expr(base);
	bool is_tp = args && c->pt == BC_PROBE_TRACEPOINT;
	enum bc_addrspace as = t ? t->as : BC_AS_NONE;

	if (sema_is_none(t))
		return sema_none(c);
	if (sema_is_guess(t))
		return t;	/* a member of a guessed value: a guess too (noted there) */
	/* 0.25+: `.` dereferences a pointer itself (#4673, bpftrace 12023dcbc) */
	e->u.field.deref = !e->u.field.arrow && sema_is_ptr(t) && c->v >= BC_BT(25) &&
			   t->elem && !sema_is_ptr(t->elem);
	if (e->u.field.arrow || e->u.field.deref) {
		if (!sema_is_ptr(t) && !(args && t->kind == BC_ST_CSTRUCT)) {
			if (t->kind == BC_ST_CSTRUCT) {
				sema_error(c, &e->span,
					   "Can not dereference struct/union of type '%s'. It is not a "
					   "pointer.", t->name ? t->name : "?");
				return sema_none(c);
			}
			if (!sema_is_int(t) && t->kind != BC_ST_TUPLE && t->kind != BC_ST_RECORD) {
				sema_error(c, &e->span,
					   "The * operator can not be used on expressions of type '%s'",
					   sema_tname(c, t));
				return sema_none(c);
			}
			sema_error(c, &e->span, "Can not access field '%s' on expression of type '%s'",
				   e->u.field.name, sema_tname(c, c->v >= BC_BT(22) ? t
						: sema_keep(c, bc_stype_int(8, false))));
			return sema_none(c);
		}
		if (sema_is_ptr(t)) {
			as = t->as;
			t = t->elem;
		}
	} else if (sema_is_ptr(t)) {
		sema_error(c, &e->span,
			   "Can not access field '%s' on type '%s'. Try dereferencing it first, or "
			   "using '->'", e->u.field.name, sema_tname(c, t));
		return sema_none(c);
	}
	if (!t)
		return sema_none(c);
	if (t->kind == BC_ST_RECORD || (t->kind == BC_ST_TUPLE && t->layout)) {
		const struct bc_field *f = bc_stype_field(t, e->u.field.name);

		if (f)
			return as != BC_AS_NONE ? sema_with_as(c, f->type, as) : f->type;
		sema_error(c, &e->span, "Record does not contain a field named '%s'",
			   e->u.field.name);
		return sema_none(c);
	}
	if (t->kind != BC_ST_CSTRUCT) {
		sema_error(c, &e->span, "Can not access field '%s' on expression of type '%s'",
			   e->u.field.name, sema_tname(c, t));
		return sema_none(c);
	}
	return field_of(c, e, t, as, is_tp, args);
}

const struct bc_stype *sema_tuple_index(struct sema_ctx *c, struct bc_expr *e)
{
	const struct bc_stype *t = sema_expr(c, e->u.tindex.base, ROLE_NONE);
	uint64_t i = e->u.tindex.index;

	if (sema_is_none(t))
		return sema_none(c);
	if (t->kind != BC_ST_TUPLE) {
		sema_error(c, &e->span, "Can not access index %llu on expression of type '%s'",
			   (unsigned long long)i, sema_tname(c, t));
		return sema_none(c);
	}
	if (!t->layout || i >= t->layout->nr_fields) {
		sema_error(c, &e->span, "Invalid tuple index: %llu. Found %zu elements in tuple.",
			   (unsigned long long)i, t->layout ? t->layout->nr_fields : (size_t)0);
		return sema_none(c);
	}
	return t->layout->fields[i].type;
}

const struct bc_stype *sema_index_expr(struct sema_ctx *c, struct bc_expr *e)
{
	const struct bc_stype *t = sema_expr(c, e->u.index.base, ROLE_NONE);
	const struct bc_stype *it = sema_expr(c, e->u.index.index, ROLE_NONE);
	int64_t idx;

	if (sema_is_none(t))
		return sema_none(c);
	if (sema_is_guess(t))
		return t;
	if (t->kind != BC_ST_ARRAY && !sema_is_ptr(t) &&
	    !(c->v >= BC_BT(22) && t->kind == BC_ST_STRING)) {
		sema_error(c, &e->span,
			   "The array index operator [] can only be used on arrays and pointers, "
			   "found %s.", sema_kind_str(t));
		return sema_none(c);
	}
	if (sema_is_ptr(t) && (!t->elem || t->elem->size == 0))
		sema_error(c, &e->span,
			   "The array index operator [] cannot be used on a pointer to an unsized "
			   "type (void *).");
	if (!sema_is_none(it) && !sema_is_intlike(it))
		sema_error(c, &e->span, "The array index operator [] only accepts integer indices.");
	if (sema_lit_int(c, e->u.index.index, &idx)) {
		if (t->kind == BC_ST_ARRAY && (idx < 0 || (uint64_t)idx >= t->nelems))
			sema_error(c, &e->span, "the index %lld is out of bounds for array of size %u",
				   (long long)idx, t->nelems);
	} else if (c->v < BC_BT(18) && !sema_is_none(it)) {
		sema_error(c, &e->span,
			   "The array index operator [] only accepts literal integer indices.");
	} else if (c->v >= BC_BT(24) && sema_is_int(it) && it->is_signed && !sema_is_guess(it)) {
		/* 0.24+ visit(ArrayAccess): a computed index is an unsigned integer */
		sema_error(c, &e->span, "The array index operator [] only accepts positive "
			   "(unsigned) integer indices. Got: %s", sema_tname(c, it));
	}
	if (t->kind == BC_ST_STRING)
		return sema_keep(c, bc_stype_int(1, true));
	if (t->kind == BC_ST_ARRAY)
		return sema_with_as(c, t->elem, t->as);
	return sema_with_as(c, t->elem && t->elem->kind != BC_ST_VOID ? t->elem : sema_none(c), t->as);
}

/* ---- casts, sizeof, offsetof ---- */

static bool is_int_name(const struct bc_type *t)
{
	static const char *const names[] = {
		"uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64",
	};

	if (!t || t->kind != BC_TYPE_NAME)
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(t->name, names[i]))
			return true;
	return false;
}

static const struct bc_type *pointee_type(const struct bc_type *t, unsigned *depth)
{
	*depth = 0;
	while (t && t->kind == BC_TYPE_POINTER) {
		(*depth)++;
		t = t->inner;
	}
	return t;
}

/* The C integer words bpftrace 0.22-0.24 refuse as cast types (KNOWN_TYPE_ALIASES). */
static const char *c_int_alias(const struct bc_type *base)
{
	static const char *const words[][2] = {
		{ "char", "int8" }, { "short", "int16" }, { "int", "int32" }, { "long", "int64" },
	};

	for (size_t i = 0; base && base->kind == BC_TYPE_NAME && i < 4; i++)
		if (!strcmp(base->name, words[i][0]))
			return words[i][1];
	return NULL;
}

/*
 * The version rules of a cast of FROM to TO that sema_cast's own checks do
 * not make (semantic_analyser.cpp visit(Cast) up to 0.24, type_checker.cpp
 * visit(Cast) after): `(int)x` and the other C integer words (0.22-0.24,
 * c0149d7c9; 0.25+ reads them from BTF, #4853); integer arrays whose size
 * is the integer's (0.19+; 0.25+: or larger, up to 8 bytes), of bool (0.24+)
 * or of a size that divides the integer (`int8[]`); an array only to an
 * integer of its size; bool from an integer, string, pointer or count-like
 * map value (0.24+); string from a string no longer than it (0.25+).
 * True when refused (reported).
 */
static bool cast_refused(struct sema_ctx *c, struct bc_expr *e, const struct bc_type *base,
			 unsigned ptrs, const struct bc_stype *from, const struct bc_stype *to)
{
	const char *alias = c->v >= BC_BT(22) && c->v < BC_BT(25) && !ptrs ? c_int_alias(base) : NULL;
	const struct bc_stype *el = to->kind == BC_ST_ARRAY ? to->elem : NULL;
	bool from_int = sema_is_int(from) || from->kind == BC_ST_ENUM;

	if (sema_is_guess(from))
		return false;
	if (alias) {
		sema_error(c, &e->span, "Cannot cast to \"%s\", did you mean \"%s\"?", base->name,
			   alias);
		return true;
	}
	if (el && c->v >= BC_BT(19)) {
		if (!el || (!sema_is_int(el) && !(c->v >= BC_BT(24) && el->kind == BC_ST_BOOL))) {
			sema_error(c, &e->span, "Cannot cast to \"%s\"", sema_tname(c, to));
			return true;
		}
		if (!to->nelems && el->size && from->size % el->size) {
			sema_error(c, &e->span, "Cannot determine array size: the element size is "
				   "incompatible with the cast integer size");
			return true;
		}
		if (to->nelems && from_int ? !(to->size == from->size ||
					       (c->v >= BC_BT(25) && to->size <= 8 &&
						to->size > from->size))
		    : to->nelems && !(c->v >= BC_BT(24) && from->kind == BC_ST_BOOL &&
				      to->size == from->size) &&
		      !(c->v >= BC_BT(25) && from->kind == BC_ST_STRING &&
			to->size == from->size) &&
		      from->kind != BC_ST_ARRAY) {
			sema_error(c, &e->span, "Cannot cast from \"%s\" to \"%s\"",
				   sema_tname(c, from), sema_tname(c, to));
			return true;
		}
	}
	if (from->kind == BC_ST_ARRAY && to->kind != BC_ST_ARRAY && c->v >= BC_BT(19) &&
	    (!sema_is_int(to) || to->size != from->size)) {
		sema_error(c, &e->span, "Cannot cast from \"%s\" to \"%s\"", sema_tname(c, from),
			   sema_tname(c, to));
		return true;
	}
	if (to->kind == BC_ST_BOOL && !ptrs && c->v >= BC_BT(24) && !from_int &&
	    from->kind != BC_ST_BOOL && from->kind != BC_ST_STRING && !sema_is_ptr(from) &&
	    from->kind != BC_ST_COUNT && from->kind != BC_ST_SUM && from->kind != BC_ST_MIN &&
	    from->kind != BC_ST_MAX && from->kind != BC_ST_AVG) {
		sema_error(c, &e->span, "Cannot cast from \"%s\" to \"%s\"", sema_tname(c, from),
			   sema_tname(c, to));
		return true;
	}
	/* (enum E)x of a script's enum (0.23+ visit(Cast)): an integer, and a literal
	 * that is one of E's values */
	if (base && base->kind == BC_TYPE_ENUM && !ptrs && c->v >= BC_BT(23)) {
		bool known = false, variant = false;
		int64_t v;

		for (size_t i = 0; i < c->nr_enums; i++) {
			if (strcmp(c->enums[i].type, base->name ? base->name : ""))
				continue;
			known = true;
			variant |= sema_lit_int(c, e->u.cast.operand, &v) && v == c->enums[i].value;
		}
		if (!from_int && from->kind != BC_ST_BOOL && !sema_is_ptr(from)) {
			sema_error(c, &e->span, "Cannot cast from \"%s\" to \"enum %s\"",
				   sema_tname(c, from), base->name ? base->name : "");
			return true;
		}
		if (known && !variant && sema_lit_int(c, e->u.cast.operand, &v)) {
			sema_error(c, &e->span, "Enum: %s doesn't contain a variant value of %lld",
				   base->name, (long long)v);
			return true;
		}
	}
	if (to->kind == BC_ST_STRING && c->v >= BC_BT(25) &&
	    (from->kind != BC_ST_STRING || from->size > to->size)) {
		sema_error(c, &e->span, "Cannot cast from \"%s\" to \"%s\"", sema_tname(c, from),
			   sema_tname(c, to));
		return true;
	}
	return false;
}

const struct bc_stype *sema_cast(struct sema_ctx *c, struct bc_expr *e)
{
	struct bc_type *ty = e->u.cast.type;
	const struct bc_stype *from = sema_expr(c, e->u.cast.operand, ROLE_NONE);
	const struct bc_stype *to;
	const struct bc_type *base;
	unsigned ptrs;
	enum bc_addrspace as;

	if (!ty)
		return sema_none(c);
	if (from->kind == BC_ST_CSTRUCT && !sema_is_args_expr(e->u.cast.operand)) {
		sema_error(c, &e->span, "Cannot cast from struct type \"%s\"", sema_tname(c, from));
		return sema_none(c);
	}
	if (sema_is_none(from))
		return sema_none(c);
	base = pointee_type(ty, &ptrs);
	to = sema_type(c, ty);
	if (sema_is_none(to))
		return sema_none(c);	/* sema_type reported it */
	if (cast_refused(c, e, base, ptrs, from, to))
		return sema_none(c);
	as = from->as;
	if (is_int_name(base) || (base && base->kind == BC_TYPE_NAME && to->kind == BC_ST_INT)) {
		if (!ptrs && !sema_is_intlike(from) && !sema_is_ptr(from) && from->kind != BC_ST_CSTRUCT &&
		    !(c->v >= BC_BT(19) && from->kind == BC_ST_ARRAY && from->size == to->size)) {
			sema_error(c, &e->span, "Casts are not supported for type: \"%s\"",
				   sema_tname(c, from));
			return sema_none(c);
		}
		return sema_with_as(c, to, as);
	}
	if (to->kind == BC_ST_USERNAME && !ptrs) {
		/* (username_t)uid: a user id (head's type_checker, cast_username) */
		if (!sema_is_int(from)) {
			sema_error(c, &e->span, "Cannot cast from \"%s\" to \"%s\"",
				   sema_tname(c, from), sema_tname(c, to));
			return sema_none(c);
		}
		return to;
	}
	if (base && (base->kind == BC_TYPE_STRUCT || base->kind == BC_TYPE_UNION) && !ptrs) {
		sema_error(c, &e->span, "Cannot cast to struct type \"%s\"", sema_tname(c, to));
		return sema_none(c);
	}
	if (c->v >= BC_BT(25) && to->kind == BC_ST_ARRAY && from->kind == BC_ST_STRING &&
	    to->elem && sema_is_int(to->elem) && to->elem->size) {
		/* (int8[6])"hello", (int8[])"hello": the string's bytes (0.25
		 * type_checker visit(Cast): sizes must match; [] takes the string's) */
		uint32_t n = to->nelems ? to->nelems : from->size / to->elem->size;

		if (n * to->elem->size != from->size) {
			sema_error(c, &e->span, "Cannot cast from \"%s\" to \"%s\"",
				   sema_tname(c, from), sema_tname(c, to));
			return sema_none(c);
		}
		return sema_keep(c, bc_stype_array(bc_stype_get(to->elem), n));
	}
	if (to->kind == BC_ST_ARRAY && !(sema_is_intlike(from) || from->kind == BC_ST_ARRAY)) {
		sema_error(c, &e->span, "Cannot cast from \"%s\" to \"%s\"", sema_tname(c, from),
			   sema_tname(c, to));
		return sema_none(c);
	}
	if (as == BC_AS_NONE && sema_is_ptr(to)) {
		/* (struct Foo *)0 in BEGIN, (struct task_struct *)curtask in profile */
		as = bc_probe_addrspace(c->pt);
	}
	return sema_with_as(c, to, as);
}

const struct bc_stype *sema_sizeof_expr(struct sema_ctx *c, struct bc_expr *e)
{
	if (e->u.sizeof_.type) {
		const struct bc_stype *t = sema_type(c, e->u.sizeof_.type);

		if (t->kind == BC_ST_CSTRUCT)
			sema_resolve(c, t, &e->u.sizeof_.type->span);
	} else if (e->u.sizeof_.expr) {
		struct bc_expr *x = e->u.sizeof_.expr;

		/* sizeof(X) with a bare name: a type (struct, typedef) or a variable */
		if (x->kind == BC_EXPR_IDENT) {
			int64_t v;

			if (sema_enum_value(c, x->u.name, &v)) {
				x->type = sema_keep(c, bc_stype_int(8, false));
			} else {
				char name[256];

				snprintf(name, sizeof(name), "%s", x->u.name);
				x->type = sema_struct(c, name, &x->span, true);
			}
		} else {
			sema_expr(c, x, ROLE_NONE);
		}
	}
	return sema_keep(c, bc_stype_int(8, false));
}

const struct bc_stype *sema_offsetof_expr(struct sema_ctx *c, struct bc_expr *e)
{
	const struct bc_stype *t;
	uint64_t off = 0;
	bool known = false;

	if (e->u.offsetof_.type)
		t = sema_type(c, e->u.offsetof_.type);
	else if (e->u.offsetof_.expr)
		t = sema_expr(c, e->u.offsetof_.expr, ROLE_NONE);
	else
		t = sema_none(c);
	for (size_t i = 0; i < e->u.offsetof_.nr_fields && !sema_is_none(t); i++) {
		const struct bc_stype *full;
		const struct bc_field *f;

		if (t->kind != BC_ST_CSTRUCT && t->kind != BC_ST_RECORD && t->kind != BC_ST_TUPLE) {
			sema_error(c, &e->span, "'%s' is not a struct or union type.", sema_tname(c, t));
			break;
		}
		full = t->kind == BC_ST_CSTRUCT ? sema_resolve(c, t, &e->span) : t;
		if (!full || !full->layout) {
			sema_guess(c, &e->span, "layout of '%s' is unknown; offsetof() assumed 0",
				   t->name ? t->name : "?");
			break;
		}
		f = bc_stype_field(full, e->u.offsetof_.fields[i]);
		if (!f) {
			sema_error(c, &e->span, "'%s' has no field named '%s'", sema_tname(c, full),
				   e->u.offsetof_.fields[i]);
			break;
		}
		t = f->type;
		off += f->offset;
		known = i + 1 == e->u.offsetof_.nr_fields;
	}
	/* the value, for code generation (bc_sema_expr_offsetof) */
	if (known) {
		uint64_t *pv = bc_arena_alloc(&c->r->arena, sizeof(*pv));

		if (pv)
			*pv = off;
		e->sema = pv;
	}
	return sema_keep(c, bc_stype_int(8, false));
}
