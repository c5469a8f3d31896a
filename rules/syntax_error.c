// SPDX-License-Identifier: Apache-2.0
/* BC100 syntax-error: the script does not parse. The parser
 * (analyzer/script/parser.c) reports these itself while it recovers, so the
 * rule has no check of its own. */
#include <stddef.h>

#include "registry.h"

const struct bc_rule bc_rule_syntax_error = {
	.id = BC_RULE_SYNTAX_ERROR,
	.code = "BC100",
	.name = "syntax-error",
	.summary = "the script does not parse",
	.kinds = BC_RULE_ON_SCRIPT,
	.fixable = false,
	.check = NULL,
};
