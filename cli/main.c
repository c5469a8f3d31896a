// SPDX-License-Identifier: Apache-2.0
/* bpfcheck: static analyzer and linter for BPF tracing code. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const struct bc_cmd bc_cmds[] = {
	{ "check", bc_cmd_check, "[OPTIONS] PATH...", "lint scripts, IR and objects (default)" },
	{ "fix", bc_cmd_fix, "[OPTIONS] PATH...", "apply the fixes (same as check --fix)" },
	{ "stack", bc_cmd_stack, "[OPTIONS] PATH...", "per-program, per-construct stack table" },
	{ "emit", bc_cmd_emit, "[OPTIONS] PATH -o OUT.o", "write a loadable BPF object with the fixes applied" },
	{ "manifest", bc_cmd_manifest, "[OPTIONS] SCRIPT -o FILE", "write the AOT type manifest a script needs" },
	{ "explain", bc_cmd_explain, "RULE", "show a rule's documentation" },
	{ "rules", bc_cmd_rules, "[-f json]", "list the rules" },
	{ "server", bc_cmd_server, "[OPTIONS]", "language server (LSP) on stdin/stdout for editors" },
	{ "help", bc_cmd_help, "[COMMAND]", "this help, or a command's usage and options" },
	{ "compare", bc_cmd_compare, "OLD.json NEW.json", "stack and findings between two JSON reports" },
	{ "target", bc_cmd_target, "capture|show ...", "capture this system as a target file, or show one" },
	{ NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	const struct bc_cmd *cmd = NULL;
	struct bc_options o;
	int ret;

	ret = bc_options_parse(&o, argc, argv, &cmd);
	if (ret < 0) {
		bc_options_free(&o);
		return BC_EXIT_OK;
	}
	if (ret) {
		bc_options_free(&o);
		return ret;
	}
	ret = cmd->run(&o);
	bc_options_free(&o);
	return ret;
}
