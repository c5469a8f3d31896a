// SPDX-License-Identifier: Apache-2.0
/*
 * The map table: key types per position (bpftrace update_key_type), the
 * value type (assign_map_type), aggregation kind, the BPF map type the target
 * version picks, and every use with its span.
 *
 * Keys: integers are stored as 64-bit unsigned until 0.24 (the key is cast
 * to 64 bits and typed uint64); from 0.25 they keep their width. Values:
 * integers are stored as 64-bit until 0.24, with their sign. Strings and
 * tuples grow to the largest size assigned. The first use in the text (in the
 * reporting pass) fixes the key arity and types; later uses must agree.
 */
#include <errno.h>
#include <stdarg.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "../core/unit.h"
#include "sema_impl.h"
#include "../base/array.h"
#include "../base/sbuf.h"

static struct bc_sema_map *map_new(struct sema_ctx *c, const char *name, const struct bc_span *sp)
{
	struct bc_sema *r = c->r;
	struct bc_sema_map *m;

	if (BC_GROW(r->maps, r->cap_maps, r->nr_maps + 1) ||
	    bc_strindex_put(&r->map_index, name, r->nr_maps))
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->name = name;
	if (sp)
		m->first_span = *sp;
	m->agg = BC_ST_NONE;
	r->maps[r->nr_maps++] = m;
	return m;
}

static struct bc_sema_map *map_by_name(struct sema_ctx *c, const char *name,
				       const struct bc_span *sp)
{
	struct bc_sema_map *m;
	size_t i;

	if (bc_strindex_get(&c->r->map_index, name, &i))
		return c->r->maps[i];
	m = map_new(c, name, sp);
	if (!m)
		sema_oom(c);
	return m;
}

struct bc_sema_map *sema_map_get(struct sema_ctx *c, const struct bc_expr *e)
{
	struct bc_sema_map *m;

	const char *name;

	if (!e || e->kind != BC_EXPR_MAP)
		return NULL;
	name = e->u.map.name;
	for (size_t i = c->nr_map_alias; i-- > 0;)
		if (!strcmp(c->map_alias[i].from, name)) {
			name = c->map_alias[i].to;
			break;
		}
	m = map_by_name(c, name, &e->span);
	((struct bc_expr *)e)->sema = m;
	return m;
}

/* The key type bpftrace records for a key expression of type T. */
static struct bc_stype *key_type(struct sema_ctx *c, const struct bc_stype *t)
{
	if (sema_is_int(t) || t->kind == BC_ST_BOOL) {
		if (c->v >= BC_BT(25))
			return bc_stype_int(t->size ? t->size : 8, t->is_signed);
		/* 0.24 keeps the sign of an integer key (#4136, 4c7b1b68b) */
		if (c->v >= BC_BT(24) && sema_is_int(t))
			return bc_stype_int(8, t->is_signed);
		return bc_stype_int(8, false);
	}
	return bc_stype_get((struct bc_stype *)t);
}

static struct bc_stype *grow(struct sema_ctx *c, struct bc_stype *have, const struct bc_stype *t,
			     bool *changed);

static char *key_list(struct sema_ctx *c, struct bc_stype *const *ks, size_t n)
{
	struct bc_sbuf b = { 0 };

	bc_sbuf_putc(&b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			bc_sbuf_puts(&b, ", ");
		bc_sbuf_puts(&b, sema_tname(c, ks[i]));
	}
	bc_sbuf_putc(&b, ']');
	return bc_sbuf_finish(&b);
}

/*
 * Whether a key of type B may be used where the map holds keys of type A:
 * strings of any size (the key grows to the largest), integers of any width
 * and sign (stored as uint64 until 0.24; 0.25+ widens the map's key, the
 * type_checker's mixed_int_map_access), and tuples whose fields are so.
 */
