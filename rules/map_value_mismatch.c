// SPDX-License-Identifier: Apache-2.0
/*
 * BC305 map-value-mismatch: a map written with a value bpftrace refuses
 * next to what it already holds ("Type mismatch for @m: trying to assign
 * value of type 'string[64]' when map already contains a value of type
 * 'int64'"; for buffers, arrays and tuples of another size or shape:
 * "Buffer size mismatch", "Array type mismatch", "Tuple type mismatch").
 * Semantic analysis finds these while it types the values; this rule
 * reports each, with the assignment that first typed the map as a note.
 */
#include <errno.h>
#include <string.h>

#include "map_common.h"
#include "../analyzer/core/unit.h"

/* Whether MSG names map NAME ("@name" followed by a non-name character). */
static bool names_map(const char *msg, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = strchr(msg, '@'); p; p = strchr(p + 1, '@'))
		if (!strncmp(p + 1, name, n) && (p[1 + n] == ':' || p[1 + n] == ' ' || !p[1 + n]))
			return true;
	return false;
}

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

			if (is->kind != BC_MAP_ISSUE_VALUE)
				continue;
			if (names_map(is->message, m->name))
				d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path,
						&is->span, "%s", is->message);
			else
				d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path,
						&is->span, "@%s: %s", m->name, is->message);
			if (!d)
				return -errno;
			if (m->value_span.line &&
			    bc_diag_note(d, NULL, &m->value_span,
					 "@%s first gets a value here, of type '%s'", m->name,
					 is->first ? is->first : "?"))
				return -ENOMEM;
		}
	}
	return 0;
}

const struct bc_rule bc_rule_map_value_mismatch = {
	.id = BC_RULE_MAP_VALUE_MISMATCH,
	.code = "BC305",
	.name = "map-value-mismatch",
	.summary = "a map is written with a value whose type does not match what it already holds",
	.kinds = BC_RULE_ON_SCRIPT,
	.check = check,
};
