// SPDX-License-Identifier: Apache-2.0
/*
 * Manifests as JSON text (docs/manifest.md), read and written with jansson.
 *
 * jansson builds the values; it does not say where a value is in the text.
 * The spans come from walking the text beside it: every value is delimited
 * by jansson itself (json_loadb at the value's first byte with
 * JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY stops right after the value and
 * reports that position), and only the separators between values (blanks,
 * ':', ',', '{', '}', '[', ']') are stepped over here. The text has been
 * parsed whole by jansson first, so the walk only meets valid JSON.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "manifest.h"
#include "../base/array.h"

/* ---- spans ---- */

struct jtext {
	const char *s;
	size_t n;
};

struct jmember {
	char *key;		/* decoded (members of objects) */
	size_t start;		/* key (or element) start */
	size_t vstart, vend;	/* the value */
};

struct jlist {
	struct jmember *v;
	size_t n, cap;
};

static void jlist_free(struct jlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].key);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static size_t skip_ws(const struct jtext *t, size_t off)
{
	while (off < t->n && (t->s[off] == ' ' || t->s[off] == '\t' || t->s[off] == '\n' ||
			      t->s[off] == '\r'))
		off++;
	return off;
}

/* The end of the value at OFF, and (KEY non-NULL) its decoded string. */
static int value_end(const struct jtext *t, size_t off, size_t *end, char **key)
{
	json_error_t e;
	json_t *v;

	if (off >= t->n)
		return -EINVAL;
	v = json_loadb(t->s + off, t->n - off, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &e);
	if (!v)
		return -EINVAL;
	if (e.position <= 0 || (size_t)e.position > t->n - off) {
		json_decref(v);
		return -EINVAL;
	}
	*end = off + e.position;
	/* a number is delimited by the byte after it, which jansson consumed */
	while (*end > off && (json_is_number(v) || json_is_true(v) || json_is_false(v) ||
			      json_is_null(v)) &&
	       strchr(" \t\r\n,]}", t->s[*end - 1]))
		(*end)--;
	if (key) {
		*key = json_is_string(v) ? strdup(json_string_value(v)) : NULL;
		if (!*key) {
			json_decref(v);
			return json_is_string(v) ? -ENOMEM : -EINVAL;
		}
	}
	json_decref(v);
	return 0;
}

/* The members of the object (or elements of the array) at OFF. */
static int scan(const struct jtext *t, size_t off, bool object, struct jlist *out)
{
	char open = object ? '{' : '[', close = object ? '}' : ']';
	int err;

	memset(out, 0, sizeof(*out));
	off = skip_ws(t, off);
	if (off >= t->n || t->s[off] != open)
		return -EINVAL;
	off = skip_ws(t, off + 1);
	if (off < t->n && t->s[off] == close)
		return 0;
	for (;;) {
		struct jmember m = { .start = off };

		if (object) {
			err = value_end(t, off, &off, &m.key);
			if (err)
				goto fail;
			off = skip_ws(t, off);
			if (off >= t->n || t->s[off] != ':') {
				free(m.key);
				err = -EINVAL;
				goto fail;
			}
			off = skip_ws(t, off + 1);
		}
		m.vstart = off;
		err = value_end(t, off, &m.vend, NULL);
		if (!err && BC_GROW(out->v, out->cap, out->n + 1))
			err = -ENOMEM;
		if (err) {
			free(m.key);
			goto fail;
		}
		out->v[out->n++] = m;
		off = skip_ws(t, m.vend);
		if (off < t->n && t->s[off] == ',') {
			off = skip_ws(t, off + 1);
			continue;
		}
		if (off < t->n && t->s[off] == close)
			return 0;
		err = -EINVAL;
		goto fail;
	}
fail:
	jlist_free(out);
	return err;
}

static const struct jmember *member(const struct jlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].key && !strcmp(l->v[i].key, key))
			return &l->v[i];
	return NULL;
}