static bool keys_equal(const struct bc_stype *a, const struct bc_stype *b)
{
	if (a->kind == BC_ST_STRING && b->kind == BC_ST_STRING)
		return true;
	if ((sema_is_int(a) || a->kind == BC_ST_BOOL) && (sema_is_int(b) || b->kind == BC_ST_BOOL))
		return true;
	if (a->kind == BC_ST_TUPLE && b->kind == BC_ST_TUPLE && a->layout && b->layout &&
	    a->layout->nr_fields == b->layout->nr_fields) {
		for (size_t i = 0; i < a->layout->nr_fields; i++)
			if (!keys_equal(a->layout->fields[i].type, b->layout->fields[i].type))
				return false;
		return true;
	}
	/* records (0.25+): the same field names in any order */
	if (a->kind == BC_ST_RECORD && b->kind == BC_ST_RECORD && a->layout && b->layout &&
	    a->layout->nr_fields == b->layout->nr_fields) {
		for (size_t i = 0; i < a->layout->nr_fields; i++) {
			const struct bc_field *f = bc_stype_field(b, a->layout->fields[i].name);

			if (!f || !keys_equal(a->layout->fields[i].type, f->type))
				return false;
		}
		return true;
	}
	return bc_stype_equal(a, b);
}

/*
 * The key positions of a map access: from 0.22 a multi-key `@m[a, b]` is the
 * tuple key `@m[(a, b)]` (bpftrace f6d634593, "Convert associative array map
 * keys to tuples"), so a lone tuple key counts as its fields.
 */
static size_t key_fields(struct sema_ctx *c, struct bc_stype *const *ks, size_t n,
			 struct bc_stype *const **out)
{
	static __thread struct bc_stype *one[64];
	const struct bc_stype *t = n == 1 ? ks[0] : NULL;

	if (c->v >= BC_BT(22) && t && t->kind == BC_ST_TUPLE && t->layout &&
	    t->layout->nr_fields <= 64) {
		for (size_t i = 0; i < t->layout->nr_fields; i++)
			one[i] = t->layout->fields[i].type;
		*out = one;
		return t->layout->nr_fields;
	}
	*out = ks;
	return n;
}

/*
 * 0.24's check of an integer key's sign against the map's (#4136,
 * validate_new_key): a key of the other sign is refused, unless it is a
 * non-negative literal that fits the map's key type. HAVE is the map's key
 * type, T the new one, K its expression. False when refused (reported).
 */
static bool key_sign_ok(struct sema_ctx *c, struct bc_sema_map *m, const struct bc_stype *have,
			const struct bc_stype *t, const struct bc_expr *k)
{
	if (c->v < BC_BT(24) || c->v >= BC_BT(25) || !c->final || !sema_is_int(have) ||
	    !sema_is_int(t) || have->is_signed == t->is_signed || sema_is_guess(t))
		return true;
	if (k->kind == BC_EXPR_INT) {
		if (!have->is_signed || k->u.num.value <= INT64_MAX)
			return true;
		sema_map_issue(c, m, BC_MAP_ISSUE_KEYS, &k->span, sema_tname(c, have),
			       "Argument mismatch for @%s: trying to access with argument '%llu' "
			       "which does not fit into the map of key type '%s'", m->name,
			       (unsigned long long)k->u.num.value, sema_tname(c, have));
		return false;
	}
	sema_map_issue(c, m, BC_MAP_ISSUE_KEYS, &k->span, sema_tname(c, have),
		       "Argument mismatch for @%s: trying to access with arguments: '%s' when map "
		       "expects arguments: '%s'", m->name, sema_tname(c, t), sema_tname(c, have));
	return false;
}

