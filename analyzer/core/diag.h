/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Diagnostics: what every analysis reports through. Nothing in the analyzer
 * prints; it adds diagnostics to a sink owned by the input unit, and the
 * reporters turn them into text, JSON, SARIF, ...
 */
#ifndef BC_DIAG_H
#define BC_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/str.h"	/* bc_strdup_printf, for callers composing messages */
#include "rule_id.h"

/*
 * A source range. Byte offsets are into the unit's data (end exclusive);
 * lines and columns are 1-based, columns count bytes. line == 0 means "no
 * source location" (reporters then fall back to the file). end_line/end_col
 * are inclusive of the last character when set (end_col points at the last
 * column of the range), matching what editors and SARIF expect.
 */
struct bc_span {
	uint32_t start, end;       /* byte offsets, end exclusive */
	uint32_t line, col;        /* 1-based; 0 = unknown */
	uint32_t end_line, end_col; /* 1-based, inclusive; 0 = same as start */
};

enum bc_severity {
	BC_SEV_NONE = 0,	/* rule disabled */
	BC_SEV_NOTE = 1,
	BC_SEV_WARNING = 2,
	BC_SEV_ERROR = 3,
};

const char *bc_severity_name(enum bc_severity s);
/* Rule ID's severity unless the configuration changes it (rules/rules.def). */
enum bc_severity bc_rule_default_severity(enum bc_rule_id id);
/* Parses "error", "warning", "note", "never"/"none"; -EINVAL otherwise. */
int bc_severity_parse(const char *s, enum bc_severity *out);

struct bc_note {
	char *message;
	char *path;		/* NULL: same file as the diagnostic */
	struct bc_span span;
};

enum bc_fix_applicability {
	BC_FIX_SAFE = 0,
	BC_FIX_UNSAFE = 1,
};

struct bc_edit {
	struct bc_span span;	/* bytes [start, end) are replaced */
	char *replacement;
};

struct bc_fix {
	enum bc_fix_applicability applicability;
	char *title;		/* "replace count() with sum(1)" */
	struct bc_edit *edits;
	size_t nr_edits, cap_edits;
};

struct bc_diag {
	enum bc_rule_id rule_id;	/* rules/registry.h: bc_rule_get() */
	enum bc_severity severity;
	char *message;
	char *path;		/* file the span refers to */
	struct bc_span span;
	struct bc_note *notes;
	size_t nr_notes, cap_notes;
	struct bc_fix *fix;	/* NULL when the finding has no fix */
	/* set by the suppression pass; suppressed diagnostics are not reported */
	bool suppressed;
};

struct bc_diags {
	struct bc_diag *v;
	size_t n, cap;
};

/*
 * Adds a diagnostic for rule RULE. The severity is the rule's default.
 * Returns the new diagnostic, valid until the next bc_diag_add on the same
 * sink, or NULL with errno set (ENOMEM, or EINVAL for an id out of range).
 */
struct bc_diag *bc_diag_add(struct bc_diags *d, enum bc_rule_id rule, const char *path,
			    const struct bc_span *span, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
struct bc_diag *bc_diag_addv(struct bc_diags *d, enum bc_rule_id rule, const char *path,
			     const struct bc_span *span, const char *fmt, va_list ap);
/* Adds a note; path NULL = the diagnostic's file. 0 or -ENOMEM. */
int bc_diag_note(struct bc_diag *diag, const char *path, const struct bc_span *span,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Attaches (or returns the existing) fix. NULL on -ENOMEM. */
struct bc_fix *bc_diag_fix(struct bc_diag *diag, enum bc_fix_applicability app,
			   const char *title);
int bc_fix_edit(struct bc_fix *fix, const struct bc_span *span, const char *replacement);

/* Stable order: path, line, column, rule code (ids are in code order),
 * message. */
void bc_diags_sort(struct bc_diags *d);
/* Frees what one diagnostic owns (not the diagnostic itself). */
void bc_diag_clear(struct bc_diag *diag);
void bc_diags_free(struct bc_diags *d);

#endif
