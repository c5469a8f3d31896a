// SPDX-License-Identifier: Apache-2.0
/*
 * BC404 aot-unsupported: with --aot (or `aot = true`), what the target
 * bpftrace's AOT build cannot do, each at the span of the construct.
 *
 * bpftrace 0.17 (the profile modelled; other versions report nothing yet):
 *  - `bpftrace --aot` refuses, in its portability analyser
 *    (src/ast/passes/portability_analyser.cpp at v0.17.0): every cast
 *    ("AOT does not yet support struct casts", integer casts included),
 *    `curtask`, positional parameters ($1, $#), kaddr(), uaddr(),
 *    cgroupid(), USDT probes and watchpoint probes;
 *  - `bpftrace-aotrt` silently drops every map whose key or value holds a
 *    tuple or a struct by value: the blob keeps those types only through a
 *    weak_ptr that nothing owns after loading (docs/manifest.md, BC401 on
 *    the blob itself).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "map_common.h"
#include "../analyzer/core/analysis.h"
#include "../analyzer/core/unit.h"
#include "../analyzer/base/version.h"
#include "../analyzer/manifest/script_walk.h"

struct ctx_walk {
	struct bc_rule_ctx *ctx;
	int err;
};

static void refuse(struct ctx_walk *w, const struct bc_span *span, const char *what)
{
	if (w->err)
		return;
	if (!bc_diag_add(w->ctx->diags, w->ctx->rule->id, w->ctx->unit->display_path, span,
			 "bpftrace 0.17 --aot refuses this: \"AOT does not yet support %s\"", what))
		w->err = -errno;
}

static void on_expr(const struct bc_expr *e, void *arg)
{
	struct ctx_walk *w = arg;
	const char *n;

	switch (e->kind) {
	case BC_EXPR_CAST:
		refuse(w, &e->span, "struct casts");
		break;
	case BC_EXPR_BUILTIN:
		if (!strcmp(e->u.name, "curtask"))
			refuse(w, &e->span, "accessing `curtask`");
		break;
	case BC_EXPR_PARAM:
	case BC_EXPR_PARAMCOUNT:
		refuse(w, &e->span, "positional parameters");
		break;
	case BC_EXPR_CALL:
		n = e->u.call.name;
		if (!strcmp(n, "kaddr"))
			refuse(w, &e->span, "kaddr()");
		else if (!strcmp(n, "uaddr"))
			refuse(w, &e->span, "uaddr()");
		else if (!strcmp(n, "cgroupid"))
			refuse(w, &e->span, "cgroupid()");
		break;
	default:
		break;
	}
}

/* A tuple, record or C struct held by value in T (arrays included). */
static const struct bc_stype *owned_struct(const struct bc_stype *t)
{
	while (t && t->kind == BC_ST_ARRAY)
		t = t->elem;
	if (t && (t->kind == BC_ST_TUPLE || t->kind == BC_ST_RECORD || t->kind == BC_ST_CSTRUCT))
		return t;
	return NULL;
}

static int check_map(struct bc_rule_ctx *ctx, const struct bc_sema_map *m)
{
	const struct bc_stype *t = owned_struct(m->value);
	const struct bc_span *span = &m->value_span;
	const char *part = "value";
	char *name;
	struct bc_diag *d;

	for (size_t k = 0; !t && k < m->nr_keys; k++) {
		t = owned_struct(m->key_types[k]);
		span = &m->key_span;
		part = "key";
	}
	if (!t)
		return 0;
	name = bc_stype_name(t, BC_BT(17));
	if (!name)
		return -ENOMEM;
	d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path, span,
			"bpftrace-aotrt 0.17 silently drops @%s: its %s holds %s by value, which the AOT "
			"blob keeps only through a weak_ptr that nothing owns after loading",
			m->name, part, name);
	free(name);
	return d ? 0 : -errno;
}

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_sema *sema = bc_map_rule_sema(ctx);
	const struct bc_script *s;
	struct ctx_walk w = { .ctx = ctx };
	int v;

	if (!ctx->analysis || !ctx->analysis->aot || !sema)
		return 0;
	v = bc_sema_version(sema);
	if (v < BC_BTV(0, 17, 0) || v >= BC_BTV(0, 18, 0))
		return 0;	/* only the 0.17 AOT build is modelled */
	s = bc_sema_script(sema);
	for (size_t i = 0; i < s->nr_items && !w.err; i++) {
		const struct bc_probe *p = s->items[i].kind == BC_ITEM_PROBE ? s->items[i].u.probe : NULL;

		for (size_t k = 0; p && k < p->nr_aps; k++) {
			enum bc_provider pv = p->aps[k]->provider;

			if (pv == BC_PROV_USDT)
				refuse(&w, &p->aps[k]->span, "USDT probes");
			else if (pv == BC_PROV_WATCHPOINT || pv == BC_PROV_ASYNCWATCHPOINT)
				refuse(&w, &p->aps[k]->span, "watchpoint probes");
		}
	}
	if (!w.err)
		bc_script_walk_exprs(s, on_expr, &w);
	for (size_t i = 0; i < bc_sema_nr_maps(sema) && !w.err; i++)
		w.err = check_map(ctx, bc_sema_map_at(sema, i));
	return w.err;
}

const struct bc_rule bc_rule_aot_unsupported = {
	.id = BC_RULE_AOT_UNSUPPORTED,
	.code = "BC404",
	.name = "aot-unsupported",
	.summary = "with --aot: a construct the target bpftrace's AOT build refuses or its runtime drops",
	.kinds = BC_RULE_ON_SCRIPT,
	.check = check,
};
