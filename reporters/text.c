// SPDX-License-Identifier: Apache-2.0
/*
 * The default format, in the compiler style people know:
 *
 *   probe.bt:3:12: error: program 'kprobe:f' needs 520 bytes ... [BC201]
 *       3 | kprobe:f { @x[str(arg0)] = count(); }
 *         |            ^~~~~~~~~~~~~
 *   probe.bt:3:15: note: 256 bytes: map-key @x
 *   ...
 *   1 error, 0 warnings, 0 notes in 1 file
 */
#include <errno.h>
#include <string.h>

#include "report_common.h"
#include "source.h"
#include "utf8.h"
#include "../analyzer/core/unit.h"

#define SGR_RESET	"\033[0m"
#define SGR_BOLD	"\033[1m"
#define SGR_ERROR	"\033[1;31m"
#define SGR_WARNING	"\033[1;35m"
#define SGR_NOTE	"\033[1;36m"
#define SGR_CARET	"\033[1;32m"

struct text_ctx {
	FILE *out;
	const struct bc_run *run;
	struct bc_sources src;
	bool color;
	const char *first_code;	/* the first rule reported: the explain hint names it */
	int err;
};

static void sgr(struct text_ctx *c, const char *code)
{
	if (c->color)
		fputs(code, c->out);
}

static const char *severity_sgr(enum bc_severity s)
{
	return s == BC_SEV_ERROR ? SGR_ERROR : s == BC_SEV_WARNING ? SGR_WARNING : SGR_NOTE;
}

/*
 * " [CODE]"; with colour on, CODE is a terminal hyperlink (OSC 8) to the
 * rule's page when there is one: under the project URL, or the installed
 * page (docs/output.md). Plain output stays as it was.
 */
static void rule_code(struct text_ctx *c, const char *code)
{
	char url[512];

	if (!c->first_code)
		c->first_code = code;
	if (!c->color || !bc_rule_doc_url(url, sizeof(url), code, c->run->opts.doc_dir, true)) {
		fprintf(c->out, " [%s]", code);
		return;
	}
	fprintf(c->out, " [\033]8;;%s\033\\%s\033]8;;\033\\]", url, code);
}

/* "path:line:col: severity: message [CODE]" */
static void headline(struct text_ctx *c, const char *path, const struct bc_span *span,
		     enum bc_severity sev, const char *message, const char *code)
{
	sgr(c, SGR_BOLD);
	bc_put_safe_str(c->out, path);
	if (span && span->line) {
		fprintf(c->out, ":%u", span->line);
		if (span->col)
			fprintf(c->out, ":%u", span->col);
	}
	fputs(": ", c->out);
	sgr(c, SGR_RESET);
	sgr(c, severity_sgr(sev));
	fprintf(c->out, "%s:", bc_report_severity(sev));
	sgr(c, SGR_RESET);
	fputc(' ', c->out);
	sgr(c, SGR_BOLD);
	bc_put_safe_str(c->out, message);
	if (code)
		rule_code(c, code);
	sgr(c, SGR_RESET);
	fputc('\n', c->out);
}

/* The source line of SPAN (around the span when the line is long:
 * bc_excerpt_window) and a caret line under the span's first line. */
static void excerpt(struct text_ctx *c, const struct bc_unit *owner, const char *path,
		    const struct bc_span *span)
{
	struct bc_display_line dl;
	struct bc_excerpt x;
	size_t len, startb, endb, from, width, lead;
	unsigned eline, ecol;
	const char *text;

	if (!span->line)
		return;
	text = bc_sources_line(&c->src, owner, path, span->line, &len);
	if (!text)
		return;
	startb = endb = 0;
	if (span->col) {
		bc_span_end(span, &eline, &ecol);
		startb = span->col - 1 < len ? span->col - 1 : len;
		if (eline > span->line)
			endb = len;	/* a multi-line span: to the end of its first line */
		else
			endb = ecol < len ? ecol : len;
		if (endb < startb)
			endb = startb;
	}
	bc_excerpt_window(text, len, startb, endb, 0, &x);
	if (bc_display_line_init(&dl, text + x.from, x.to - x.from)) {
		c->err = -ENOMEM;
		return;
	}
	lead = x.cut_left ? strlen(BC_EXCERPT_ELLIPSIS) : 0;
	fprintf(c->out, "%5u | %s%s%s\n", span->line, x.cut_left ? BC_EXCERPT_ELLIPSIS : "",
		dl.text, x.cut_right ? BC_EXCERPT_ELLIPSIS : "");
	if (span->col) {
		/* window-relative, clipped to what is shown */
		startb = startb > x.from ? startb - x.from : 0;
		endb = endb > x.from ? endb - x.from : 0;
		if (startb > dl.len)
			startb = dl.len;
		if (endb > dl.len)
			endb = dl.len;
		/* never end inside a multi-byte character */
		while (endb > 0 && endb < dl.len &&
		       ((unsigned char)text[x.from + endb] & 0xc0) == 0x80 &&
		       dl.col[endb] == dl.col[endb - 1])
			endb++;
		from = dl.col[startb];
		width = endb > startb ? dl.col[endb] - from : 0;
		if (!width)
			width = 1;
		fputs("      | ", c->out);
		fprintf(c->out, "%*s", (int)(lead + from), "");
		sgr(c, SGR_CARET);
		fputc('^', c->out);
		for (size_t i = 1; i < width; i++)
			fputc('~', c->out);
		sgr(c, SGR_RESET);
		fputc('\n', c->out);
	}
	bc_display_line_free(&dl);
}

