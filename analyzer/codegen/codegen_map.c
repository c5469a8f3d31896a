// SPDX-License-Identifier: Apache-2.0
/*
 * Maps: keys (getMapKey, getMultiMapKey, getHistMapKey), reads
 * (visit(Map) -> CreateMapLookupElem), writes (AssignMapStatement),
 * aggregations (count, sum, min, max, avg, stats, hist, lhist), delete and
 * ++/--, as bpftrace 0.17 generates them: one key and one value slot per
 * site, each ended when the site is done.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen_impl.h"

int cg_map_id(struct cg *c, const char *name)
{
	char buf[256];
	int id;

	snprintf(buf, sizeof(buf), "@%s", name);
	id = bc_irb_map_id(c->irb, buf);
	if (id < 0)
		cg_irb_err(c);
	return id;
}

const struct bc_sema_map *cg_map(struct cg *c, const struct bc_expr *m)
{
	const struct bc_sema_map *sm = bc_sema_expr_map(m);

	if (!sm)
		sm = bc_sema_map_find(c->sema, m->u.map.name);
	if (!sm)
		cg_fail(c, -EINVAL, &m->span, "map @%s unknown to semantic analysis",
			m->u.map.name);
	return sm;
}

static void map_ident(const struct bc_expr *m, const char *suffix, char *buf, size_t n)
{
	snprintf(buf, n, "@%s%s", m->u.map.name, suffix);
}

void cg_key_end(struct cg *c, struct cg_key *k)
{
	if (k->del)
		bc_irb_lifetime_end(c->irb, k->del);
	k->del = NULL;
}

/* The type a key expression has after bpftrace's semantic analyser widened
 * small integers to 64 bits (it wraps them in a cast). */
static bool widened_int(const struct bc_stype *t)
{
	return cg_is_int(t) && t->size < 8;
}

/* Evaluates key expression E as bpftrace sees it: small integers cast to
 * int64/uint64 (the cast node its analyser inserts). */
static int key_expr(struct cg *c, const struct bc_expr *e, struct cg_val *v)
{
	const struct bc_stype *t = cg_etype(c, e);
	int err;

	if (!t)
		return c->err;
	err = cg_expr(c, e, v);
	if (err)
		return err;
	if (!v->v)
		return cg_unsupported(c, &e->span, "map key", "the key has no value");
	if (widened_int(t)) {
		/* the inserted cast ends the operand's scope */
		v->v = cg_intcast(c, v->v, c->irb->i64, t->is_signed, "cast");
		cg_end(c, v);
	}
	return 0;
}

static uint32_t key_size(const struct bc_stype *t)
{
	return widened_int(t) ? 8 : t->size;
}

static LLVMValueRef key_alloc(struct cg *c, const struct bc_expr *m, LLVMTypeRef ty,
			      const uint32_t *from, size_t nr_from, bool dep)
{
	char name[256];
	struct bc_prov p;

	map_ident(m, "_key", name, sizeof(name));
	p = cg_prov(BC_PROV_MAP_KEY, name + 0, &m->span, dep, from, nr_from);
	p.name = name;
	return cg_alloc(c, BC_SCRATCH_MAP_KEY, ty, name, &p);
}

/* getMultiMapKey: the keys packed into a byte array, EXTRA appended. */
static int multi_key(struct cg *c, const struct bc_expr *m, const struct bc_sema_map *sm,
		     LLVMValueRef extra, struct cg_key *k)
{
	const struct bc_expr_list *keys = &m->u.map.keys;
	uint64_t size = 0, off = 0;
	uint32_t from[32];
	size_t nfrom = 0;
	bool aligned = true, dep = false;
	LLVMTypeRef arr;
	LLVMValueRef key;

	if (sm->nr_keys != keys->n)
		return cg_fail(c, -EINVAL, &m->span, "@%s used with %zu keys, typed with %zu",
			       m->u.map.name, keys->n, sm->nr_keys);
	for (size_t i = 0; i < sm->nr_keys; i++) {
		size += sm->key_types[i]->size;
		dep |= sm->key_types[i]->script_dependent;
	}
	if (extra)
		size += 8;
	arr = LLVMArrayType2(c->irb->i8, size);
	key = key_alloc(c, m, arr, NULL, 0, dep);
	if (!key)
		return c->err;
	for (size_t i = 0; i < keys->n; i++) {
		const struct bc_expr *e = keys->v[i];
		const struct bc_stype *et = cg_etype(c, e);
		uint64_t ks = sm->key_types[i]->size;
		struct cg_val v = { 0 };
		LLVMValueRef dst;
		int err;

		if (!et)
			return c->err;
		err = key_expr(c, e, &v);
		if (err)
			return err;
		dst = cg_byte_gep(c, arr, key, off);
		if (cg_on_stack(c, e)) {
			if (et->kind == BC_ST_STRING && et->size < ks)
				bc_irb_memset(c->irb, dst, 0, ks, 1);
			bc_irb_memcpy(c->irb, dst, v.v, et->size, 1);
			if (et->size % 8)
				aligned = false;
			if (v.prov && nfrom < sizeof(from) / sizeof(from[0]))
				from[nfrom++] = v.prov;
		} else if (et->kind == BC_ST_ARRAY || et->kind == BC_ST_CSTRUCT) {
			bc_irb_probe_read(c->irb, dst, cg_i32(c, et->size), v.v, et->as);
			if (et->size % 8)
				aligned = false;
		} else {
			LLVMValueRef st = LLVMBuildStore(c->b, cg_int64(c, v.v, et->is_signed), dst);

			if (!aligned)
				LLVMSetAlignment(st, 1);
		}
		off += ks;
		cg_end(c, &v);
	}
	if (extra) {
		LLVMValueRef st = LLVMBuildStore(c->b, extra, cg_byte_gep(c, arr, key, off));

		if (!aligned)
			LLVMSetAlignment(st, 1);
	}
	if (nfrom) {
		struct bc_prov_rec *r = bc_prov_get_mut(c->irb->prov, cg_prov_id(c, key));

		if (r) {
			uint32_t *nv = calloc(nfrom, sizeof(*nv));

			if (!nv)
				return cg_fail(c, -ENOMEM, NULL, "out of memory");
			memcpy(nv, from, nfrom * sizeof(*nv));
			r->from = nv;
			r->nr_from = nfrom;
		}
	}
	k->key = key;
	k->del = key;
	k->prov = cg_prov_id(c, key);
	return 0;
}

