// SPDX-License-Identifier: Apache-2.0
/*
 * --statistics: how many findings each rule has, most first (as ruff's
 * --statistics), instead of the findings:
 *
 *      4  BC302  clear-keyless-map  warning
 *      1  BC102  semantic-error     error
 *
 * then the inputs that could not be checked, one line each.
 */
#include <errno.h>
#include <stdlib.h>

#include "report_common.h"
#include "utf8.h"
#include "../analyzer/core/unit.h"

struct count {
	enum bc_rule_id id;
	enum bc_severity worst;
	size_t n;
};

static int by_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return (int)x->id - (int)y->id;
}

static int report(FILE *out, const struct bc_run *run)
{
	struct count c[BC_NR_RULE_IDS] = { 0 };
	size_t n = 0;

	for (size_t i = 0; i < run->nr_units; i++) {
		const struct bc_unit *u = run->units[i];

		for (size_t j = 0; j < u->diags.n; j++) {
			const struct bc_diag *d = &u->diags.v[j];

			if (!bc_diag_reported(d) || (unsigned)d->rule_id >= BC_NR_RULE_IDS)
				continue;
			c[d->rule_id].id = d->rule_id;
			c[d->rule_id].n++;
			if (d->severity > c[d->rule_id].worst)
				c[d->rule_id].worst = d->severity;
		}
	}
	for (size_t i = 0; i < BC_NR_RULE_IDS; i++)
		if (c[i].n)
			c[n++] = c[i];
	qsort(c, n, sizeof(c[0]), by_count);
	for (size_t i = 0; i < n; i++) {
		const struct bc_rule *r = bc_rule_get(c[i].id);

		fprintf(out, "%6zu  %s  %-28s %s\n", c[i].n, r->code, r->name,
			bc_report_severity(c[i].worst));
	}
	for (size_t i = 0; i < run->nr_units; i++)
		if (run->units[i]->status) {
			bc_put_safe_str(out, run->units[i]->display_path);
			fputs(": error: ", out);
			bc_put_safe_str(out, run->units[i]->error ? run->units[i]->error
								  : "could not be processed");
			fputc('\n', out);
		}
	return ferror(out) ? -EIO : 0;
}

const struct bc_reporter bc_reporter_statistics = {
	.name = "statistics",
	.report = report,
};
