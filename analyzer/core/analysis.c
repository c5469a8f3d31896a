// SPDX-License-Identifier: Apache-2.0
/* The analysis request and its rule selection (see analysis.h). */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

void bc_analysis_init(struct bc_analysis *a, const struct bc_target *target)
{
	memset(a, 0, sizeof(*a));
	a->target = target;
}

void bc_analysis_free(struct bc_analysis *a)
{
	free(a->rules);
	a->rules = NULL;
	a->nr_rules = 0;
}

static const struct bc_rule_choice *choice_of(const struct bc_analysis *a,
					      const struct bc_rule *r)
{
	for (size_t i = 0; i < a->nr_rules; i++)
		if (a->rules[i].rule == r)
			return &a->rules[i];
	return NULL;
}

bool bc_analysis_rule_enabled(const struct bc_analysis *a, const struct bc_rule *r)
{
	const struct bc_rule_choice *c = choice_of(a, r);

	return !c || c->enabled;
}

void bc_analysis_apply_severity(const struct bc_analysis *a, struct bc_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct bc_rule_choice *c;

		if (!d->v[i].rule)
			continue;
		c = choice_of(a, d->v[i].rule);
		if (c && c->severity != BC_SEV_NONE)
			d->v[i].severity = c->severity;
	}
}