void sema_map_keys(struct sema_ctx *c, struct bc_expr *e, bool validate)
{
	struct bc_sema_map *m = sema_map_get(c, e);
	size_t n = e->u.map.keys.n;
	struct bc_stype *ks[64];
	bool ok = true;

	if (!m)
		return;
	if (n > 64)
		n = 64;
	for (size_t i = 0; i < n; i++) {
		struct bc_expr *k = e->u.map.keys.v[i];
		const struct bc_stype *t = sema_expr(c, k, k->kind == BC_EXPR_CALL ? ROLE_MAP_KEY
									     : ROLE_NONE);

		if (t->kind == BC_ST_TUPLE && c->v < BC_BT(22))
			sema_error(c, &e->span, "tuple cannot be used as a map key. Try a multi-key "
				   "associative array instead (eg `@map[$1, $2] = ...)`.");
		if (bc_stype_is_aggregation(t) || t->kind == BC_ST_STACK_MODE)
			sema_error(c, &k->span, "%s cannot be used as a map key", sema_tname(c, t));
		if (k->kind == BC_EXPR_BUILTIN && (!strcmp(k->u.name, "ctx") ||
						   (!strcmp(k->u.name, "args") && c->v < BC_BT(19))))
			sema_error(c, &e->span, "context cannot be used as a map key");
		if (sema_is_none(t))
			ok = false;
		ks[i] = ok ? key_type(c, t) : NULL;
	}
	if (!validate || !ok) {
		for (size_t i = 0; i < n; i++)
			bc_stype_put(ks[i]);
		return;
	}
	if (!m->key_types && !m->nr_keys && !m->key) {
		/* first keyed or keyless access in this pass fixes the key */
		m->key_types = n ? calloc(n, sizeof(*m->key_types)) : NULL;
		if (n && !m->key_types) {
			sema_oom(c);
			for (size_t i = 0; i < n; i++)
				bc_stype_put(ks[i]);
			return;
		}
		for (size_t i = 0; i < n; i++)
			m->key_types[i] = ks[i];
		m->nr_keys = n;
		/* a marker that the key is fixed, even when keyless */
		m->key = bc_stype_int(8, true);
		m->key_span = e->span;
		return;
	}
	{
		struct bc_stype *const *hf, *const *nf;
		size_t nh = key_fields(c, m->key_types, m->nr_keys, &hf);
		size_t nn, i;

		/* key_fields keeps one view at a time: copy the map's first */
		struct bc_stype *have[64];

		if (nh > sizeof(have) / sizeof(have[0]))
			nh = SIZE_MAX;	/* more keys than any map has: not compared */
		else if (nh)
			memcpy(have, hf, nh * sizeof(*have));
		nn = key_fields(c, ks, n, &nf);
		for (i = 0; nh == nn && i < nn && keys_equal(have[i], nf[i]); i++)
			;
		if (nh == nn && i == nn && m->nr_keys != n) {
			/* the same key written the other way (tuple / multi-key) */
			for (i = 0; i < n; i++)
				bc_stype_put(ks[i]);
			return;
		}
	}
	if (m->nr_keys == n) {
		size_t i;

		for (i = 0; i < n && keys_equal(m->key_types[i], ks[i]); i++)
			;
		if (i == n && n == 1 && !key_sign_ok(c, m, m->key_types[0], ks[0], e->u.map.keys.v[0]))
			m->key_mismatch = true;
		if (i == n) {
			for (i = 0; i < n; i++) {
				/* 0.25+: an integer key widens to the largest used */
				if (sema_is_int(ks[i]) && sema_is_int(m->key_types[i]) &&
				    c->v >= BC_BT(25) && ks[i]->size > m->key_types[i]->size) {
					sema_retire(c, m->key_types[i]);
					m->key_types[i] = ks[i];
					ks[i] = NULL;
				}
				/* tuples: their strings grow field by field */
				if (ks[i] && ks[i]->kind == BC_ST_TUPLE) {
					bool grew = false;
					struct bc_stype *g = grow(c, m->key_types[i], ks[i], &grew);

					if (g) {
						sema_retire(c, m->key_types[i]);
						m->key_types[i] = g;
					}
				}
				/* strings: the largest size used */
				if (ks[i] && ks[i]->kind == BC_ST_STRING &&
				    ks[i]->size > m->key_types[i]->size) {
					sema_retire(c, m->key_types[i]);
					m->key_types[i] = ks[i];
					ks[i] = NULL;
				}
				bc_stype_put(ks[i]);
			}
			return;
		}
	}
	if (c->final) {
		char *have = key_list(c, ks, n), *want = key_list(c, m->key_types, m->nr_keys);

		sema_map_issue(c, m, BC_MAP_ISSUE_KEYS, &e->span, want,
			       "Argument mismatch for @%s: trying to access with arguments: "
			       "%s when map expects arguments: %s", m->name, have ? have : "?",
			       want ? want : "?");
		free(have);
		free(want);
		m->key_mismatch = true;
	}
	for (size_t i = 0; i < n; i++)
		bc_stype_put(ks[i]);
}

