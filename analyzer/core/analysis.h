/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What one analysis is asked to do: the target to check against, where the
 * tracepoint formats are, and which rules run at which severity. The
 * command line builds one from its options and configuration and hands it
 * down read-only to the driver, the front ends, the suppression pass and
 * the rules: nothing below the command line knows about options or
 * configuration files.
 */
#ifndef BC_ANALYSIS_H
#define BC_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "target.h"

struct bc_rule;

/* The rule selection's verdict on one rule. */
struct bc_rule_choice {
	const struct bc_rule *rule;
	bool enabled;			/* selected and not ignored */
	enum bc_severity severity;	/* reported at this; BC_SEV_NONE = the rule's own */
};

struct bc_analysis {
	/*
	 * The kernel and bpftrace version checked against, -j and the type
	 * cache; borrowed from the builder, which outlives the analysis. It is
	 * read as it is: a builder that wants the installed bpftrace as the
	 * default asks for it (bc_target_resolve_bpftrace) before analysing a
	 * script.
	 */
	const struct bc_target *target;
	const char *tracefs;		/* tracepoint formats from DIR/events (NULL = the system's) */
	/*
	 * The rule selection, resolved per rule (owned: bc_analysis_free). A
	 * rule without an entry is enabled at its own severity, so an analysis
	 * with no entries runs every rule.
	 */
	struct bc_rule_choice *rules;
	size_t nr_rules;
};

/* Every rule enabled, against TARGET. */
void bc_analysis_init(struct bc_analysis *a, const struct bc_target *target);
void bc_analysis_free(struct bc_analysis *a);

/* Does the selection run R? */
bool bc_analysis_rule_enabled(const struct bc_analysis *a, const struct bc_rule *r);
/* Sets the severity of D's diagnostics whose rule has an override. */
void bc_analysis_apply_severity(const struct bc_analysis *a, struct bc_diags *d);

#endif
