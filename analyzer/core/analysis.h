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

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "target.h"

/* The rule selection's verdict on one rule (zero: run at its own severity). */
struct bc_rule_choice {
	bool disabled;			/* not selected, or ignored */
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
	/* no kernel data and no target: BC105 is a note, not an error */
	bool allow_missing_kernel;
	/* The rule selection, by rule id (analyzer/core/rule_id.h). */
	struct bc_rule_choice rules[BC_NR_RULE_IDS];
	/*
	 * No enabled rule reads stack facts (the builder works it out from the
	 * rules' needs_stack_facts): front ends may then skip code generation
	 * and the backend (`--select BC1*`). False, the safe default, computes
	 * them.
	 */
	bool skip_stack_facts;
	/*
	 * Set by another thread when the result is no longer wanted (the
	 * language server: the document changed). The driver and the script
	 * front end look at it between their steps and stop with -ECANCELED.
	 * NULL: never.
	 */
	const atomic_bool *cancel;
	/*
	 * Answer from, and record in, the result cache of the target's
	 * cache_dir (analyzer/driver/result_cache.h): every field here that
	 * can change a unit's findings or figures must be in its key. Off by default: only
	 * what reads the report alone asks for it (not `bpfcheck emit`).
	 */
	bool result_cache;
	/* Extra clang arguments for C input (-I, -D, --clang-arg, in order;
	 * analyzer/frontend/c_compile.h); borrowed from the builder. */
	const char *const *clang_args;
	size_t nr_clang_args;
	/* Scripts are meant for bpftrace --aot (--aot, `aot = true`): report
	 * what that version's AOT compiler and runtime cannot do (BC404). */
	bool aot;
};

/* Every rule enabled, against TARGET. */
void bc_analysis_init(struct bc_analysis *a, const struct bc_target *target);

/* Does the selection run rule ID? */
static inline bool bc_analysis_rule_enabled(const struct bc_analysis *a, enum bc_rule_id id)
{
	return (unsigned)id < BC_NR_RULE_IDS && !a->rules[id].disabled;
}
/* Has the caller given up on this analysis? */
static inline bool bc_analysis_cancelled(const struct bc_analysis *a)
{
	return a->cancel && atomic_load(a->cancel);
}
/* Sets the severity of D's diagnostics whose rule has an override. */
void bc_analysis_apply_severity(const struct bc_analysis *a, struct bc_diags *d);

#endif
