// SPDX-License-Identifier: Apache-2.0
/*
 * BC205 stack-not-computed: a probe of a script has no stack figure because
 * its code uses a construct bpfcheck's model of bpftrace's code generation
 * does not cover. Reported by the script compile step
 * (analyzer/frontend/script_compile.c), never guessed: the other probes still
 * get their figures.
 */
#include "registry.h"

const struct bc_rule bc_rule_stack_not_computed = {
	.id = BC_RULE_STACK_NOT_COMPUTED,
	.code = "BC205",
	.name = "stack-not-computed",
	.needs_stack_facts = true,
	.summary = "a probe has no stack figure: a construct in it is not modelled",
	.kinds = BC_RULE_ON_SCRIPT,
	.check = NULL,
};
