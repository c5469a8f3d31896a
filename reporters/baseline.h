/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading JSON reports back, matching findings, and baselines.
 *
 * A baseline is a JSON report (schema bpfcheck-report/1,
 * docs/report-schema.md), so a CI artifact can serve as one. A finding is
 * identified by (rule, path, fingerprint): the fingerprint is
 * bc_diag_fingerprint (reporters/fingerprint.h), no line number; paths are
 * compared as the report prints them made relative to the current
 * directory (bc_report_relpath: "./a.bt", "a.bt" and "$PWD/a.bt" are one
 * file). Findings match as a multiset: two identical findings in the
 * baseline absorb at most two in the run.
 *
 * This sits in reporters/ because it reads and writes the report format
 * and needs the fingerprints (which read source text through
 * reporters/source.h); it does not depend on cli/: `bpfcheck check
 * --baseline` and `bpfcheck compare` (reporters/compare.h) both use it.
 */
#ifndef BC_REPORTERS_BASELINE_H
#define BC_REPORTERS_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "reporter.h"

#define BC_REPORT_SCHEMA "bpfcheck-report/1"

/* One finding as matching sees it. */
struct bc_finding {
	char *rule;
	char *path;		/* normalised (see above) */
	uint64_t fp;
	size_t index;		/* where it came from: diagnostics[] index, or run order */
	bool matched;
};

struct bc_findings {
	struct bc_finding *v;
	size_t n, cap;
};

/* Adds a finding; PATH is normalised against CWD. 0 or -ENOMEM. */
int bc_findings_add(struct bc_findings *f, const char *rule, const char *path, uint64_t fp,
		    size_t index, const char *cwd);
/* The findings of REPORT's diagnostics[] (which bc_report_load checked). */
int bc_findings_from_report(struct bc_findings *f, const json_t *report, const char *cwd);
/* Pairs equal (rule, path, fingerprint) findings of A and B, as many as
 * both have, in index order; sets `matched` on the paired ones. */
int bc_findings_match(struct bc_findings *a, struct bc_findings *b);
void bc_findings_free(struct bc_findings *f);

/*
 * Reads FILE as a bpfcheck JSON report: a JSON object with "schema":
 * "bpfcheck-report/1", a "files" array and a "diagnostics" array whose
 * entries have string "rule" and "path" and a 16-hex-digit "fingerprint".
 * 0 with *OUT set; else a negative errno and *ERR a message naming FILE as
 * WHAT ("baseline", "report"); caller frees.
 */
int bc_report_load(const char *file, const char *what, json_t **out, char **err);

/* The path as matching compares it (a pointer into PATH). */
const char *bc_finding_path(const char *path, const char *cwd);

struct bc_baseline {
	char *file;
	json_t *report;			/* the baseline as read */
	unsigned char *bytes;		/* its bytes, for the atomic rewrite */
	size_t size;
	struct bc_findings entries;	/* from report's diagnostics[] */
	bool *in_scope;			/* per entry: its file was checked by this run */
	size_t matched;			/* findings of the run the baseline absorbed */
	size_t fresh;			/* reported findings not in the baseline */
	size_t absent;			/* in-scope entries no finding matched */
	bool pruned;
};

/* Loads FILE as a baseline (bc_report_load). */
int bc_baseline_load(struct bc_baseline *b, const char *file, char **err);
/*
 * Matches RUN's reported findings against B. The matched ones are marked
 * suppressed (reported nowhere, not counted, not failing the run). An entry
 * none matched is absent when its path is one of this run's inputs that
 * could be processed or a path a finding of this run refers to; entries for
 * files not checked are left alone. 0 or -ENOMEM.
 */
int bc_baseline_apply(struct bc_baseline *b, const struct bc_run *run);
/* {"path", "matched", "new", "absent": [the absent entries as the
 * baseline has them], "pruned"}; NULL on ENOMEM. */
json_t *bc_baseline_json(const struct bc_baseline *b);
/* Rewrites the file without its absent entries (summary recounted),
 * atomically and only if it did not change since it was read. 0, or a
 * negative errno with *WHY set (caller frees). */
int bc_baseline_prune(struct bc_baseline *b, char **why);
void bc_baseline_free(struct bc_baseline *b);

/* Writes RUN's JSON report to FILE atomically (a new file, or replacing
 * one). 0, or a negative errno with *WHY set (caller frees). */
int bc_baseline_write(const char *file, const struct bc_run *run, char **why);

#endif
