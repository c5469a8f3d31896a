// SPDX-License-Identifier: Apache-2.0
/*
 * BC404 aot-unsupported: with --aot (or `aot = true`), what the target
 * bpftrace's AOT build cannot do, each at the span of the construct, from
 * the table of releases in rules/aot_versions.def:
 *  - `bpftrace --aot` refuses, in its portability analyser, casts (integer
 *    casts included: "AOT does not yet support struct casts"; up to 0.21
 *    also the cast to 64 bits its semantic analyser puts around a narrower
 *    integer map key, at the map's span), `curtask`,
 *    positional parameters ($1, $#), kaddr(), uaddr(), cgroupid() and, up to
 *    0.24, USDT and watchpoint probes;
 *  - `bpftrace-aotrt` cannot rebuild a map whose key or value holds a type
 *    the blob keeps only through a weak_ptr that nothing owns after loading:
 *    tuples and structs up to 0.23 (0.17's runtime drops such maps
 *    silently: docs/manifest.md, BC401 on the blob itself), C structs from
 *    0.24.
 * A target version outside the table (master) gets one note saying its AOT
 * build is not modelled.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map_common.h"
#include "../analyzer/core/analysis.h"
#include "../analyzer/core/unit.h"
#include "../analyzer/base/version.h"
#include "../analyzer/manifest/script_walk.h"

enum {
	AOT_REFUSE_CAST = 1u << 0,
	AOT_REFUSE_CURTASK = 1u << 1,
	AOT_REFUSE_PARAMS = 1u << 2,
	AOT_REFUSE_KADDR = 1u << 3,
	AOT_REFUSE_UADDR = 1u << 4,
	AOT_REFUSE_CGROUPID = 1u << 5,
	AOT_REFUSE_USDT = 1u << 6,
	AOT_REFUSE_WATCHPOINT = 1u << 7,
	AOT_REFUSE_ALL = (1u << 8) - 1,
	AOT_DROP_TUPLE = 1u << 8,	/* tuples and records held by value */
	AOT_DROP_CSTRUCT = 1u << 9,	/* C structs held by value */
	/* the cast semantic analysis inserts before a map key narrower than 64
	 * bits, at the map's span, is refused like any cast */
	AOT_REFUSE_KEY_CAST = 1u << 10,
};

struct aot_profile {
	int first, last;
	unsigned what;
	const char *uaddr;
	const char *basis;
};

static const struct aot_profile profiles[] = {
#define AOT_PROFILE(first, last, what, uaddr, basis) { first, last, what, uaddr, basis },
#include "aot_versions.def"
#undef AOT_PROFILE
};

static const struct aot_profile *profile_of(int v)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (v >= profiles[i].first && v <= profiles[i].last)
			return &profiles[i];
	return NULL;
}

struct ctx_walk {
	struct bc_rule_ctx *ctx;
	const struct aot_profile *p;
	char ver[16];		/* "0.17" */
	int err;
};

static void refuse(struct ctx_walk *w, unsigned what, const struct bc_span *span, const char *fmt,
		   const char *arg)
{
	char msg[96];

	if (w->err || !(w->p->what & what))
		return;
	snprintf(msg, sizeof(msg), fmt, arg);
	if (!bc_diag_add(w->ctx->diags, w->ctx->rule->id, w->ctx->unit->display_path, span,
			 "bpftrace %s --aot refuses this: \"AOT does not yet support %s\"", w->ver, msg))
		w->err = -errno;
}

static void on_expr(const struct bc_expr *e, void *arg)
{
	struct ctx_walk *w = arg;
	const char *n;

	switch (e->kind) {
	case BC_EXPR_CAST:
		refuse(w, AOT_REFUSE_CAST, &e->span, "%s", "struct casts");
		break;
	case BC_EXPR_MAP:
		for (size_t i = 0; i < e->u.map.keys.n; i++) {
			const struct bc_stype *t = e->u.map.keys.v[i]->type;

			if (t && t->kind == BC_ST_INT && t->size < 8)
				refuse(w, AOT_REFUSE_KEY_CAST, &e->span, "%s", "struct casts");
		}
		break;
	case BC_EXPR_BUILTIN:
		if (!strcmp(e->u.name, "curtask"))
			refuse(w, AOT_REFUSE_CURTASK, &e->span, "%s", "accessing `curtask`");
		break;
	case BC_EXPR_PARAM:
	case BC_EXPR_PARAMCOUNT:
		refuse(w, AOT_REFUSE_PARAMS, &e->span, "%s", "positional parameters");
		break;
	case BC_EXPR_CALL:
		n = e->u.call.name;
		if (!strcmp(n, "kaddr"))
			refuse(w, AOT_REFUSE_KADDR, &e->span, "%s", "kaddr()");
		else if (!strcmp(n, "uaddr"))
			refuse(w, AOT_REFUSE_UADDR, &e->span, "%s()", w->p->uaddr);
		else if (!strcmp(n, "cgroupid"))
			refuse(w, AOT_REFUSE_CGROUPID, &e->span, "%s", "cgroupid()");
		break;
	default:
		break;
	}
}

