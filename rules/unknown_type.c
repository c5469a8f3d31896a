// SPDX-License-Identifier: Apache-2.0
/* BC101 unknown-type: a type could not be resolved (no BTF, no DWARF, a
 * header type); the note says what was assumed. Semantic analysis
 * (analyzer/script/sema*.c) reports these itself, so the rule has no check. */
#include <stddef.h>

#include "registry.h"

const struct bc_rule bc_rule_unknown_type = {
	.id = BC_RULE_UNKNOWN_TYPE,
	.code = "BC101",
	.name = "unknown-type",
	.summary = "a type could not be resolved (no BTF/DWARF); sizes are estimates",
	.kinds = BC_RULE_ON_SCRIPT,
	.fixable = false,
	.check = NULL,
};
