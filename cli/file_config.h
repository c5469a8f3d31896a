/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Settings per file, as ruff resolves them: a file is checked with the
 * nearest .bpfcheckrc up from it (bc_config_find for that file alone) with
 * the command line's settings over it, whatever else the run checks. So
 * `bpfcheck a/p.bt` and `bpfcheck a/p.bt b/o.bt` judge a/p.bt alike, and a
 * pre-commit batch gives the same findings however it is cut.
 *
 * What a file's own .bpfcheckrc decides is its analysis: the rule
 * selection (select, ignore), severities and the target (kernel, bpftrace,
 * stack-limit, jit, btf). What shapes the run's output (format, output,
 * color, fail-on, baselines) comes from the run's own configuration, the one
 * --print-config shows. With --config or --no-config every file shares it.
 */
#ifndef BC_CLI_FILE_CONFIG_H
#define BC_CLI_FILE_CONFIG_H

#include <stddef.h>

struct bc_analysis;
struct bc_options;
struct file_config;

struct bc_file_configs {
	struct file_config **v;	/* one per .bpfcheckrc other than the run's */
	size_t n, cap;
	struct bc_analysis **own;	/* one per file that per-file-ignores match */
	size_t nr_own, cap_own;
};

/*
 * *OUT: the analysis for the input at PATH: BASE_A when its nearest
 * .bpfcheckrc is the run's (BASE->config_path) or the run has --config or
 * --no-config, else one built (once per file) from that .bpfcheckrc and
 * BASE's command-line settings; with that configuration's per-file-ignores
 * applied when one matches PATH. 0, BC_EXIT_USAGE when that file is bad
 * (the message printed), or -ENOMEM.
 */
int bc_file_config_analysis(struct bc_file_configs *fc, struct bc_options *base,
			    const struct bc_analysis *base_a, const char *path,
			    const struct bc_analysis **out);
void bc_file_configs_free(struct bc_file_configs *fc);

#endif