static struct bc_span span_of(size_t start, size_t end)
{
	return (struct bc_span){ .start = start, .end = end };
}

/* ---- reading ---- */

struct reader {
	struct jtext text;
	struct bc_manifest *m;
	struct bc_manifest_error *err;
};

static int fail(struct reader *r, struct bc_span span, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct reader *r, struct bc_span span, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err->message, sizeof(r->err->message), fmt, ap);
	va_end(ap);
	r->err->span = span;
	return -EINVAL;
}

static bool get_uint(const json_t *o, const char *key, uint64_t *v)
{
	json_t *x = json_object_get(o, key);

	if (!json_is_integer(x) || json_integer_value(x) < 0)
		return false;
	*v = json_integer_value(x);
	return true;
}

#define BC_MANIFEST_MAX_DEPTH 64	/* nested arrays/pointers in one type expression */

/* A type expression (docs/manifest.md "Types"); *OUT or -EINVAL/-ENOMEM. */
static int read_texpr(struct reader *r, const json_t *j, struct bc_span span, const char *where,
		      unsigned depth, struct bc_mtexpr **out)
{
	json_t *elem;

	*out = NULL;
	if (depth > BC_MANIFEST_MAX_DEPTH)
		return fail(r, span, "%s: type nested more than %d deep", where,
			    BC_MANIFEST_MAX_DEPTH);
	if (json_is_string(j)) {
		const char *s = json_string_value(j);

		if (!*s)
			return fail(r, span, "%s: empty type", where);
		if (!strncmp(s, BC_MANIFEST_REF_PREFIX, strlen(BC_MANIFEST_REF_PREFIX))) {
			if (!s[strlen(BC_MANIFEST_REF_PREFIX)])
				return fail(r, span, "%s: reference \"%s\" names no type", where, s);
			*out = bc_mtexpr_ref(s + strlen(BC_MANIFEST_REF_PREFIX));
		} else {
			*out = bc_mtexpr_prim(s);
		}
	} else if (json_is_object(j) && (elem = json_object_get(j, "array"))) {
		uint64_t count;
		struct bc_mtexpr *e;
		int err;

		if (!get_uint(j, "count", &count) || json_object_size(j) != 2)
			return fail(r, span, "%s: an array type is {\"array\": TYPE, \"count\": N}",
				    where);
		err = read_texpr(r, elem, span, where, depth + 1, &e);
		if (err)
			return err;
		*out = bc_mtexpr_array(e, count);
	} else if (json_is_object(j) && (elem = json_object_get(j, "pointer"))) {
		struct bc_mtexpr *e;
		int err;

		if (json_object_size(j) != 1)
			return fail(r, span, "%s: a pointer type is {\"pointer\": TYPE}", where);
		err = read_texpr(r, elem, span, where, depth + 1, &e);
		if (err)
			return err;
		*out = bc_mtexpr_pointer(e);
	} else {
		return fail(r, span, "%s: a type is a string, {\"array\": ...} or {\"pointer\": ...}",
			    where);
	}
	if (!*out)
		return -ENOMEM;
	(*out)->span = span;
	return 0;
}

