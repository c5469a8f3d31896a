// SPDX-License-Identifier: Apache-2.0
/*
 * One line per finding, code first, no notes and no source excerpt (as
 * ruff's `--output-format concise`), for pre-commit hooks and terminals:
 *
 *   path:line:col: CODE severity: message
 *   path: error: why the input could not be checked
 *   Found 3 findings (1 error, 2 warnings, 0 notes) in 2 files.
 *
 * The last line is left out with --quiet.
 */
#include <errno.h>

#include "report_common.h"
#include "utf8.h"
#include "../analyzer/core/unit.h"

static void place(FILE *out, const char *path, const struct bc_span *span)
{
	bc_put_safe_str(out, path);
	if (span->line) {
		fprintf(out, ":%u", span->line);
		if (span->col)
			fprintf(out, ":%u", span->col);
	}
	fputs(": ", out);
}

static int report(FILE *out, const struct bc_run *run)
{
	struct bc_summary s;
	size_t found;

	for (size_t i = 0; i < run->nr_units; i++) {
		const struct bc_unit *u = run->units[i];

		if (u->status) {
			place(out, u->display_path, &u->error_span);
			fputs("error: ", out);
			bc_put_safe_str(out, u->error ? u->error : "could not be processed");
			fputc('\n', out);
		}
		for (size_t j = 0; j < u->diags.n; j++) {
			const struct bc_diag *d = &u->diags.v[j];

			if (!bc_diag_reported(d))
				continue;
			place(out, d->path ? d->path : u->display_path, &d->span);
			fprintf(out, "%s %s: ", bc_rule_get(d->rule_id)->code,
				bc_report_severity(d->severity));
			bc_put_safe_str(out, d->message);
			fputc('\n', out);
		}
	}
	if (!run->opts.quiet) {
		bc_run_summary(run, &s);
		found = s.errors + s.warnings + s.notes;
		fprintf(out, "Found %zu %s (%zu %s, %zu %s, %zu %s) in %zu %s", found,
			found == 1 ? "finding" : "findings", s.errors,
			s.errors == 1 ? "error" : "errors", s.warnings,
			s.warnings == 1 ? "warning" : "warnings", s.notes,
			s.notes == 1 ? "note" : "notes", s.files - s.failed_files,
			s.files - s.failed_files == 1 ? "file" : "files");
		if (s.failed_files)
			fprintf(out, "; %zu could not be checked", s.failed_files);
		if (run->skipped)
			fprintf(out, "; %zu skipped (not BPF %s)", run->skipped,
				run->skipped == 1 ? "input" : "inputs");
		fputs(".\n", out);
	}
	return ferror(out) ? -EIO : 0;
}

const struct bc_reporter bc_reporter_concise = {
	.name = "concise",
	.report = report,
};
