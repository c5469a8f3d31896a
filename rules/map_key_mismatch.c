// SPDX-License-Identifier: Apache-2.0
/*
 * BC304 map-key-mismatch: a map used with a different number of keys or
 * different key types than its first use in the text, which bpftrace
 * refuses ("Argument mismatch for @m: trying to access with arguments: [...]
 * when map expects arguments: [...]"). Semantic analysis finds these while
 * it types the keys (per version: integer keys are stored as 64-bit unsigned
 * until 0.24, with their own width from 0.25; strings of any size match);
 * this rule reports each with the use that fixed the keys as a note.
 */
#include <errno.h>
#include <string.h>

#include "map_common.h"
#include "../analyzer/core/unit.h"

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_sema *sema = bc_map_rule_sema(ctx);

	if (!sema)
		return 0;
	for (size_t i = 0; i < bc_sema_nr_maps(sema); i++) {
		const struct bc_sema_map *m = bc_sema_map_at(sema, i);

		for (size_t k = 0; k < m->nr_issues; k++) {
			const struct bc_sema_map_issue *is = &m->issues[k];
			struct bc_diag *d;
			int err = 0;

			if (is->kind != BC_MAP_ISSUE_KEYS)
				continue;
			d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path,
					&is->span, "%s", is->message);
			if (!d)
				return -errno;
			if (!m->key_span.line)
				continue;
			if (is->first && !strcmp(is->first, "[]"))
				err = bc_diag_note(d, NULL, &m->key_span,
						   "@%s is first used here, without keys", m->name);
			else
				err = bc_diag_note(d, NULL, &m->key_span,
						   "@%s is first used here, with keys %s", m->name,
						   is->first ? is->first : "");
			if (err)
				return err;
		}
	}
	return 0;
}

const struct bc_rule bc_rule_map_key_mismatch = {
	.id = BC_RULE_MAP_KEY_MISMATCH,
	.code = "BC304",
	.name = "map-key-mismatch",
	.summary = "a map is used with a different number of keys or different key types",
	.kinds = BC_RULE_ON_SCRIPT,
	.check = check,
};
