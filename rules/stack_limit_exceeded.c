// SPDX-License-Identifier: Apache-2.0
/* BC201 stack-limit-exceeded: one function's frame is over the limit. */
#include <errno.h>

#include "stack_common.h"
#include "../analyzer/core/target.h"
#include "../analyzer/core/unit.h"

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_facts *facts = &ctx->unit->facts;
	int limit = ctx->target->stack_limit;
	int refused = bc_kind_refused_frame(ctx->unit->kind, limit);

	for (size_t i = 0; i < facts->nr_funcs; i++) {
		const struct bc_func *f = &facts->funcs[i];
		struct bc_diag *d;

		if ((int)f->frame_bytes < refused)
			continue;
		if ((int)f->frame_bytes > limit)
			d = bc_stack_report_frame(ctx, f, "%s '%s' needs %u bytes of stack, more than the %d-byte limit",
					    f->is_entry ? "program" : "subprogram", f->name, f->frame_bytes,
					    limit);
		else	/* the LLVM boundary (unit.h) */
			d = bc_stack_report_frame(ctx, f,
					    "%s '%s' needs %u bytes of stack: its lowest access reaches -%d, which clang/llc will refuse (the kernel would accept %d)",
					    f->is_entry ? "program" : "subprogram", f->name, f->frame_bytes,
					    limit, limit);
		if (!d || bc_stack_where_note(ctx, d, f) || bc_stack_slot_notes(ctx, d, f))
			return -ENOMEM;
	}
	/* a private-stack subprogram is checked on its own against the limit */
	for (size_t i = 0; i < facts->nr_funcs; i++) {
		const struct bc_func *f = &facts->funcs[i];

		for (size_t j = 0; j < f->nr_issues; j++) {
			const struct bc_chain_issue *is = &f->issues[j];
			const struct bc_func *sub;

			if (is->kind != BC_CHAIN_PRIV_STACK_TOO_LARGE || !is->nr_chain)
				continue;
			sub = &facts->funcs[is->chain[is->nr_chain - 1]];
			if ((int)sub->frame_bytes > limit)
				continue;	/* already reported above */
			if (!bc_stack_report(ctx, sub,
					     "subprogram '%s' runs on a private stack of %u bytes, more than the %d-byte limit",
					     sub->name, is->bytes, limit))
				return -ENOMEM;
		}
	}
	return 0;
}

const struct bc_rule bc_rule_stack_limit_exceeded = {
	.id = BC_RULE_STACK_LIMIT_EXCEEDED,
	.code = "BC201",
	.name = "stack-limit-exceeded",
	.needs_stack_facts = true,
	.summary = "a program's stack frame exceeds the limit",
	.kinds = BC_RULE_ON_ALL & ~BC_RULE_ON_MANIFEST,
	.check = check,
};