/* update_string_size: strings and tuples of strings grow to the largest. */
static struct bc_stype *grow(struct sema_ctx *c, struct bc_stype *have, const struct bc_stype *t,
			     bool *changed)
{
	if (have->kind == BC_ST_STRING && t->kind == BC_ST_STRING) {
		if (t->size > have->size) {
			*changed = true;
			return bc_stype_with_script_dependent(
				bc_stype_string(t->size), have->script_dependent || t->script_dependent);
		}
		return NULL;
	}
	if (have->kind == BC_ST_TUPLE && t->kind == BC_ST_TUPLE && have->layout && t->layout &&
	    have->layout->nr_fields == t->layout->nr_fields) {
		size_t n = have->layout->nr_fields;
		struct bc_stype **el = calloc(n ? n : 1, sizeof(*el));
		bool any = false;

		if (!el)
			return NULL;
		for (size_t i = 0; i < n; i++) {
			struct bc_stype *g = grow(c, have->layout->fields[i].type,
						  t->layout->fields[i].type, &any);

			el[i] = g ? g : bc_stype_get(have->layout->fields[i].type);
		}
		if (!any) {
			for (size_t i = 0; i < n; i++)
				bc_stype_put(el[i]);
			free(el);
			return NULL;
		}
		*changed = true;
		{
			struct bc_stype *nt = bc_stype_tuple(el, n);

			free(el);
			return nt;
		}
	}
	return NULL;
}

static int value_class(const struct bc_stype *t)
{
	if (t->kind == BC_ST_ENUM)
		return BC_ST_INT;
	return t->kind;
}

/*
 * 0.24's check of the sign of a value assigned to a map already holding an
 * integer or a sum/min/max/avg/stats (#4132, f375b1919, assign_map_type): a
 * value of the other sign is refused, unless it is a non-negative integer
 * literal that fits the map's type. E is the map, VALUE the expression
 * assigned, T its type.
 */
void sema_map_value_sign(struct sema_ctx *c, struct bc_expr *e, const struct bc_expr *value,
			 const struct bc_stype *t, const struct bc_span *sp)
{
	struct bc_sema_map *m = sema_map_get(c, e);
	const struct bc_stype *have = m ? m->value : NULL;
	enum bc_stype_kind k = have ? have->kind : BC_ST_NONE;

	if (c->v < BC_BT(24) || c->v >= BC_BT(25) || !c->final || !have || !t ||
	    t->kind != k || have->is_signed == t->is_signed || sema_is_guess(t) ||
	    sema_is_guess(have))
		return;
	if (k != BC_ST_INT && k != BC_ST_SUM && k != BC_ST_MIN && k != BC_ST_MAX &&
	    k != BC_ST_AVG && k != BC_ST_STATS)
		return;
	/* a count/sum/... read from its map is cast to the integer map's type */
	if (value && value->kind == BC_EXPR_MAP && value->sema &&
	    bc_stype_is_aggregation(((const struct bc_sema_map *)value->sema)->value))
		return;
	if (k == BC_ST_INT && value && value->kind == BC_EXPR_INT) {
		if (!have->is_signed || value->u.num.value <= INT64_MAX)
			return;
		sema_map_issue(c, m, BC_MAP_ISSUE_VALUE, sp, sema_tname(c, have),
			       "Type mismatch for @%s: trying to assign value '%llu' which does not "
			       "fit into the map of type '%s'", m->name,
			       (unsigned long long)value->u.num.value, sema_tname(c, have));
		return;
	}
	sema_map_issue(c, m, BC_MAP_ISSUE_VALUE, sp, sema_tname(c, have),
		       "Type mismatch for @%s: trying to assign value of type '%s' when map "
		       "already contains a value of type '%s'", m->name, sema_tname(c, t),
		       sema_tname(c, have));
}

