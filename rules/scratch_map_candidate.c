// SPDX-License-Identifier: Apache-2.0
/*
 * BC211 scratch-map-candidate: what scratch storage would save, or costs.
 *
 * Stack-generation code (bpftrace 0.17-0.21 scripts, LLVM IR, objects with
 * attribution): for a function above BC_STACK_NEAR_LIMIT_PCT of the limit,
 * each origin's slots (slot_origins.h: a source and its copies) whose move
 * to scratch storage would lower the peak by at least BC211_MIN_SAVED_BYTES.
 * The saving is recomputed, not summed: the peak is the largest set of slots
 * live together (bc_func.live_sets), so the peak without the group is the
 * largest remaining set, and a slot not live at the peak may save nothing.
 * The figures are the IR model's; the frame adds what the backend adds.
 *
 * bpftrace 0.22+ scripts: temporaries above on_stack_limit already live in
 * scratch buffers. When that is what keeps a function within reach of the
 * limit (its frame plus their bytes is above the 80% mark), their memory
 * cost is reported instead.
 */
#include <errno.h>
#include <stdlib.h>

#include "slot_origins.h"
#include "stack_common.h"
#include "../analyzer/core/kernel_limits.h"
#include "../analyzer/script/profile.h"
#include "../analyzer/core/target.h"
#include "../analyzer/core/unit.h"

/* bpftrace's default on_stack_limit: smaller temporaries stay on the stack
 * even with scratch buffers, so smaller savings are not worth a map. */
#define BC211_MIN_SAVED_BYTES 32

static bool on_stack(const struct bc_slot *s)
{
	return s->placement == BC_PLACE_STACK && s->bytes;
}

/* Notes in source order: the source, then each copy where it is made. */
static int cmp_position(const void *a, const void *b)
{
	const struct bc_slot *x = *(const struct bc_slot *const *)a;
	const struct bc_slot *y = *(const struct bc_slot *const *)b;

	if (x->span.start != y->span.start)
		return x->span.start < y->span.start ? -1 : 1;
	return x->bytes > y->bytes ? -1 : x->bytes < y->bytes;
}

