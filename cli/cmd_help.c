// SPDX-License-Identifier: Apache-2.0
/*
 * `bpfcheck help [COMMAND]` and `bpfcheck COMMAND --help`: the general
 * usage, or one command's usage with the options that apply to it (the
 * --help sections of cli/settings.def each command reads).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "options.h"

#define SEC(s) (1u << BC_SECTION_##s)
/* a list of settings, ended by BC_NR_SETTINGS */
#define SETS(...) ((const enum bc_setting[]){ __VA_ARGS__, BC_NR_SETTINGS })

/*
 * What each command reads: the --help sections of cli/settings.def, less
 * the options of those sections it ignores (EXCEPT), plus single options of
 * other sections (ALSO). tests/golden/cli/help-<command> holds each list.
 */
static const struct cmd_options {
	const char *cmd;
	unsigned sections;
	const enum bc_setting *also;
	const enum bc_setting *except;
} cmd_options[] = {
	{ "check", SEC(OUTPUT) | SEC(RULES) | SEC(TARGET) | SEC(RUN) | SEC(FIX) | SEC(CONFIG) | SEC(INFO),
	  NULL, SETS(BC_SET_MODULES, BC_SET_FAIL_ON_GROWTH) },
	{ "fix", SEC(OUTPUT) | SEC(RULES) | SEC(TARGET) | SEC(RUN) | SEC(FIX) | SEC(CONFIG) | SEC(INFO),
	  NULL, SETS(BC_SET_MODULES, BC_SET_FAIL_ON_GROWTH) },
	{ "stack", SEC(OUTPUT) | SEC(RULES) | SEC(TARGET) | SEC(RUN) | SEC(CONFIG) | SEC(INFO),
	  NULL, SETS(BC_SET_MODULES) },
	/* one input, the object to -o; text or json; the checks that block it
	 * (rule selection) but no gate, no AOT findings (the object is not
	 * for bpftrace --aot) */
	{ "emit", SEC(OUTPUT) | SEC(RULES) | SEC(TARGET) | SEC(EMIT) | SEC(CONFIG) | SEC(INFO),
	  SETS(BC_SET_JOBS),
	  SETS(BC_SET_QUIET, BC_SET_STATISTICS, BC_SET_STDIN_FILENAME, BC_SET_FAIL_ON,
	       BC_SET_PER_FILE_IGNORES, BC_SET_MODULES, BC_SET_AOT) },
	/* types only: no stack facts, so neither the stack limit nor the JIT */
	{ "manifest", SEC(RULES) | SEC(TARGET) | SEC(CONFIG) | SEC(INFO), SETS(BC_SET_OUTPUT),
	  SETS(BC_SET_FAIL_ON, BC_SET_PER_FILE_IGNORES, BC_SET_MODULES, BC_SET_STACK_LIMIT,
	       BC_SET_JIT) },
	{ "explain", SEC(INFO), SETS(BC_SET_FORMAT), NULL },
	{ "rules", SEC(INFO), SETS(BC_SET_FORMAT), NULL },
	/* each document's settings, as check reads them; the editor shows them */
	{ "server", SEC(RULES) | SEC(TARGET) | SEC(CONFIG) | SEC(INFO), SETS(BC_SET_JOBS),
	  SETS(BC_SET_FAIL_ON, BC_SET_MODULES, BC_SET_PRINT_CONFIG) },
	{ "help", SEC(INFO), NULL, NULL },
	{ "compare", SEC(INFO), SETS(BC_SET_FORMAT, BC_SET_OUTPUT, BC_SET_FAIL_ON_GROWTH), NULL },
	/* capture: -o, --tracefs, --modules; show: -f */
	{ "target", SEC(INFO), SETS(BC_SET_FORMAT, BC_SET_OUTPUT, BC_SET_TRACEFS, BC_SET_MODULES),
	  NULL },
};

static bool listed(const enum bc_setting *v, int id)
{
	for (; v && *v != BC_NR_SETTINGS; v++)
		if ((int)*v == id)
			return true;
	return false;
}

bool bc_cmd_reads(const char *cmd, int id)
{
	for (size_t i = 0; i < sizeof(cmd_options) / sizeof(cmd_options[0]); i++) {
		const struct cmd_options *c = &cmd_options[i];

		if (strcmp(c->cmd, cmd))
			continue;
		if (listed(c->also, id))
			return true;
		return (c->sections & (1u << bc_option_descs[id].section)) && !listed(c->except, id);
	}
	return true;	/* a command not in the table: every option */
}

void bc_usage_cmd(FILE *out, const struct bc_cmd *c)
{
	fprintf(out, "Usage: bpfcheck %s %s\n\n%s.\n\nOptions:\n", c->name, c->args, c->help);
	for (int sec = 0; sec < BC_NR_SECTIONS; sec++)
		for (int i = 0; i < BC_NR_SETTINGS; i++)
			if (bc_option_descs[i].section == (enum bc_option_section)sec &&
			    bc_cmd_reads(c->name, i))
				bc_usage_option(out, i);
}

int bc_cmd_help(struct bc_options *o)
{
	if (!o->nr_paths) {
		bc_usage(stdout);
		return BC_EXIT_OK;
	}
	for (const struct bc_cmd *c = bc_cmds; c->name; c++)
		if (!strcmp(c->name, o->paths[0])) {
			bc_usage_cmd(stdout, c);
			return BC_EXIT_OK;
		}
	bc_err(o, "unknown command '%s' (see 'bpfcheck help')", o->paths[0]);
	return BC_EXIT_USAGE;
}