/*
 * 0.22+: `@m[a, b]` is the tuple key `@m[(a, b)]` (the parser makes the
 * keys one Tuple), for a map typed by a tuple key: getMapKey evaluates the
 * tuple, and when its layout differs from the map's key (narrower integers,
 * shorter strings) copies it field by field into a zeroed key allocation
 * (createTupleCopy).
 */
static int tuple_key(struct cg *c, const struct bc_expr *m, const struct bc_stype *kt,
		     struct cg_key *k)
{
	const struct bc_expr_list *keys = &m->u.map.keys;
	struct bc_stype **el = calloc(keys->n, sizeof(*el));
	struct bc_expr tup = { .kind = BC_EXPR_TUPLE, .span = m->span };
	struct cg_val v = { 0 };
	struct bc_stype *et;
	LLVMTypeRef kty, arr;
	LLVMValueRef key;
	bool same;
	int err;

	if (!el)
		return cg_fail(c, -ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < keys->n; i++)
		el[i] = bc_stype_get((struct bc_stype *)cg_etype(c, keys->v[i]));
	tup.u.list = *keys;
	et = bc_stype_tuple(el, keys->n);
	free(el);
	tup.type = et;
	if (!et || !et->layout)
		err = cg_fail(c, -EINVAL, &m->span, "@%s: the key tuple has no layout",
			      m->u.map.name);
	else
		err = cg_tuple(c, &tup, &v);
	if (err)
		goto out;
	same = et->size == kt->size && et->layout->nr_fields == kt->layout->nr_fields;
	for (size_t i = 0; same && i < et->layout->nr_fields; i++)
		same = et->layout->fields[i].type->size == kt->layout->fields[i].type->size;
	if (same) {
		k->key = k->del = v.v;
		k->prov = v.prov;
		cg_disarm(&v);
		goto out;
	}
	kty = cg_type(c, kt, &m->span);
	key = kty ? key_alloc(c, m, kty, &v.prov, 1, kt->script_dependent) : NULL;
	if (!key) {
		err = c->err;
		goto out;
	}
	bc_irb_memset(c->irb, key, 0, kt->size, 1);
	arr = LLVMArrayType2(c->irb->i8, kt->size > et->size ? kt->size : et->size);
	for (size_t i = 0; i < et->layout->nr_fields && i < kt->layout->nr_fields; i++) {
		const struct bc_field *sf = &et->layout->fields[i], *df = &kt->layout->fields[i];
		LLVMValueRef src = cg_byte_gep(c, arr, v.v, sf->offset);
		LLVMValueRef dst = cg_byte_gep(c, arr, key, df->offset);

		if (cg_is_int(sf->type) && cg_is_int(df->type)) {
			LLVMTypeRef st = cg_type(c, sf->type, &m->span);
			LLVMTypeRef dt = cg_type(c, df->type, &m->span);

			if (!st || !dt) {
				err = c->err;
				goto out;
			}
			LLVMBuildStore(c->b, LLVMBuildIntCast2(c->b, LLVMBuildLoad2(c->b, st, src, ""),
							       dt, sf->type->is_signed, ""),
				       dst);
		} else {
			bc_irb_memcpy(c->irb, dst, src, sf->type->size < df->type->size
							    ? sf->type->size : df->type->size, 1);
		}
	}
	cg_end(c, &v);
	k->key = k->del = key;
	k->prov = cg_prov_id(c, key);
	err = cg_irb_err(c);
out:
	bc_stype_put(et);
	return err;
}

int cg_map_key(struct cg *c, const struct bc_expr *m, struct cg_key *k)
{
	const struct bc_sema_map *sm = cg_map(c, m);
	const struct bc_expr_list *keys = &m->u.map.keys;
	int err;

	memset(k, 0, sizeof(*k));
	if (!sm)
		return c->err;
	if (keys->n == 0) {
		/* no key: 0 */
		LLVMValueRef key = key_alloc(c, m, c->irb->i64, NULL, 0, false);

		if (!key)
			return c->err;
		LLVMBuildStore(c->b, cg_i64(c, 0), key);
		k->key = k->del = key;
		k->prov = cg_prov_id(c, key);
		return 0;
	}
	if (keys->n > 1 && c->ver >= BC_BT(22) && sm->nr_keys == 1 && sm->key_types[0] &&
	    sm->key_types[0]->kind == BC_ST_TUPLE && sm->key_types[0]->layout &&
	    sm->key_types[0]->layout->nr_fields == keys->n)
		return tuple_key(c, m, sm->key_types[0], k);
	if (keys->n > 1)
		return multi_key(c, m, sm, NULL, k);
	{
		const struct bc_expr *e = keys->v[0];
		const struct bc_stype *et = cg_etype(c, e);
		const struct bc_stype *kt = sm->nr_keys ? sm->key_types[0] : NULL;
		struct cg_val v = { 0 };

		if (!et)
			return c->err;
		if (!kt)
			return cg_fail(c, -EINVAL, &m->span, "@%s has no key type", m->u.map.name);
		err = key_expr(c, e, &v);
		if (err)
			return err;
		if (cg_on_stack(c, e)) {
			if (et->kind == BC_ST_STRING && et->size != kt->size) {
				/* a string of another size: padded into a key of the map's */
				LLVMTypeRef ty = cg_type(c, kt, &e->span);
				LLVMValueRef key = ty ? key_alloc(c, m, ty, &v.prov, 1,
								  kt->script_dependent) : NULL;

				if (!key)
					return c->err;
				bc_irb_memset(c->irb, key, 0, kt->size, 1);
				bc_irb_memcpy(c->irb, key, v.v, et->size, 1);
				k->key = k->del = key;
				k->prov = cg_prov_id(c, key);
				cg_end(c, &v);
			} else {
				/*
				 * The value is the key. bpftrace's key deleter ends the
				 * key when it is an alloca, whatever it is: a variable
				 * used as a key ends there (its slot may then be
				 * shared), a value reached through a GEP never ends.
				 */
				k->key = v.v;
				k->del = LLVMIsAAllocaInst(v.v) ? v.v : NULL;
				k->prov = v.prov;
				cg_disarm(&v);
			}
			return 0;
		}
		{
			LLVMTypeRef ty;
			LLVMValueRef key;

			if (widened_int(et))
				ty = c->irb->i64;
			else
				ty = cg_type(c, et, &e->span);
			key = ty ? key_alloc(c, m, ty, NULL, 0, et->script_dependent) : NULL;
			if (!key)
				return c->err;
			if (et->kind == BC_ST_ARRAY || et->kind == BC_ST_CSTRUCT)
				bc_irb_probe_read(c->irb, key, cg_i32(c, et->size), v.v, et->as);
			else
				LLVMBuildStore(c->b, cg_int64(c, v.v, et->is_signed), key);
			k->key = k->del = key;
			k->prov = cg_prov_id(c, key);
			cg_end(c, &v);
		}
	}
	(void)key_size;
	return 0;
}

