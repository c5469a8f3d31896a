/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Options shared by the subcommands. The options and settings (what both
 * the command line and .bpfcheckrc can set) are one table,
 * cli/settings.def; argv is parsed in cli/options.c and configuration files
 * in cli/config.c. The command line wins over the file, key by key; a list
 * given on the command line (--select, --ignore, --severity) replaces the
 * file's list.
 */
#ifndef BC_OPTIONS_H
#define BC_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../analyzer/core/analysis.h"
#include "../analyzer/core/diag.h"
#include "../analyzer/core/target.h"

enum bc_color { BC_COLOR_AUTO = 0, BC_COLOR_ALWAYS, BC_COLOR_NEVER };

/* The options and settings (cli/settings.def), in the order --print-config
 * lists the settings. */
enum bc_setting {
#define BC_OPTION(id, ...) BC_SET_##id,
#include "settings.def"
	BC_NR_SETTINGS,
};

/* What an option is (cli/settings.def explains each). */
enum bc_option_kind {
	BC_OPT_CLI,		/* command line only */
	BC_OPT_SETTING,		/* also a .bpfcheckrc key */
	BC_OPT_LIST,		/* a setting holding a list */
	BC_OPT_RULE_LIST,	/* a list keyed per rule (severity.RULE) */
};

/* The topics --help groups the options under, in the order it shows them. */
enum bc_option_section {
	BC_SECTION_OUTPUT,
	BC_SECTION_RULES,
	BC_SECTION_TARGET,
	BC_SECTION_RUN,
	BC_SECTION_FIX,
	BC_SECTION_CONFIG,
	BC_SECTION_EMIT,
	BC_SECTION_INFO,
	BC_NR_SECTIONS,
};

/* One line of cli/settings.def. */
struct bc_option_desc {
	const char *name;	/* --NAME; a setting's .bpfcheckrc key */
	const char *dashed;	/* "--NAME", for messages */
	char short_opt;		/* 0: none */
	int arg;		/* no_argument, required_argument, optional_argument */
	const char *value;	/* set when given without an argument; NULL: none */
	enum bc_option_kind kind;
	enum bc_option_section section;
	const char *metavar;	/* --help's name of the argument; NULL: none */
	const char *help;	/* "%s": the output formats; "\n": next line */
};

struct bc_option_alias {
	const char *name, *dashed;
	enum bc_setting id;	/* the option it stands for */
	const char *value;	/* what it sets; NULL: the same as the option */
	bool shown;		/* listed in --help beside the option */
};

enum {
	BC_NR_OPTION_ALIASES = 0
#define BC_OPTION(...)
#define BC_ALIAS(...) + 1
#include "settings.def"
};

extern const struct bc_option_desc bc_option_descs[BC_NR_SETTINGS];
extern const struct bc_option_alias bc_option_aliases[BC_NR_OPTION_ALIASES];

/* Is ID a setting (also a .bpfcheckrc key), a list setting? */
bool bc_setting_in_file(enum bc_setting id);
bool bc_setting_is_list(enum bc_setting id);

/* A per-rule severity override (pattern: code, name or glob). */
struct bc_severity_override {
	char *pattern;
	enum bc_severity severity;
	char *origin;
};

/* A setting given on the command line, kept so that it can be applied again
 * over another file's .bpfcheckrc (cli/file_config.c). */
struct bc_cli_setting {
	enum bc_setting id;
	const char *value;
	const char *name;
};

struct bc_options {
	const char *format;		/* "text" (default), "gcc", "json", ... (reporters.def) */
	const char *output;		/* -o FILE; NULL = stdout */
	bool quiet;			/* --quiet */
	bool statistics;		/* --statistics: the statistics reporter */
	const char *stdin_filename;	/* --stdin-filename PATH; NULL = "<stdin>" */
	enum bc_severity fail_on;	/* default BC_SEV_WARNING; NONE = never */
	char **select;			/* NULL = all rules */
	size_t nr_select, cap_select;
	char **ignore;
	size_t nr_ignore, cap_ignore;
	char **per_file_ignores;	/* "GLOB:RULE,RULE" */
	size_t nr_per_file_ignores, cap_per_file_ignores;
	char **exclude, **extend_exclude;	/* globs a directory walk skips */
	size_t nr_exclude, nr_extend_exclude, cap_exclude, cap_extend_exclude;
	enum bc_color color;
	bool fix, unsafe_fixes, diff;	/* diff: --diff, which is -f diff */
	bool exit_non_zero_on_fix;	/* after --fix, exit 1 when a file was changed */
	double timeout;			/* --timeout: seconds per file, 0 = no limit */
	bool aot;			/* --aot: scripts are built with bpftrace --aot */
	struct bc_target target;
	const char *tracefs;		/* --tracefs DIR: tracepoint formats (NULL = the system's) */
	char **clang_args;		/* -I, -D, --clang-arg as clang arguments, in order */
	size_t nr_clang_args, cap_clang_args;
	/* emit: --emit-llvm FILE, --scratch MODE, --scratch-threshold N, as given */
	const char *emit_llvm, *scratch, *scratch_threshold;
	char *target_file;		/* --target FILE: the target system (docs/target-file.md) */
	bool modules;			/* target capture --modules */
	bool allow_missing_kernel;	/* BC105 is a note, not an error */
	char **paths;
	size_t nr_paths;
	/* configuration */
	struct bc_severity_override *severity;
	size_t nr_severity, cap_severity;
	const char *config;		/* --config FILE */
	bool no_config;			/* --no-config */
	bool print_config;		/* --print-config */
	char *baseline;			/* --baseline FILE: report only findings not in it */
	const char *write_baseline;	/* --write-baseline FILE */
	bool prune_baseline;		/* --prune-baseline: drop entries that no longer occur */
	long long fail_on_growth;	/* compare --fail-on-growth N; -1 = not given */
	char *config_path;		/* the file that was read; NULL = none */
	char *origin[BC_NR_SETTINGS];	/* "FILE:LINE" or "command line"; NULL = default */
	struct bc_cli_setting *cli;	/* the command line's settings, in order */
	size_t nr_cli;
};

