// SPDX-License-Identifier: Apache-2.0
/* BC203 tail-call-frame: a subprogram that tail-calls is reached with
 * >= 256 bytes of caller frames. */
#include <errno.h>
#include <stdlib.h>

#include "stack_common.h"
#include "../analyzer/core/kernel_limits.h"
#include "../analyzer/core/target.h"
#include "../analyzer/core/unit.h"

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_facts *facts = &ctx->unit->facts;

	for (size_t i = 0; i < facts->nr_funcs; i++) {
		const struct bc_func *f = &facts->funcs[i];

		for (size_t j = 0; j < f->nr_issues; j++) {
			const struct bc_chain_issue *is = &f->issues[j];
			const struct bc_func *callee;
			struct bc_diag *d;
			char *chain;

			if (is->kind != BC_CHAIN_TAIL_CALL_FRAME || !is->nr_chain)
				continue;
			callee = &facts->funcs[is->chain[is->nr_chain - 1]];
			chain = bc_stack_chain_text(facts, is->chain, is->nr_chain, ctx->target);
			if (!chain)
				return -ENOMEM;
			d = bc_stack_report(ctx, f,
					    "tail call in '%s' with %u bytes of caller frames; the verifier allows less than %d",
					    callee->name, is->bytes, BC_TAIL_CALL_FRAME_LIMIT);
			if (!d || bc_diag_note(d, NULL, NULL, "chain: %s", chain)) {
				free(chain);
				return -ENOMEM;
			}
			free(chain);
		}
	}
	return 0;
}

const struct bc_rule bc_rule_tail_call_frame = {
	.id = BC_RULE_TAIL_CALL_FRAME,
	.code = "BC203",
	.name = "tail-call-frame",
	.needs_stack_facts = true,
	.summary = "a tail call is reached with 256 bytes or more of caller stack frames",
	.kinds = BC_RULE_ON_ALL & ~BC_RULE_ON_MANIFEST,
	.check = check,
};
