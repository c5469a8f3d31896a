// SPDX-License-Identifier: Apache-2.0
/* BC106 malformed-object: a BPF object holds what the kernel or libbpf
 * refuses before verifying anything (invalid instruction encodings, jumps
 * out of their function, malformed BTF). analyzer/object/insn_check.c and
 * libbpf_log.c report these while the object is read, so the rule has no
 * check of its own. */
#include <stddef.h>

#include "registry.h"

const struct bc_rule bc_rule_malformed_object = {
	.id = BC_RULE_MALFORMED_OBJECT,
	.code = "BC106",
	.name = "malformed-object",
	.summary = "the object has instructions or BTF the kernel refuses",
	.kinds = BC_RULE_ON_OBJECT,
	.fixable = false,
	.check = NULL,
};
