/* SPDX-License-Identifier: Apache-2.0 */
/* Options shared by the subcommands (parsed once in cli/options.c). */
#ifndef BC_OPTIONS_H
#define BC_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "../analyzer/diag.h"
#include "../analyzer/target.h"

enum bc_color { BC_COLOR_AUTO = 0, BC_COLOR_ALWAYS, BC_COLOR_NEVER };

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
	int jobs;
	struct bc_target target;
	char **paths;
	size_t nr_paths;
};

/* Is RULE enabled by --select/--ignore? */
struct bc_rule;
bool bc_options_rule_enabled(const struct bc_options *o, const struct bc_rule *r);

#endif