int cg_hist_key(struct cg *c, const struct bc_expr *m, LLVMValueRef extra, struct cg_key *k)
{
	const struct bc_sema_map *sm = cg_map(c, m);
	LLVMValueRef key;

	memset(k, 0, sizeof(*k));
	if (!sm)
		return c->err;
	if (m->u.map.keys.n)
		return multi_key(c, m, sm, extra, k);
	if (c->ver >= BC_BT(24)) {
		/* 0.24's MapSugar pass (5349b3887) gives a keyless map the key
		 * 0, so getMultiMapKey builds [8 + 8 x i8]: the key, then the
		 * bucket */
		LLVMTypeRef ty = LLVMArrayType2(c->irb->i8, 16);
		LLVMValueRef off = cg_i64(c, 8), at;

		key = key_alloc(c, m, ty, NULL, 0, false);
		if (!key)
			return c->err;
		LLVMBuildStore(c->b, cg_i64(c, 0), key);
		at = LLVMBuildGEP2(c->b, c->irb->i8, key, &off, 1, "");
		LLVMBuildStore(c->b, extra, at);
		k->key = k->del = key;
		k->prov = cg_prov_id(c, key);
		return 0;
	}
	key = key_alloc(c, m, c->irb->i64, NULL, 0, false);
	if (!key)
		return c->err;
	LLVMBuildStore(c->b, extra, key);
	k->key = k->del = key;
	k->prov = cg_prov_id(c, key);
	return 0;
}

/* ---- lookups ---- */

/* CreateMapLookupElem with the value slot placed by createAllocation
 * (0.22+: CreateReadMapValueAllocation). */
static LLVMValueRef lookup_scratch(struct cg *c, int id, LLVMValueRef key, LLVMTypeRef ty,
				   const struct bc_prov *p)
{
	LLVMBasicBlockRef ok, fail, merge;
	LLVMValueRef call, val, v;
	bool is_int = LLVMGetTypeKind(ty) == LLVMIntegerTypeKind;
	uint64_t size = bc_irb_sizeof(c->irb, ty);

	call = bc_irb_map_lookup(c->irb, id, key);
	if (!call)
		return NULL;
	ok = cg_block(c, "lookup_success");
	fail = cg_block(c, "lookup_failure");
	merge = cg_block(c, "lookup_merge");
	val = cg_alloc(c, BC_SCRATCH_READ_MAP_VAL, ty, "lookup_elem_val", p);
	if (!val)
		return NULL;
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, call, LLVMConstNull(c->irb->ptr),
					    "map_lookup_cond"), ok, fail);
	LLVMPositionBuilderAtEnd(c->b, ok);
	if (is_int)
		LLVMBuildStore(c->b, LLVMBuildLoad2(c->b, ty, call, "cast"), val);
	else
		bc_irb_memcpy(c->irb, val, call, size, 1);
	LLVMBuildBr(c->b, merge);
	LLVMPositionBuilderAtEnd(c->b, fail);
	if (is_int)
		LLVMBuildStore(c->b, LLVMConstNull(ty), val);
	else
		bc_irb_memset(c->irb, val, 0, size, 1);
	LLVMBuildBr(c->b, merge);
	LLVMPositionBuilderAtEnd(c->b, merge);
	if (!is_int)
		return val;
	v = LLVMBuildLoad2(c->b, ty, val, "");
	bc_irb_lifetime_end(c->irb, val);
	return v;
}

static int lookup_typed(struct cg *c, const struct bc_expr *m, int id, LLVMValueRef key,
			uint32_t key_prov, const struct bc_stype *vt, struct cg_val *out)
{
	char name[256];
	struct bc_prov p;
	LLVMTypeRef ty = cg_type(c, vt, &m->span);
	LLVMValueRef v;

	if (!ty)
		return c->err;
	map_ident(m, "", name, sizeof(name));
	(void)key_prov;
	p = cg_prov(BC_PROV_LOOKUP_VALUE, name, &m->span, vt->script_dependent, NULL, 0);
	/* integers are loaded as i64 (CreateMapLookupElem asserts it) */
	if (LLVMGetTypeKind(ty) == LLVMIntegerTypeKind)
		ty = c->irb->i64;
	if (c->scratch)
		v = lookup_scratch(c, id, key, ty, &p);
	else
		v = bc_irb_map_lookup_elem(c->irb, id, key, ty, &p);
	if (!v)
		return cg_irb_err(c);
	out->v = v;
	if (LLVMIsAAllocaInst(v) || LLVMIsAGetElementPtrInst(v)) {
		out->del = LLVMIsAAllocaInst(v) ? v : NULL;
		out->prov = cg_prov_id(c, v);
	}
	return 0;
}

