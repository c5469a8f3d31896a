// SPDX-License-Identifier: Apache-2.0
/* Slots grouped by the source of their bytes, and the peak without some. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "slot_origins.h"
#include "stack_common.h"
#include "../analyzer/core/analysis.h"
#include "../analyzer/core/diag.h"
#include "../analyzer/core/kernel_limits.h"
#include "../analyzer/core/unit.h"
#include "../analyzer/base/array.h"

/* Longest source text quoted in a message. */
#define ORIGIN_TEXT_MAX 40

static bool same_span(const struct bc_span *a, const struct bc_span *b)
{
	return a->line && a->start == b->start && a->end == b->end && a->line == b->line;
}

/* Is S the source of group G itself (it starts the chain)? */
static bool is_source(const struct bc_slot *s, const struct bc_origin_group *g)
{
	return !s->nr_sources || same_span(&s->span, &g->span);
}

static int group_add(struct bc_origin_group *g, const struct bc_func *f, size_t i)
{
	const struct bc_slot *s = &f->slots[i];

	if (BC_GROW(g->slots, g->cap, g->nr + 1))
		return -ENOMEM;
	g->slots[g->nr++] = i;
	g->bytes += s->bytes;
	if (s->live_at_peak)
		g->live_bytes += s->bytes;
	if (is_source(s, g) && !g->source)
		g->source = s;
	else
		g->copy_bytes += s->bytes;
	return 0;
}

/* The group of SPAN, created when new; NULL on ENOMEM. */
static struct bc_origin_group *group_of(struct bc_origin_group **v, size_t *n, size_t *cap,
					const struct bc_span *span, bool shared)
{
	struct bc_origin_group *nv;

	for (size_t k = 0; shared && k < *n; k++)
		if (same_span(&(*v)[k].span, span))
			return &(*v)[k];
	if (BC_GROW(*v, *cap, *n + 1))
		return NULL;
	nv = &(*v)[(*n)++];
	memset(nv, 0, sizeof(*nv));
	nv->span = *span;
	return nv;
}

int bc_origin_groups(const struct bc_func *f, bool (*want)(const struct bc_slot *),
		     struct bc_origin_group **out, size_t *nr)
{
	struct bc_origin_group *v = NULL, *g;
	size_t n = 0, cap = 0;

	*out = NULL;
	*nr = 0;
	for (size_t i = 0; i < f->nr_slots; i++) {
		const struct bc_slot *s = &f->slots[i];

		if (want && !want(s))
			continue;
		/* a slot without a known source is a group of its own */
		if (!s->nr_sources) {
			g = group_of(&v, &n, &cap, &s->span, false);
			if (!g || group_add(g, f, i))
				goto nomem;
			continue;
		}
		/* one copy of several sources belongs to each of them */
		for (size_t k = 0; k < s->nr_sources; k++) {
			g = group_of(&v, &n, &cap, &s->sources[k], true);
			if (!g || group_add(g, f, i))
				goto nomem;
		}
	}
	*out = v;
	*nr = n;
	return 0;
nomem:
	bc_origin_groups_free(v, n);
	return -ENOMEM;
}

void bc_origin_groups_free(struct bc_origin_group *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].slots);
	free(v);
}

size_t bc_origin_copies(const struct bc_origin_group *g)
{
	return g->nr - (g->source ? 1 : 0);
}

int64_t bc_peak_without(const struct bc_func *f, const bool *excluded)
{
	uint64_t best = 0;

	if (!f->nr_live_sets)
		return -1;
	for (size_t i = 0; i < f->nr_live_sets; i++) {
		const struct bc_live_set *ls = &f->live_sets[i];
		uint64_t sum = 0;

		for (size_t k = 0; k < ls->nr; k++) {
			uint32_t j = ls->slots[k];

			if (j < f->nr_slots && (!excluded || !excluded[j]))
				sum += f->slots[j].bytes;
		}
		if (sum > best)
			best = sum;
	}
	return (int64_t)best;
}

