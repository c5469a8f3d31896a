/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rule registry. Each rule lives in its own file (rules/<name>.c) and
 * defines one `const struct bc_rule`; rules/rules.def lists them with their
 * ids (enum bc_rule_id, analyzer/core/rule_id.h) and default severities,
 * and docs/rules/<CODE>.md is the page `bpfcheck explain` shows.
 */
#ifndef BC_RULES_REGISTRY_H
#define BC_RULES_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "../analyzer/core/diag.h"

struct bc_unit;
struct bc_target;
struct bc_analysis;

/* What a rule's check sees. */
struct bc_rule_ctx {
	const struct bc_rule *rule;
	struct bc_unit *unit;		/* input, facts, script AST, ... */
	const struct bc_target *target;
	const struct bc_analysis *analysis;	/* what was asked: the rule selection, ... */
	struct bc_diags *diags;		/* where findings go (the unit's) */
};

/* Which input kinds a rule runs on. */
enum {
	BC_RULE_ON_SCRIPT = 1 << 0,
	BC_RULE_ON_IR = 1 << 1,
	BC_RULE_ON_OBJECT = 1 << 2,
	BC_RULE_ON_MANIFEST = 1 << 3,
	BC_RULE_ON_ALL = 0xf,
};

struct bc_rule {
	enum bc_rule_id id;		/* its line in rules.def */
	const char *code;		/* "BC201": stable forever */
	const char *name;		/* "stack-limit-exceeded" */
	const char *summary;		/* one line, for `rules`, SARIF shortDescription */
	unsigned kinds;			/* BC_RULE_ON_* */
	bool fixable;
	/* reads the stack facts of scripts: without such a rule enabled, the
	 * script front end skips code generation and the backend */
	bool needs_stack_facts;
	/* Runs the check; NULL for rules reported by an analysis pass itself
	 * (syntax errors, ...). 0 or a negative errno (an internal failure). */
	int (*check)(struct bc_rule_ctx *ctx);
};

#define BC_RULE(id, sym, severity) extern const struct bc_rule sym;
#include "rules.def"
#undef BC_RULE

/* All rules in code order, indexed by enum bc_rule_id; NULL-terminated. */
extern const struct bc_rule *const bc_rules[];
size_t bc_rules_count(void);

/* The rule with id ID (a finding's diag->rule_id). */
static inline const struct bc_rule *bc_rule_get(enum bc_rule_id id)
{
	return bc_rules[id];
}

/* Its severity unless the configuration changes it (from rules.def). */
static inline enum bc_severity bc_rule_severity(const struct bc_rule *r)
{
	return bc_rule_default_severity(r->id);
}
/* By code ("BC201", case-insensitive) or name. NULL when unknown. */
const struct bc_rule *bc_rule_find(const char *code_or_name);
/* Code, name or glob ("BC2*", "stack-*", "all") matches the rule. */
bool bc_rule_matches(const struct bc_rule *r, const char *pattern);
/* Does PATTERN match at least one rule? (to reject typos in --select) */
bool bc_rule_pattern_valid(const char *pattern);

#endif