static int read_roots(struct reader *r, const json_t *roots, const struct jmember *at)
{
	struct jlist el;
	int err;

	if (!json_is_array(roots))
		return fail(r, span_of(at->vstart, at->vend), "\"roots\" is not an array");
	err = scan(&r->text, at->vstart, false, &el);
	if (err)
		return err == -ENOMEM ? err : fail(r, span_of(at->vstart, at->vend), "\"roots\" is malformed");
	if (el.n != json_array_size(roots)) {
		jlist_free(&el);
		return fail(r, span_of(at->vstart, at->vend), "\"roots\" is malformed");
	}
	for (size_t i = 0; i < el.n && !err; i++) {
		const json_t *o = json_array_get(roots, i), *use, *name, *type;
		struct bc_span sp = span_of(el.v[i].vstart, el.v[i].vend), tsp = sp;
		struct bc_mtexpr *t;
		struct jlist mem;
		char where[48];

		snprintf(where, sizeof(where), "roots[%zu]", i);
		use = json_object_get(o, "use");
		name = json_object_get(o, "name");
		type = json_object_get(o, "type");
		if (!json_is_object(o) || !json_is_string(use) || !json_is_string(name) || !type) {
			err = fail(r, sp, "%s: a root is {\"use\": STRING, \"name\": STRING, \"type\": TYPE}",
				   where);
			break;
		}
		if (!scan(&r->text, el.v[i].vstart, true, &mem)) {
			const struct jmember *tm = member(&mem, "type");

			if (tm)
				tsp = span_of(tm->vstart, tm->vend);
			jlist_free(&mem);
		}
		err = read_texpr(r, type, tsp, where, 0, &t);
		if (!err)
			err = bc_manifest_add_root(r->m, json_string_value(use), json_string_value(name), t);
		if (!err)
			r->m->roots[r->m->nr_roots - 1].span = sp;
	}
	jlist_free(&el);
	return err;
}

static int read_fields(struct reader *r, struct bc_mtype *t, const json_t *fields,
		       const struct jmember *at)
{
	struct jlist el = { 0 };
	int err = 0;

	if (!json_is_array(fields))
		return fail(r, t->span, "types[\"%s\"].fields is not an array", t->name);
	if (at && scan(&r->text, at->vstart, false, &el) == -ENOMEM)
		return -ENOMEM;
	for (size_t i = 0; i < json_array_size(fields) && !err; i++) {
		const json_t *f = json_array_get(fields, i), *name, *type, *bits;
		struct bc_span sp = i < el.n ? span_of(el.v[i].vstart, el.v[i].vend) : t->span;
		struct bc_span tsp = sp;
		uint64_t off, size;
		int64_t nbits = -1;
		struct bc_mtexpr *tx;
		struct jlist mem;
		char where[96];

		snprintf(where, sizeof(where), "types[\"%.40s\"].fields[%zu]", t->name, i);
		name = json_object_get(f, "name");
		type = json_object_get(f, "type");
		bits = json_object_get(f, "bits");
		if (!json_is_object(f) || !json_is_string(name) || !type ||
		    !get_uint(f, "offset", &off) || !get_uint(f, "size", &size) ||
		    (bits && (!json_is_integer(bits) || json_integer_value(bits) < 1 ||
			      json_integer_value(bits) > 128))) {
			err = fail(r, sp, "%s: a field is {\"name\": STRING, \"offset\": N, \"size\": N, "
				   "\"bits\": N (optional), \"type\": TYPE}", where);
			break;
		}
		if (bits)
			nbits = json_integer_value(bits);
		if (i < el.n && !scan(&r->text, el.v[i].vstart, true, &mem)) {
			const struct jmember *tm = member(&mem, "type");

			if (tm)
				tsp = span_of(tm->vstart, tm->vend);
			jlist_free(&mem);
		}
		err = read_texpr(r, type, tsp, where, 0, &tx);
		if (!err)
			err = bc_mtype_add_field(t, json_string_value(name), off, size, nbits, tx);
		if (!err)
			t->fields[t->nr_fields - 1].span = sp;
	}
	jlist_free(&el);
	return err;
}

