// SPDX-License-Identifier: Apache-2.0
/* The analysis request and its rule selection (see analysis.h). */
#include <string.h>

#include "analysis.h"

void bc_analysis_init(struct bc_analysis *a, const struct bc_target *target)
{
	memset(a, 0, sizeof(*a));
	a->target = target;
}

void bc_analysis_apply_severity(const struct bc_analysis *a, struct bc_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		enum bc_rule_id id = d->v[i].rule_id;

		/* a syntax error fails the unit: always an error */
		if ((unsigned)id < BC_NR_RULE_IDS && a->rules[id].severity != BC_SEV_NONE &&
		    id != BC_RULE_SYNTAX_ERROR)
			d->v[i].severity = a->rules[id].severity;
	}
}