void sema_map_assign(struct sema_ctx *c, struct bc_expr *e, const struct bc_stype *t,
		     const struct bc_span *stmt_span)
{
	struct bc_sema_map *m = sema_map_get(c, e);
	const struct bc_span *sp = stmt_span ? stmt_span : &e->span;
	struct bc_stype *g;
	const char *have;
	bool changed = false;

	if (!m || !t)
		return;
	/* a struct typed before the headers were read, now with its layout
	 * (sema_header_eval): the value takes the layout */
	if (sema_struct_upgrade(m->value, t)) {
		sema_retire(c, m->value);
		m->value = bc_stype_get((struct bc_stype *)t);
		c->changed = true;
		goto out;
	}
	if (!m->value || m->value->kind == BC_ST_NONE) {
		struct bc_stype *nt;

		if (t->kind == BC_ST_NONE)
			return;
		/* integers are stored as 64-bit so later assignments fit (<= 0.24);
		 * a bool (0.24's comparisons, has_key) stays a bool */
		if (sema_is_int(t) && c->v < BC_BT(25) && t->size != 8)
			nt = bc_stype_int(8, t->is_signed);
		else
			nt = bc_stype_get((struct bc_stype *)t);
		sema_retire(c, m->value);
		m->value = nt;
		m->value_span = stmt_span ? *stmt_span : e->span;
		c->changed = true;
		goto out;
	}
	if (sema_is_none(t) || sema_is_guess(t) || sema_is_guess(m->value))
		goto out;
	have = sema_tname(c, m->value);
	if (value_class(m->value) != value_class(t)) {
		sema_map_issue(c, m, BC_MAP_ISSUE_VALUE, sp, have,
			       "Type mismatch for @%s: trying to assign value of type '%s' when map "
			       "already contains a value of type '%s'", m->name, sema_tname(c, t),
			       have);
		goto out;
	}
	switch (t->kind) {
	case BC_ST_CSTRUCT:
		if (m->value->name && t->name && strcmp(m->value->name, t->name))
			sema_map_issue(c, m, BC_MAP_ISSUE_VALUE, sp, m->value->name,
				       "Type mismatch for @%s: trying to assign value of type '%s' when "
				       "map already contains a value of type '%s'", m->name, t->name,
				       m->value->name);
		break;
	case BC_ST_BUFFER:
		if (m->value->size > t->size)
			sema_map_issue(c, m, BC_MAP_ISSUE_VALUE, sp, have,
				       "Buffer size mismatch: %u != %u.", m->value->size, t->size);
		break;
	case BC_ST_ARRAY:
		if (!bc_stype_equal(m->value, t))
			sema_map_issue(c, m, BC_MAP_ISSUE_VALUE, sp, have,
				       "Array type mismatch: %s != %s.", have, sema_tname(c, t));
		break;
	case BC_ST_RECORD:
		if (!sema_tuple_assignable(c, m->value, t))
			sema_map_issue(c, m, BC_MAP_ISSUE_VALUE, sp, have,
				       "Type mismatch for @%s: trying to assign value of type '%s' when "
				       "map already contains a value of type '%s'", m->name,
				       sema_tname(c, t), have);
		break;
	case BC_ST_TUPLE:
		if (m->value->layout && t->layout &&
		    m->value->layout->nr_fields != t->layout->nr_fields)
			sema_map_issue(c, m, BC_MAP_ISSUE_VALUE, sp, have,
				       "Tuple type mismatch: %s != %s.", have, sema_tname(c, t));
		else if (m->value->layout && t->layout) {
			for (size_t i = 0; i < t->layout->nr_fields; i++)
				if (value_class(m->value->layout->fields[i].type) !=
				    value_class(t->layout->fields[i].type)) {
					sema_map_issue(c, m, BC_MAP_ISSUE_VALUE, sp, have,
						       "Tuple type mismatch: %s != %s.", have,
						       sema_tname(c, t));
					break;
				}
		}
		break;
	default:
		break;
	}
	g = grow(c, m->value, t, &changed);
	if (g) {
		sema_retire(c, m->value);
		m->value = g;
		c->changed = true;
	}
out:
	e->type = m->value ? m->value : sema_none(c);
}

