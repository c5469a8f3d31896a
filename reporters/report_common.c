// SPDX-License-Identifier: Apache-2.0
/* Small lookups the reporters share (rule index, severity words, target). */
#include <string.h>

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