int cg_map_lookup(struct cg *c, const struct bc_expr *m, LLVMValueRef key,
		  const struct bc_span *sp, struct cg_val *out)
{
	const struct bc_sema_map *sm = cg_map(c, m);
	int id;

	(void)sp;
	if (!sm)
		return c->err;
	id = cg_map_id(c, m->u.map.name);
	if (id < 0)
		return c->err;
	return lookup_typed(c, m, id, key, 0, sm->value, out);
}

int cg_map_read(struct cg *c, const struct bc_expr *m, struct cg_val *out)
{
	const struct bc_sema_map *sm = cg_map(c, m);
	struct cg_key k;
	int err;

	if (!sm)
		return c->err;
	if (cg_is_none(sm->value))
		return cg_fail(c, -EINVAL, &m->span, "@%s has no value type", m->u.map.name);
	err = cg_map_key(c, m, &k);
	if (err)
		return err;
	err = cg_map_lookup(c, m, k.key, &m->span, out);
	cg_key_end(c, &k);
	return err;
}

LLVMValueRef cg_update(struct cg *c, const char *map, LLVMValueRef key, LLVMValueRef val)
{
	int id = cg_map_id(c, map);

	return id < 0 ? NULL : bc_irb_map_update(c->irb, id, key, val);
}

/* ---- writes ---- */

static LLVMValueRef value_alloc(struct cg *c, const struct bc_expr *m, const char *suffix,
				LLVMTypeRef ty, const struct bc_span *sp, bool dep,
				const uint32_t *from, size_t nfrom)
{
	char name[256];
	struct bc_prov p;

	map_ident(m, suffix, name, sizeof(name));
	p = cg_prov(BC_PROV_MAP_VALUE, name, sp, dep, from, nfrom);
	return cg_alloc(c, BC_SCRATCH_WRITE_MAP_VAL, ty, name, &p);
}

static bool is_agg_call(const struct bc_expr *e)
{
	static const char *const aggs[] = { "count", "sum", "min", "max", "avg", "stats",
					    "hist", "lhist" };

	if (e->kind != BC_EXPR_CALL)
		return false;
	for (size_t i = 0; i < sizeof(aggs) / sizeof(aggs[0]); i++)
		if (!strcmp(e->u.call.name, aggs[i]))
			return true;
	return false;
}

/* AssignMapStatement with the value already evaluated into V. */
static int store_map(struct cg *c, const struct bc_stmt *st, const struct bc_expr *m,
		     const struct bc_expr *value, struct cg_val *v)
{
	const struct bc_sema_map *sm = cg_map(c, m);
	const struct bc_stype *et = cg_etype(c, value), *mt;
	struct cg_key k;
	LLVMValueRef val;
	bool self = false;
	char name[256];
	int err;

	if (!sm || !et)
		return c->err;
	mt = sm->value;
	if (cg_is_none(mt))
		return cg_fail(c, -EINVAL, &m->span, "@%s has no value type", m->u.map.name);
	err = cg_map_key(c, m, &k);
	if (err)
		return err;
	if (cg_on_stack_already(et)) {
		if ((et->kind == BC_ST_STRING || et->kind == BC_ST_TUPLE) && et->size != mt->size) {
			LLVMTypeRef ty = cg_type(c, mt, &m->span);

			val = ty ? value_alloc(c, m, "_val", ty, &st->span, mt->script_dependent,
					       &v->prov, 1) : NULL;
			if (!val)
				return c->err;
			bc_irb_memset(c->irb, val, 0, mt->size, 1);
			bc_irb_memcpy(c->irb, val, v->v, et->size, 1);
			self = true;
		} else {
			val = v->v;
		}
	} else if (mt->kind == BC_ST_CSTRUCT || mt->kind == BC_ST_ARRAY) {
		if (cg_is_internal(c, value)) {
			val = v->v;
			if (LLVMGetTypeKind(LLVMTypeOf(val)) == LLVMIntegerTypeKind)
				val = LLVMBuildIntToPtr(c->b, val, c->irb->ptr, "");
		} else {
			LLVMTypeRef ty = cg_type(c, mt, &m->span);

			val = ty ? value_alloc(c, m, "_val", ty, &st->span, mt->script_dependent,
					       NULL, 0) : NULL;
			if (!val)
				return c->err;
			bc_irb_probe_read(c->irb, val, cg_i32(c, mt->size), v->v, et->as);
			self = true;
		}
	} else if (cg_is_ptr(mt)) {
		val = value_alloc(c, m, "_ptr", c->irb->i64, &st->span, false, NULL, 0);
		if (!val)
			return c->err;
		LLVMBuildStore(c->b, cg_int64(c, v->v, false), val);
		self = true;
	} else {
		LLVMTypeRef ty = cg_type(c, mt, &m->span);
		LLVMValueRef x = v->v;

		if (!ty)
			return c->err;
		/* integers are stored as 64 bits in 0.17 */
		if (cg_is_int(mt))
			x = cg_int64(c, x, mt->is_signed);
		val = value_alloc(c, m, "_val", ty, &st->span, false, NULL, 0);
		if (!val)
			return c->err;
		LLVMBuildStore(c->b, cg_intcast(c, x, ty, mt->is_signed, NULL), val);
		self = true;
	}
	map_ident(m, "", name, sizeof(name));
	if (!cg_update(c, m->u.map.name, k.key, val))
		return cg_irb_err(c);
	if (self)
		bc_irb_lifetime_end(c->irb, val);
	cg_key_end(c, &k);
	cg_end(c, v);
	return cg_irb_err(c);
}

