// SPDX-License-Identifier: Apache-2.0
/* bpfcheck explain RULE: the rule's page (docs/rules/<CODE>.md). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "../reporters/rule_docs.h"
#include "../rules/registry.h"

int bc_cmd_explain(struct bc_options *o)
{
	const struct bc_rule *r;
	const char *page;

	if (o->nr_paths != 1) {
		bc_err(o, "'explain' takes one rule code or name (see 'bpfcheck rules')");
		return BC_EXIT_USAGE;
	}
	r = bc_rule_find(o->paths[0]);
	if (!r) {
		bc_err(o, "unknown rule '%s' (see 'bpfcheck rules')", o->paths[0]);
		return BC_EXIT_USAGE;
	}
	page = bc_rule_doc(r->code);
	if (!page) {
		bc_err(o, "no documentation was built in for %s", r->code);
		return BC_EXIT_USAGE;
	}
	if (!strcmp(o->format, "json")) {
		json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "code", r->code, "name", r->name,
				      "severity", bc_severity_name(bc_rule_severity(r)),
				      "markdown", page);

		json_dumpf(j, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(j);
		return BC_EXIT_OK;
	}
	fputs(page, stdout);
	if (*page && page[strlen(page) - 1] != '\n')
		fputc('\n', stdout);
	return BC_EXIT_OK;
}
