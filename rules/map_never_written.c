// SPDX-License-Identifier: Apache-2.0
/*
 * BC303 map-never-written: a map the script reads (an expression, print(),
 * clear(), zero(), delete(), len(), has_key(), a for loop) but never writes
 * anywhere. Reads of a map that a later probe writes are fine: only maps
 * with no write at all are reported, once, at their first use.
 *
 * bpftrace refuses such a script ("Undefined map: @m"): semantic analysis
 * records that as a map issue, and the finding is then an error. A map
 * declared with `let @m = hash(N)` (0.24+) is accepted but always empty:
 * that is a warning.
 */
#include <errno.h>

#include "map_common.h"
#include "../analyzer/core/unit.h"

static bool is_read(enum bc_map_use_kind k)
{
	return k != BC_MAP_USE_DECL && k != BC_MAP_USE_ADDR && !bc_map_use_writes(k);
}

static const char *use_name(enum bc_map_use_kind k)
{
	switch (k) {
	case BC_MAP_USE_CLEAR: return "clear()";
	case BC_MAP_USE_ZERO: return "zero()";
	case BC_MAP_USE_DELETE: return "delete()";
	case BC_MAP_USE_LEN: return "len()";
	case BC_MAP_USE_PRINT: return "print()";
	case BC_MAP_USE_HAS_KEY: return "has_key()";
	case BC_MAP_USE_FOR: return "a for loop";
	default: return "a read";
	}
}

static const struct bc_sema_map_issue *undefined(const struct bc_sema_map *m)
{
	for (size_t i = 0; i < m->nr_issues; i++)
		if (m->issues[i].kind == BC_MAP_ISSUE_UNDEFINED)
			return &m->issues[i];
	return NULL;
}

static int report(struct bc_rule_ctx *ctx, const struct bc_sema *sema, const struct bc_sema_map *m)
{
	const struct bc_sema_map_use *first = NULL;
	const struct bc_sema_map_issue *refused = undefined(m);
	char ver[16];
	struct bc_diag *d;

	for (size_t i = 0; i < m->nr_uses; i++) {
		if (m->uses[i].kind == BC_MAP_USE_DECL || !is_read(m->uses[i].kind))
			continue;
		if (!first || m->uses[i].span.start < first->span.start)
			first = &m->uses[i];
	}
	if (!first)
		return 0;
	bc_btv_str(bc_sema_version(sema), ver);
	if (refused)
		d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path, &first->span,
				"map @%s is read but never written anywhere in the script; "
				"bpftrace %s refuses it: %s", m->name, ver, refused->message);
	else
		d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path, &first->span,
				"map @%s is read but never written anywhere in the script: "
				"it is always empty", m->name);
	if (!d)
		return -errno;
	if (refused)
		d->severity = BC_SEV_ERROR;
	for (size_t i = 0; i < m->nr_uses; i++) {
		const struct bc_sema_map_use *u = &m->uses[i];

		if (u == first || !is_read(u->kind))
			continue;
		if (bc_diag_note(d, NULL, &u->span, "also %s of @%s here", use_name(u->kind),
				 m->name))
			return -ENOMEM;
	}
	if (m->declared && bc_sema_map_uses(m, BC_MAP_USE_DECL, &first) &&
	    bc_diag_note(d, NULL, &first->span, "@%s is declared here", m->name))
		return -ENOMEM;
	return 0;
}

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_sema *sema = bc_map_rule_sema(ctx);

	if (!sema)
		return 0;
	for (size_t i = 0; i < bc_sema_nr_maps(sema); i++) {
		const struct bc_sema_map *m = bc_sema_map_at(sema, i);
		bool written = false;
		int err;

		for (size_t k = 0; k < m->nr_uses && !written; k++)
			written = bc_map_use_writes(m->uses[k].kind);
		if (written)
			continue;
		err = report(ctx, sema, m);
		if (err)
			return err;
	}
	return 0;
}

const struct bc_rule bc_rule_map_never_written = {
	.id = BC_RULE_MAP_NEVER_WRITTEN,
	.code = "BC303",
	.name = "map-never-written",
	.summary = "a map is read, printed or cleared but never written anywhere in the script",
	.kinds = BC_RULE_ON_SCRIPT,
	.check = check,
};
