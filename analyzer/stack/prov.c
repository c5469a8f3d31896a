// SPDX-License-Identifier: Apache-2.0
/* The provenance side table of generated allocations (see prov.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prov.h"
#include "../base/array.h"

/*
 * Records live in one array indexed by id - 1. A script of thousands of
 * probes has thousands of records, and every lookup runs once per value or
 * alloca, so none scans them all: values are found through an open-addressing
 * hash (BY_VALUE, ids, 0 = empty slot), and records by function through
 * BY_FN, the records sorted by function then id, built by bc_prov_seal.
 */
struct bc_prov_table {
	struct bc_prov_rec **v;
	size_t n, cap;
	uint32_t *by_value;
	size_t value_cap;		/* a power of two, or 0 */
	size_t nr_values;
	struct bc_prov_rec **by_fn;	/* NULL: not sealed */
};

struct bc_prov_table *bc_prov_table_new(void)
{
	return calloc(1, sizeof(struct bc_prov_table));
}

static void rec_free(struct bc_prov_rec *r)
{
	if (!r)
		return;
	free(r->construct);
	free(r->name);
	for (size_t i = 0; i < r->nr_origin; i++)
		free(r->origin[i]);
	free(r->origin);
	free(r->from);
	free(r->global);
	free(r->function);
	free(r->ir_name);
	free(r);
}

void bc_prov_table_free(struct bc_prov_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		rec_free(t->v[i]);
	free(t->v);
	free(t->by_value);
	free(t->by_fn);
	free(t);
}

static size_t value_hash(LLVMValueRef v, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)v;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (size_t)h & (cap - 1);
}

