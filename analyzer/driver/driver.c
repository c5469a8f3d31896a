// SPDX-License-Identifier: Apache-2.0
/* The driver: runs the front end for a unit's kind, then the rules. */
#include <errno.h>
#include <string.h>

#include "driver.h"
#include "../frontend/frontends.h"
#include "result_cache.h"
#include "suppress.h"
#include "../core/analysis.h"
#include "../core/unit.h"
#include "group.h"
#include "../../rules/registry.h"

static unsigned kind_mask(enum bc_kind k)
{
	switch (k) {
	case BC_KIND_SCRIPT:
		return BC_RULE_ON_SCRIPT;
	case BC_KIND_LLVM_IR:
	case BC_KIND_LLVM_BC:
	case BC_KIND_C_SOURCE:	/* compiled to IR and analysed as IR */
		return BC_RULE_ON_IR;
	case BC_KIND_OBJECT:
		return BC_RULE_ON_OBJECT;
	case BC_KIND_MANIFEST:
		return BC_RULE_ON_MANIFEST;
	case BC_KIND_AOT:	/* a manifest and BPF programs */
		return BC_RULE_ON_MANIFEST | BC_RULE_ON_OBJECT;
	default:
		return 0;
	}
}

/* Drops diagnostics of rules the selection disables (front ends report
 * syntax errors and the like without asking). */
static void drop_disabled(struct bc_unit *u, const struct bc_analysis *a)
{
	struct bc_diags *d = &u->diags;
	size_t k = 0;

	for (size_t i = 0; i < d->n; i++) {
		if (bc_analysis_rule_enabled(a, d->v[i].rule_id))
			d->v[k++] = d->v[i];
		else
			bc_diag_clear(&d->v[i]);
	}
	d->n = k;
}

static int run_rules(struct bc_unit *u, const struct bc_analysis *a)
{
	unsigned mask = kind_mask(u->kind);

	for (size_t i = 0; bc_rules[i]; i++) {
		const struct bc_rule *r = bc_rules[i];
		struct bc_rule_ctx ctx = {
			.rule = r, .unit = u, .target = a->target, .analysis = a, .diags = &u->diags,
		};
		int err;

		if (!r->check || !(r->kinds & mask) || !bc_analysis_rule_enabled(a, r->id))
			continue;
		err = r->check(&ctx);
		if (err)
			return bc_unit_fail(u, err, NULL, "rule %s failed: %s", r->code, strerror(-err));
	}
	return 0;
}

static int analyze(struct bc_unit *u, const struct bc_analysis *a)
{
	const struct bc_frontend *fe;
	int err;

	if (u->status)
		return u->status;
	if (bc_analysis_cancelled(a))
		return bc_unit_fail(u, -ECANCELED, NULL, "analysis cancelled");
	fe = bc_frontend_for(u->kind);
	if (!fe || !fe->analyze)
		return bc_unit_fail(u, -EOPNOTSUPP, NULL, "%s input is not supported yet",
				    bc_kind_name(u->kind));
	err = fe->analyze(u, a);
	if (err)
		return u->status ? u->status : bc_unit_fail(u, err, NULL, "%s", strerror(-err));
	if (bc_analysis_cancelled(a))
		return bc_unit_fail(u, -ECANCELED, NULL, "analysis cancelled");
	err = run_rules(u, a);
	if (!err && bc_group_findings(u))
		err = bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	if (!err && u->kind == BC_KIND_SCRIPT && bc_suppress_apply(u, a))
		err = bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	drop_disabled(u, a);
	bc_diags_sort(&u->diags);
	return err;
}

int bc_analyze_unit(struct bc_unit *u, const struct bc_analysis *a)
{
	struct bc_result_key key;
	int err;

	bc_result_key_init(&key, u, a);
	if (bc_result_cache_get(&key, u, a)) {
		bc_result_key_free(&key);
		return 0;
	}
	err = analyze(u, a);
	bc_analysis_apply_severity(a, &u->diags);
	if (!err)
		bc_result_cache_put(&key, u);	/* a failed write costs the next run only */
	bc_result_key_free(&key);
	return err;
}
