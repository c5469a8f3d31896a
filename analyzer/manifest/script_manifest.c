// SPDX-License-Identifier: Apache-2.0
/* The manifest of a script (script_manifest.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script_manifest.h"
#include "manifest.h"
#include "../base/sbuf.h"
#include "../base/str.h"
#include "../core/unit.h"
#include "../script/sema.h"
#include "script_walk.h"

struct gen {
	struct bc_manifest *m;
	const struct bc_sema *sema;
	int version;
	size_t nr_printf, nr_system, nr_cat, nr_print, nr_join;
	int err;
};

static struct bc_mtexpr *texpr_of(struct gen *g, const struct bc_stype *t, unsigned depth);

static const char *prim_word(enum bc_stype_kind k)
{
	switch (k) {
	case BC_ST_MACADDR: return "mac_address";
	case BC_ST_STACK_MODE: return "stack_mode";
	case BC_ST_TIMESTAMP_MODE: return "timestamp_mode";
	default: return bc_stype_kind_name(k);
	}
}

/* The name a tuple or record gets: "(int64,string[4])", "(a=int64,b=...)". */
static char *composite_name(struct gen *g, const struct bc_stype *t, unsigned depth)
{
	struct bc_sbuf b = { 0 };

	bc_sbuf_putc(&b, '(');
	for (size_t i = 0; t->layout && i < t->layout->nr_fields; i++) {
		const struct bc_field *f = &t->layout->fields[i];
		struct bc_mtexpr *e = texpr_of(g, f->type, depth + 1);
		char *s = e ? bc_mtexpr_str(e) : NULL;

		if (!s) {
			bc_mtexpr_free(e);
			b.oom = true;
			break;
		}
		bc_sbuf_printf(&b, "%s%s%s%s", i ? "," : "", t->kind == BC_ST_RECORD && f->name ? f->name : "",
			       t->kind == BC_ST_RECORD && f->name ? "=" : "",
			       strncmp(s, BC_MANIFEST_REF_PREFIX, strlen(BC_MANIFEST_REF_PREFIX)) ? s
			       : s + strlen(BC_MANIFEST_REF_PREFIX));
		free(s);
		bc_mtexpr_free(e);
	}
	bc_sbuf_putc(&b, ')');
	return bc_sbuf_finish(&b);
}

/* Defines T (tuple, record, resolved C struct) under NAME once. */
static int define(struct gen *g, const struct bc_stype *t, const char *name, unsigned depth)
{
	enum bc_mkind kind = t->kind == BC_ST_TUPLE ? BC_MK_TUPLE
			     : t->kind == BC_ST_RECORD ? BC_MK_RECORD
			     : t->layout && t->layout->is_union ? BC_MK_UNION : BC_MK_STRUCT;
	struct bc_mtype *mt;
	ssize_t at;

	if (bc_manifest_find(g->m, name) >= 0)
		return 0;
	mt = bc_manifest_add_type(g->m, name, kind, t->size, t->layout ? t->layout->align : t->align);
	if (!mt)
		return -ENOMEM;
	at = g->m->nr_types - 1;
	for (size_t i = 0; t->layout && i < t->layout->nr_fields; i++) {
		const struct bc_field *f = &t->layout->fields[i];
		struct bc_mtexpr *e = texpr_of(g, f->type, depth + 1);
		char idx[24];

		snprintf(idx, sizeof(idx), "%zu", i);
		if (!e)
			return -ENOMEM;
		if (bc_mtype_add_field(&g->m->types[at], f->name && t->kind != BC_ST_TUPLE ? f->name : idx,
				       f->offset, f->bit_width ? (uint32_t)(f->bit_width + 7) / 8 : f->type->size,
				       f->bit_width ? f->bit_width : -1, e))
			return -ENOMEM;
	}
	return 0;
}

static struct bc_mtexpr *texpr_of(struct gen *g, const struct bc_stype *t, unsigned depth)
{
	char *name;
	struct bc_mtexpr *e;

	if (!t)
		return bc_mtexpr_prim("none");
	if (depth > 64) {
		errno = ELOOP;
		return NULL;
	}
	switch (t->kind) {
	case BC_ST_INT:
	case BC_ST_ENUM:
		return bc_mtexpr_primf("%sint%u", t->is_signed ? "" : "u", t->size * 8);
	case BC_ST_STRING:
	case BC_ST_BUFFER:
	case BC_ST_INET:
		return bc_mtexpr_primf("%s[%u]", bc_stype_kind_name(t->kind), t->size);
	case BC_ST_POINTER:
		if (t->elem && t->elem->kind == BC_ST_CSTRUCT)	/* printed as an address */
			return bc_mtexpr_pointer(bc_mtexpr_prim(t->elem->name ? t->elem->name : "struct"));
		return bc_mtexpr_pointer(t->elem ? texpr_of(g, t->elem, depth + 1)
					 : bc_mtexpr_prim("void"));
	case BC_ST_ARRAY:
		return bc_mtexpr_array(texpr_of(g, t->elem, depth + 1), t->nelems);
	case BC_ST_TUPLE:
	case BC_ST_RECORD:
		name = composite_name(g, t, depth);
		if (!name || define(g, t, name, depth)) {
			free(name);
			return NULL;
		}
		e = bc_mtexpr_ref(name);
		free(name);
		return e;
	case BC_ST_CSTRUCT:
		/* a struct held by value inside another comes by name: its layout
		 * is the one the analysis resolved (script, DWARF, BTF) */
		if (!t->layout && t->name && bc_sema_struct(g->sema, t->name))
			t = bc_sema_struct(g->sema, t->name);
		if (t->layout && define(g, t, t->name, depth))
			return NULL;
		return bc_mtexpr_ref(t->name ? t->name : "struct");
	default:
		return bc_mtexpr_prim(prim_word(t->kind));
	}
}