static int read_types(struct reader *r, const json_t *types, const struct jmember *at)
{
	struct jlist mem;
	size_t close;
	int err;

	if (!json_is_object(types))
		return fail(r, span_of(at->vstart, at->vend), "\"types\" is not an object");
	r->m->types_span = span_of(at->vstart, at->vend);
	err = scan(&r->text, at->vstart, true, &mem);
	if (err)
		return err == -ENOMEM ? err : fail(r, r->m->types_span, "\"types\" is malformed");
	if (mem.n != json_object_size(types)) {
		jlist_free(&mem);
		return fail(r, r->m->types_span, "\"types\" names a type twice");
	}
	close = at->vend - 1;	/* the '}' */
	for (size_t i = 0; i < mem.n && !err; i++) {
		const struct jmember *me = &mem.v[i];
		const json_t *o = json_object_get(types, me->key), *kind, *fields;
		struct bc_span sp = span_of(me->start, me->vend);
		uint64_t size, align;
		enum bc_mkind k;
		struct bc_mtype *t;
		struct jlist tm = { 0 };

		kind = json_object_get(o, "kind");
		fields = json_object_get(o, "fields");
		if (!*me->key) {
			err = fail(r, sp, "types: a type has an empty name");
			break;
		}
		if (!json_is_object(o) || !json_is_string(kind) ||
		    bc_mkind_parse(json_string_value(kind), &k) || !get_uint(o, "size", &size) ||
		    !get_uint(o, "align", &align) || !fields) {
			err = fail(r, sp, "types[\"%.60s\"]: a type is {\"kind\": "
				   "\"struct|union|tuple|record|enum\", \"size\": N, \"align\": N, "
				   "\"fields\": [...]}", me->key);
			break;
		}
		t = bc_manifest_add_type(r->m, me->key, k, size, align);
		if (!t) {
			err = -ENOMEM;
			break;
		}
		t->span = sp;
		if (mem.n == 1)
			t->remove = span_of(at->vstart + 1, close);
		else if (i + 1 < mem.n)
			t->remove = span_of(me->start, mem.v[i + 1].start);
		else
			t->remove = span_of(mem.v[i - 1].vend, me->vend);
		err = scan(&r->text, me->vstart, true, &tm);
		if (err == -ENOMEM)
			break;
		err = read_fields(r, t, fields, err ? NULL : member(&tm, "fields"));
		jlist_free(&tm);
	}
	jlist_free(&mem);
	return err;
}

static int read_string(struct reader *r, const json_t *o, const char *key, char **out)
{
	const json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	if (!json_is_string(v))
		return fail(r, span_of(0, 0), "\"%s\" is not a string", key);
	*out = strdup(json_string_value(v));
	return *out ? 0 : -ENOMEM;
}

int bc_manifest_read(const char *text, size_t size, struct bc_manifest **out,
		     struct bc_manifest_error *err)
{
	struct reader r = { .text = { text, size }, .err = err };
	const json_t *schema;
	json_error_t je;
	struct jlist top = { 0 };
	json_t *doc;
	int ret;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	doc = json_loadb(text, size, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		snprintf(err->message, sizeof(err->message), "malformed manifest: %s", je.text);
		err->span.start = err->span.end = je.position > 0 ? je.position : 0;
		err->span.line = je.line > 0 ? je.line : 0;
		err->span.col = je.column > 0 ? je.column : 0;
		return -EINVAL;
	}
	schema = json_object_get(doc, "schema");
	if (!json_is_object(doc) || !json_is_string(schema) ||
	    strcmp(json_string_value(schema), BC_MANIFEST_SCHEMA)) {
		json_decref(doc);
		return fail(&r, span_of(0, 0), "not a manifest: no \"schema\": \"%s\" member",
			    BC_MANIFEST_SCHEMA);
	}
	r.m = bc_manifest_new();
	ret = r.m ? scan(&r.text, skip_ws(&r.text, 0), true, &top) : -ENOMEM;
	if (ret == -EINVAL)
		ret = fail(&r, span_of(0, 0), "malformed manifest");
	if (!ret)
		ret = read_string(&r, doc, "source", &r.m->source);
	if (!ret)
		ret = read_string(&r, doc, "bpftrace", &r.m->bpftrace);
	if (!ret && !json_object_get(doc, "roots"))
		ret = fail(&r, span_of(0, 0), "the manifest has no \"roots\"");
	if (!ret && !json_object_get(doc, "types"))
		ret = fail(&r, span_of(0, 0), "the manifest has no \"types\"");
	if (!ret && !member(&top, "roots"))
		ret = fail(&r, span_of(0, 0), "malformed manifest");
	if (!ret && !member(&top, "types"))
		ret = fail(&r, span_of(0, 0), "malformed manifest");
	if (!ret)
		ret = read_roots(&r, json_object_get(doc, "roots"), member(&top, "roots"));
	if (!ret)
		ret = read_types(&r, json_object_get(doc, "types"), member(&top, "types"));
	jlist_free(&top);
	json_decref(doc);
	if (ret) {
		bc_manifest_free(r.m);
		if (ret == -ENOMEM)
			snprintf(err->message, sizeof(err->message), "out of memory");
		return ret;
	}
	*out = r.m;
	return 0;
}

