// SPDX-License-Identifier: Apache-2.0
/* BC103 unused-suppression: a `// bpfcheck: disable...` comment that
 * suppressed nothing. Reported by the suppression pass (analyzer/driver/suppress.c)
 * after the other rules ran, so the rule has no check of its own. */
#include <stddef.h>

#include "registry.h"

const struct bc_rule bc_rule_unused_suppression = {
	.id = BC_RULE_UNUSED_SUPPRESSION,
	.code = "BC103",
	.name = "unused-suppression",
	.summary = "a suppression comment suppresses nothing",
	.kinds = BC_RULE_ON_SCRIPT,
	.fixable = true,
	.check = NULL,
};
