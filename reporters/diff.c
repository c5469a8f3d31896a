// SPDX-License-Identifier: Apache-2.0
/*
 * The `diff` format (also --diff): what the fixes would change, as one
 * unified diff per changed file (reporters/udiff.h), which `git apply` and
 * `patch -p1` read. The findings themselves are not shown; the run computes
 * the fixed texts for it (run->fixed) without writing any file.
 */
#include "reporter.h"
#include "udiff.h"
#include "../analyzer/core/unit.h"

static int report(FILE *out, const struct bc_run *run)
{
	int err = 0;

	for (size_t i = 0; run->fixed && i < run->nr_units && !err; i++) {
		const struct bc_unit *u = run->units[i], *f = run->fixed[i];

		if (f)
			err = bc_udiff_write(out, u->display_path, u->data, u->size, f->data,
					     f->size);
	}
	return err;
}

const struct bc_reporter bc_reporter_diff = {
	.name = "diff",
	.report = report,
	.shows_fixes = true,
};
