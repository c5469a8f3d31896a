// SPDX-License-Identifier: Apache-2.0
/* Diagnostics sink: adding findings, notes and fixes; stable ordering. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "../base/array.h"

static const char *const severity_names[] = {
	[BC_SEV_NONE] = "none",
	[BC_SEV_NOTE] = "note",
	[BC_SEV_WARNING] = "warning",
	[BC_SEV_ERROR] = "error",
};

static const enum bc_severity default_severity[BC_NR_RULE_IDS] = BC_RULE_ID_SEVERITIES;

enum bc_severity bc_rule_default_severity(enum bc_rule_id id)
{
	return (unsigned)id < BC_NR_RULE_IDS ? default_severity[id] : BC_SEV_NONE;
}

const char *bc_severity_name(enum bc_severity s)
{
	if ((unsigned)s >= sizeof(severity_names) / sizeof(severity_names[0]))
		return "unknown";
	return severity_names[s];
}

int bc_severity_parse(const char *s, enum bc_severity *out)
{
	if (!strcmp(s, "error"))
		*out = BC_SEV_ERROR;
	else if (!strcmp(s, "warning"))
		*out = BC_SEV_WARNING;
	else if (!strcmp(s, "note") || !strcmp(s, "info"))
		*out = BC_SEV_NOTE;
	else if (!strcmp(s, "never") || !strcmp(s, "none"))
		*out = BC_SEV_NONE;
	else
		return -EINVAL;
	return 0;
}

struct bc_diag *bc_diag_addv(struct bc_diags *d, enum bc_rule_id rule, const char *path,
			     const struct bc_span *span, const char *fmt, va_list ap)
{
	struct bc_diag *diag;

	if ((unsigned)rule >= BC_NR_RULE_IDS) {
		errno = EINVAL;
		return NULL;
	}
	if (BC_GROW(d->v, d->cap, d->n + 1)) {
		errno = ENOMEM;
		return NULL;
	}
	diag = &d->v[d->n];
	memset(diag, 0, sizeof(*diag));
	diag->rule_id = rule;
	diag->severity = default_severity[rule];
	diag->message = bc_strdup_vprintf(fmt, ap);
	diag->path = path ? strdup(path) : NULL;
	if (span)
		diag->span = *span;
	if (!diag->message || (path && !diag->path)) {
		free(diag->message);
		free(diag->path);
		errno = ENOMEM;
		return NULL;
	}
	d->n++;
	return diag;
}

struct bc_diag *bc_diag_add(struct bc_diags *d, enum bc_rule_id rule, const char *path,
			    const struct bc_span *span, const char *fmt, ...)
{
	struct bc_diag *diag;
	va_list ap;

	va_start(ap, fmt);
	diag = bc_diag_addv(d, rule, path, span, fmt, ap);
	va_end(ap);
	return diag;
}

int bc_diag_note(struct bc_diag *diag, const char *path, const struct bc_span *span,
		 const char *fmt, ...)
{
	struct bc_note *n;
	va_list ap;

	if (BC_GROW(diag->notes, diag->cap_notes, diag->nr_notes + 1))
		return -ENOMEM;
	n = &diag->notes[diag->nr_notes];
	memset(n, 0, sizeof(*n));
	va_start(ap, fmt);
	n->message = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	n->path = path ? strdup(path) : NULL;
	if (span)
		n->span = *span;
	if (!n->message || (path && !n->path)) {
		free(n->message);
		free(n->path);
		return -ENOMEM;
	}
	diag->nr_notes++;
	return 0;
}

struct bc_fix *bc_diag_fix(struct bc_diag *diag, enum bc_fix_applicability app,
			   const char *title)
{
	if (diag->fix)
		return diag->fix;
	diag->fix = calloc(1, sizeof(*diag->fix));
	if (!diag->fix)
		return NULL;
	diag->fix->applicability = app;
	diag->fix->title = title ? strdup(title) : NULL;
	if (title && !diag->fix->title) {
		free(diag->fix);
		diag->fix = NULL;
		return NULL;
	}
	return diag->fix;
}

int bc_fix_edit(struct bc_fix *fix, const struct bc_span *span, const char *replacement)
{
	struct bc_edit *e;

	if (BC_GROW(fix->edits, fix->cap_edits, fix->nr_edits + 1))
		return -ENOMEM;
	e = &fix->edits[fix->nr_edits];
	e->span = *span;
	e->replacement = strdup(replacement ? replacement : "");
	if (!e->replacement)
		return -ENOMEM;
	fix->nr_edits++;
	return 0;
}

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_diag(const void *pa, const void *pb)
{
	const struct bc_diag *a = pa, *b = pb;
	int c;

	if ((c = cmp_str(a->path, b->path)))
		return c;
	if (a->span.line != b->span.line)
		return a->span.line < b->span.line ? -1 : 1;
	if (a->span.col != b->span.col)
		return a->span.col < b->span.col ? -1 : 1;
	if (a->rule_id != b->rule_id)	/* rules/rules.def lists them in code order */
		return a->rule_id < b->rule_id ? -1 : 1;
	return cmp_str(a->message, b->message);
}

void bc_diags_sort(struct bc_diags *d)
{
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), cmp_diag);
}

static void fix_free(struct bc_fix *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nr_edits; i++)
		free(f->edits[i].replacement);
	free(f->edits);
	free(f->title);
	free(f);
}

void bc_diag_clear(struct bc_diag *diag)
{
	free(diag->message);
	free(diag->path);
	for (size_t j = 0; j < diag->nr_notes; j++) {
		free(diag->notes[j].message);
		free(diag->notes[j].path);
	}
	free(diag->notes);
	fix_free(diag->fix);
	memset(diag, 0, sizeof(*diag));
}

void bc_diags_free(struct bc_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		bc_diag_clear(&d->v[i]);
	free(d->v);
	memset(d, 0, sizeof(*d));
}