int cg_map_assign(struct cg *c, const struct bc_stmt *st)
{
	const struct bc_expr *m = st->u.assign.target, *value = st->u.assign.value;
	struct cg_val v = { 0 };
	int err;

	if (st->u.assign.op == BC_OP_NONE && is_agg_call(value))
		return cg_map_agg(c, m, value);
	if (st->u.assign.op != BC_OP_NONE) {
		/* @m op= e is @m = @m op e */
		struct bc_expr bin = { .kind = BC_EXPR_BINOP, .span = st->span, .type = m->type };

		bin.u.binop.op = st->u.assign.op;
		bin.u.binop.left = (struct bc_expr *)m;
		bin.u.binop.right = (struct bc_expr *)value;
		bin.u.binop.op_span = st->u.assign.op_span;
		err = cg_expr(c, &bin, &v);
		if (err)
			return err;
		return store_map(c, st, m, m, &v);
	}
	err = cg_expr(c, value, &v);
	if (err)
		return err;
	if (!v.v)
		return 0;	/* functions that assign themselves */
	return store_map(c, st, m, value, &v);
}

/* ---- aggregations ---- */

static int agg_arg(struct cg *c, const struct bc_expr *call, size_t i, struct cg_val *v,
		   LLVMValueRef *i64v)
{
	const struct bc_expr *a;
	int err;

	if (call->u.call.args.n <= i)
		return cg_fail(c, -EINVAL, &call->span, "%s() without its argument",
			       call->u.call.name);
	a = call->u.call.args.v[i];
	err = cg_expr(c, a, v);
	if (err)
		return err;
	if (!v->v)
		return cg_unsupported(c, &a->span, call->u.call.name, "argument has no value");
	*i64v = cg_int64(c, v->v, a->type && a->type->is_signed);
	return 0;
}

/*
 * 0.22+ count()/sum(): CreateMapElemAdd, an add in place in the map value,
 * or the first value stored from an `initial_value` slot.
 */
static int elem_add_022(struct cg *c, const struct bc_expr *m, struct cg_key *k, LLVMValueRef x,
			const struct bc_span *sp)
{
	LLVMBasicBlockRef ok, fail, merge;
	LLVMValueRef look, val, init, args[4];
	struct bc_prov p;
	char name[256];
	int id = cg_map_id(c, m->u.map.name);

	look = id < 0 ? NULL : bc_irb_map_lookup(c->irb, id, k->key);
	if (!look)
		return cg_irb_err(c);
	ok = cg_block(c, "lookup_success");
	fail = cg_block(c, "lookup_failure");
	merge = cg_block(c, "lookup_merge");
	map_ident(m, "", name, sizeof(name));
	p = cg_prov(BC_PROV_LOOKUP_VALUE, name, sp, false, NULL, 0);
	val = cg_alloca(c, c->irb->i64, "lookup_elem_val", &p);
	if (!val)
		return c->err;
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, look, LLVMConstNull(c->irb->ptr),
					    "map_lookup_cond"), ok, fail);
	LLVMPositionBuilderAtEnd(c->b, ok);
	LLVMBuildStore(c->b, LLVMBuildAdd(c->b, LLVMBuildLoad2(c->b, c->irb->i64, look, "cast"), x,
					  ""), look);
	LLVMBuildBr(c->b, merge);
	LLVMPositionBuilderAtEnd(c->b, fail);
	map_ident(m, "_val", name, sizeof(name));
	p = cg_prov(BC_PROV_MAP_VALUE, name, sp, false, NULL, 0);
	init = cg_alloca(c, c->irb->i64, "initial_value", &p);
	if (!init)
		return c->err;
	LLVMBuildStore(c->b, x, init);
	args[0] = bc_irb_map_fd(c->irb, id);
	args[1] = k->key;
	args[2] = init;
	args[3] = cg_i64(c, 1);	/* BPF_NOEXIST */
	bc_irb_helper(c->irb, 2, c->irb->i64, args, 4, "update_elem");
	bc_irb_lifetime_end(c->irb, init);
	LLVMBuildBr(c->b, merge);
	LLVMPositionBuilderAtEnd(c->b, merge);
	bc_irb_lifetime_end(c->irb, val);
	return cg_irb_err(c);
}

static int agg_add_022(struct cg *c, const struct bc_expr *m, const struct bc_expr *call,
		       bool count)
{
	struct cg_key k;
	struct cg_val a = { 0 };
	LLVMValueRef x;
	int err;

	err = cg_map_key(c, m, &k);
	if (err)
		return err;
	if (count)
		x = cg_i64(c, 1);
	else if ((err = agg_arg(c, call, 0, &a, &x)))
		return err;
	err = elem_add_022(c, m, &k, x, &call->span);
	cg_end(c, &a);
	cg_key_end(c, &k);
	return err;
}

/*
 * 0.22+ min()/max()/avg()/stats(): the value is a {i64, i64} struct
 * updated in place ({value, is_set} / {total, count}); a missing entry is
 * created from an `mm_struct` / `avg_struct` slot.
 */
