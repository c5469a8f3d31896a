/* SPDX-License-Identifier: Apache-2.0 */
/* The command table and what the subcommands share. */
#ifndef BC_CLI_H
#define BC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "options.h"

/* Exit codes: stable, documented in README and bpfcheck(1). */
enum {
	BC_EXIT_OK = 0,
	BC_EXIT_FINDINGS = 1,
	BC_EXIT_INPUT = 2,
	BC_EXIT_USAGE = 3,
};

struct bc_cmd {
	const char *name;
	int (*run)(struct bc_options *o);	/* returns an exit code */
	const char *args;			/* usage text after the name */
	const char *help;			/* one line */
};

extern const struct bc_cmd bc_cmds[];

int bc_cmd_check(struct bc_options *o);
int bc_cmd_fix(struct bc_options *o);
int bc_cmd_stack(struct bc_options *o);
int bc_cmd_rules(struct bc_options *o);
int bc_cmd_explain(struct bc_options *o);
int bc_cmd_compare(struct bc_options *o);
int bc_cmd_emit(struct bc_options *o);
int bc_cmd_target(struct bc_options *o);
int bc_cmd_server(struct bc_options *o);
int bc_cmd_manifest(struct bc_options *o);
int bc_cmd_help(struct bc_options *o);

/* Parses argv into O and the command; BC_EXIT_USAGE after printing the
 * error, or -1 when --help/--version was handled (exit 0). */
int bc_options_parse(struct bc_options *o, int argc, char **argv, const struct bc_cmd **cmd);
void bc_options_free(struct bc_options *o);
void bc_usage(FILE *out);
/* One command's usage and the options it reads (cli/cmd_help.c). */
void bc_usage_cmd(FILE *out, const struct bc_cmd *c);
/* Whether command CMD reads option ID (enum bc_setting): what its --help
 * lists (cli/cmd_help.c). */
bool bc_cmd_reads(const char *cmd, int id);

/* JSON-aware error (bpftool's p_err): `bpfcheck: error: ...` on stderr, or
 * {"error": "..."} on stdout when the output format is JSON. */
void bc_err(const struct bc_options *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Is OUTPUT, when it exists, the same file (device and inode, through any
 * path or link) as INPUT ("-": whatever standard input is)? */
bool bc_same_file(const char *output, const char *input);
/* BC_EXIT_USAGE after saying so when OUTPUT (named by OPTION, "-o") is
 * INPUT; 0 otherwise. Every command checks its outputs against its inputs
 * before it opens anything for writing. */
int bc_refuse_output(const struct bc_options *o, const char *option, const char *output,
		     const char *input);

/* Loads and analyses every path (directories recurse), reports with the
 * options' format, and returns the exit code. COMMAND names the report. */
int bc_run_paths(struct bc_options *o, const char *command, const char *text_format);

#endif
