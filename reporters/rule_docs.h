/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rule pages (docs/rules/<CODE>.md) compiled into the binary, for
 * `bpfcheck explain` and SARIF help texts. tools/embed-docs.sh generates
 * $(BUILD)/gen/rule_docs.c, which defines the table; reporters/rule_docs.c
 * includes it.
 */
#ifndef BC_REPORTERS_RULE_DOCS_H
#define BC_REPORTERS_RULE_DOCS_H

#include <stdbool.h>

struct bc_rule_doc {
	const char *code;	/* "BC201" */
	const char *markdown;	/* the whole page */
};

/* NULL-terminated (code == NULL). */
extern const struct bc_rule_doc bc_rule_docs[];

/* The page of rule CODE (case-insensitive), or NULL with errno = ENOENT. */
const char *bc_rule_doc(const char *code);
/* Were the pages embedded at build time? (false when the build did not run
 * tools/embed-docs.sh; then every lookup fails). */
bool bc_rule_docs_embedded(void);

/* The first paragraph under "## What it does" in MARKDOWN, as a heap
 * string; NULL when there is no such section (errno ENOENT) or on ENOMEM. */
char *bc_rule_doc_summary(const char *markdown);

#endif
