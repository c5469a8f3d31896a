// SPDX-License-Identifier: Apache-2.0
/* The manifest model and its mark phase (closure and reachability). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "../base/array.h"
#include "../base/sbuf.h"
#include "../base/str.h"

static const char *const kind_names[] = {
	[BC_MK_STRUCT] = "struct",
	[BC_MK_UNION] = "union",
	[BC_MK_TUPLE] = "tuple",
	[BC_MK_RECORD] = "record",
	[BC_MK_ENUM] = "enum",
};

const char *bc_mkind_name(enum bc_mkind k)
{
	if ((unsigned)k >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "struct";
	return kind_names[k];
}

int bc_mkind_parse(const char *s, enum bc_mkind *k)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (!strcmp(s, kind_names[i])) {
			*k = i;
			return 0;
		}
	}
	return -EINVAL;
}

struct bc_manifest *bc_manifest_new(void)
{
	return calloc(1, sizeof(struct bc_manifest));
}

void bc_mtexpr_free(struct bc_mtexpr *t)
{
	while (t) {
		struct bc_mtexpr *e = t->elem;

		free(t->name);
		free(t);
		t = e;
	}
}

static struct bc_mtexpr *mtexpr_new(enum bc_mtexpr_kind kind, const char *name,
				    struct bc_mtexpr *elem)
{
	struct bc_mtexpr *t = calloc(1, sizeof(*t));

	if (!t || (name && !(t->name = strdup(name)))) {
		free(t);
		bc_mtexpr_free(elem);
		errno = ENOMEM;
		return NULL;
	}
	t->kind = kind;
	t->elem = elem;
	return t;
}

struct bc_mtexpr *bc_mtexpr_prim(const char *name)
{
	return mtexpr_new(BC_MTX_PRIM, name, NULL);
}

struct bc_mtexpr *bc_mtexpr_primf(const char *fmt, ...)
{
	struct bc_mtexpr *t;
	va_list ap;
	char *name;

	va_start(ap, fmt);
	name = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (!name)
		return NULL;
	t = bc_mtexpr_prim(name);
	free(name);
	return t;
}

struct bc_mtexpr *bc_mtexpr_ref(const char *name)
{
	return mtexpr_new(BC_MTX_REF, name, NULL);
}

struct bc_mtexpr *bc_mtexpr_array(struct bc_mtexpr *elem, uint64_t count)
{
	struct bc_mtexpr *t;

	if (!elem)
		return NULL;
	t = mtexpr_new(BC_MTX_ARRAY, NULL, elem);
	if (t)
		t->count = count;
	return t;
}

struct bc_mtexpr *bc_mtexpr_pointer(struct bc_mtexpr *elem)
{
	if (!elem)
		return NULL;
	return mtexpr_new(BC_MTX_POINTER, NULL, elem);
}

static void mtexpr_print(struct bc_sbuf *b, const struct bc_mtexpr *t)
{
	switch (t->kind) {
	case BC_MTX_PRIM:
		bc_sbuf_puts(b, t->name);
		break;
	case BC_MTX_REF:
		bc_sbuf_printf(b, BC_MANIFEST_REF_PREFIX "%s", t->name);
		break;
	case BC_MTX_ARRAY:
		mtexpr_print(b, t->elem);
		bc_sbuf_printf(b, "[%llu]", (unsigned long long)t->count);
		break;
	case BC_MTX_POINTER:
		mtexpr_print(b, t->elem);
		bc_sbuf_puts(b, " *");
		break;
	}
}

char *bc_mtexpr_str(const struct bc_mtexpr *t)
{
	struct bc_sbuf b = { 0 };

	mtexpr_print(&b, t);
	return bc_sbuf_finish(&b);
}

int bc_manifest_add_root(struct bc_manifest *m, const char *use, const char *name,
			 struct bc_mtexpr *type)
{
	struct bc_mroot *r;

	if (!type)
		return -ENOMEM;
	if (BC_GROW(m->roots, m->cap_roots, m->nr_roots + 1)) {
		bc_mtexpr_free(type);
		return -ENOMEM;
	}
	r = &m->roots[m->nr_roots];
	memset(r, 0, sizeof(*r));
	r->use = strdup(use);
	r->name = strdup(name);
	r->type = type;
	m->nr_roots++;
	if (!r->use || !r->name)
		return -ENOMEM;	/* freed with the manifest */
	return 0;
}

