/* SPDX-License-Identifier: Apache-2.0 */
/* Reporters: one file per output format, all reading the same run. */
#ifndef BC_REPORTER_H
#define BC_REPORTER_H

#include <stdbool.h>
#include <stdio.h>

#include "../analyzer/core/diag.h"

struct bc_unit;
struct bc_target;
struct bc_baseline;

/* What the command line asks of the reporters (the command line fills it in). */
struct bc_report_opts {
	bool color;		/* text output may use ANSI colour */
	bool unsafe_fixes;	/* unsafe fixes are applied (--unsafe-fixes), not only offered */
	bool quiet;		/* --quiet: the findings only, no summary line */
	const char *doc_dir;	/* the installed docs ($BPFCHECK_DOC_DIR); NULL = BC_DOC_DIR */
};

/* Everything one invocation produced. */
struct bc_run {
	struct bc_unit **units;
	size_t nr_units;
	const struct bc_target *target;
	const char *command;	/* "check", "stack", "fix" */
	struct bc_report_opts opts;
	/* For a reporter that shows_fixes: each unit's text after the fixes
	 * (parallel to UNITS; NULL when they change nothing). NULL otherwise. */
	struct bc_unit *const *fixed;
	const struct bc_baseline *baseline;	/* --baseline applied; NULL = none */
	size_t skipped;		/* files a directory walk found but skipped: not BPF inputs */
};

struct bc_summary {
	size_t files, errors, warnings, notes, failed_files;
};

struct bc_reporter {
	const char *name;	/* "text", "gcc", "json", "sarif", "github", ... */
	/* 0 or negative errno (-EIO when writing failed) */
	int (*report)(FILE *out, const struct bc_run *run);
	/*
	 * Shows what the fixes would change rather than the findings ("diff"):
	 * the run computes the fixed texts (run->fixed) without writing files,
	 * and its exit status says whether a file would change.
	 */
	bool shows_fixes;
};

/* NULL when NAME is not a known format. */
const struct bc_reporter *bc_reporter_find(const char *name);
/* Comma-separated list of format names, for --help and errors. */
const char *bc_reporter_names(void);
/* Counts the reported (not suppressed) diagnostics of the run. */
void bc_run_summary(const struct bc_run *run, struct bc_summary *s);

#endif
