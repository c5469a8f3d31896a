// SPDX-License-Identifier: Apache-2.0
/* The rule table (from rules.def) and lookups by code, name or glob. */
#include <fnmatch.h>
#include <string.h>
#include <strings.h>

#include "registry.h"

const struct bc_rule *const bc_rules[BC_NR_RULE_IDS + 1] = {
#define BC_RULE(id, sym, severity) [BC_RULE_##id] = &sym,
#include "rules.def"
#undef BC_RULE
	[BC_NR_RULE_IDS] = NULL,
};

size_t bc_rules_count(void)
{
	return sizeof(bc_rules) / sizeof(bc_rules[0]) - 1;
}

const struct bc_rule *bc_rule_find(const char *code_or_name)
{
	if (!code_or_name)
		return NULL;
	for (size_t i = 0; bc_rules[i]; i++)
		if (!strcasecmp(bc_rules[i]->code, code_or_name) ||
		    !strcmp(bc_rules[i]->name, code_or_name))
			return bc_rules[i];
	return NULL;
}

bool bc_rule_matches(const struct bc_rule *r, const char *pattern)
{
	if (!strcasecmp(pattern, "all") || !strcasecmp(pattern, "ALL"))
		return true;
	if (!strcasecmp(r->code, pattern) || !strcmp(r->name, pattern))
		return true;
	/* A code prefix selects a group: "BC2" = every BC2xx rule (like ruff). */
	if (!strncasecmp(r->code, pattern, strlen(pattern)) && strlen(pattern) >= 3 &&
	    !strncasecmp(pattern, "BC", 2))
		return true;
	return !fnmatch(pattern, r->code, FNM_CASEFOLD) || !fnmatch(pattern, r->name, 0);
}

bool bc_rule_pattern_valid(const char *pattern)
{
	for (size_t i = 0; bc_rules[i]; i++)
		if (bc_rule_matches(bc_rules[i], pattern))
			return true;
	return false;
}
