// SPDX-License-Identifier: Apache-2.0
/*
 * textDocument/codeAction: for each finding under the cursor (or the
 * selection), its fix as a `quickfix` (the title says when it is unsafe:
 * it may change what the script does; a safe fix is the preferred action),
 * and for scripts "disable CODE for this line", which inserts a
 * `// bpfcheck: disable-next-line=CODE` comment above the line
 * (docs/suppressions.md). Actions are offered only while the last analysis
 * is of the document's current text: the edits are byte spans of it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lsp_impl.h"
#include "../analyzer/base/sbuf.h"
#include "../reporters/report_common.h"
#include "../rules/registry.h"

static json_t *text_edit(const struct bc_lsp_text *t, uint32_t start, uint32_t end,
			 const char *text)
{
	return json_pack("{s:o, s:s}", "range", bc_lsp_range(t, start, end), "newText", text);
}

static json_t *action(const char *title, const char *uri, json_t *edits, json_t *diag,
		      bool preferred)
{
	json_t *a = json_pack("{s:s, s:s, s:[o], s:{s:{s:o}}}", "title", title, "kind", "quickfix",
			      "diagnostics", diag, "edit", "changes", uri, edits);

	if (a && preferred)
		json_object_set_new(a, "isPreferred", json_true());
	return a;
}

static json_t *fix_action(struct bc_lsp_server *s, const char *uri, const struct bc_unit *u,
			  const struct bc_diag *d, const struct bc_lsp_text *t)
{
	const struct bc_rule *r = bc_rule_get(d->rule_id);
	const struct bc_fix *f = d->fix;
	json_t *edits = json_array(), *a;
	bool safe = f->applicability == BC_FIX_SAFE;
	char *title;

	for (size_t i = 0; edits && i < f->nr_edits; i++) {
		const struct bc_edit *e = &f->edits[i];

		if (e->span.end > u->size || e->span.start > e->span.end ||
		    json_array_append_new(edits, text_edit(t, e->span.start, e->span.end,
							     e->replacement ? e->replacement : ""))) {
			json_decref(edits);
			return NULL;
		}
	}
	title = bc_strdup_printf("%s (%s)%s", f->title ? f->title : "apply the fix", r->code,
				 safe ? "" : " [unsafe: may change what the script does]");
	a = title ? action(title, uri, edits, lsp_diagnostic(s, uri, u, d), safe) : NULL;
	if (!a)
		json_decref(edits);
	free(title);
	return a;
}

/* "// bpfcheck: disable-next-line=CODE" above D's line, indented like it. */
static json_t *disable_action(struct bc_lsp_server *s, const char *uri, const struct bc_unit *u,
			      const struct bc_diag *d, const struct bc_lsp_text *t)
{
	const struct bc_rule *r = bc_rule_get(d->rule_id);
	uint32_t ls = u->line_starts[d->span.line - 1], i = ls;
	struct bc_sbuf b = { 0 };
	json_t *edits, *a;
	char *text, *title;

	while (i < u->size && (u->data[i] == ' ' || u->data[i] == '\t'))
		i++;
	bc_sbuf_putn(&b, (const char *)u->data + ls, i - ls);
	bc_sbuf_printf(&b, "// bpfcheck: disable-next-line=%s\n", r->code);
	text = bc_sbuf_finish(&b);
	title = bc_strdup_printf("Disable %s for this line", r->code);
	edits = text ? json_pack("[o]", text_edit(t, ls, ls, text)) : NULL;
	a = edits && title ? action(title, uri, edits, lsp_diagnostic(s, uri, u, d), false) : NULL;
	if (!a)
		json_decref(edits);
	free(text);
	free(title);
	return a;
}

json_t *lsp_code_actions(struct bc_lsp_server *s, const json_t *params, int *err)
{
	const char *uri = lsp_doc_uri(params);
	const json_t *range = json_object_get(params, "range");
	json_t *out = json_array();
	struct bc_lsp_text t;
	struct lsp_doc *doc;
	uint32_t rs, re;

	if (!uri || !json_is_object(range) || !out) {
		json_decref(out);
		*err = out ? -EINVAL : -ENOMEM;
		return NULL;
	}
	pthread_mutex_lock(&s->lock);
	doc = lsp_doc_analysed(s, uri, &t);
	if (!doc)
		goto out;	/* nothing analysed for this text yet */
	if (bc_lsp_offset(&t, json_object_get(range, "start"), &rs) ||
	    bc_lsp_offset(&t, json_object_get(range, "end"), &re)) {
		*err = -EINVAL;
		goto out;
	}
	for (size_t i = 0; i < doc->unit->diags.n; i++) {
		const struct bc_diag *d = &doc->unit->diags.v[i];

		if (!bc_diag_reported(d) || !lsp_diag_in_unit(doc->unit, d) || !d->span.line)
			continue;
		if (d->span.start > re || d->span.end < rs)
			continue;	/* not under the cursor or the selection */
		if (d->fix)
			json_array_append_new(out, fix_action(s, uri, doc->unit, d, &t));
		if (doc->unit->kind == BC_KIND_SCRIPT && d->span.line <= doc->unit->nr_lines)
			json_array_append_new(out, disable_action(s, uri, doc->unit, d, &t));
	}
out:
	pthread_mutex_unlock(&s->lock);
	if (*err) {
		json_decref(out);
		return NULL;
	}
	return out;
}