/* Aggregations whose value reads as an integer (IsCastableMapTy, 0.21+). */
static bool castable(enum bc_stype_kind k)
{
	return k == BC_ST_COUNT || k == BC_ST_SUM || k == BC_ST_MIN || k == BC_ST_MAX ||
	       k == BC_ST_AVG;
}

const struct bc_stype *sema_map_read(struct sema_ctx *c, struct bc_expr *e)
{
	struct bc_sema_map *m = sema_map_get(c, e);
	const struct bc_stype *t;

	if (!m)
		return sema_none(c);
	if (!m->value || m->value->kind == BC_ST_NONE) {
		/*
		 * 0.25+ (TypeResolver) reads a map nothing assigns as a zero
		 * integer (int64 here); only print/clear/zero of it is "Undefined map"
		 * (the type_checker's undefined_map tests)
		 */
		if (c->v >= BC_BT(25) && !m->declared) {
			/* earlier passes wait: a later assignment may type it */
			e->type = c->final ? sema_keep(c, bc_stype_int(8, true)) : sema_none(c);
			return e->type;
		}
		if (!m->declared)
			sema_map_undefined(c, m, &e->span);
		e->type = sema_none(c);
		return e->type;
	}
	t = m->value;
	if (c->v >= BC_BT(21) && castable(t->kind))
		t = sema_keep(c, bc_stype_int(8, t->is_signed));
	e->type = t;
	return t;
}

void sema_map_use(struct sema_ctx *c, const struct bc_expr *e, enum bc_map_use_kind kind,
		  const struct bc_expr *call, const struct bc_span *stmt_span)
{
	struct bc_sema_map *m = sema_map_get(c, e);
	struct bc_sema_map_use *u;

	if (!m || !c->final)
		return;
	if (BC_GROW(m->uses, m->cap_uses, m->nr_uses + 1)) {
		sema_oom(c);
		return;
	}
	u = &m->uses[m->nr_uses++];
	memset(u, 0, sizeof(*u));
	u->kind = kind;
	u->span = e->span;
	u->stmt_span = stmt_span ? *stmt_span : e->span;
	u->expr = e;
	u->call = call;
	u->item = c->item;
	u->nr_keys = e->u.map.keys.n;
	u->keyed = e->u.map.has_keys;
	if (call && call->u.call.args.n > 1 &&
	    (kind == BC_MAP_USE_DELETE || kind == BC_MAP_USE_HAS_KEY)) {
		u->keyed = true;	/* delete(@m, k), has_key(@m, k) */
		u->nr_keys = 1;
	}
}

/* let @m = TYPE(N); (0.24) */
static const struct {
	const char *name;
	int type;
} decl_types[] = {
	{ "hash", BPF_MAP_TYPE_HASH },
	{ "lruhash", BPF_MAP_TYPE_LRU_HASH },
	{ "percpuhash", BPF_MAP_TYPE_PERCPU_HASH },
	{ "percpulruhash", BPF_MAP_TYPE_LRU_PERCPU_HASH },
	{ "percpuarray", BPF_MAP_TYPE_PERCPU_ARRAY },
};

static int decl_map_type(const char *name)
{
	for (size_t i = 0; i < sizeof(decl_types) / sizeof(decl_types[0]); i++)
		if (!strcmp(decl_types[i].name, name))
			return decl_types[i].type;
	return -1;
}

static const char *decl_type_name(int type)
{
	for (size_t i = 0; i < sizeof(decl_types) / sizeof(decl_types[0]); i++)
		if (decl_types[i].type == type)
			return decl_types[i].name;
	return "unknown";
}

/*
 * `let @m = KIND(n)` and the map kind the value asks for
 * (bpf_map_types_compatible, src/bpfmap.cpp 0.24+): a plain value wants a
 * hash or lruhash, an aggregation a percpuhash or percpulruhash (0.24: a
 * keyless count()'s percpuarray also fits a percpuhash).
 */
