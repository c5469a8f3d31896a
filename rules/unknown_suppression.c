// SPDX-License-Identifier: Apache-2.0
/* BC104 unknown-suppression: a suppression comment that names no known rule,
 * or a malformed `// bpfcheck:` directive. Reported by the suppression pass
 * (analyzer/driver/suppress.c), so the rule has no check of its own. */
#include <stddef.h>

#include "registry.h"

const struct bc_rule bc_rule_unknown_suppression = {
	.id = BC_RULE_UNKNOWN_SUPPRESSION,
	.code = "BC104",
	.name = "unknown-suppression",
	.summary = "a suppression comment names an unknown rule or is malformed",
	.kinds = BC_RULE_ON_SCRIPT,
	.fixable = false,
	.check = NULL,
};
