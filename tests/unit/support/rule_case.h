/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rule cases of tests/rules/BCnnn/: an input file whose comments say how
 * to run bpfcheck on it (RUN-ARGS) and what it must report (CHECK lines at
 * the end of the file, CHECK-NOT anywhere). tests/rules/README.md is the
 * reference for the format; this file reads a case, renders a JSON report
 * as expectation lines, and writes the updated expectations back.
 */
#ifndef BC_TEST_RULE_CASE_H
#define BC_TEST_RULE_CASE_H

#include <stdbool.h>
#include <stddef.h>

struct bc_rule_run {
	char *label;	/* NULL: the only run of the case */
	char *args;	/* shell words after `check --no-config -f json` */
};

struct bc_rule_case {
	char *rel;		/* the case file, relative to the source tree */
	const char *leader;	/* comment leader: "//" or ";" */
	char **lines;		/* the file's lines, without their ends */
	size_t nlines;
	size_t block;		/* first line of the trailing expectation block */
	struct bc_rule_run *runs;
	size_t nruns;
};

/* Reads the case REL (relative to the current directory, the source tree).
 * 0, or -EINVAL with a message in *ERR (heap) when a directive is misplaced
 * or malformed, or a negative errno. */
int bc_rule_case_load(struct bc_rule_case *c, const char *rel, char **err);
void bc_rule_case_free(struct bc_rule_case *c);
/* The expectation lines of run R ("CHECK: ...\n", ...; no comment leader):
 * those without a label and those labelled with the run's label. */
char *bc_rule_case_expected(const struct bc_rule_case *c, size_t r);
/* The CHECK-NOT patterns of run R, NULL-terminated (free the array only). */
const char **bc_rule_case_check_nots(const struct bc_rule_case *c, size_t r);
/* True when a KEY line ("CHECK", "CHECK-NOT"; any label) names RULE: its
 * text is RULE or starts with "RULE ". */
bool bc_rule_case_mentions(const struct bc_rule_case *c, const char *key, const char *rule);
/* Renders what a run printed as expectation lines: JSON (the report on
 * stdout), STDERR_TEXT and exit CODE. Paths equal to OWN (the case file, or
 * the object built from it) are left out; BUILD is written as "$BUILD".
 * NULL when JSON is not a bpfcheck report. */
char *bc_rule_case_render(const char *json, const char *stderr_text, int code, const char *own,
			  const char *own_object, const char *build);
/* The case file with its expectation block replaced by ACTUAL[r] for each
 * run (unlabelled when all runs agree); CHECK-NOT and RUN-ARGS lines of the
 * block are kept. */
char *bc_rule_case_rewrite(const struct bc_rule_case *c, char *const *actual);

#endif