/* Files record R under its value (a value may have several records). */
static int index_value(struct bc_prov_table *t, struct bc_prov_rec *r)
{
	size_t i;

	if (!r->value)
		return 0;
	if ((t->nr_values + 1) * 2 > t->value_cap) {
		size_t cap = t->value_cap ? t->value_cap * 2 : 64;
		uint32_t *nv = calloc(cap, sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		for (size_t k = 0; k < t->value_cap; k++) {
			uint32_t id = t->by_value[k];

			if (!id)
				continue;
			for (i = value_hash(t->v[id - 1]->value, cap); nv[i]; i = (i + 1) & (cap - 1))
				;
			nv[i] = id;
		}
		free(t->by_value);
		t->by_value = nv;
		t->value_cap = cap;
	}
	for (i = value_hash(r->value, t->value_cap); t->by_value[i];
	     i = (i + 1) & (t->value_cap - 1))
		;
	t->by_value[i] = r->id;
	t->nr_values++;
	return 0;
}

int bc_prov_set_value(struct bc_prov_table *t, struct bc_prov_rec *r, LLVMValueRef value)
{
	if (!t || !r)
		return -EINVAL;
	if (r->value == value)
		return 0;
	/* the old value's slot keeps pointing at R: lookups compare values */
	r->value = value;
	return index_value(t, r);
}

static int dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

struct bc_prov_rec *bc_prov_add(struct bc_prov_table *t, const struct bc_prov *p,
				LLVMValueRef value, const char *function,
				const char *ir_name)
{
	struct bc_prov_rec *r;

	if (!t || !p || !p->construct || !*p->construct) {
		errno = EINVAL;
		return NULL;
	}
	if (BC_GROW(t->v, t->cap, t->n + 1))
		goto nomem;
	r = calloc(1, sizeof(*r));
	if (!r)
		goto nomem;
	r->id = (uint32_t)t->n + 1;
	r->span = p->span;
	r->script_dependent = p->script_dependent;
	r->placement = BC_PLACE_STACK;
	r->value = value;
	if (dup_opt(&r->construct, p->construct) || dup_opt(&r->name, p->name) ||
	    dup_opt(&r->function, function) || dup_opt(&r->ir_name, ir_name))
		goto nomem_rec;
	if (p->nr_origin) {
		r->origin = calloc(p->nr_origin, sizeof(*r->origin));
		if (!r->origin)
			goto nomem_rec;
		for (size_t i = 0; i < p->nr_origin; i++, r->nr_origin++)
			if (dup_opt(&r->origin[i], p->origin[i] ? p->origin[i] : ""))
				goto nomem_rec;
	}
	if (p->nr_from) {
		r->from = malloc(p->nr_from * sizeof(*r->from));
		if (!r->from)
			goto nomem_rec;
		for (size_t i = 0; i < p->nr_from; i++) {
			/* only earlier records: the chain has no cycles */
			if (!p->from[i] || p->from[i] > t->n) {
				rec_free(r);
				errno = EINVAL;
				return NULL;
			}
			r->from[r->nr_from++] = p->from[i];
		}
	}
	t->v[t->n++] = r;
	if (index_value(t, r)) {
		t->n--;
		rec_free(r);
		goto nomem;
	}
	free(t->by_fn);		/* a new record unseals the table */
	t->by_fn = NULL;
	return r;

nomem_rec:
	rec_free(r);
nomem:
	errno = ENOMEM;
	return NULL;
}

size_t bc_prov_count(const struct bc_prov_table *t)
{
	return t ? t->n : 0;
}

struct bc_prov_rec *bc_prov_get_mut(struct bc_prov_table *t, uint32_t id)
{
	if (!t || !id || id > t->n)
		return NULL;
	return t->v[id - 1];
}

const struct bc_prov_rec *bc_prov_get(const struct bc_prov_table *t, uint32_t id)
{
	return bc_prov_get_mut((struct bc_prov_table *)t, id);
}

const struct bc_prov_rec *bc_prov_find_value(const struct bc_prov_table *t, LLVMValueRef value)
{
	const struct bc_prov_rec *best = NULL;

	if (!t || !value || !t->value_cap)
		return NULL;
	/* every record whose value is VALUE sits on this probe sequence (a
	 * moved value is filed again); the first in id order is the answer */
	for (size_t i = value_hash(value, t->value_cap); t->by_value[i];
	     i = (i + 1) & (t->value_cap - 1)) {
		const struct bc_prov_rec *r = t->v[t->by_value[i] - 1];

		if (r->value == value && (!best || r->id < best->id))
			best = r;
	}
	return best;
}

static int cmp_by_fn(const void *a, const void *b)
{
	const struct bc_prov_rec *x = *(const struct bc_prov_rec *const *)a;
	const struct bc_prov_rec *y = *(const struct bc_prov_rec *const *)b;
	int c = strcmp(x->function ? x->function : "", y->function ? y->function : "");

	return c ? c : (x->id > y->id) - (x->id < y->id);
}

int bc_prov_seal(struct bc_prov_table *t)
{
	if (!t)
		return -EINVAL;
	free(t->by_fn);
	t->by_fn = malloc((t->n ? t->n : 1) * sizeof(*t->by_fn));
	if (!t->by_fn)
		return -ENOMEM;
	if (t->n) {
		memcpy(t->by_fn, t->v, t->n * sizeof(*t->v));
		qsort(t->by_fn, t->n, sizeof(*t->by_fn), cmp_by_fn);
	}
	return 0;
}

/* The records created in FN, in id order: *FIRST and the count. Sealed: a
 * range of BY_FN; else every record is returned and the caller filters. */
static size_t records_of(const struct bc_prov_table *t, const char *fn,
			 struct bc_prov_rec *const **first)
{
	size_t lo = 0, hi = t->n, end;

	if (!t->by_fn) {
		*first = t->v;
		return t->n;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *f = t->by_fn[mid]->function ? t->by_fn[mid]->function : "";

		if (strcmp(f, fn) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < t->n && t->by_fn[end]->function &&
		       !strcmp(t->by_fn[end]->function, fn); end++)
		;
	*first = t->by_fn + lo;
	return end - lo;
}

int bc_prov_scratch_of(const struct bc_prov_table *t, const char *fn, uint32_t **ids,
		       size_t *nr)
{
	struct bc_prov_rec *const *v;
	size_t n, k = 0;

	*ids = NULL;
	*nr = 0;
	if (!t || !fn)
		return 0;
	n = records_of(t, fn, &v);
	for (size_t i = 0; i < n; i++) {
		if (v[i]->placement != BC_PLACE_SCRATCH || !v[i]->function ||
		    strcmp(v[i]->function, fn))
			continue;
		if (!*ids && !(*ids = malloc(n * sizeof(**ids))))
			return -ENOMEM;
		(*ids)[k++] = v[i]->id;
	}
	*nr = k;
	return 0;
}

static unsigned md_kind(LLVMValueRef v)
{
	LLVMContextRef ctx = LLVMGetTypeContext(LLVMTypeOf(v));

	return LLVMGetMDKindIDInContext(ctx, BC_PROV_MD_KIND, sizeof(BC_PROV_MD_KIND) - 1);
}

int bc_prov_attach(LLVMValueRef inst, uint32_t id)
{
	LLVMContextRef ctx;
	LLVMMetadataRef op, node;

	if (!inst || !LLVMIsAInstruction(inst) || !id)
		return -EINVAL;
	ctx = LLVMGetTypeContext(LLVMTypeOf(inst));
	op = LLVMValueAsMetadata(LLVMConstInt(LLVMInt32TypeInContext(ctx), id, false));
	node = LLVMMDNodeInContext2(ctx, &op, 1);
	LLVMSetMetadata(inst, md_kind(inst), LLVMMetadataAsValue(ctx, node));
	return 0;
}

uint32_t bc_prov_md_id(LLVMValueRef inst)
{
	LLVMValueRef md, op;

	if (!inst || !LLVMIsAInstruction(inst))
		return 0;
	md = LLVMGetMetadata(inst, md_kind(inst));
	if (!md || LLVMGetMDNodeNumOperands(md) != 1)
		return 0;
	LLVMGetMDNodeOperands(md, &op);
	if (!op || !LLVMIsAConstantInt(op))
		return 0;
	return (uint32_t)LLVMConstIntGetZExtValue(op);
}

static const char *fn_name_of(LLVMValueRef inst)
{
	LLVMBasicBlockRef bb = LLVMGetInstructionParent(inst);
	size_t len;

	if (!bb)
		return NULL;
	return LLVMGetValueName2(LLVMGetBasicBlockParent(bb), &len);
}

/* NAME is BASE or BASE followed by ".sroa" and anything. */
static bool piece_of(const char *name, const char *base)
{
	size_t n = strlen(base);

	if (strncmp(name, base, n))
		return false;
	return name[n] == '\0' || !strncmp(name + n, ".sroa", 5);
}

const struct bc_prov_rec *bc_prov_of_alloca(const struct bc_prov_table *t, LLVMValueRef alloca)
{
	const struct bc_prov_rec *best = NULL;
	struct bc_prov_rec *const *recs;
	const char *name, *fn;
	size_t len, best_len = 0, nr;
	uint32_t id;

	if (!t || !alloca || !LLVMIsAAllocaInst(alloca))
		return NULL;
	id = bc_prov_md_id(alloca);
	if (id)
		return bc_prov_get(t, id);
	name = LLVMGetValueName2(alloca, &len);
	fn = fn_name_of(alloca);
	if (!len || !fn)
		return NULL;
	nr = records_of(t, fn, &recs);
	for (size_t i = 0; i < nr; i++) {
		const struct bc_prov_rec *r = recs[i];
		size_t rl;

		if (!r->ir_name || !r->function || strcmp(r->function, fn))
			continue;
		rl = strlen(r->ir_name);
		if (rl > best_len && piece_of(name, r->ir_name)) {
			best = r;
			best_len = rl;
		}
	}
	return best;
}

int bc_prov_collect(const struct bc_prov_table *t, LLVMModuleRef mod,
		    struct bc_prov_slot **out, size_t *nr_out)
{
	struct bc_prov_slot *v = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	*nr_out = 0;
	for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
		if (LLVMIsDeclaration(fn))
			continue;
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
		     bb = LLVMGetNextBasicBlock(bb)) {
			for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
			     i = LLVMGetNextInstruction(i)) {
				if (!LLVMIsAAllocaInst(i))
					continue;
				if (BC_GROW(v, cap, n + 1)) {
					free(v);
					return -ENOMEM;
				}
				v[n].function = fn;
				v[n].alloca = i;
				v[n].by_name = !bc_prov_md_id(i);
				v[n].prov = bc_prov_of_alloca(t, i);
				if (!v[n].prov)
					v[n].by_name = false;
				n++;
			}
		}
	}
	*out = v;
	*nr_out = n;
	return 0;
}

