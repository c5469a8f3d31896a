/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Options shared by the subcommands. The settings (what both the command
 * line and .bpfcheckrc can set) are one table in cli/settings.c; argv is
 * parsed in cli/options.c and configuration files in cli/config.c. The
 * command line wins over the file, key by key; a list given on the command
 * line (--select, --ignore, --severity) replaces the file's list.
 */
#ifndef BC_OPTIONS_H
#define BC_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../analyzer/core/diag.h"
#include "../analyzer/core/target.h"

enum bc_color { BC_COLOR_AUTO = 0, BC_COLOR_ALWAYS, BC_COLOR_NEVER };

/* The settings, in the order --print-config lists them. */
enum bc_setting {
	BC_SET_FORMAT,
	BC_SET_SELECT,
	BC_SET_IGNORE,
	BC_SET_SEVERITY,	/* severity.RULE = SEV (--severity RULE=SEV) */
	BC_SET_FAIL_ON,
	BC_SET_KERNEL,
	BC_SET_BTF,
	BC_SET_BPFTRACE,
	BC_SET_STACK_LIMIT,
	BC_SET_JIT,
	BC_SET_COLOR,
	BC_SET_UNSAFE_FIXES,
	BC_SET_EXIT_NON_ZERO_ON_FIX,
	BC_SET_JOBS,
	BC_SET_TARGET,
	BC_SET_ALLOW_MISSING_KERNEL,
	BC_NR_SETTINGS,
};

/* A per-rule severity override (pattern: code, name or glob). */
struct bc_severity_override {
	char *pattern;
	enum bc_severity severity;
	char *origin;
};

struct bc_options {
	const char *format;		/* "text" (default), "gcc", "json", "sarif", "github", "diff" */
	const char *output;		/* -o FILE; NULL = stdout */
	enum bc_severity fail_on;	/* default BC_SEV_WARNING; NONE = never */
	char **select;			/* NULL = all rules */
	size_t nr_select;
	char **ignore;
	size_t nr_ignore;
	enum bc_color color;
	bool fix, unsafe_fixes, diff;
	bool exit_non_zero_on_fix;	/* after --fix, exit 1 when a file was changed */
	struct bc_target target;
	const char *tracefs;		/* --tracefs DIR: tracepoint formats (NULL = the system's) */
	char *target_file;		/* --target FILE: the target system (docs/target-file.md) */
	bool modules;			/* target capture --modules */
	bool allow_missing_kernel;	/* BC105 is a note, not an error */
	char **paths;
	size_t nr_paths;
	/* configuration */
	struct bc_severity_override *severity;
	size_t nr_severity;
	const char *config;		/* --config FILE */
	bool no_config;			/* --no-config */
	bool print_config;		/* --print-config */
	char *config_path;		/* the file that was read; NULL = none */
	char *origin[BC_NR_SETTINGS];	/* "FILE:LINE" or "command line"; NULL = default */
};

/* Is RULE enabled by --select/--ignore? */
struct bc_rule;
bool bc_options_rule_enabled(const struct bc_options *o, const struct bc_rule *r);

/* Defaults: text, fail on warnings, the target's defaults (nothing is read
 * of the system until bc_options_open_target). 0 or -errno. */
int bc_options_init(struct bc_options *o);
/*
 * Gives the target its source once the settings are known: the target file
 * of --target (nothing of the running system is read then), else the running
 * system (tracepoint formats from --tracefs). 0, or an exit code with ERR
 * saying why: BC_EXIT_USAGE when the file cannot be read or
 * --tracefs is combined with --target, BC_EXIT_INPUT when it is not a
 * target file or is damaged.
 */
int bc_options_open_target(struct bc_options *o, char *err, size_t errlen);
/* Frees what the options own (not PATHS, which point into argv). */
void bc_options_free_settings(struct bc_options *o);

/*
 * Looks a setting up by its key ("fail-on", "severity.BC204" gives
 * BC_SET_SEVERITY and *ARG = "BC204"). -ENOENT when unknown.
 */
int bc_setting_find(const char *key, enum bc_setting *id, const char **arg);
const char *bc_setting_key(enum bc_setting id);
/*
 * Sets ID from VALUE (for BC_SET_SEVERITY, "RULE=SEV"). ORIGIN is recorded
 * for --print-config. On a bad value returns -EINVAL and *ERR holds a
 * message naming the setting as NAME ("--fail-on" or "fail-on"; caller frees).
 */
int bc_setting_set(struct bc_options *o, enum bc_setting id, const char *value,
		   const char *origin, const char *name, char **err);
/* Empties a list setting (select, ignore, severity) before a new list. */
void bc_setting_clear(struct bc_options *o, enum bc_setting id);

/* Applies the severity overrides to the diagnostics (last match wins). */
void bc_options_apply_severity(const struct bc_options *o, struct bc_diags *d);

/* --print-config: every setting, its value and where it came from, in
 * .bpfcheckrc syntax. */
void bc_options_print(FILE *out, const struct bc_options *o);

#endif
