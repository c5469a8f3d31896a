// SPDX-License-Identifier: Apache-2.0
/*
 * BC401 aot-manifest-open: a manifest is not closed under type references.
 * A root (a map key or value, printf/system/cat arguments, a print() value)
 * reaches, through fields, array elements and pointers, a "#/types/NAME"
 * that the manifest does not define; the runtime would then decode that
 * value without its layout. One finding per missing name, at its first
 * reference, naming a root that reaches it and the path of fields; every
 * other root that reaches it is a note.
 *
 * In an AOT blob of bpftrace 0.17 the definitions of tuples and records are
 * in the archive but held only through SizedType::inner_struct_, a weak_ptr
 * (src/types.h at v0.17.0): once bpftrace-aotrt has loaded the blob nothing
 * owns them, and it silently drops the maps whose keys or values use them
 * (docs/manifest.md). Such a type counts as missing, and the finding says so.
 */
#include <errno.h>

#include "manifest_common.h"
#include "../analyzer/core/unit.h"

static const char *what_of(const struct bc_manifest *m, const char *name)
{
	ssize_t t = bc_manifest_find(m, name);

	return t >= 0 ? bc_mkind_name(m->types[t].kind) : "type";
}

static bool is_map(const struct bc_mroot *r)
{
	return r->name[0] == '@';
}

static int report(struct bc_rule_ctx *ctx, const struct bc_manifest *m, const struct bc_mmissing *x)
{
	const struct bc_mroot *r = &m->roots[x->paths[0].root];
	struct bc_span span = bc_manifest_rule_span(ctx, x->ref->span);
	struct bc_diag *d;

	if (x->weak)
		d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path, &span,
				"%s %s reaches the %s %s, which the blob does not own: bpftrace %s "
				"keeps it only through a weak_ptr, so bpftrace-aotrt frees it on "
				"loading and %s %s",
				r->use, r->name, what_of(m, x->name), x->name,
				m->bpftrace ? m->bpftrace : "0.17",
				is_map(r) ? "silently drops" : "cannot format", r->name);
	else
		d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path, &span,
				"the manifest is not closed: %s reaches " BC_MANIFEST_REF_PREFIX
				"%s, which has no definition in \"types\"", x->paths[0].text,
				x->name);
	if (!d)
		return -errno;
	if (x->weak && bc_diag_note(d, NULL, &span, "reached by %s", x->paths[0].text))
		return -ENOMEM;
	for (size_t i = 1; i < x->nr_paths; i++) {
		const struct bc_mroot *o = &m->roots[x->paths[i].root];
		struct bc_span at = bc_manifest_rule_span(ctx, o->span);

		if (bc_diag_note(d, NULL, &at, "also reached by %s", x->paths[i].text))
			return -ENOMEM;
	}
	return 0;
}

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_manifest *m = bc_manifest_rule_manifest(ctx);
	struct bc_mmark mk;
	int err;

	if (!m)
		return 0;
	err = bc_manifest_mark(m, &mk);
	for (size_t i = 0; !err && i < mk.nr_missing; i++)
		err = report(ctx, m, &mk.missing[i]);
	bc_mmark_free(&mk);
	return err;
}

const struct bc_rule bc_rule_aot_manifest_open = {
	.id = BC_RULE_AOT_MANIFEST_OPEN,
	.code = "BC401",
	.name = "aot-manifest-open",
	.summary = "a manifest misses a type reachable from a root (or an AOT blob does not own it)",
	.kinds = BC_RULE_ON_MANIFEST,
	.check = check,
};