static int agg_struct_022(struct cg *c, const struct bc_expr *m, const struct bc_expr *call,
			  const char *fn)
{
	bool avg = !strcmp(fn, "avg") || !strcmp(fn, "stats"), is_max = !strcmp(fn, "max");
	LLVMTypeRef elems[2] = { c->irb->i64, c->irb->i64 }, sty;
	LLVMBasicBlockRef ok, fail, merge;
	struct cg_key k;
	struct cg_val a = { 0 };
	LLVMValueRef look, x, f0, f1, v0, v1, tmp;
	struct bc_prov p;
	bool sgn;
	int err, id;

	err = cg_map_key(c, m, &k);
	if (err)
		return err;
	id = cg_map_id(c, m->u.map.name);
	look = id < 0 ? NULL : bc_irb_map_lookup(c->irb, id, k.key);
	if (!look)
		return cg_irb_err(c);
	if ((err = agg_arg(c, call, 0, &a, &x)))
		return err;
	sgn = call->u.call.args.v[0]->type && call->u.call.args.v[0]->type->is_signed;
	sty = LLVMStructTypeInContext(c->ctx, elems, 2, 0);
	ok = cg_block(c, "lookup_success");
	fail = cg_block(c, "lookup_failure");
	merge = cg_block(c, "lookup_merge");
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, look, LLVMConstNull(c->irb->ptr),
					    "lookup_cond"), ok, fail);
	LLVMPositionBuilderAtEnd(c->b, ok);
	f0 = bc_irb_struct_field_ptr(c->irb, sty, look, 0);
	v0 = LLVMBuildLoad2(c->b, c->irb->i64, f0, "");
	f1 = bc_irb_struct_field_ptr(c->irb, sty, look, 1);
	v1 = LLVMBuildLoad2(c->b, c->irb->i64, f1, "");
	if (avg) {
		LLVMBuildStore(c->b, LLVMBuildAdd(c->b, v0, x, ""),
			       bc_irb_struct_field_ptr(c->irb, sty, look, 0));
		LLVMBuildStore(c->b, LLVMBuildAdd(c->b, cg_i64(c, 1), v1, ""),
			       bc_irb_struct_field_ptr(c->irb, sty, look, 1));
		LLVMBuildBr(c->b, merge);
	} else {
		LLVMBasicBlockRef is_set = cg_block(c, "is_set"), mm = cg_block(c, "min_max");
		LLVMValueRef cmp;

		LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, v1, cg_i64(c, 1),
						    "is_set_cond"), is_set, mm);
		LLVMPositionBuilderAtEnd(c->b, is_set);
		cmp = LLVMBuildICmp(c->b, sgn ? LLVMIntSGE : LLVMIntUGE, is_max ? x : v0,
				    is_max ? v0 : x, "");
		LLVMBuildCondBr(c->b, cmp, mm, merge);
		LLVMPositionBuilderAtEnd(c->b, mm);
		LLVMBuildStore(c->b, x, bc_irb_struct_field_ptr(c->irb, sty, look, 0));
		LLVMBuildStore(c->b, cg_i64(c, 1), bc_irb_struct_field_ptr(c->irb, sty, look, 1));
		LLVMBuildBr(c->b, merge);
	}
	LLVMPositionBuilderAtEnd(c->b, fail);
	{
		char name[256];

		map_ident(m, "_val", name, sizeof(name));
		p = cg_prov(BC_PROV_MAP_VALUE, name, &call->span, false, NULL, 0);
		tmp = cg_alloca(c, sty, avg ? "avg_struct" : "mm_struct", &p);
	}
	if (!tmp)
		return c->err;
	LLVMBuildStore(c->b, x, bc_irb_struct_field_ptr(c->irb, sty, tmp, 0));
	LLVMBuildStore(c->b, cg_i64(c, 1), bc_irb_struct_field_ptr(c->irb, sty, tmp, 1));
	bc_irb_map_update(c->irb, id, k.key, tmp);
	bc_irb_lifetime_end(c->irb, tmp);
	LLVMBuildBr(c->b, merge);
	LLVMPositionBuilderAtEnd(c->b, merge);
	cg_end(c, &a);
	cg_key_end(c, &k);
	return cg_irb_err(c);
}

/* count/sum/min/max: lookup, compute, update (min/max under a condition). */
static int agg_simple(struct cg *c, const struct bc_expr *m, const struct bc_expr *call,
		      const char *fn)
{
	struct cg_key k;
	struct cg_val old = { 0 }, a = { 0 };
	LLVMValueRef nv, x;
	int err;

	err = cg_map_key(c, m, &k);
	if (!err)
		err = cg_map_lookup(c, m, k.key, &call->span, &old);
	if (err)
		return err;
	nv = value_alloc(c, m, "_val", c->irb->i64, &call->span, false, NULL, 0);
	if (!nv)
		return c->err;
	if (!strcmp(fn, "count")) {
		LLVMBuildStore(c->b, LLVMBuildAdd(c->b, old.v, cg_i64(c, 1), ""), nv);
		cg_update(c, m->u.map.name, k.key, nv);
		bc_irb_lifetime_end(c->irb, nv);
	} else if (!strcmp(fn, "sum")) {
		err = agg_arg(c, call, 0, &a, &x);
		if (err)
			return err;
		LLVMBuildStore(c->b, LLVMBuildAdd(c->b, x, old.v, ""), nv);
		cg_update(c, m->u.map.name, k.key, nv);
		bc_irb_lifetime_end(c->irb, nv);
		cg_end(c, &a);
	} else {
		bool is_min = !strcmp(fn, "min");
		LLVMBasicBlockRef lt, ge;
		LLVMValueRef cmpv;

		err = agg_arg(c, call, 0, &a, &x);
		if (err)
			return err;
		/* min stores 0xffffffff - value so one comparison serves both */
		if (is_min)
			x = LLVMBuildSub(c->b, cg_i64(c, 0xffffffffu), x, "");
		/* max names its blocks min.* too */
		lt = cg_block(c, "min.lt");
		ge = cg_block(c, "min.ge");
		cmpv = LLVMBuildICmp(c->b, LLVMIntSGE, x, old.v, "");
		LLVMBuildCondBr(c->b, cmpv, ge, lt);
		LLVMPositionBuilderAtEnd(c->b, ge);
		LLVMBuildStore(c->b, x, nv);
		cg_update(c, m->u.map.name, k.key, nv);
		LLVMBuildBr(c->b, lt);
		LLVMPositionBuilderAtEnd(c->b, lt);
		bc_irb_lifetime_end(c->irb, nv);
		cg_end(c, &a);
	}
	cg_key_end(c, &k);
	return cg_irb_err(c);
}