ssize_t bc_manifest_find(const struct bc_manifest *m, const char *name)
{
	for (size_t i = 0; i < m->nr_types; i++)
		if (!strcmp(m->types[i].name, name))
			return i;
	return -1;
}

struct bc_mtype *bc_manifest_add_type(struct bc_manifest *m, const char *name, enum bc_mkind kind,
				      uint64_t size, uint64_t align)
{
	struct bc_mtype *t;

	if (bc_manifest_find(m, name) >= 0) {
		errno = EEXIST;
		return NULL;
	}
	if (BC_GROW(m->types, m->cap_types, m->nr_types + 1)) {
		errno = ENOMEM;
		return NULL;
	}
	t = &m->types[m->nr_types];
	memset(t, 0, sizeof(*t));
	t->name = strdup(name);
	if (!t->name) {
		errno = ENOMEM;
		return NULL;
	}
	t->kind = kind;
	t->size = size;
	t->align = align;
	m->nr_types++;
	return t;
}

int bc_mtype_add_field(struct bc_mtype *t, const char *name, uint64_t offset, uint64_t size,
		       int32_t bits, struct bc_mtexpr *type)
{
	struct bc_mfield *f;

	if (!type)
		return -ENOMEM;
	if (BC_GROW(t->fields, t->cap_fields, t->nr_fields + 1)) {
		bc_mtexpr_free(type);
		return -ENOMEM;
	}
	f = &t->fields[t->nr_fields];
	memset(f, 0, sizeof(*f));
	f->name = strdup(name);
	f->offset = offset;
	f->size = size;
	f->bits = bits;
	f->type = type;
	t->nr_fields++;
	return f->name ? 0 : -ENOMEM;
}

void bc_manifest_free(struct bc_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nr_roots; i++) {
		free(m->roots[i].use);
		free(m->roots[i].name);
		bc_mtexpr_free(m->roots[i].type);
	}
	for (size_t i = 0; i < m->nr_types; i++) {
		struct bc_mtype *t = &m->types[i];

		for (size_t j = 0; j < t->nr_fields; j++) {
			free(t->fields[j].name);
			bc_mtexpr_free(t->fields[j].type);
		}
		free(t->fields);
		free(t->name);
	}
	free(m->roots);
	free(m->types);
	free(m->source);
	free(m->bpftrace);
	free(m);
}

/* ---- mark ---- */

/* How the breadth-first walk from one root got to a definition. */
struct visit {
	ssize_t from;		/* the definition whose field led here; -1: the root */
	size_t field;		/* that field */
	const char *step;	/* "[]" / "*" steps inside the field's type, joined */
};

struct walk {
	const struct bc_manifest *m;
	struct bc_mmark *mk;
	size_t root;
	bool *seen;		/* per type, this root's walk */
	struct visit *via;
	size_t *queue;
	size_t head, tail;
};

/* The steps of the path to definition T from the root, as text. */
static int path_to(struct walk *w, ssize_t t, struct bc_sbuf *b)
{
	const struct bc_mroot *r = &w->m->roots[w->root];
	size_t n = 0, cap = 0, *chain = NULL;

	for (ssize_t at = t; at >= 0; at = w->via[at].from) {
		if (BC_GROW(chain, cap, n + 1)) {
			free(chain);
			return -ENOMEM;
		}
		chain[n++] = at;
		if (n > w->m->nr_types)
			break;	/* cannot happen: each type is visited once */
	}
	bc_sbuf_printf(b, "%s (%s)", r->name, r->use);
	for (size_t i = n; i-- > 0;) {
		const struct visit *v = &w->via[chain[i]];

		if (v->from >= 0)
			bc_sbuf_printf(b, " -> %s.%s", w->m->types[v->from].name,
				       w->m->types[v->from].fields[v->field].name);
	}
	free(chain);
	return 0;
}

