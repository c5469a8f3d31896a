// SPDX-License-Identifier: Apache-2.0
/* bpfcheck rules: the rule registry, as a table or JSON. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "../rules/registry.h"

int bc_cmd_rules(struct bc_options *o)
{
	if (!strcmp(o->format, "json")) {
		json_t *arr = json_array();

		for (size_t i = 0; bc_rules[i]; i++) {
			const struct bc_rule *r = bc_rules[i];

			json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:b}", "code", r->code,
							     "name", r->name, "severity",
							     bc_severity_name(bc_rule_severity(r)), "summary",
							     r->summary, "fixable", r->fixable));
		}
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(arr);
		return BC_EXIT_OK;
	}
	if (strcmp(o->format, "text")) {
		bc_err(o, "'rules' prints text or json, not '%s'", o->format);
		return BC_EXIT_USAGE;
	}
	printf("%-6s %-28s %-8s %s\n", "CODE", "NAME", "DEFAULT", "SUMMARY");
	for (size_t i = 0; bc_rules[i]; i++) {
		const struct bc_rule *r = bc_rules[i];

		printf("%-6s %-28s %-8s %s%s\n", r->code, r->name,
		       bc_severity_name(bc_rule_severity(r)), r->summary,
		       r->fixable ? " (fixable)" : "");
	}
	return BC_EXIT_OK;
}