static void decl_compatible(struct sema_ctx *c, struct bc_sema_map *m, enum bc_stype_kind vk)
{
	int want = decl_map_type(m->decl_type);
	int have = bc_bpftrace_map_type(c->v, m->nr_keys == 0, vk);
	bool hash = have == BPF_MAP_TYPE_HASH || have == BPF_MAP_TYPE_LRU_HASH;
	bool pcpu = have == BPF_MAP_TYPE_PERCPU_HASH || have == BPF_MAP_TYPE_LRU_PERCPU_HASH;

	if (vk == BC_ST_NONE || sema_is_guess(m->value) || want == have)
		return;
	if (hash && (want == BPF_MAP_TYPE_HASH || want == BPF_MAP_TYPE_LRU_HASH))
		return;
	if (pcpu && (want == BPF_MAP_TYPE_PERCPU_HASH || want == BPF_MAP_TYPE_LRU_PERCPU_HASH))
		return;
	if (want == BPF_MAP_TYPE_PERCPU_HASH && have == BPF_MAP_TYPE_PERCPU_ARRAY)
		return;
	sema_error(c, &m->value_span, "Incompatible map types. Type from declaration: %s. Type "
		   "from value/key type: %s", m->decl_type, decl_type_name(have));
}

void sema_map_decl(struct sema_ctx *c, const struct bc_map_decl *d)
{
	struct bc_sema_map *m = map_by_name(c, d->map, &d->span);

	if (!m)
		return;
	m->declared = true;
	m->decl_type = d->type;
	m->max_entries = d->max_entries;
	if (!d->type || decl_map_type(d->type) < 0)
		sema_error(c, &d->span, "Invalid bpf map type: %s", d->type ? d->type : "");
	else if (!d->max_entries && strcmp(d->type, "percpuarray"))
		sema_error(c, &d->span, "Max entries can not be 0");
	if (c->final) {
		struct bc_sema_map_use *u;

		if (BC_GROW(m->uses, m->cap_uses, m->nr_uses + 1)) {
			sema_oom(c);
			return;
		}
		u = &m->uses[m->nr_uses++];
		memset(u, 0, sizeof(*u));
		u->kind = BC_MAP_USE_DECL;
		u->span = d->span;
		u->stmt_span = d->span;
		u->item = c->item;
	}
}

void sema_map_issue(struct sema_ctx *c, struct bc_sema_map *m, enum bc_map_issue_kind kind,
		    const struct bc_span *sp, const char *first, const char *fmt, ...)
{
	struct bc_sema_map_issue *is;
	struct bc_span span = { 0 };
	va_list ap;

	if (!c->final || c->o->no_diags || !m)
		return;
	if (sp) {
		span = *sp;
		if (!span.line && span.end > span.start)
			bc_unit_locate(c->u, &span);
	}
	/* once per use, also when a macro body is analysed at each expansion */
	for (size_t i = 0; i < m->nr_issues; i++)
		if (m->issues[i].kind == kind && m->issues[i].span.start == span.start &&
		    m->issues[i].span.end == span.end)
			return;
	if (BC_GROW(m->issues, m->cap_issues, m->nr_issues + 1)) {
		sema_oom(c);
		return;
	}
	is = &m->issues[m->nr_issues];
	memset(is, 0, sizeof(*is));
	is->kind = kind;
	is->span = span;
	va_start(ap, fmt);
	is->message = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	is->first = first ? strdup(first) : NULL;
	if (!is->message || (first && !is->first)) {
		free(is->message);
		free(is->first);
		sema_oom(c);
		return;
	}
	m->nr_issues++;
	c->r->nr_errors++;
}

void sema_map_undefined(struct sema_ctx *c, struct bc_sema_map *m, const struct bc_span *sp)
{
	if (m)
		sema_map_issue(c, m, BC_MAP_ISSUE_UNDEFINED, sp, NULL, "Undefined map: @%s",
			       m->name);
}

