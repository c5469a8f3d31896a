// SPDX-License-Identifier: Apache-2.0
/* BC202 call-chain-too-deep: combined depth (or frame count) along a
 * BPF-to-BPF call chain over what the verifier accepts. */
#include <errno.h>
#include <stdlib.h>

#include "stack_common.h"
#include "../analyzer/core/kernel_limits.h"
#include "../analyzer/core/target.h"
#include "../analyzer/core/unit.h"

/* A chain whose own frames are each over the limit is BC201's finding. */
static bool has_oversized_frame(const struct bc_facts *facts, const struct bc_chain_issue *is,
				int limit)
{
	for (size_t k = 0; k < is->nr_chain; k++)
		if ((int)facts->funcs[is->chain[k]].frame_bytes > limit)
			return true;
	return false;
}

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_facts *facts = &ctx->unit->facts;
	int limit = ctx->target->stack_limit;

	for (size_t i = 0; i < facts->nr_funcs; i++) {
		const struct bc_func *f = &facts->funcs[i];

		for (size_t j = 0; j < f->nr_issues; j++) {
			const struct bc_chain_issue *is = &f->issues[j];
			struct bc_diag *d = NULL;
			char *chain;

			if (is->kind == BC_CHAIN_COMBINED_TOO_LARGE && has_oversized_frame(facts, is, limit))
				continue;
			if (is->kind != BC_CHAIN_COMBINED_TOO_LARGE && is->kind != BC_CHAIN_TOO_DEEP &&
			    is->kind != BC_CHAIN_RECURSION)
				continue;
			chain = bc_stack_chain_text(facts, is->chain, is->nr_chain, ctx->target);
			if (!chain)
				return -ENOMEM;
			if (is->kind == BC_CHAIN_COMBINED_TOO_LARGE)
				d = bc_stack_report(ctx, f,
						    "combined stack size of %u calls is %u bytes, more than the %d-byte limit",
						    is->frames, is->bytes, limit);
			else if (is->kind == BC_CHAIN_TOO_DEEP)
				d = bc_stack_report(ctx, f,
						    "the call chain is %u frames deep; the verifier allows %d",
						    is->frames, BC_MAX_CALL_FRAMES);
			else
				d = bc_stack_report(ctx, f, "recursive call chain: the verifier refuses recursion");
			if (!d || bc_diag_note(d, NULL, NULL, "chain: %s (kernel %s%s)", chain,
					       ctx->target->kernel_str,
					       ctx->target->jit ? ", JIT" : ", interpreter")) {
				free(chain);
				return -ENOMEM;
			}
			free(chain);
		}
	}
	return 0;
}

const struct bc_rule bc_rule_call_chain_too_deep = {
	.id = BC_RULE_CALL_CHAIN_TOO_DEEP,
	.code = "BC202",
	.name = "call-chain-too-deep",
	.needs_stack_facts = true,
	.summary = "combined stack depth along a BPF-to-BPF call chain exceeds the limit",
	.kinds = BC_RULE_ON_ALL & ~BC_RULE_ON_MANIFEST,
	.check = check,
};
