// SPDX-License-Identifier: Apache-2.0
/*
 * Diagnostics as LSP shows them: the same rule code, severity, span and
 * notes as the command line's reports, the rule page as codeDescription
 * when the build names the project's home (reporters/report_common.h), and
 * each note with a location as relatedInformation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp_impl.h"
#include "../analyzer/base/sbuf.h"
#include "../reporters/report_common.h"
#include "../rules/registry.h"

/* LSP's DiagnosticSeverity: 1 error, 2 warning, 3 information. */
static int lsp_severity(enum bc_severity s)
{
	return s == BC_SEV_ERROR ? 1 : s == BC_SEV_WARNING ? 2 : 3;
}

bool lsp_diag_in_unit(const struct bc_unit *u, const struct bc_diag *d)
{
	return !d->path || !strcmp(d->path, u->display_path) || !strcmp(d->path, u->path);
}

/* The range of SPAN in U's text; a span without a line is the file's start. */
static json_t *span_range(const struct bc_lsp_server *s, const struct bc_unit *u,
			  const struct bc_span *sp)
{
	struct bc_lsp_text t;

	lsp_unit_text(s, u, &t);
	if (!sp->line)
		return bc_lsp_range(&t, 0, 0);
	return bc_lsp_range(&t, sp->start, sp->end);
}

/* A note in another file: its line and column as they are (bytes). */
static json_t *foreign_range(const struct bc_span *sp)
{
	json_int_t l = sp->line ? sp->line - 1 : 0, c = sp->col ? sp->col - 1 : 0;

	return json_pack("{s:{s:I, s:I}, s:{s:I, s:I}}", "start", "line", l, "character", c,
			 "end", "line", l, "character", c);
}

static json_t *related(const struct bc_lsp_server *s, const char *uri, const struct bc_unit *u,
		       const struct bc_diag *d, struct bc_sbuf *extra)
{
	json_t *rel = json_array();

	for (size_t i = 0; rel && i < d->nr_notes; i++) {
		const struct bc_note *n = &d->notes[i];
		json_t *loc;

		if (!n->span.line) {
			/* no place to point at: the note goes into the message */
			bc_sbuf_printf(extra, "\nnote: %s", n->message);
			continue;
		}
		if (!n->path || !strcmp(n->path, u->display_path) || !strcmp(n->path, u->path)) {
			loc = json_pack("{s:s, s:o}", "uri", uri, "range", span_range(s, u, &n->span));
		} else if (n->path[0] == '/') {
			char *fu = bc_strdup_printf("file://%s", n->path);

			loc = fu ? json_pack("{s:s, s:o}", "uri", fu, "range", foreign_range(&n->span))
				 : NULL;
			free(fu);
		} else {
			bc_sbuf_printf(extra, "\nnote: %s:%u: %s", n->path, n->span.line, n->message);
			continue;
		}
		if (!loc || json_array_append_new(rel, json_pack("{s:o, s:s}", "location", loc,
								 "message", n->message))) {
			json_decref(rel);
			return NULL;
		}
	}
	return rel;
}

json_t *lsp_diagnostic(const struct bc_lsp_server *s, const char *uri, const struct bc_unit *u,
		       const struct bc_diag *d)
{
	const struct bc_rule *r = bc_rule_get(d->rule_id);
	struct bc_sbuf extra = { 0 };
	json_t *j, *rel;
	char *more;

	rel = related(s, uri, u, d, &extra);
	more = bc_sbuf_finish(&extra);
	j = json_pack("{s:o, s:i, s:s, s:s, s:s+}", "range", span_range(s, u, &d->span),
		      "severity", lsp_severity(d->severity), "code", r->code, "source", "bpfcheck",
		      "message", d->message, more ? more : "");
	free(more);
	if (!j) {
		json_decref(rel);
		return NULL;
	}
	if (rel && json_array_size(rel))
		json_object_set_new(j, "relatedInformation", rel);
	else
		json_decref(rel);
	if (*BC_PROJECT_URL) {
		char url[512];

		snprintf(url, sizeof(url), BC_RULE_DOC_URL_FMT, BC_PROJECT_URL, r->code);
		json_object_set_new(j, "codeDescription", json_pack("{s:s}", "href", url));
	}
	return j;
}

json_t *lsp_diagnostics(const struct bc_lsp_server *s, const char *uri, const struct bc_unit *u,
			const char *config_error)
{
	json_t *list = json_array();

	if (!list)
		return NULL;
	if (config_error) {
		/* the configuration this document would be checked with is broken */
		json_array_append_new(list, json_pack("{s:{s:{s:i,s:i},s:{s:i,s:i}}, s:i, s:s, s:s}",
			"range", "start", "line", 0, "character", 0, "end", "line", 0, "character", 0,
			"severity", 1, "source", "bpfcheck", "message", config_error));
	} else if (u && u->status && u->status != -ECANCELED) {
		/* the input could not be processed: exit code 2 on the command line */
		json_array_append_new(list, json_pack("{s:o, s:i, s:s, s:s}", "range",
			span_range(s, u, &u->error_span), "severity", 1, "source", "bpfcheck",
			"message", u->error ? u->error : "the input could not be processed"));
	}
	for (size_t i = 0; u && i < u->diags.n; i++) {
		const struct bc_diag *d = &u->diags.v[i];

		if (!bc_diag_reported(d) || !lsp_diag_in_unit(u, d))
			continue;
		if (json_array_append_new(list, lsp_diagnostic(s, uri, u, d))) {
			json_decref(list);
			return NULL;
		}
	}
	return json_pack("{s:s, s:s, s:{s:s, s:o}}", "jsonrpc", "2.0", "method",
			 "textDocument/publishDiagnostics", "params", "uri", uri, "diagnostics", list);
}