static void fix_hint(struct text_ctx *c, const struct bc_fix *fix)
{
	bool unsafe_ok = c->run->opts.unsafe_fixes;

	fputs("  fix available", c->out);
	if (fix->title) {
		fputs(": ", c->out);
		bc_put_safe_str(c->out, fix->title);
	}
	if (fix->applicability == BC_FIX_UNSAFE)
		fputs(unsafe_ok ? " (unsafe fix)" : " (unsafe fix: use --unsafe-fixes)", c->out);
	fputc('\n', c->out);
}

/* Notes printed under one diagnostic; the rest are counted. */
#define BC_TEXT_MAX_NOTES 10

static void diagnostic(struct text_ctx *c, const struct bc_unit *u, const struct bc_diag *d)
{
	const char *path = d->path ? d->path : u->display_path;

	headline(c, path, &d->span, d->severity, d->message, bc_rule_get(d->rule_id)->code);
	excerpt(c, u, path, &d->span);
	for (size_t i = 0; i < d->nr_notes && i < BC_TEXT_MAX_NOTES; i++) {
		const struct bc_note *n = &d->notes[i];
		const char *npath = n->path ? n->path : path;

		headline(c, npath, &n->span, BC_SEV_NOTE, n->message, NULL);
		excerpt(c, u, npath, &n->span);
	}
	if (d->nr_notes > BC_TEXT_MAX_NOTES)
		fprintf(c->out, "  ... and %zu more notes (-f json lists every note)\n",
			d->nr_notes - BC_TEXT_MAX_NOTES);
	if (d->fix)
		fix_hint(c, d->fix);
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void summary_line(struct text_ctx *c)
{
	struct bc_summary s;
	size_t checked;

	if (c->run->opts.quiet)
		return;
	bc_run_summary(c->run, &s);
	checked = s.files - s.failed_files;
	sgr(c, SGR_BOLD);
	if (!checked && s.failed_files)	/* nothing was checked: say only that */
		fprintf(c->out, "%zu %s could not be checked", s.failed_files,
			plural(s.failed_files, "file", "files"));
	else if (!s.errors && !s.warnings && !s.notes)
		fprintf(c->out, "no issues found in %zu %s", checked, plural(checked, "file", "files"));
	else
		fprintf(c->out, "%zu %s, %zu %s, %zu %s in %zu %s", s.errors,
			plural(s.errors, "error", "errors"), s.warnings,
			plural(s.warnings, "warning", "warnings"), s.notes,
			plural(s.notes, "note", "notes"), checked, plural(checked, "file", "files"));
	if (s.failed_files && checked)
		fprintf(c->out, "; %zu %s could not be checked", s.failed_files,
			plural(s.failed_files, "file", "files"));
	if (c->run->skipped)
		fprintf(c->out, "; %zu %s skipped (not %s)", c->run->skipped,
			plural(c->run->skipped, "file", "files"),
			plural(c->run->skipped, "a BPF input", "BPF inputs"));
	sgr(c, SGR_RESET);
	fputc('\n', c->out);
}

static int report(FILE *out, const struct bc_run *run)
{
	struct text_ctx c = { .out = out, .run = run, .color = run->opts.color };

	bc_sources_init(&c.src, run);
	for (size_t i = 0; i < run->nr_units && !c.err; i++) {
		const struct bc_unit *u = run->units[i];

		if (u->status) {
			headline(&c, u->display_path, &u->error_span, BC_SEV_ERROR,
				 u->error ? u->error : "could not be processed", NULL);
			excerpt(&c, u, u->display_path, &u->error_span);
		}
		for (size_t j = 0; j < u->diags.n && !c.err; j++)
			if (bc_diag_reported(&u->diags.v[j]))
				diagnostic(&c, u, &u->diags.v[j]);
	}
	if (!c.err)
		summary_line(&c);
	/* once per run, on a terminal (colour on): where the rules are explained */
	if (!c.err && c.color && c.first_code && !run->opts.quiet)
		fprintf(out, "run 'bpfcheck explain %s' for what a rule means and how to fix it\n",
			c.first_code);
	bc_sources_free(&c.src);
	if (c.err)
		return c.err;
	return ferror(out) ? -EIO : 0;
}

const struct bc_reporter bc_reporter_text = {
	.name = "text",
	.report = report,
};
