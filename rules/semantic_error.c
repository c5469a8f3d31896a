// SPDX-License-Identifier: Apache-2.0
/* BC102 semantic-error: what the target bpftrace would refuse (unknown
 * function or builtin for the version, wrong arguments, undefined variable,
 * newer syntax). Semantic analysis (analyzer/script/sema*.c) reports these
 * itself, so the rule has no check. */
#include <stddef.h>

#include "registry.h"

const struct bc_rule bc_rule_semantic_error = {
	.id = BC_RULE_SEMANTIC_ERROR,
	.code = "BC102",
	.name = "semantic-error",
	.summary = "what the target bpftrace would refuse: unknown function, wrong arguments, "
		   "undefined variable",
	.kinds = BC_RULE_ON_SCRIPT,
	.fixable = false,
	.check = NULL,
};