static int agg_avg(struct cg *c, const struct bc_expr *m, const struct bc_expr *call)
{
	struct cg_key ck, tk;
	struct cg_val old = { 0 }, a = { 0 };
	LLVMValueRef nv, x;
	int err;

	err = cg_hist_key(c, m, cg_i64(c, 0), &ck);
	if (!err)
		err = cg_map_lookup(c, m, ck.key, &call->span, &old);
	if (err)
		return err;
	nv = value_alloc(c, m, "_num", c->irb->i64, &call->span, false, NULL, 0);
	if (!nv)
		return c->err;
	LLVMBuildStore(c->b, LLVMBuildAdd(c->b, old.v, cg_i64(c, 1), ""), nv);
	cg_update(c, m->u.map.name, ck.key, nv);
	cg_key_end(c, &ck);
	bc_irb_lifetime_end(c->irb, nv);

	err = cg_hist_key(c, m, cg_i64(c, 1), &tk);
	if (!err)
		err = cg_map_lookup(c, m, tk.key, &call->span, &old);
	if (err)
		return err;
	nv = value_alloc(c, m, "_val", c->irb->i64, &call->span, false, NULL, 0);
	if (!nv)
		return c->err;
	err = agg_arg(c, call, 0, &a, &x);
	if (err)
		return err;
	LLVMBuildStore(c->b, LLVMBuildAdd(c->b, x, old.v, ""), nv);
	cg_update(c, m->u.map.name, tk.key, nv);
	cg_key_end(c, &tk);
	bc_irb_lifetime_end(c->irb, nv);
	cg_end(c, &a);
	return cg_irb_err(c);
}

static int agg_hist(struct cg *c, const struct bc_expr *m, const struct bc_expr *call,
		    bool linear)
{
	struct cg_val a = { 0 }, va = { 0 }, mn = { 0 }, mx = { 0 }, stp = { 0 }, old = { 0 };
	LLVMValueRef x, bucket, nv, fn;
	struct cg_key k;
	int err;

	fn = linear ? cg_linear_fn(c) : cg_log2_fn(c);
	if (!fn)
		return c->err ? c->err : cg_irb_err(c);
	err = agg_arg(c, call, 0, &a, &x);
	if (err)
		return err;
	if (!linear) {
		bucket = LLVMBuildCall2(c->b, LLVMGlobalGetValueType(fn), fn, &x, 1, "log2");
	} else {
		LLVMValueRef args[4];

		if (call->u.call.args.n < 4)
			return cg_fail(c, -EINVAL, &call->span, "lhist() needs 4 arguments");
		/* bpftrace evaluates the value a second time here */
		err = agg_arg(c, call, 0, &va, &args[0]);
		if (!err)
			err = cg_expr(c, call->u.call.args.v[1], &mn);
		if (!err)
			err = cg_expr(c, call->u.call.args.v[2], &mx);
		if (!err)
			err = cg_expr(c, call->u.call.args.v[3], &stp);
		if (err)
			return err;
		if (!mn.v || !mx.v || !stp.v)
			return cg_unsupported(c, &call->span, "lhist", "argument has no value");
		args[1] = cg_int64(c, mn.v, false);
		args[2] = cg_int64(c, mx.v, false);
		args[3] = cg_int64(c, stp.v, false);
		bucket = LLVMBuildCall2(c->b, LLVMGlobalGetValueType(fn), fn, args, 4, "linear");
	}
	err = cg_hist_key(c, m, bucket, &k);
	if (!err && c->ver >= BC_BTV(0, 22, 0)) {
		/* 0.22+: an add in place (CreateMapElemAdd) */
		err = elem_add_022(c, m, &k, cg_i64(c, 1), &call->span);
		cg_key_end(c, &k);
		goto done;
	}
	if (!err)
		err = cg_map_lookup(c, m, k.key, &call->span, &old);
	if (err)
		return err;
	nv = value_alloc(c, m, "_val", c->irb->i64, &call->span, false, NULL, 0);
	if (!nv)
		return c->err;
	LLVMBuildStore(c->b, LLVMBuildAdd(c->b, old.v, cg_i64(c, 1), ""), nv);
	cg_update(c, m->u.map.name, k.key, nv);
	cg_key_end(c, &k);
	bc_irb_lifetime_end(c->irb, nv);
done:
	if (err)
		return err;
	cg_end(c, &stp);
	cg_end(c, &mx);
	cg_end(c, &mn);
	cg_end(c, &va);
	cg_end(c, &a);
	return cg_irb_err(c);
}

int cg_map_agg(struct cg *c, const struct bc_expr *m, const struct bc_expr *call)
{
	const char *fn = call->u.call.name;

	if (!cg_map(c, m))
		return c->err;
	if (c->ver >= BC_BTV(0, 22, 0) && (!strcmp(fn, "count") || !strcmp(fn, "sum")))
		return agg_add_022(c, m, call, fn[0] == 'c');
	if (c->ver >= BC_BTV(0, 22, 0) && (!strcmp(fn, "min") || !strcmp(fn, "max") ||
					   !strcmp(fn, "avg") || !strcmp(fn, "stats")))
		return agg_struct_022(c, m, call, fn);
	if (!strcmp(fn, "count") || !strcmp(fn, "sum") || !strcmp(fn, "min") ||
	    !strcmp(fn, "max"))
		return agg_simple(c, m, call, fn);
	if (!strcmp(fn, "avg") || !strcmp(fn, "stats"))
		return agg_avg(c, m, call);
	if (!strcmp(fn, "hist"))
		return agg_hist(c, m, call, false);
	if (!strcmp(fn, "lhist"))
		return agg_hist(c, m, call, true);
	return cg_unsupported(c, &call->span, fn, "aggregation %s() is not modelled", fn);
}

