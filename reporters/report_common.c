// SPDX-License-Identifier: Apache-2.0
/* Small lookups the reporters share (rule index, severity words, target). */
#include <string.h>
#include <unistd.h>

#include "report_common.h"
#include "../analyzer/core/paths.h"
#include "../rules/registry.h"

int bc_rule_index(const struct bc_rule *rule)
{
	for (int i = 0; bc_rules[i]; i++)
		if (bc_rules[i] == rule)
			return i;
	return -1;
}

const char *bc_report_severity(enum bc_severity s)
{
	switch (s) {
	case BC_SEV_ERROR:
		return "error";
	case BC_SEV_WARNING:
		return "warning";
	default:
		return "note";
	}
}

const struct bc_target *bc_run_target(const struct bc_run *run)
{
	return run->target;
}

const char *bc_report_relpath(const char *path, const char *cwd)
{
	return bc_path_relative(path, cwd);
}

bool bc_rule_doc_url(char *buf, size_t n, const char *code, const char *doc_dir,
		     bool installed_only)
{
	int len;

	if (!code)
		return false;
	if (*BC_PROJECT_URL) {
		len = snprintf(buf, n, BC_RULE_DOC_URL_FMT, BC_PROJECT_URL, code);
		return len > 0 && (size_t)len < n;
	}
	if (!doc_dir || !*doc_dir)
		doc_dir = BC_DOC_DIR;
	len = snprintf(buf, n, BC_RULE_DOC_FILE_FMT, doc_dir, code);
	if (len <= 0 || (size_t)len >= n)
		return false;
	/* "file://" + the path */
	return !installed_only || !access(buf + strlen("file://"), R_OK);
}
