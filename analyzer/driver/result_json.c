// SPDX-License-Identifier: Apache-2.0
/* A unit's diagnostics and facts as JSON and back (see result_json.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "result_json.h"

/* ---- writing ---- */

/* Adds to O; a failed allocation leaves *OK false. */
static void put(json_t *o, const char *k, json_t *v, bool *ok)
{
	if (!v || json_object_set_new(o, k, v))
		*ok = false;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *span_json(const struct bc_span *s)
{
	return json_pack("[IIIIII]", (json_int_t)s->start, (json_int_t)s->end,
			 (json_int_t)s->line, (json_int_t)s->col, (json_int_t)s->end_line,
			 (json_int_t)s->end_col);
}

static json_t *index_array(const size_t *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_integer((json_int_t)v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *u32_array(const uint32_t *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_integer(v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *str_array(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i] ? v[i] : ""))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Appends each element JSON'd by FN; NULL on ENOMEM. */
#define ARRAY_OF(fn, v, n) __extension__ ({					\
	json_t *a_ = json_array();						\
	for (size_t i_ = 0; a_ && i_ < (n); i_++)				\
		if (json_array_append_new(a_, fn(&(v)[i_]))) {			\
			json_decref(a_);					\
			a_ = NULL;						\
		}								\
	a_;									\
})

static json_t *note_json(const struct bc_note *n)
{
	json_t *o = json_object();
	bool ok = o;

	if (o) {
		put(o, "message", json_string(n->message ? n->message : ""), &ok);
		put(o, "path", str_or_null(n->path), &ok);
		put(o, "span", span_json(&n->span), &ok);
	}
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

static json_t *edit_json(const struct bc_edit *e)
{
	return json_pack("{s:o, s:s}", "span", span_json(&e->span), "replacement",
			 e->replacement ? e->replacement : "");
}

static json_t *fix_json(const struct bc_fix *f)
{
	if (!f)
		return json_null();
	return json_pack("{s:i, s:s, s:o}", "applicability", (int)f->applicability, "title",
			 f->title ? f->title : "", "edits", ARRAY_OF(edit_json, f->edits, f->nr_edits));
}

static json_t *diag_json(const struct bc_diag *d)
{
	json_t *o = json_object();
	bool ok = o;

	if (o) {
		put(o, "rule", json_integer(d->rule_id), &ok);
		put(o, "severity", json_integer(d->severity), &ok);
		put(o, "message", json_string(d->message ? d->message : ""), &ok);
		put(o, "path", str_or_null(d->path), &ok);
		put(o, "span", span_json(&d->span), &ok);
		put(o, "notes", ARRAY_OF(note_json, d->notes, d->nr_notes), &ok);
		put(o, "fix", fix_json(d->fix), &ok);
		put(o, "suppressed", json_boolean(d->suppressed), &ok);
	}
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

static json_t *issue_json(const struct bc_chain_issue *x)
{
	return json_pack("{s:i, s:I, s:I, s:o}", "kind", (int)x->kind, "bytes", (json_int_t)x->bytes,
			 "frames", (json_int_t)x->frames, "chain", index_array(x->chain, x->nr_chain));
}

static json_t *slot_json(const struct bc_slot *s)
{
	json_t *o = json_object();
	bool ok = o;

	if (o) {
		put(o, "construct", str_or_null(s->construct), &ok);
		put(o, "name", str_or_null(s->name), &ok);
		put(o, "bytes", json_integer(s->bytes), &ok);
		put(o, "path", str_or_null(s->path), &ok);
		put(o, "span", span_json(&s->span), &ok);
		put(o, "live_at_peak", json_boolean(s->live_at_peak), &ok);
		put(o, "script_dependent", json_boolean(s->script_dependent), &ok);
		put(o, "origin", str_array(s->origin, s->nr_origin), &ok);
		put(o, "sources", ARRAY_OF(span_json, s->sources, s->nr_sources), &ok);
		put(o, "placement", json_integer(s->placement), &ok);
		put(o, "scratch_bytes", json_integer((json_int_t)s->scratch_bytes), &ok);
	}
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

static json_t *live_set_json(const struct bc_live_set *l)
{
	return u32_array(l->slots, l->nr);
}

static json_t *func_json(const struct bc_func *f)
{
	json_t *o = json_object();
	bool ok = o;

	if (o) {
		put(o, "name", str_or_null(f->name), &ok);
		put(o, "section", str_or_null(f->section), &ok);
		put(o, "flags", json_integer(f->is_entry | f->is_callback << 1 |
					      f->is_async_callback << 2 | f->has_tail_call << 3 |
					      f->has_attribution << 4), &ok);
		put(o, "prog_type", str_or_null(f->prog_type), &ok);
		put(o, "insn", json_pack("[IIII]", (json_int_t)f->insn_off, (json_int_t)f->insn_cnt,
					 (json_int_t)f->frame_bytes, (json_int_t)f->deepest_insn), &ok);
		put(o, "src_path", str_or_null(f->src_path), &ok);
		put(o, "src_span", span_json(&f->src_span), &ok);
		put(o, "callees", index_array(f->callees, f->nr_callees), &ok);
		put(o, "chain_bytes", json_integer(f->chain_bytes), &ok);
		put(o, "chain", index_array(f->chain, f->nr_chain), &ok);
		put(o, "issues", ARRAY_OF(issue_json, f->issues, f->nr_issues), &ok);
		put(o, "slots", ARRAY_OF(slot_json, f->slots, f->nr_slots), &ok);
		put(o, "slot_peak_bytes", json_integer(f->slot_peak_bytes), &ok);
		put(o, "unattributed_bytes", json_integer(f->unattributed_bytes), &ok);
		put(o, "live_sets", ARRAY_OF(live_set_json, f->live_sets, f->nr_live_sets), &ok);
	}
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

static json_t *count_loop_json(const struct bc_count_loop *c)
{
	json_t *o = json_object();
	bool ok = o;

	if (o) {
		put(o, "func", str_or_null(c->func), &ok);
		put(o, "callback", str_or_null(c->callback), &ok);
		put(o, "map", str_or_null(c->map), &ok);
		put(o, "map_type", json_integer(c->map_type), &ok);
		put(o, "counter", json_boolean(c->counter), &ok);
		put(o, "span", span_json(&c->span), &ok);
	}
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

json_t *bc_result_to_json(const struct bc_diags *d, const struct bc_facts *f)
{
	json_t *o = json_object();
	bool ok = o;

	if (o) {
		put(o, "diags", ARRAY_OF(diag_json, d->v, d->n), &ok);
		put(o, "funcs", ARRAY_OF(func_json, f->funcs, f->nr_funcs), &ok);
		put(o, "count_loops", ARRAY_OF(count_loop_json, f->count_loops, f->nr_count_loops),
		    &ok);
	}
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

/* ---- reading ---- */

/* Reading state: the first error wins; readers return zero values after it. */
struct rd {
	int err;
};

static void bad(struct rd *r, int err)
{
	if (!r->err)
		r->err = err;
}

static json_t *field(struct rd *r, const json_t *o, const char *k)
{
	json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;

	if (!v)
		bad(r, -EINVAL);
	return v;
}

static int64_t get_int(struct rd *r, const json_t *o, const char *k, int64_t min, int64_t max)
{
	json_t *v = field(r, o, k);
	json_int_t x;

	if (!json_is_integer(v)) {
		bad(r, -EINVAL);
		return 0;
	}
	x = json_integer_value(v);
	if (x < min || x > max) {
		bad(r, -EINVAL);
		return 0;
	}
	return x;
}

static bool get_bool(struct rd *r, const json_t *o, const char *k)
{
	json_t *v = field(r, o, k);

	if (!json_is_boolean(v))
		bad(r, -EINVAL);
	return json_is_true(v);
}

/* A heap copy of string K; NULL for JSON null when NULLABLE. */
static char *get_str(struct rd *r, const json_t *o, const char *k, bool nullable)
{
	json_t *v = field(r, o, k);
	char *s;

	if (json_is_null(v) && nullable)
		return NULL;
	if (!json_is_string(v)) {
		bad(r, -EINVAL);
		return NULL;
	}
	s = strdup(json_string_value(v));
	if (!s)
		bad(r, -ENOMEM);
	return s;
}

/* The array K with *N elements, and a zeroed C array of them (NULL when empty). */
static json_t *get_array(struct rd *r, const json_t *o, const char *k, size_t elem, void **out,
			 size_t *n)
{
	json_t *a = field(r, o, k);

	*out = NULL;
	*n = 0;
	if (!json_is_array(a)) {
		bad(r, -EINVAL);
		return NULL;
	}
	if (!json_array_size(a))
		return a;
	*out = calloc(json_array_size(a), elem);
	if (!*out) {
		bad(r, -ENOMEM);
		return NULL;
	}
	*n = json_array_size(a);
	return a;
}

static uint32_t as_u32(struct rd *r, const json_t *v)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX) {
		bad(r, -EINVAL);
		return 0;
	}
	return (uint32_t)json_integer_value(v);
}

static void read_span(struct rd *r, const json_t *v, struct bc_span *s)
{
	uint32_t *f[] = { &s->start, &s->end, &s->line, &s->col, &s->end_line, &s->end_col };

	if (!json_is_array(v) || json_array_size(v) != 6) {
		bad(r, -EINVAL);
		return;
	}
	for (size_t i = 0; i < 6; i++)
		*f[i] = as_u32(r, json_array_get(v, i));
}

static void get_span(struct rd *r, const json_t *o, const char *k, struct bc_span *s)
{
	read_span(r, field(r, o, k), s);
}

/* Indexes below LIMIT (function indexes: below the number of functions). */
static void get_indexes(struct rd *r, const json_t *o, const char *k, size_t limit, size_t **v,
			size_t *n)
{
	json_t *a = get_array(r, o, k, sizeof(**v), (void **)v, n);

	for (size_t i = 0; a && i < *n; i++) {
		uint32_t x = as_u32(r, json_array_get(a, i));

		if (x >= limit)
			bad(r, -EINVAL);
		(*v)[i] = x;
	}
}

static void read_note(struct rd *r, const json_t *o, struct bc_note *n)
{
	n->message = get_str(r, o, "message", false);
	n->path = get_str(r, o, "path", true);
	get_span(r, o, "span", &n->span);
}

static struct bc_fix *read_fix(struct rd *r, const json_t *o)
{
	struct bc_fix *f;
	json_t *a;

	if (json_is_null(o))
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f) {
		bad(r, -ENOMEM);
		return NULL;
	}
	f->applicability = get_int(r, o, "applicability", BC_FIX_SAFE, BC_FIX_UNSAFE);
	f->title = get_str(r, o, "title", false);
	a = get_array(r, o, "edits", sizeof(*f->edits), (void **)&f->edits, &f->nr_edits);
	for (size_t i = 0; a && i < f->nr_edits; i++) {
		get_span(r, json_array_get(a, i), "span", &f->edits[i].span);
		f->edits[i].replacement = get_str(r, json_array_get(a, i), "replacement", false);
	}
	return f;
}

static void read_diag(struct rd *r, const json_t *o, struct bc_diag *d)
{
	json_t *a;

	d->rule_id = get_int(r, o, "rule", 0, BC_NR_RULE_IDS - 1);
	d->severity = get_int(r, o, "severity", BC_SEV_NONE, BC_SEV_ERROR);
	d->message = get_str(r, o, "message", false);
	d->path = get_str(r, o, "path", true);
	get_span(r, o, "span", &d->span);
	a = get_array(r, o, "notes", sizeof(*d->notes), (void **)&d->notes, &d->nr_notes);
	for (size_t i = 0; a && i < d->nr_notes; i++)
		read_note(r, json_array_get(a, i), &d->notes[i]);
	d->fix = read_fix(r, field(r, o, "fix"));
	d->suppressed = get_bool(r, o, "suppressed");
}

static void read_slot(struct rd *r, const json_t *o, struct bc_slot *s)
{
	json_t *a;

	s->construct = get_str(r, o, "construct", true);
	s->name = get_str(r, o, "name", true);
	s->bytes = get_int(r, o, "bytes", 0, UINT32_MAX);
	s->path = get_str(r, o, "path", true);
	get_span(r, o, "span", &s->span);
	s->live_at_peak = get_bool(r, o, "live_at_peak");
	s->script_dependent = get_bool(r, o, "script_dependent");
	a = get_array(r, o, "origin", sizeof(*s->origin), (void **)&s->origin, &s->nr_origin);
	for (size_t i = 0; a && i < s->nr_origin; i++) {
		json_t *v = json_array_get(a, i);

		if (!json_is_string(v))
			bad(r, -EINVAL);
		else if (!(s->origin[i] = strdup(json_string_value(v))))
			bad(r, -ENOMEM);
	}
	a = get_array(r, o, "sources", sizeof(*s->sources), (void **)&s->sources, &s->nr_sources);
	for (size_t i = 0; a && i < s->nr_sources; i++)
		read_span(r, json_array_get(a, i), &s->sources[i]);
	s->placement = get_int(r, o, "placement", BC_PLACE_STACK, BC_PLACE_SCRATCH);
	s->scratch_bytes = get_int(r, o, "scratch_bytes", 0, INT64_MAX);
}

static void read_func(struct rd *r, const json_t *o, size_t nr_funcs, struct bc_func *f)
{
	json_t *a, *insn = field(r, o, "insn");
	int64_t flags = get_int(r, o, "flags", 0, 31);

	f->name = get_str(r, o, "name", true);
	f->section = get_str(r, o, "section", true);
	f->is_entry = flags & 1;
	f->is_callback = flags & 2;
	f->is_async_callback = flags & 4;
	f->has_tail_call = flags & 8;
	f->has_attribution = flags & 16;
	f->prog_type = get_str(r, o, "prog_type", true);
	if (!json_is_array(insn) || json_array_size(insn) != 4) {
		bad(r, -EINVAL);
	} else {
		f->insn_off = as_u32(r, json_array_get(insn, 0));
		f->insn_cnt = as_u32(r, json_array_get(insn, 1));
		f->frame_bytes = as_u32(r, json_array_get(insn, 2));
		f->deepest_insn = as_u32(r, json_array_get(insn, 3));
	}
	f->src_path = get_str(r, o, "src_path", true);
	get_span(r, o, "src_span", &f->src_span);
	get_indexes(r, o, "callees", nr_funcs, &f->callees, &f->nr_callees);
	f->chain_bytes = get_int(r, o, "chain_bytes", 0, UINT32_MAX);
	get_indexes(r, o, "chain", nr_funcs, &f->chain, &f->nr_chain);
	a = get_array(r, o, "issues", sizeof(*f->issues), (void **)&f->issues, &f->nr_issues);
	for (size_t i = 0; a && i < f->nr_issues; i++) {
		const json_t *x = json_array_get(a, i);
		struct bc_chain_issue *is = &f->issues[i];

		is->kind = get_int(r, x, "kind", BC_CHAIN_COMBINED_TOO_LARGE, BC_CHAIN_RECURSION);
		is->bytes = get_int(r, x, "bytes", 0, UINT32_MAX);
		is->frames = get_int(r, x, "frames", 0, UINT32_MAX);
		get_indexes(r, x, "chain", nr_funcs, &is->chain, &is->nr_chain);
	}
	a = get_array(r, o, "slots", sizeof(*f->slots), (void **)&f->slots, &f->nr_slots);
	for (size_t i = 0; a && i < f->nr_slots; i++)
		read_slot(r, json_array_get(a, i), &f->slots[i]);
	f->slot_peak_bytes = get_int(r, o, "slot_peak_bytes", 0, UINT32_MAX);
	f->unattributed_bytes = get_int(r, o, "unattributed_bytes", 0, UINT32_MAX);
	a = get_array(r, o, "live_sets", sizeof(*f->live_sets), (void **)&f->live_sets,
		      &f->nr_live_sets);
	for (size_t i = 0; a && i < f->nr_live_sets; i++) {
		const json_t *set = json_array_get(a, i);
		struct bc_live_set *l = &f->live_sets[i];
		size_t n = json_is_array(set) ? json_array_size(set) : 0;

		if (!json_is_array(set)) {
			bad(r, -EINVAL);
			continue;
		}
		if (n && !(l->slots = calloc(n, sizeof(*l->slots)))) {
			bad(r, -ENOMEM);
			continue;
		}
		l->nr = n;
		for (size_t k = 0; k < n; k++) {
			l->slots[k] = as_u32(r, json_array_get(set, k));
			if (l->slots[k] >= f->nr_slots)
				bad(r, -EINVAL);
		}
	}
}

static void read_count_loop(struct rd *r, const json_t *o, struct bc_count_loop *c)
{
	c->func = get_str(r, o, "func", true);
	c->callback = get_str(r, o, "callback", true);
	c->map = get_str(r, o, "map", true);
	c->map_type = get_int(r, o, "map_type", INT32_MIN, INT32_MAX);
	c->counter = get_bool(r, o, "counter");
	get_span(r, o, "span", &c->span);
}

int bc_result_from_json(const json_t *j, struct bc_diags *d, struct bc_facts *f)
{
	struct rd r = { 0 };
	json_t *a;

	memset(d, 0, sizeof(*d));
	memset(f, 0, sizeof(*f));
	a = get_array(&r, j, "diags", sizeof(*d->v), (void **)&d->v, &d->n);
	d->cap = d->n;
	for (size_t i = 0; a && i < d->n; i++)
		read_diag(&r, json_array_get(a, i), &d->v[i]);
	a = get_array(&r, j, "funcs", sizeof(*f->funcs), (void **)&f->funcs, &f->nr_funcs);
	for (size_t i = 0; a && i < f->nr_funcs; i++)
		read_func(&r, json_array_get(a, i), f->nr_funcs, &f->funcs[i]);
	a = get_array(&r, j, "count_loops", sizeof(*f->count_loops), (void **)&f->count_loops,
		      &f->nr_count_loops);
	for (size_t i = 0; a && i < f->nr_count_loops; i++)
		read_count_loop(&r, json_array_get(a, i), &f->count_loops[i]);
	if (r.err) {
		bc_diags_free(d);
		bc_facts_free(f);
	}
	return r.err;
}
