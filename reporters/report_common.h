/* SPDX-License-Identifier: Apache-2.0 */
/* What several reporters share: which diagnostics are reported, where a
 * span ends, where the rule pages live. Internal to reporters/. */
#ifndef BC_REPORTERS_COMMON_H
#define BC_REPORTERS_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#include "reporter.h"
#include "../analyzer/core/diag.h"
#include "../rules/registry.h"

/*
 * The project's home, set at build time (make PROJECT_URL=https://...);
 * rule pages are docs/rules/<CODE>.md under it. SARIF carries the rule
 * pages inline (help.markdown) either way; empty: no informationUri.
 */
#ifndef BC_PROJECT_URL
#define BC_PROJECT_URL ""
#endif
#define BC_RULE_DOC_URL_FMT "%s/blob/main/docs/rules/%s.md"
/* Where `make install` puts the rule pages: without a project URL, SARIF's
 * helpUri points at the installed page (file://DIR/rules/<CODE>.md). */
#ifndef BC_DOC_DIR
#define BC_DOC_DIR "/usr/local/share/doc/bpfcheck"
#endif
#define BC_RULE_DOC_FILE_FMT "file://%s/rules/%s.md"

/*
 * Where to read about rule CODE: the page under BC_PROJECT_URL when one is
 * set, else the installed page under DOC_DIR (NULL: BC_DOC_DIR). With
 * INSTALLED_ONLY the file form is given only when the page exists. Writes
 * the URL to BUF; false when there is none.
 */
bool bc_rule_doc_url(char *buf, size_t n, const char *code, const char *doc_dir,
		     bool installed_only);

/* Suppressed diagnostics and disabled rules are not reported. */
static inline bool bc_diag_reported(const struct bc_diag *d)
{
	return !d->suppressed && d->severity != BC_SEV_NONE;
}

/* The inclusive end of SPAN (line, column); end_line/end_col 0 = the start. */
static inline void bc_span_end(const struct bc_span *s, unsigned *line, unsigned *col)
{
	if (s->end_line) {
		*line = s->end_line;
		*col = s->end_col ? s->end_col : (s->end_line == s->line ? s->col : 0);
	} else {
		*line = s->line;
		*col = s->end_col ? s->end_col : s->col;
	}
	if (*line == s->line && *col < s->col)
		*col = s->col;
}

/* Index of RULE in bc_rules[] (SARIF ruleIndex); -1 when not registered. */
int bc_rule_index(const struct bc_rule *rule);

/* "error" etc.; severities outside the enum print as "note". */
const char *bc_report_severity(enum bc_severity s);

/* PATH relative to directory CWD when it lies under it, without leading
 * "./" (a pointer into PATH); other paths unchanged. For SARIF and GitHub,
 * which want paths relative to the repository checkout. */
const char *bc_report_relpath(const char *path, const char *cwd);

/* The run's target (NULL when the run names none). */
const struct bc_target *bc_run_target(const struct bc_run *run);

#endif