/* A type held by value in T (arrays included) that the profile's runtime
 * keeps only through a weak_ptr. */
static const struct bc_stype *weak_type(const struct aot_profile *p, const struct bc_stype *t)
{
	while (t && t->kind == BC_ST_ARRAY)
		t = t->elem;
	if (!t)
		return NULL;
	if ((p->what & AOT_DROP_TUPLE) && (t->kind == BC_ST_TUPLE || t->kind == BC_ST_RECORD))
		return t;
	if ((p->what & AOT_DROP_CSTRUCT) && t->kind == BC_ST_CSTRUCT)
		return t;
	return NULL;
}

static int check_map(struct ctx_walk *w, const struct bc_sema_map *m)
{
	struct bc_rule_ctx *ctx = w->ctx;
	const struct bc_stype *t = weak_type(w->p, m->value);
	const struct bc_span *span = &m->value_span;
	const char *part = "value";
	char *name;
	struct bc_diag *d;

	for (size_t k = 0; !t && k < m->nr_keys; k++) {
		t = weak_type(w->p, m->key_types[k]);
		span = &m->key_span;
		part = "key";
	}
	if (!t)
		return 0;
	name = bc_stype_name(t, w->p->first);
	if (!name)
		return -ENOMEM;
	if (w->p->first == BC_BT(17))	/* seen: the map is missing from the output */
		d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path, span,
				"bpftrace-aotrt %s silently drops @%s: its %s holds %s by value, which "
				"the AOT blob keeps only through a weak_ptr that nothing owns after "
				"loading", w->ver, m->name, part, name);
	else
		d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path, span,
				"bpftrace-aotrt %s cannot rebuild @%s: its %s holds %s by value, which "
				"the AOT blob keeps only through a weak_ptr that nothing owns after "
				"loading (%s; 0.17's runtime drops such a map silently)", w->ver,
				m->name, part, name, w->p->basis);
	free(name);
	return d ? 0 : -errno;
}

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_sema *sema = bc_map_rule_sema(ctx);
	const struct bc_script *s;
	struct ctx_walk w = { .ctx = ctx };
	struct bc_diag *d;
	int v;

	if (!ctx->analysis || !ctx->analysis->aot || !sema)
		return 0;
	v = bc_sema_version(sema);
	s = bc_sema_script(sema);
	w.p = profile_of(v);
	if (!w.p) {
		/* said once, as a note: nothing was checked */
		struct bc_span at = { .line = 1, .col = 1 };

		d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path, &at,
				"--aot: the AOT build of bpftrace %d.%d.%d is not modelled (BC404 knows "
				"releases 0.17.0 to 0.26.x); nothing was checked for it", v / 10000,
				v / 100 % 100, v % 100);
		if (!d)
			return -errno;
		d->severity = BC_SEV_NOTE;
		return 0;
	}
	snprintf(w.ver, sizeof(w.ver), "%d.%d", v / 10000, v / 100 % 100);
	for (size_t i = 0; i < s->nr_items && !w.err; i++) {
		const struct bc_probe *p = s->items[i].kind == BC_ITEM_PROBE ? s->items[i].u.probe : NULL;

		for (size_t k = 0; p && k < p->nr_aps; k++) {
			enum bc_provider pv = p->aps[k]->provider;

			if (pv == BC_PROV_USDT)
				refuse(&w, AOT_REFUSE_USDT, &p->aps[k]->span, "%s", "USDT probes");
			else if (pv == BC_PROV_WATCHPOINT || pv == BC_PROV_ASYNCWATCHPOINT)
				refuse(&w, AOT_REFUSE_WATCHPOINT, &p->aps[k]->span, "%s",
				       "watchpoint probes");
		}
	}
	if (!w.err)
		bc_script_walk_exprs(s, on_expr, &w);
	for (size_t i = 0; i < bc_sema_nr_maps(sema) && !w.err; i++)
		w.err = check_map(&w, bc_sema_map_at(sema, i));
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