/* One option's --help lines. */
void bc_usage_option(FILE *out, enum bc_setting id);

/* Defaults: text, fail on warnings, the target's defaults. 0 or -errno. */
int bc_options_init(struct bc_options *o);
/* The output format asked for (--diff is -f diff). */
const char *bc_options_format(const struct bc_options *o);
/*
 * Gives the target its source once the settings are known: the target file
 * of --target (nothing of the running system is read then), else the running
 * system (tracepoint formats from --tracefs). 0, or an exit code with ERR
 * saying why: BC_EXIT_USAGE when the file cannot be read or
 * --tracefs is combined with --target, BC_EXIT_INPUT when it is not a
 * target file or is damaged.
 */
int bc_options_open_target(struct bc_options *o, char *err, size_t errlen);
/* Applies O->cli over what O holds (a .bpfcheckrc read into it): 0, or
 * BC_EXIT_USAGE with the message printed. */
int bc_options_apply_cli(struct bc_options *o);
/* Frees what the options own (not PATHS, which point into argv). */
void bc_options_free_settings(struct bc_options *o);

/*
 * Looks a setting up by its key ("fail-on", "severity.BC204" gives
 * BC_SET_SEVERITY and *ARG = "BC204"). -ENOENT when unknown or command line
 * only.
 */
int bc_setting_find(const char *key, enum bc_setting *id, const char **arg);
const char *bc_setting_key(enum bc_setting id);
/* "format, select, ..., severity.RULE, ...": the .bpfcheckrc keys, for
 * messages (heap; NULL when out of memory). */
char *bc_setting_keys(void);
/*
 * Sets ID from VALUE (for BC_SET_SEVERITY, "RULE=SEV"). ORIGIN is recorded
 * for --print-config. On a bad value returns -EINVAL and *ERR holds a
 * message naming the setting as NAME ("--fail-on" or "fail-on"; caller frees).
 */
int bc_setting_set(struct bc_options *o, enum bc_setting id, const char *value,
		   const char *origin, const char *name, char **err);
/* Empties a list setting (select, ignore, severity) before a new list. */
void bc_setting_clear(struct bc_options *o, enum bc_setting id);

/*
 * What the options ask of the analysis: their target (borrowed: O outlives
 * A) and tracefs, and --select/--ignore/--severity resolved for every rule
 * (the last matching override wins), and whether any enabled rule reads
 * stack facts. 0 or -ENOMEM.
 */
int bc_options_analysis(const struct bc_options *o, struct bc_analysis *a);

/*
 * The settings one file is checked with (each file's .bpfcheckrc on the
 * command line, the language server's documents): CONFIG when not NULL,
 * else BASE's --config, else the nearest .bpfcheckrc from PATH's directory
 * (none with --no-config); then EXTRA (the editor's settings), then BASE's
 * command line over both, and the target of the result opened. BASE's
 * command-line-only --tracefs and --no-cache carry over, and so does the
 * bpftrace BASE already resolved when the file's settings name none and
 * look at the same target. OUT is freed with bc_options_free_settings. On
 * a bad file or value returns non-zero and *ERRORS (heap) holds every
 * error, one a line; the configuration file's own errors (located
 * "FILE:LINE: error: ...") go to CONFIG_ERRS instead when it is not NULL,
 * as the command line's configuration file reports them.
 */
int bc_options_for_path(const struct bc_options *base, const char *path, const char *config,
			const struct bc_cli_setting *extra, size_t nr_extra, FILE *config_errs,
			struct bc_options *out, char **errors);

/* --print-config: every setting, its value and where it came from, in
 * .bpfcheckrc syntax. */
void bc_options_print(FILE *out, const struct bc_options *o);

#endif