/* ---- writing ---- */

static json_t *texpr_json(const struct bc_mtexpr *t)
{
	char *s;
	json_t *j;

	switch (t->kind) {
	case BC_MTX_PRIM:
		return json_string(t->name);
	case BC_MTX_REF:
		s = bc_mtexpr_str(t);
		j = s ? json_string(s) : NULL;
		free(s);
		return j;
	case BC_MTX_ARRAY:
		return json_pack("{s:o,s:I}", "array", texpr_json(t->elem), "count",
				 (json_int_t)t->count);
	case BC_MTX_POINTER:
		return json_pack("{s:o}", "pointer", texpr_json(t->elem));
	}
	return NULL;
}

static json_t *type_json(const struct bc_mtype *t)
{
	json_t *o = json_pack("{s:s,s:I,s:I}", "kind", bc_mkind_name(t->kind), "size",
			      (json_int_t)t->size, "align", (json_int_t)t->align);
	json_t *fields = json_array();

	if (!o || !fields || json_object_set_new(o, "fields", fields)) {
		json_decref(o);
		return NULL;
	}
	for (size_t i = 0; i < t->nr_fields; i++) {
		const struct bc_mfield *f = &t->fields[i];
		json_t *jf = json_pack("{s:s,s:I,s:I}", "name", f->name, "offset",
				       (json_int_t)f->offset, "size", (json_int_t)f->size);

		if (jf && f->bits >= 0 && json_object_set_new(jf, "bits", json_integer(f->bits))) {
			json_decref(jf);
			jf = NULL;
		}
		if (!jf || json_object_set_new(jf, "type", texpr_json(f->type)) ||
		    json_array_append_new(fields, jf)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

char *bc_manifest_write(const struct bc_manifest *m)
{
	json_t *doc = json_object(), *roots = json_array(), *types = json_object();
	char *text = NULL, *out = NULL;
	bool ok = doc && roots && types;

	ok = ok && !json_object_set_new(doc, "schema", json_string(BC_MANIFEST_SCHEMA));
	if (ok && m->source)
		ok = !json_object_set_new(doc, "source", json_string(m->source));
	if (ok && m->bpftrace)
		ok = !json_object_set_new(doc, "bpftrace", json_string(m->bpftrace));
	for (size_t i = 0; ok && i < m->nr_roots; i++) {
		const struct bc_mroot *r = &m->roots[i];

		ok = !json_array_append_new(roots, json_pack("{s:s,s:s,s:o}", "use", r->use,
							     "name", r->name, "type",
							     texpr_json(r->type)));
	}
	for (size_t i = 0; ok && i < m->nr_types; i++)
		ok = !json_object_set_new(types, m->types[i].name, type_json(&m->types[i]));
	if (ok) {
		ok = !json_object_set(doc, "roots", roots) && !json_object_set(doc, "types", types);
		if (ok)
			text = json_dumps(doc, JSON_INDENT(2));
	}
	if (text) {
		out = bc_strdup_printf("%s\n", text);
		free(text);
	}
	json_decref(roots);
	json_decref(types);
	json_decref(doc);
	if (!out)
		errno = ENOMEM;
	return out;
}
