/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Comparing two JSON reports (bpfcheck compare OLD.json NEW.json,
 * docs/compare.md): per program, the stack bytes before and after; the
 * programs added and removed; the findings added and removed, matched as
 * baselines match them (reporters/baseline.h: rule, path, fingerprint, as
 * a multiset).
 *
 * A program is identified by its file (normalised like a finding's path),
 * its name (the section when it has none) and the occurrence of that name
 * in the file, so two `BEGIN` probes of one script stay apart and a probe
 * added above another does not renumber it (bpftrace's section names carry
 * an index; names do not). Its stack is programs[].stack.bytes, the
 * verifier's figure for the program's own frame.
 */
#ifndef BC_REPORTERS_COMPARE_H
#define BC_REPORTERS_COMPARE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "baseline.h"

#define BC_COMPARE_SCHEMA "bpfcheck-compare/1"

struct bc_compare_prog {
	char *path;
	char *name;
	char *section;		/* the new report's, else the old one's; NULL when none */
	unsigned nth;		/* 0-based occurrence of NAME in PATH */
	bool in_old, in_new;
	int64_t old_bytes, new_bytes;	/* -1: not in that report */
};

struct bc_compare {
	const char *old_name, *new_name;	/* as given, for the output */
	json_t *old, *new;
	struct bc_compare_prog *progs;
	size_t nr_progs, cap_progs;
	struct bc_findings old_f, new_f;	/* matched = present in both */
};

/*
 * Compares report OLD with NEW (both checked by bc_report_load; C takes a
 * reference to each). OLD_NAME and NEW_NAME label the output. 0 or -ENOMEM.
 */
int bc_compare_reports(struct bc_compare *c, json_t *old, json_t *new, const char *old_name,
		       const char *new_name);
/* The largest growth of a program present in both; 0 when none grew. */
int64_t bc_compare_max_growth(const struct bc_compare *c);
/* The table and the findings added and removed. 0 or -EIO. */
int bc_compare_write_text(FILE *out, const struct bc_compare *c);
/* The "bpfcheck-compare/1" document (docs/compare.md). NULL on ENOMEM. */
json_t *bc_compare_json(const struct bc_compare *c);
void bc_compare_free(struct bc_compare *c);

#endif
