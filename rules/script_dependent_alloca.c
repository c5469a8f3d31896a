// SPDX-License-Identifier: Apache-2.0
/*
 * BC210 script-dependent-alloca: the stack copies one source of
 * script-sized bytes (a str() call site, a string field, a tuple) causes:
 * the variable, tuple, map key and value, printf arguments and ternary
 * slots its bytes are copied into ("big string infection"). One finding
 * per origin, a note per copy, with their total.
 *
 * Reported for slots on the stack (every slot in the 0.17-0.21 models; in
 * 0.22+ only those within on_stack_limit), and only for an origin copied
 * at least twice (one copy is how bpftrace passes any
 * string on: not something a script can avoid):
 *   - a warning when the function is above BC_STACK_NEAR_LIMIT_PCT of the
 *     limit and some slot of the origin is live at the peak;
 *   - else a note when the copies, not counting the source's own buffer,
 *     total at least 64 bytes (one more default-size string).
 * The thresholds are bc_copies_verdict's (slot_origins.c), which BC211
 * shares; docs/rules/BC210.md states them.
 */
#include <errno.h>
#include <stdlib.h>

#include "slot_origins.h"
#include "stack_common.h"
#include "../analyzer/core/kernel_limits.h"
#include "../analyzer/core/target.h"
#include "../analyzer/core/unit.h"

static int note_slot(struct bc_diag *d, const struct bc_slot *s, bool source)
{
	char *label = bc_slot_label(s);
	int err;

	if (!label)
		return -ENOMEM;
	if (s->nr_sources > 1)
		err = bc_diag_note(d, s->path, &s->span, "%u bytes: %s%s, shared with %zu other %s",
				   s->bytes, label, s->live_at_peak ? ", live at the peak" : "",
				   s->nr_sources - 1, s->nr_sources == 2 ? "source" : "sources");
	else
		err = bc_diag_note(d, s->path, &s->span, "%u bytes: %s%s%s", s->bytes, label,
				   source ? " (the source)" : "",
				   s->live_at_peak ? ", live at the peak" : "");
	free(label);
	return err;
}

static int cmp_position(const void *a, const void *b)
{
	const struct bc_slot *x = *(const struct bc_slot *const *)a;
	const struct bc_slot *y = *(const struct bc_slot *const *)b;

	if (x->span.start != y->span.start)
		return x->span.start < y->span.start ? -1 : 1;
	return x->bytes > y->bytes ? -1 : x->bytes < y->bytes;
}

static int report(struct bc_rule_ctx *ctx, const struct bc_func *f,
		  const struct bc_origin_group *g, bool warn)
{
	size_t copies = bc_origin_copies(g);
	char *what = bc_origin_label(ctx->unit, f, g);
	const struct bc_slot **order;
	struct bc_span span;
	const char *path;
	struct bc_diag *d;
	int err = 0;

	if (!what)
		return -ENOMEM;
	bc_origin_location(ctx, f, g, &path, &span);
	if (copies)
		d = bc_diag_add(ctx->diags, ctx->rule->id, path, &span,
				"%s is copied into %zu stack %s in '%s': %llu bytes in all, %llu live at the peak",
				what, copies, copies == 1 ? "slot" : "slots", f->name,
				(unsigned long long)g->bytes, (unsigned long long)g->live_bytes);
	else
		d = bc_diag_add(ctx->diags, ctx->rule->id, path, &span,
				"%s takes %llu bytes of stack in '%s' at the peak, and its size depends on the script",
				what, (unsigned long long)g->bytes, f->name);
	free(what);
	if (!d)
		return -errno;
	if (!warn)
		d->severity = BC_SEV_NOTE;	/* room left on the stack: worth knowing only */
	/* in source order: the source, then each copy where it is made */
	order = malloc(g->nr * sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (size_t k = 0; k < g->nr; k++)
		order[k] = &f->slots[g->slots[k]];
	qsort(order, g->nr, sizeof(*order), cmp_position);
	for (size_t k = 0; k < g->nr && !err; k++)
		err = note_slot(d, order[k], order[k] == g->source && copies);
	free(order);
	if (!err && copies)
		err = bc_diag_note(d, NULL, NULL, "%llu bytes are copies of the source",
				   (unsigned long long)g->copy_bytes);
	return err;
}

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_facts *facts = &ctx->unit->facts;

	for (size_t i = 0; i < facts->nr_funcs; i++) {
		const struct bc_func *f = &facts->funcs[i];
		struct bc_origin_group *g;
		size_t n;
		int err;

		if (!f->has_attribution || !f->nr_slots)
			continue;
		err = bc_origin_groups(f, bc_slot_script_sized, &g, &n);
		for (size_t k = 0; k < n && !err; k++) {
			enum bc_copies_verdict v = bc_copies_verdict(f, &g[k], ctx->target->stack_limit);

			if (v != BC_COPIES_QUIET)
				err = report(ctx, f, &g[k], v == BC_COPIES_WARNING);
		}
		bc_origin_groups_free(g, n);
		if (err)
			return err;
	}
	return 0;
}

const struct bc_rule bc_rule_script_dependent_alloca = {
	.id = BC_RULE_SCRIPT_DEPENDENT_ALLOCA,
	.code = "BC210",
	.name = "script-dependent-alloca",
	.needs_stack_facts = true,
	.summary = "bytes whose size follows the script are copied into several stack slots",
	.kinds = BC_RULE_ON_SCRIPT | BC_RULE_ON_IR,
	.check = check,
};