/* The ids a chain walk has visited: a chain is a few copies long, so a
 * short list, not an array the size of the table (that made every slot cost
 * as much as the whole script). */
struct seen {
	uint32_t *v;
	size_t n, cap;
	int err;
};

static bool seen_add(struct seen *s, uint32_t id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == id)
			return false;
	if (BC_GROW(s->v, s->cap, s->n + 1)) {
		s->err = -ENOMEM;
		return false;
	}
	s->v[s->n++] = id;
	return true;
}

/* Depth-first, sources before the record; SEEN holds visited ids. */
static void chain_walk(const struct bc_prov_table *t, uint32_t id, struct seen *seen,
		       uint32_t *ids, size_t max, size_t *n)
{
	const struct bc_prov_rec *r = bc_prov_get(t, id);

	if (!r || !seen_add(seen, id))
		return;
	for (size_t i = 0; i < r->nr_from; i++)
		chain_walk(t, r->from[i], seen, ids, max, n);
	if (*n < max)
		ids[*n] = id;
	(*n)++;
}

int bc_prov_chain(const struct bc_prov_table *t, uint32_t id, uint32_t *ids, size_t max)
{
	struct seen seen = { 0 };
	size_t n = 0;

	if (!bc_prov_get(t, id))
		return -EINVAL;
	chain_walk(t, id, &seen, ids, max, &n);
	free(seen.v);
	return seen.err ? seen.err : (int)n;
}

