// SPDX-License-Identifier: Apache-2.0
/*
 * -f svg (`bpfcheck stack --format svg`): the picture of one program's
 * frame (reporters/stack_svg.h) as a file of its own, for a README or a
 * code review. The run must hold exactly one program with a frame; with
 * none or several the report is an error naming them (-f html shows all).
 */
#include <errno.h>

#include "report_common.h"
#include "source.h"
#include "stack_svg.h"
#include "../analyzer/core/unit.h"

static int svg_report(FILE *out, const struct bc_run *run)
{
	const struct bc_unit *pu = NULL;
	const struct bc_func *pf = NULL;
	struct bc_sources src;
	size_t n = 0;
	int err;

	for (size_t i = 0; i < run->nr_units; i++) {
		const struct bc_unit *u = run->units[i];

		for (size_t k = 0; k < u->facts.nr_funcs; k++)
			if (u->facts.funcs[k].is_entry && bc_stack_svg_wanted(&u->facts.funcs[k])) {
				pu = u;
				pf = &u->facts.funcs[k];
				n++;
			}
	}
	if (n != 1) {
		fprintf(stderr, "bpfcheck: error: -f svg draws one program; the input has %zu "
				"(-f html draws each)\n", n);
		for (size_t i = 0; i < run->nr_units; i++)
			if (run->units[i]->status)
				fprintf(stderr, "bpfcheck: error: %s: %s\n", run->units[i]->display_path,
					run->units[i]->error);
		return -EINVAL;
	}
	bc_sources_init(&src, run);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	err = bc_stack_svg(out, &src, pu, pf, bc_run_target(run), 0, true);
	bc_sources_free(&src);
	return err;
}

const struct bc_reporter bc_reporter_svg = {
	.name = "svg",
	.report = svg_report,
};
