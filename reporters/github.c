// SPDX-License-Identifier: Apache-2.0
/*
 * GitHub Actions workflow commands: each finding becomes an annotation on
 * the pull request's diff.
 *
 *   ::error file=p.bt,line=3,col=12,endLine=3,endColumn=24,title=BC201 stack-limit-exceeded::message
 *
 * Paths under the current directory (the checkout, in a workflow) are made
 * relative to it, as annotations need. Data is escaped as the runner requires (% \r \n); property values also
 * escape ':' and ','; control bytes and bidi overrides from the input become
 * '?' as in the text format (utf8.h). Notes and the fix title follow the message on their
 * own lines (%0A).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "report_common.h"
#include "utf8.h"
#include "../analyzer/core/unit.h"

static void escape(FILE *out, const char *s, bool property)
{
	while (s && *s) {
		/* the runner shows the log in a terminal-like viewer: text from
		 * inputs (paths, messages) goes through the same filter as the
		 * text format's (no escape sequences, no bidi overrides) */
		size_t n = strcspn(s, property ? "%\r\n:," : "%\r\n");

		if (n) {
			bc_put_safe(out, s, n);
			s += n;
			continue;
		}
		switch (*s++) {
		case '%':
			fputs("%25", out);
			break;
		case '\r':
			fputs("%0D", out);
			break;
		case '\n':
			fputs("%0A", out);
			break;
		case ':':
			fputs(property ? "%3A" : ":", out);
			break;
		case ',':
			fputs(property ? "%2C" : ",", out);
			break;
		}
	}
}

static const char *command(enum bc_severity s)
{
	return s == BC_SEV_ERROR ? "error" : s == BC_SEV_WARNING ? "warning" : "notice";
}

/* file=...,line=...,col=...,endLine=...,endColumn=... (columns only for a
 * single-line range: GitHub ignores them across lines) */
static void position(FILE *out, const char *cwd, const char *path, const struct bc_span *span)
{
	unsigned eline, ecol;

	fputs("file=", out);
	escape(out, bc_report_relpath(path, cwd), true);
	if (!span->line)
		return;
	bc_span_end(span, &eline, &ecol);
	fprintf(out, ",line=%u", span->line);
	if (eline == span->line && span->col)
		fprintf(out, ",col=%u", span->col);
	fprintf(out, ",endLine=%u", eline);
	if (eline == span->line && span->col)
		fprintf(out, ",endColumn=%u", ecol);
}

/* "path:line:col" for a note's location in the message text */
static void where(FILE *out, const char *path, const struct bc_span *span)
{
	escape(out, path, false);
	if (span->line)
		fprintf(out, ":%u", span->line);
	if (span->line && span->col)
		fprintf(out, ":%u", span->col);
}

static void annotation(FILE *out, const char *cwd, const struct bc_unit *u,
		       const struct bc_diag *d)
{
	const char *path = d->path ? d->path : u->display_path;

	fprintf(out, "::%s ", command(d->severity));
	position(out, cwd, path, &d->span);
	fputs(",title=", out);
	escape(out, bc_rule_get(d->rule_id)->code, true);
	fputc(' ', out);
	escape(out, bc_rule_get(d->rule_id)->name, true);
	fputs("::", out);
	escape(out, d->message, false);
	for (size_t i = 0; i < d->nr_notes; i++) {
		const struct bc_note *n = &d->notes[i];

		fputs("%0Anote: ", out);
		if (n->span.line || n->path) {
			where(out, bc_report_relpath(n->path ? n->path : path, cwd), &n->span);
			fputs(": ", out);
		}
		escape(out, n->message, false);
	}
	if (d->fix) {
		fputs("%0Afix available", out);
		if (d->fix->title) {
			fputs(": ", out);
			escape(out, d->fix->title, false);
		}
		if (d->fix->applicability == BC_FIX_UNSAFE)
			fputs(" (unsafe fix: use --unsafe-fixes)", out);
	}
	fputc('\n', out);
}

static int report(FILE *out, const struct bc_run *run)
{
	char cwd[PATH_MAX];

	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = 0;
	for (size_t i = 0; i < run->nr_units; i++) {
		const struct bc_unit *u = run->units[i];

		if (u->status) {
			fputs("::error ", out);
			position(out, cwd, u->display_path, &u->error_span);
			fputs(",title=bpfcheck::", out);
			escape(out, u->error ? u->error : "could not be processed", false);
			fputc('\n', out);
		}
		for (size_t j = 0; j < u->diags.n; j++)
			if (bc_diag_reported(&u->diags.v[j]))
				annotation(out, cwd, u, &u->diags.v[j]);
	}
	return ferror(out) ? -EIO : 0;
}

const struct bc_reporter bc_reporter_github = {
	.name = "github",
	.report = report,
};
