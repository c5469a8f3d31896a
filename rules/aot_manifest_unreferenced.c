// SPDX-License-Identifier: Apache-2.0
/*
 * BC402 aot-manifest-unreferenced: a definition in "types" that no root
 * reaches. The mark phase (bc_manifest_mark) marks what the roots reach,
 * through fields, array elements and pointers, cycles included; whatever is
 * left unmarked is reported, and the safe fix sweeps it: it removes exactly
 * that member of "types" (with one separating comma), leaving every other
 * byte, and so the order of the other keys, as it was. A type that only
 * unused types reach is unused too and is removed with them (the fix loop
 * runs until nothing changes).
 *
 * Weak definitions of AOT blobs are not reported (the blob is not edited;
 * BC401 says what is wrong with them).
 */
#include <errno.h>

#include "manifest_common.h"
#include "../analyzer/core/unit.h"

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_manifest *m = bc_manifest_rule_manifest(ctx);
	struct bc_mmark mk;
	int err;

	if (!m)
		return 0;
	err = bc_manifest_mark(m, &mk);
	for (size_t i = 0; !err && i < m->nr_types; i++) {
		const struct bc_mtype *t = &m->types[i];
		struct bc_span span = bc_manifest_rule_span(ctx, t->span);
		struct bc_diag *d;
		struct bc_fix *fix;

		if (mk.reached[i] || t->weak)
			continue;
		d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path, &span,
				"%s \"%s\" is not reachable from any root: nothing the runtime prints "
				"uses it", bc_mkind_name(t->kind), t->name);
		if (!d) {
			err = -errno;
			break;
		}
		if (ctx->unit->kind != BC_KIND_MANIFEST || t->remove.end <= t->remove.start)
			continue;
		fix = bc_diag_fix(d, BC_FIX_SAFE, "remove the unused type");
		if (!fix || bc_fix_edit(fix, &t->remove, ""))
			err = -ENOMEM;
	}
	bc_mmark_free(&mk);
	return err;
}

const struct bc_rule bc_rule_aot_manifest_unreferenced = {
	.id = BC_RULE_AOT_MANIFEST_UNREFERENCED,
	.code = "BC402",
	.name = "aot-manifest-unreferenced",
	.summary = "a manifest type that no root reaches; the safe fix prunes it (mark and sweep)",
	.kinds = BC_RULE_ON_MANIFEST,
	.fixable = true,
	.check = check,
};
