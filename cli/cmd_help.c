// SPDX-License-Identifier: Apache-2.0
/*
 * `bpfcheck help [COMMAND]` and `bpfcheck COMMAND --help`: the general
 * usage, or one command's usage with the options that apply to it (the
 * --help sections of cli/settings.def each command reads).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "options.h"

#define SEC(s) (1u << BC_SECTION_##s)

static const struct {
	const char *cmd;
	unsigned sections;
} cmd_sections[] = {
	{ "check", SEC(OUTPUT) | SEC(RULES) | SEC(TARGET) | SEC(RUN) | SEC(FIX) | SEC(CONFIG) | SEC(INFO) },
	{ "fix", SEC(OUTPUT) | SEC(RULES) | SEC(TARGET) | SEC(RUN) | SEC(FIX) | SEC(CONFIG) | SEC(INFO) },
	{ "stack", SEC(OUTPUT) | SEC(RULES) | SEC(TARGET) | SEC(RUN) | SEC(CONFIG) | SEC(INFO) },
	{ "emit", SEC(OUTPUT) | SEC(TARGET) | SEC(EMIT) | SEC(CONFIG) | SEC(INFO) },
	{ "explain", SEC(INFO) },
	{ "rules", SEC(OUTPUT) | SEC(INFO) },
	{ "compare", SEC(OUTPUT) | SEC(FIX) | SEC(INFO) },
	{ "help", SEC(INFO) },
};

static unsigned sections_of(const char *cmd)
{
	for (size_t i = 0; i < sizeof(cmd_sections) / sizeof(cmd_sections[0]); i++)
		if (!strcmp(cmd_sections[i].cmd, cmd))
			return cmd_sections[i].sections;
	return ~0u;
}

void bc_usage_cmd(FILE *out, const struct bc_cmd *c)
{
	unsigned sections = sections_of(c->name);

	fprintf(out, "Usage: bpfcheck %s %s\n\n%s.\n\nOptions:\n", c->name, c->args, c->help);
	for (int sec = 0; sec < BC_NR_SECTIONS; sec++) {
		if (!(sections & (1u << sec)))
			continue;
		for (int i = 0; i < BC_NR_SETTINGS; i++)
			if (bc_option_descs[i].section == (enum bc_option_section)sec)
				bc_usage_option(out, i);
	}
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
