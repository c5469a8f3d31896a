// SPDX-License-Identifier: Apache-2.0
/*
 * One line per finding, as `gcc -fdiagnostics-format=text` and ShellCheck
 * `-f gcc` print them, for editors' error parsers (Vim quickfix, Emacs
 * compilation mode):
 *
 *   path:line:col: severity: message [CODE]
 *   path:line:col: note: message
 */
#include <errno.h>

#include "report_common.h"
#include "utf8.h"
#include "../analyzer/core/unit.h"

static void line(FILE *out, const char *path, const struct bc_span *span, const char *sev,
		 const char *message, const char *code)
{
	bc_put_safe_str(out, path);
	if (span->line) {
		fprintf(out, ":%u", span->line);
		if (span->col)
			fprintf(out, ":%u", span->col);
	}
	fprintf(out, ": %s: ", sev);
	bc_put_safe_str(out, message);
	if (code)
		fprintf(out, " [%s]", code);
	fputc('\n', out);
}

static int report(FILE *out, const struct bc_run *run)
{
	for (size_t i = 0; i < run->nr_units; i++) {
		const struct bc_unit *u = run->units[i];

		if (u->status)
			line(out, u->display_path, &u->error_span, "error",
			     u->error ? u->error : "could not be processed", NULL);
		for (size_t j = 0; j < u->diags.n; j++) {
			const struct bc_diag *d = &u->diags.v[j];
			const char *path = d->path ? d->path : u->display_path;

			if (!bc_diag_reported(d))
				continue;
			line(out, path, &d->span, bc_report_severity(d->severity), d->message,
			     bc_rule_get(d->rule_id)->code);
			for (size_t k = 0; k < d->nr_notes; k++)
				line(out, d->notes[k].path ? d->notes[k].path : path, &d->notes[k].span,
				     "note", d->notes[k].message, NULL);
		}
	}
	return ferror(out) ? -EIO : 0;
}

const struct bc_reporter bc_reporter_gcc = {
	.name = "gcc",
	.report = report,
};