static bool map_written(const struct bc_sema_map *m)
{
	for (size_t i = 0; i < m->nr_uses; i++) {
		enum bc_map_use_kind k = m->uses[i].kind;

		if (k == BC_MAP_USE_ASSIGN || k == BC_MAP_USE_COMPOUND || k == BC_MAP_USE_INCDEC ||
		    k == BC_MAP_USE_AGG)
			return true;
	}
	return false;
}

/*
 * "Undefined map" of a map that is written somewhere is a consequence of
 * another error (the value written has no type): that stays a BC102 finding.
 * Of a map never written it is the map lint BC303 reports.
 */
static void settle_undefined(struct sema_ctx *c, struct bc_sema_map *m)
{
	bool written = map_written(m);
	size_t n = 0;

	for (size_t i = 0; i < m->nr_issues; i++) {
		struct bc_sema_map_issue *is = &m->issues[i];

		if (is->kind != BC_MAP_ISSUE_UNDEFINED) {
			m->issues[n++] = *is;
			continue;
		}
		if (written) {
			/* counted once already, when it was recorded */
			c->r->nr_errors--;
			sema_error(c, &is->span, "%s", is->message);
			free(is->message);
			free(is->first);
			continue;
		}
		m->issues[n++] = *is;
	}
	m->nr_issues = n;
}

/* Clears the per-pass key records (the final pass re-derives them in text order). */
static void reset_keys(struct sema_ctx *c)
{
	for (size_t i = 0; i < c->r->nr_maps; i++) {
		struct bc_sema_map *m = c->r->maps[i];

		for (size_t k = 0; k < m->prev_nr_keys; k++)
			bc_stype_put(m->prev_key_types[k]);
		free(m->prev_key_types);
		m->prev_fixed = m->key != NULL;
		m->prev_key_types = m->key_types;
		m->prev_nr_keys = m->nr_keys;
		m->key_types = NULL;
		m->nr_keys = 0;
		sema_retire(c, m->key);
		m->key = NULL;
		m->key_mismatch = false;
		memset(&m->key_span, 0, sizeof(m->key_span));
	}
}

void sema_maps_pass_start(struct sema_ctx *c)
{
	reset_keys(c);
}

void sema_maps_finish(struct sema_ctx *c)
{
	for (size_t i = 0; i < c->r->nr_maps; i++) {
		struct bc_sema_map *m = c->r->maps[i];
		enum bc_stype_kind vk = m->value ? m->value->kind : BC_ST_NONE;
		struct bc_stype *key;

		if (!m->value)
			m->value = bc_stype_none();
		settle_undefined(c, m);
		if (m->nr_keys == 0) {
			key = bc_stype_int(8, true);	/* a keyless map's key: 0 */
		} else if (m->nr_keys == 1) {
			key = bc_stype_get(m->key_types[0]);
		} else {
			struct bc_stype **ks = calloc(m->nr_keys, sizeof(*ks));

			key = NULL;
			if (ks) {
				for (size_t k = 0; k < m->nr_keys; k++)
					ks[k] = bc_stype_get(m->key_types[k]);
				key = bc_stype_tuple(ks, m->nr_keys);
				free(ks);
			}
		}
		if (!key) {
			sema_oom(c);
			return;
		}
		sema_retire(c, m->key);
		m->key = key;
		m->agg = bc_stype_is_aggregation(m->value) ? vk : BC_ST_NONE;
		if (m->declared && m->decl_type && decl_map_type(m->decl_type) >= 0) {
			decl_compatible(c, m, vk);
			m->bpf_map_type = decl_map_type(m->decl_type);
			m->clearable = m->bpf_map_type != BPF_MAP_TYPE_PERCPU_ARRAY &&
				       m->bpf_map_type != BPF_MAP_TYPE_ARRAY;
		} else {
			m->bpf_map_type = bc_bpftrace_map_type(c->v, m->nr_keys == 0, vk);
			m->clearable = bc_bpftrace_map_clearable(c->v, m->nr_keys == 0, vk);
		}
	}
}