char *bc_slot_label(const struct bc_slot *s)
{
	/* an unnamed construct carries its IR name ("str"): not repeated */
	bool named = s->name && *s->name && (!s->construct || strcmp(s->name, s->construct));

	return bc_strdup_printf("%s%s%s", s->construct ? s->construct : "slot", named ? " " : "",
				named ? s->name : "");
}

/* The unit's text of SPAN when it is one short line of printable text. */
static bool short_text(const struct bc_unit *u, const struct bc_span *sp)
{
	if (!u->data || sp->end <= sp->start || sp->end > u->size ||
	    sp->end - sp->start > ORIGIN_TEXT_MAX)
		return false;
	for (uint32_t i = sp->start; i < sp->end; i++)
		if (u->data[i] < 0x20 || u->data[i] == 0x7f)
			return false;
	return true;
}

char *bc_origin_label(const struct bc_unit *u, const struct bc_func *f,
		      const struct bc_origin_group *g)
{
	const struct bc_span *sp = &g->span;
	const struct bc_slot *s = g->source;
	char *label, *out;

	if (sp->line && u->kind == BC_KIND_SCRIPT && short_text(u, sp))
		return bc_strdup_printf("'%.*s' at %u:%u", (int)(sp->end - sp->start),
					(const char *)u->data + sp->start, sp->line, sp->col);
	if (!s && !sp->line)
		s = &f->slots[g->slots[0]];
	if (!s)
		return bc_strdup_printf("the source at %u:%u", sp->line, sp->col);
	label = bc_slot_label(s);
	if (!label || !sp->line)
		return label;
	out = bc_strdup_printf("%s at %u:%u", label, sp->line, sp->col);
	free(label);
	return out;
}

void bc_origin_location(const struct bc_rule_ctx *ctx, const struct bc_func *f,
			const struct bc_origin_group *g, const char **path, struct bc_span *span)
{
	const struct bc_slot *first = &f->slots[g->slots[0]];

	if (g->span.line) {
		*span = g->span;
		*path = first->path ? first->path : ctx->unit->display_path;
	} else {
		bc_stack_func_location(ctx, f, path, span);
	}
}

/* One default-size (64-byte) string copied once more. */
#define BC210_MIN_COPY_BYTES 64
/* "Several" copies: one is how bpftrace passes any string on, never reported. */
#define BC210_MIN_COPIES 2

bool bc_slot_script_sized(const struct bc_slot *s)
{
	return s->placement == BC_PLACE_STACK && s->script_dependent && s->bytes;
}

enum bc_copies_verdict bc_copies_verdict(const struct bc_func *f, const struct bc_origin_group *g,
					 int stack_limit)
{
	int near = stack_limit * BC_STACK_NEAR_LIMIT_PCT / 100;

	if (bc_origin_copies(g) < BC210_MIN_COPIES)
		return BC_COPIES_QUIET;
	if ((int)f->frame_bytes > near && g->live_bytes)
		return BC_COPIES_WARNING;
	return g->copy_bytes >= BC210_MIN_COPY_BYTES ? BC_COPIES_NOTE : BC_COPIES_QUIET;
}

bool bc_copies_reported(const struct bc_rule_ctx *ctx, const struct bc_func *f,
			const struct bc_span *span)
{
	struct bc_origin_group *g;
	bool found = false;
	size_t n;

	if (!span->line || !ctx->analysis ||
	    !bc_analysis_rule_enabled(ctx->analysis, BC_RULE_SCRIPT_DEPENDENT_ALLOCA))
		return false;
	if (bc_origin_groups(f, bc_slot_script_sized, &g, &n))
		return false;
	for (size_t k = 0; k < n && !found; k++)
		found = g[k].span.start == span->start && g[k].span.end == span->end &&
			bc_copies_verdict(f, &g[k], ctx->target->stack_limit) != BC_COPIES_QUIET;
	bc_origin_groups_free(g, n);
	return found;
}