/* ---- delete, ++/-- ---- */

/*
 * The map access a map function's (MAP, KEY) arguments name: delete(@m, key)
 * and has_key(@m, key) (0.22+) take the key of @m[key] (getMapKey(map,
 * key)); bpftrace's semantic analysis turns the old delete(@m[key]) into
 * the same form. TMP holds the access when it is built here.
 */
static const struct bc_expr *keyed_map(const struct bc_expr *call, struct bc_expr *tmp)
{
	const struct bc_expr *m = call->u.call.args.v[0];

	if (call->u.call.args.n != 2)
		return m;
	*tmp = *m;
	tmp->u.map.keys.v = &call->u.call.args.v[1];
	tmp->u.map.keys.n = 1;
	tmp->u.map.has_keys = true;
	return tmp;
}

int cg_map_has_key(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	struct bc_expr tmp;
	const struct bc_expr *m;
	struct cg_key k;
	LLVMValueRef look;
	int err, id;

	if (call->u.call.args.n != 2 || call->u.call.args.v[0]->kind != BC_EXPR_MAP)
		return cg_fail(c, -EINVAL, &call->span, "has_key() needs a map and a key");
	m = keyed_map(call, &tmp);
	if (!cg_map(c, m))
		return c->err;
	err = cg_map_key(c, m, &k);
	if (err)
		return err;
	id = cg_map_id(c, m->u.map.name);
	if (id < 0)
		return c->err;
	/* CreateMapLookup, then lookup != NULL ("has_key") */
	look = bc_irb_map_lookup(c->irb, id, k.key);
	if (!look)
		return cg_irb_err(c);
	out->v = LLVMBuildICmp(c->b, LLVMIntNE, look, LLVMConstNull(LLVMTypeOf(look)), "has_key");
	cg_key_end(c, &k);
	return cg_irb_err(c);
}

int cg_map_delete(struct cg *c, const struct bc_expr *call, struct cg_val *out)
{
	const struct bc_expr *m;
	const struct bc_sema_map *sm;
	struct bc_expr keyed;
	struct cg_key k;
	LLVMValueRef ret = NULL;
	int err, id;

	if (!call->u.call.args.n || call->u.call.args.n > 2 ||
	    call->u.call.args.v[0]->kind != BC_EXPR_MAP)
		return cg_unsupported(c, &call->span, "delete",
				      "delete() of several maps is not modelled");
	m = keyed_map(call, &keyed);
	sm = cg_map(c, m);
	if (!sm)
		return c->err;
	err = cg_map_key(c, m, &k);
	if (err)
		return err;
	id = cg_map_id(c, m->u.map.name);
	if (id < 0)
		return c->err;
	if (!sm->clearable) {
		/* array maps cannot delete: store a zero value */
		LLVMTypeRef ty = cg_type(c, sm->value, &m->span);
		LLVMValueRef z;

		if (!ty)
			return c->err;
		if (LLVMGetTypeKind(ty) == LLVMIntegerTypeKind)
			ty = c->irb->i64;
		z = value_alloc(c, m, "_zero", ty, &call->span, false, NULL, 0);
		if (!z)
			return c->err;
		LLVMBuildStore(c->b, LLVMConstNull(ty), z);
		bc_irb_map_update(c->irb, id, k.key, z);
		bc_irb_lifetime_end(c->irb, z);
		ret = LLVMConstInt(c->irb->i8, 1, 0);	/* assumed to succeed */
	} else {
		ret = bc_irb_map_delete(c->irb, id, k.key);
		/* 0.24+ (#4186): delete() has a value, true when the key was there */
		if (ret && c->ver >= BC_BT(24))
			ret = LLVMBuildICmp(c->b, LLVMIntEQ, ret, cg_i64(c, 0), "delete_ret");
	}
	if (out && c->ver >= BC_BT(24))
		out->v = ret;
	cg_key_end(c, &k);
	return cg_irb_err(c);
}

int cg_map_incdec(struct cg *c, const struct bc_expr *e, const struct bc_expr *m,
		  struct cg_val *out)
{
	const struct bc_sema_map *sm = cg_map(c, m);
	enum bc_op o = e->u.unop.op;
	bool inc = o == BC_OP_PREINC || o == BC_OP_POSTINC;
	bool post = o == BC_OP_POSTINC || o == BC_OP_POSTDEC;
	struct cg_val old = { 0 };
	struct cg_key k;
	uint64_t step = 1;
	LLVMTypeRef ty;
	LLVMValueRef nv, x;
	int err;

	if (!sm)
		return c->err;
	if (cg_is_ptr(sm->value) && sm->value->elem)
		step = sm->value->elem->size;
	err = cg_map_key(c, m, &k);
	if (!err)
		err = cg_map_lookup(c, m, k.key, &e->span, &old);
	if (err)
		return err;
	ty = cg_type(c, sm->value, &m->span);
	if (!ty)
		return c->err;
	if (LLVMGetTypeKind(ty) == LLVMIntegerTypeKind)
		ty = c->irb->i64;
	nv = value_alloc(c, m, "_newval", ty, &e->span, false, NULL, 0);
	if (!nv)
		return c->err;
	x = LLVMConstInt(LLVMTypeOf(old.v), step, 0);
	LLVMBuildStore(c->b, inc ? LLVMBuildAdd(c->b, old.v, x, "") :
				   LLVMBuildSub(c->b, old.v, x, ""), nv);
	cg_update(c, m->u.map.name, k.key, nv);
	out->v = post ? old.v : LLVMBuildLoad2(c->b, ty, nv, "");
	bc_irb_lifetime_end(c->irb, nv);
	cg_key_end(c, &k);
	return cg_irb_err(c);
}