static struct bc_mmissing *missing_for(struct bc_mmark *mk, const struct bc_mtexpr *ref, bool weak)
{
	for (size_t i = 0; i < mk->nr_missing; i++)
		if (!strcmp(mk->missing[i].name, ref->name))
			return &mk->missing[i];
	if (BC_GROW(mk->missing, mk->cap_missing, mk->nr_missing + 1))
		return NULL;
	struct bc_mmissing *x = &mk->missing[mk->nr_missing];

	memset(x, 0, sizeof(*x));
	x->name = strdup(ref->name);
	if (!x->name)
		return NULL;
	x->weak = weak;
	x->ref = ref;
	mk->nr_missing++;
	return x;
}

/* A reference met in FROM's field FIELD (FROM -1: the root's own type). */
static int meet_ref(struct walk *w, const struct bc_mtexpr *ref, ssize_t from, size_t field)
{
	ssize_t t = bc_manifest_find(w->m, ref->name);
	struct bc_mmissing *x;
	struct bc_sbuf b = { 0 };
	char *text;

	if (t >= 0 && !w->m->types[t].weak) {
		if (w->seen[t])
			return 0;
		w->seen[t] = true;
		w->mk->reached[t] = true;
		w->via[t] = (struct visit){ .from = from, .field = field };
		w->queue[w->tail++] = t;
		return 0;
	}
	x = missing_for(w->mk, ref, t >= 0);
	if (!x)
		return -ENOMEM;
	if (x->nr_paths && x->paths[x->nr_paths - 1].root == w->root)
		return 0;	/* this root already reaches it (by a path as short) */
	if (path_to(w, from, &b))
		b.oom = true;
	if (from >= 0)
		bc_sbuf_printf(&b, " -> %s.%s", w->m->types[from].name,
			       w->m->types[from].fields[field].name);
	text = bc_sbuf_finish(&b);
	if (!text || BC_GROW(x->paths, x->cap_paths, x->nr_paths + 1)) {
		free(text);
		return -ENOMEM;
	}
	x->paths[x->nr_paths].root = w->root;
	x->paths[x->nr_paths].text = text;
	x->nr_paths++;
	return 0;
}

static int walk_expr(struct walk *w, const struct bc_mtexpr *e, ssize_t from, size_t field)
{
	for (; e; e = e->elem)
		if (e->kind == BC_MTX_REF)
			return meet_ref(w, e, from, field);
	return 0;
}

int bc_manifest_mark(const struct bc_manifest *m, struct bc_mmark *out)
{
	size_t n = m->nr_types;
	struct walk w = { .m = m, .mk = out };
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->reached = calloc(n + 1, sizeof(bool));
	w.seen = calloc(n + 1, sizeof(bool));
	w.via = calloc(n + 1, sizeof(*w.via));
	w.queue = calloc(n + 1, sizeof(size_t));
	if (!out->reached || !w.seen || !w.via || !w.queue) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t r = 0; r < m->nr_roots && !err; r++) {
		memset(w.seen, 0, n * sizeof(bool));
		w.root = r;
		w.head = w.tail = 0;
		err = walk_expr(&w, m->roots[r].type, -1, 0);
		while (!err && w.head < w.tail) {
			size_t t = w.queue[w.head++];

			for (size_t f = 0; f < m->types[t].nr_fields && !err; f++)
				err = walk_expr(&w, m->types[t].fields[f].type, t, f);
		}
	}
out:
	free(w.seen);
	free(w.via);
	free(w.queue);
	if (err)
		bc_mmark_free(out);
	return err;
}

void bc_mmark_free(struct bc_mmark *mk)
{
	for (size_t i = 0; i < mk->nr_missing; i++) {
		for (size_t j = 0; j < mk->missing[i].nr_paths; j++)
			free(mk->missing[i].paths[j].text);
		free(mk->missing[i].paths);
		free(mk->missing[i].name);
	}
	free(mk->missing);
	free(mk->reached);
	memset(mk, 0, sizeof(*mk));
}