static char *describe(const struct bc_prov_rec *r)
{
	char *s = NULL;
	int rc;

	if (r->span.line)
		rc = asprintf(&s, "%s%s%s at %u:%u", r->construct, r->name ? " " : "",
			      r->name ? r->name : "", r->span.line, r->span.col);
	else
		rc = asprintf(&s, "%s%s%s", r->construct, r->name ? " " : "",
			      r->name ? r->name : "");
	return rc < 0 ? NULL : s;
}

int bc_prov_origin_strings(const struct bc_prov_table *t, uint32_t id, char ***out, size_t *nr)
{
	uint32_t *ids;
	char **v;
	size_t total = 0, k = 0;
	int n;

	*out = NULL;
	*nr = 0;
	n = bc_prov_chain(t, id, NULL, 0);
	if (n < 0)
		return n;
	ids = malloc((size_t)n * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	bc_prov_chain(t, id, ids, (size_t)n);
	for (int i = 0; i < n; i++)
		total += bc_prov_get(t, ids[i])->nr_origin + 1;
	v = calloc(total, sizeof(*v));
	if (!v) {
		free(ids);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		const struct bc_prov_rec *r = bc_prov_get(t, ids[i]);

		for (size_t j = 0; j < r->nr_origin; j++)
			if (!(v[k++] = strdup(r->origin[j])))
				goto nomem;
		if (!(v[k++] = describe(r)))
			goto nomem;
	}
	free(ids);
	*out = v;
	*nr = k;
	return 0;
nomem:
	for (size_t j = 0; j < k; j++)
		free(v[j]);
	free(v);
	free(ids);
	return -ENOMEM;
}