static void add_root(struct gen *g, const char *use, const char *name, const struct bc_stype *t)
{
	if (!g->err)
		g->err = bc_manifest_add_root(g->m, use, name, texpr_of(g, t, 0));
}

/* printf/system/cat: the arguments after the format as the record USE#N. */
static void add_call_root(struct gen *g, const struct bc_expr *call, size_t *counter)
{
	const struct bc_expr_list *args = &call->u.call.args;
	const struct bc_expr *fmt = args->n ? args->v[0] : NULL;
	struct bc_stype **elems;
	struct bc_stype *tuple;
	char name[48];
	size_t n = args->n ? args->n - 1 : 0;

	if (g->err || !fmt || fmt->kind != BC_EXPR_STRING)
		return;
	for (size_t i = 1; i < args->n; i++)
		if (!args->v[i]->type)
			return;	/* not typed (an error bpftrace reports) */
	snprintf(name, sizeof(name), "%s#%zu", call->u.call.name, (*counter)++);
	elems = calloc(n + 1, sizeof(*elems));
	if (!elems) {
		g->err = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++)
		elems[i] = bc_stype_get((struct bc_stype *)args->v[i + 1]->type);
	tuple = bc_stype_tuple(elems, n);	/* the argument struct's natural layout */
	free(elems);
	if (!tuple) {
		g->err = -ENOMEM;
		return;
	}
	if (define(g, tuple, name, 0)) {
		g->err = -ENOMEM;
	} else {
		ssize_t at = bc_manifest_find(g->m, name);

		g->m->types[at].kind = BC_MK_RECORD;
		g->err = bc_manifest_add_root(g->m, call->u.call.name, fmt->u.str.data,
					      bc_mtexpr_ref(name));
	}
	bc_stype_put(tuple);
}

static void on_call(struct gen *g, const struct bc_expr *e)
{
	const char *n = e->u.call.name;
	const struct bc_expr_list *args = &e->u.call.args;
	char name[32];

	if (!strcmp(n, "printf"))
		add_call_root(g, e, &g->nr_printf);
	else if (!strcmp(n, "system"))
		add_call_root(g, e, &g->nr_system);
	else if (!strcmp(n, "cat"))
		add_call_root(g, e, &g->nr_cat);
	else if (!strcmp(n, "print") && args->n && args->v[0]->kind != BC_EXPR_MAP &&
		 args->v[0]->type) {
		snprintf(name, sizeof(name), "print#%zu", g->nr_print++);
		add_root(g, "print", name, args->v[0]->type);
	} else if (!strcmp(n, "join") && args->n && args->v[0]->type) {
		snprintf(name, sizeof(name), "join#%zu", g->nr_join++);
		add_root(g, "join", name, args->v[0]->type);
	}
}

static void on_expr(const struct bc_expr *e, void *arg)
{
	struct gen *g = arg;

	if (e->kind == BC_EXPR_CALL && !g->err)
		on_call(g, e);
}

int bc_manifest_from_script(const struct bc_unit *u, struct bc_manifest **out)
{
	const struct bc_sema *sema = bc_sema_of(u);
	const struct bc_script *s;
	struct gen g = { 0 };
	char ver[32];
	int v;

	*out = NULL;
	if (!sema)
		return -EINVAL;
	s = bc_sema_script(sema);
	v = bc_sema_version(sema);
	g.version = v;
	g.sema = sema;
	g.m = bc_manifest_new();
	if (!g.m)
		return -ENOMEM;
	snprintf(ver, sizeof(ver), "%d.%d.%d", v / 10000, v / 100 % 100, v % 100);
	g.m->bpftrace = strdup(ver);
	g.m->source = strdup(u->display_path);
	if (!g.m->bpftrace || !g.m->source)
		g.err = -ENOMEM;
	for (size_t i = 0; i < bc_sema_nr_maps(sema) && !g.err; i++) {
		const struct bc_sema_map *m = bc_sema_map_at(sema, i);
		char *name = bc_strdup_printf("@%s", m->name);

		if (!name) {
			g.err = -ENOMEM;
			break;
		}
		if (m->value && m->value->kind != BC_ST_NONE) {
			for (size_t k = 0; k < m->nr_keys; k++)
				add_root(&g, "map-key", name, m->key_types[k]);
			add_root(&g, "map-value", name, m->value);
		}
		free(name);
	}
	if (!g.err)
		bc_script_walk_exprs(s, on_expr, &g);
	if (g.err) {
		bc_manifest_free(g.m);
		return g.err;
	}
	*out = g.m;
	return 0;
}
