// SPDX-License-Identifier: Apache-2.0
/*
 * BC212 inline-stack-bloat: a frame over or near the limit whose bytes live
 * at the peak come, for the most part, from one __always_inline helper
 * inlined several times, each expansion with its own record.
 *
 * Reads the debug-info attribution of slots (bc_slot.helper, call_span:
 * the helper whose inlined code declares or fills the slot, and where the
 * function calls it). A helper qualifies when at least two of its inlined
 * calls have slots live together at the peak and those slots hold at least
 * half of the peak's slot bytes. Records of a helper that are dead in turn
 * share one slot after LLVM's stack colouring, so at most one of them is
 * live at the peak: no finding. An error when the frame is refused (over
 * the limit; for IR and C at it: bc_kind_refused_frame), a warning when it
 * is above BC_STACK_NEAR_LIMIT_PCT.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack_common.h"
#include "../analyzer/core/kernel_limits.h"
#include "../analyzer/core/target.h"
#include "../analyzer/core/unit.h"

struct helper_group {
	const char *helper;
	const struct bc_slot **slots;	/* live at the peak, in call order */
	size_t nr;
	size_t sites;			/* distinct call sites */
	uint64_t bytes;
	bool declared_in_helper;	/* all are the helper's own variables */
};

static int cmp_site(const void *a, const void *b)
{
	const struct bc_slot *x = *(const struct bc_slot *const *)a;
	const struct bc_slot *y = *(const struct bc_slot *const *)b;

	if (x->call_span.line != y->call_span.line)
		return x->call_span.line < y->call_span.line ? -1 : 1;
	return x->call_span.col < y->call_span.col ? -1 : x->call_span.col > y->call_span.col;
}

/* The helper whose live slots weigh most in F's peak (G->nr 0: none). */
static int largest_group(const struct bc_func *f, struct helper_group *g)
{
	memset(g, 0, sizeof(*g));
	for (size_t i = 0; i < f->nr_slots; i++) {
		const struct bc_slot *s = &f->slots[i];
		uint64_t bytes = 0;

		if (!s->helper || !s->call_span.line || !s->live_at_peak ||
		    s->placement != BC_PLACE_STACK)
			continue;
		for (size_t k = 0; k < f->nr_slots; k++) {
			const struct bc_slot *o = &f->slots[k];

			if (o->helper && o->live_at_peak && o->placement == BC_PLACE_STACK &&
			    !strcmp(o->helper, s->helper))
				bytes += o->bytes;
		}
		if (bytes > g->bytes) {
			g->bytes = bytes;
			g->helper = s->helper;
		}
	}
	if (!g->helper)
		return 0;
	g->slots = calloc(f->nr_slots, sizeof(*g->slots));
	if (!g->slots)
		return -ENOMEM;
	g->declared_in_helper = true;
	for (size_t i = 0; i < f->nr_slots; i++) {
		const struct bc_slot *s = &f->slots[i];

		if (s->helper && s->call_span.line && s->live_at_peak &&
		    s->placement == BC_PLACE_STACK && !strcmp(s->helper, g->helper)) {
			g->slots[g->nr++] = s;
			g->declared_in_helper &= s->declared_in_helper;
		}
	}
	qsort(g->slots, g->nr, sizeof(*g->slots), cmp_site);
	for (size_t i = 0; i < g->nr; i++)
		g->sites += !i || cmp_site(&g->slots[i - 1], &g->slots[i]);
	return 0;
}

static int fix_notes(struct bc_diag *d, const struct bc_func *f, const struct helper_group *g)
{
	uint64_t one = g->bytes / (g->nr ? g->nr : 1);
	int err;

	err = bc_diag_note(d, NULL, NULL,
			   "fix: keep the records in a per-CPU array map (BPF_MAP_TYPE_PERCPU_ARRAY, one entry of %llu bytes) and fill them through the pointer bpf_map_lookup_elem returns: saves %llu bytes of the stack of '%s'",
			   (unsigned long long)g->bytes, (unsigned long long)g->bytes, f->name);
	if (!err)
		err = bc_diag_note(d, NULL, NULL,
				   "fix: fewer live records: send each record before the next %s call fills another, so that they are dead in turn and LLVM gives them one slot: saves %llu bytes",
				   g->helper, (unsigned long long)(g->bytes - one));
	if (err)
		return err;
	if (g->declared_in_helper)
		return bc_diag_note(d, NULL, NULL,
				    "fix: mark %s __noinline: its record moves to a frame of its own (about %llu bytes) that exists only during the call: saves about %llu bytes of the frame of '%s'; the call chain grows by one frame (at most %d frames)",
				    g->helper, (unsigned long long)one,
				    (unsigned long long)(g->bytes - one), f->name, BC_MAX_CALL_FRAMES);
	return bc_diag_note(d, NULL, NULL,
			    "__noinline on %s would not help: the records are variables of '%s', which %s only fills",
			    g->helper, f->name, g->helper);
}

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_facts *facts = &ctx->unit->facts;
	int limit = ctx->target->stack_limit;
	int refused = bc_kind_refused_frame(ctx->unit->kind, limit);
	int near = limit * BC_STACK_NEAR_LIMIT_PCT / 100;
	int err = 0;

	for (size_t i = 0; i < facts->nr_funcs && !err; i++) {
		const struct bc_func *f = &facts->funcs[i];
		const struct bc_slot *first;
		struct helper_group g;
		struct bc_diag *d;

		if (!f->has_attribution || (int)f->frame_bytes <= near)
			continue;
		err = largest_group(f, &g);
		if (err)
			break;
		if (g.sites < 2 || g.bytes * 2 < f->slot_peak_bytes) {
			free(g.slots);
			continue;
		}
		first = g.slots[0];
		d = bc_diag_add(ctx->diags, ctx->rule->id, first->path ? first->path : ctx->unit->display_path,
				&first->call_span,
				"%s is inlined %zu times into '%s' and the records of %zu of its expansions (%llu bytes) are live together at the peak of a %u-byte frame",
				g.helper, g.sites, f->name, g.nr, (unsigned long long)g.bytes,
				f->frame_bytes);
		if (!d) {
			free(g.slots);
			return -ENOMEM;
		}
		if ((int)f->frame_bytes < refused)
			d->severity = d->severity == BC_SEV_ERROR ? BC_SEV_WARNING : d->severity;
		for (size_t k = 0; k < g.nr && !err; k++) {
			const struct bc_slot *s = g.slots[k];

			err = bc_diag_note(d, s->path, &s->call_span,
					   "inlined call %zu of %zu: %s %s (%u bytes, %s, declared at line %u), live at the peak",
					   k + 1, g.nr, s->declared_in_helper ? "its record" : "fills",
					   s->name, s->bytes, s->type ? s->type : s->construct, s->span.line);
		}
		if (!err)
			err = fix_notes(d, f, &g);
		free(g.slots);
	}
	return err;
}

const struct bc_rule bc_rule_inline_stack_bloat = {
	.id = BC_RULE_INLINE_STACK_BLOAT,
	.code = "BC212",
	.name = "inline-stack-bloat",
	.needs_stack_facts = true,
	.summary = "one inlined helper's records fill most of a frame near or over the limit",
	.kinds = BC_RULE_ON_ALL & ~BC_RULE_ON_MANIFEST,
	.check = check,
};
