// SPDX-License-Identifier: Apache-2.0
/*
 * GitLab's Code Quality report (artifacts:reports:codequality): a JSON
 * array with one issue per finding,
 *
 *   {"description": "...", "check_name": "BC302", "fingerprint": "...",
 *    "severity": "major", "location": {"path": "a.bt", "lines": {"begin": 3}}}
 *
 * severity: error -> critical, warning -> major, note -> info. The path is
 * relative to the current directory (the checkout, in a job), without
 * "./". The fingerprint is the finding's (reporters/fingerprint.h) with
 * its path and occurrence hashed in, so it is unique in the report, as
 * GitLab requires, and stays put when lines move. begin is 1 when the
 * finding has no position.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fingerprint.h"
#include "json_util.h"
#include "report_common.h"
#include "../rules/registry.h"
#include "source.h"
#include "../analyzer/core/unit.h"

static const char *gitlab_severity(enum bc_severity s)
{
	return s == BC_SEV_ERROR ? "critical" : s == BC_SEV_WARNING ? "major" : "info";
}

static json_t *issue_json(struct bc_sources *src, struct bc_fingerprints *fps, const char *cwd,
			  const struct bc_unit *u, const struct bc_diag *d)
{
	const char *path = bc_report_relpath(d->path ? d->path : u->display_path, cwd);
	uint64_t h = bc_diag_fingerprint(src, u, d);
	unsigned occ = bc_fingerprint_occurrence(fps, path, h);
	char fp[48], *desc;
	json_t *j;

	if (!occ)
		return NULL;
	/* unique across files too: the path goes into the hash */
	bc_fingerprint_format(fp, sizeof(fp), bc_fingerprint_extend(h, path, strlen(path)), occ);
	desc = bc_strdup_printf("%s: %s", bc_rule_get(d->rule_id)->code, d->message ? d->message : "");
	if (!desc)
		return NULL;
	j = json_pack("{s:o, s:s, s:s, s:s, s:{s:o, s:{s:I}}}", "description", bc_json_str(desc),
		      "check_name", bc_rule_get(d->rule_id)->code, "fingerprint", fp, "severity",
		      gitlab_severity(d->severity), "location", "path", bc_json_str(path), "lines",
		      "begin", (json_int_t)(d->span.line ? d->span.line : 1));
	free(desc);
	return j;
}

static int report(FILE *out, const struct bc_run *run)
{
	struct bc_fingerprints fps = { 0 };
	struct bc_sources src;
	char cwd[PATH_MAX];
	json_t *issues = json_array();
	int err = 0;

	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = 0;
	bc_sources_init(&src, run);
	for (size_t i = 0; issues && !err && i < run->nr_units; i++) {
		const struct bc_unit *u = run->units[i];

		for (size_t j = 0; !err && j < u->diags.n; j++)
			if (bc_diag_reported(&u->diags.v[j]))
				err = bc_json_push(issues, issue_json(&src, &fps, cwd, u, &u->diags.v[j]));
	}
	bc_sources_free(&src);
	bc_fingerprints_free(&fps);
	if (!issues || err) {
		json_decref(issues);
		return -ENOMEM;
	}
	err = bc_json_write(out, issues);
	json_decref(issues);
	return err;
}

const struct bc_reporter bc_reporter_gitlab = {
	.name = "gitlab",
	.report = report,
};