static int saving_note(struct bc_rule_ctx *ctx, const struct bc_func *f,
		       const struct bc_origin_group *g, uint64_t peak, uint64_t saved)
{
	bool script = ctx->unit->kind == BC_KIND_SCRIPT;
	char *what = bc_origin_label(ctx->unit, f, g);
	size_t copies = bc_origin_copies(g);
	uint32_t after = f->frame_bytes > saved ? f->frame_bytes - (uint32_t)saved : 0;
	const struct bc_slot **order;
	struct bc_span span;
	const char *path;
	struct bc_diag *d;
	int err = 0;

	if (!what)
		return -ENOMEM;
	bc_origin_location(ctx, f, g, &path, &span);
	d = bc_diag_add(ctx->diags, ctx->rule->id, path, &span,
			"moving %s%s to scratch storage would save %llu of the %llu slot bytes at the peak of '%s' (frame %u, about %u after)",
			what, copies ? (copies == 1 ? " and its copy" : " and its copies") : "",
			(unsigned long long)saved, (unsigned long long)peak, f->name, f->frame_bytes,
			after);
	free(what);
	if (!d)
		return -errno;
	if (bc_copies_reported(ctx, f, &g->span)) {
		/* BC210 lists these slots already: say where, not the same notes again */
		err = bc_diag_note(d, path, &span, "the slots are listed in the BC210 finding here");
		if (err)
			return err;
		goto advice;
	}
	order = malloc(g->nr * sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (size_t k = 0; k < g->nr; k++)
		order[k] = &f->slots[g->slots[k]];
	qsort(order, g->nr, sizeof(*order), cmp_position);
	for (size_t k = 0; k < g->nr && !err; k++) {
		const struct bc_slot *s = order[k];
		char *label = bc_slot_label(s);

		if (!label) {
			free(order);
			return -ENOMEM;
		}
		err = bc_diag_note(d, s->path, &s->span, "%u bytes: %s%s%s", s->bytes, label,
				   s->live_at_peak ? ", live at the peak" : "",
				   s->nr_sources > 1 ? ", shared with other sources" : "");
		free(label);
	}
	free(order);
	if (err)
		return err;
advice:
	if (script)
		return bc_diag_note(d, NULL, NULL,
				    "bpftrace 0.22 and later keep temporaries larger than on_stack_limit (32 bytes by default; config = { on_stack_limit = N }) in per-CPU scratch buffers instead of the stack");
	return bc_diag_note(d, NULL, NULL,
			    "keep it in a per-CPU array map (BPF_MAP_TYPE_PERCPU_ARRAY, one entry) and work through the pointer bpf_map_lookup_elem returns");
}

static int stack_generation(struct bc_rule_ctx *ctx, const struct bc_func *f)
{
	struct bc_origin_group *g;
	bool *excluded;
	int64_t peak;
	size_t n;
	int err;

	peak = bc_peak_without(f, NULL);
	if (peak <= 0)
		return 0;
	excluded = calloc(f->nr_slots + 1, sizeof(*excluded));
	if (!excluded)
		return -ENOMEM;
	err = bc_origin_groups(f, on_stack, &g, &n);
	for (size_t k = 0; k < n && !err; k++) {
		int64_t without;

		for (size_t j = 0; j < g[k].nr; j++)
			excluded[g[k].slots[j]] = true;
		without = bc_peak_without(f, excluded);
		for (size_t j = 0; j < g[k].nr; j++)
			excluded[g[k].slots[j]] = false;
		if (peak - without >= BC211_MIN_SAVED_BYTES)
			err = saving_note(ctx, f, &g[k], (uint64_t)peak, (uint64_t)(peak - without));
	}
	bc_origin_groups_free(g, n);
	free(excluded);
	return err;
}

/* 0.22+: the temporaries scratch storage holds, and their memory. */
static int scratch_cost(struct bc_rule_ctx *ctx, const struct bc_func *f, int near)
{
	uint64_t bytes = 0;
	size_t n = 0;
	struct bc_diag *d;
	int err = 0;

	for (size_t i = 0; i < f->nr_slots; i++)
		if (f->slots[i].placement == BC_PLACE_SCRATCH) {
			bytes += f->slots[i].scratch_bytes;
			n++;
		}
	if (!n || f->frame_bytes + bytes <= (uint64_t)near)
		return 0;
	d = bc_stack_report(ctx, f,
			    "'%s' keeps %zu %s (%llu bytes) in scratch buffers, off the stack: its frame is %u bytes, and the buffers cost %llu bytes of memory per CPU",
			    f->name, n, n == 1 ? "temporary" : "temporaries", (unsigned long long)bytes,
			    f->frame_bytes, (unsigned long long)bytes);
	if (!d)
		return -errno;
	for (size_t i = 0; i < f->nr_slots && !err; i++) {
		const struct bc_slot *s = &f->slots[i];
		char *label;

		if (s->placement != BC_PLACE_SCRATCH)
			continue;
		label = bc_slot_label(s);
		if (!label)
			return -ENOMEM;
		err = bc_diag_note(d, s->path, &s->span, "%llu bytes per CPU: %s",
				   (unsigned long long)s->scratch_bytes, label);
		free(label);
	}
	return err;
}

static bool scratch_generation(const struct bc_rule_ctx *ctx)
{
	struct bc_bt_profile p;

	if (ctx->unit->kind != BC_KIND_SCRIPT)
		return false;
	return !bc_bt_profile_init(&p, ctx->target->bpftrace) && p.has_scratch;
}

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_facts *facts = &ctx->unit->facts;
	int near = ctx->target->stack_limit * BC_STACK_NEAR_LIMIT_PCT / 100;
	bool scratch = scratch_generation(ctx);

	for (size_t i = 0; i < facts->nr_funcs; i++) {
		const struct bc_func *f = &facts->funcs[i];
		int err;

		if (!f->has_attribution)
			continue;
		if (scratch)
			err = scratch_cost(ctx, f, near);
		else
			err = (int)f->frame_bytes > near ? stack_generation(ctx, f) : 0;
		if (err)
			return err;
	}
	return 0;
}

const struct bc_rule bc_rule_scratch_map_candidate = {
	.id = BC_RULE_SCRATCH_MAP_CANDIDATE,
	.code = "BC211",
	.name = "scratch-map-candidate",
	.needs_stack_facts = true,
	.summary = "stack slots that scratch storage would remove, with the bytes saved at the peak",
	.kinds = BC_RULE_ON_SCRIPT | BC_RULE_ON_IR | BC_RULE_ON_OBJECT,
	.check = check,
};
