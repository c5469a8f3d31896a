// SPDX-License-Identifier: Apache-2.0
/* BC204 stack-near-limit: a program's frame or chain is above 80% of the
 * limit (but within it): one more string or tuple and it will not load. */
#include <errno.h>

#include "stack_common.h"
#include "../analyzer/core/kernel_limits.h"
#include "../analyzer/core/target.h"
#include "../analyzer/core/unit.h"

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_facts *facts = &ctx->unit->facts;
	int limit = ctx->target->stack_limit;
	int near = limit * BC_STACK_NEAR_LIMIT_PCT / 100;

	for (size_t i = 0; i < facts->nr_funcs; i++) {
		const struct bc_func *f = &facts->funcs[i];
		unsigned bytes = f->frame_bytes;
		struct bc_diag *d;

		if (!f->is_entry)
			continue;
		if (f->chain_bytes > bytes)
			bytes = f->chain_bytes;
		if ((int)bytes <= near || (int)bytes > limit || f->nr_issues)
			continue;
		if ((int)f->frame_bytes >= bc_kind_refused_frame(ctx->unit->kind, limit))
			continue;	/* BC201: LLVM refuses it */
		d = bc_stack_report_frame(ctx, f,
				    "program '%s' uses %u of %d bytes of stack (%u%%); little room is left",
				    f->name, bytes, limit, bytes * 100 / limit);
		if (!d || bc_stack_slot_notes(ctx, d, f))
			return -ENOMEM;
	}
	return 0;
}

const struct bc_rule bc_rule_stack_near_limit = {
	.id = BC_RULE_STACK_NEAR_LIMIT,
	.code = "BC204",
	.name = "stack-near-limit",
	.needs_stack_facts = true,
	.summary = "a program's stack use is above 80% of the limit",
	.kinds = BC_RULE_ON_ALL & ~BC_RULE_ON_MANIFEST,
	.check = check,
};
