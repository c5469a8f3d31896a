// SPDX-License-Identifier: Apache-2.0
/* Shared by the stack rules: locations, chain text, attribution notes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack_common.h"
#include "../analyzer/core/target.h"
#include "../analyzer/core/unit.h"

void bc_stack_func_location(const struct bc_rule_ctx *ctx, const struct bc_func *f,
			    const char **path, struct bc_span *span)
{
	memset(span, 0, sizeof(*span));
	if (f->src_span.line) {
		*path = f->src_path ? f->src_path : ctx->unit->display_path;
		*span = f->src_span;
		return;
	}
	*path = ctx->unit->display_path;
}

char *bc_stack_chain_text(const struct bc_facts *facts, const size_t *chain, size_t n,
			  const struct bc_target *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return NULL;
	for (size_t i = 0; i < n; i++)
		fprintf(m, "%s%s", i ? " -> " : "", facts->funcs[chain[i]].name);
	fputs(" (", m);
	for (size_t i = 0; i < n; i++)
		fprintf(m, "%s%d", i ? "+" : "", bc_target_round(t, facts->funcs[chain[i]].frame_bytes));
	fputs(")", m);
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

struct bc_diag *bc_stack_report(struct bc_rule_ctx *ctx, const struct bc_func *f,
				const char *fmt, ...)
{
	struct bc_span span;
	const char *path;
	struct bc_diag *d;
	va_list ap;

	bc_stack_func_location(ctx, f, &path, &span);
	va_start(ap, fmt);
	d = bc_diag_addv(ctx->diags, ctx->rule->id, path, &span, fmt, ap);
	va_end(ap);
	return d;
}

int bc_stack_where_note(struct bc_rule_ctx *ctx, struct bc_diag *d, const struct bc_func *f)
{
	if (f->src_span.line)
		return 0;
	return bc_diag_note(d, NULL, NULL, "in section '%s', instruction %u reaches the deepest offset",
			    f->section ? f->section : "?", f->deepest_insn);
}

static int cmp_slot_bytes(const void *a, const void *b)
{
	const struct bc_slot *x = *(const struct bc_slot *const *)a;
	const struct bc_slot *y = *(const struct bc_slot *const *)b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	if (x->span.start != y->span.start)
		return x->span.start < y->span.start ? -1 : 1;
	return 0;
}

int bc_stack_slot_notes(struct bc_rule_ctx *ctx, struct bc_diag *d, const struct bc_func *f)
{
	const struct bc_slot **live;
	size_t n = 0;
	int err = 0;

	if (!f->has_attribution)
		return 0;
	live = calloc(f->nr_slots ? f->nr_slots : 1, sizeof(*live));
	if (!live)
		return -ENOMEM;
	for (size_t i = 0; i < f->nr_slots; i++)
		if (f->slots[i].live_at_peak && f->slots[i].placement == BC_PLACE_STACK)
			live[n++] = &f->slots[i];
	qsort(live, n, sizeof(*live), cmp_slot_bytes);
	for (size_t i = 0; i < n && !err; i++) {
		const struct bc_slot *s = live[i];

		/* an unnamed construct carries its IR name ("str"): not repeated */
		bool named = s->name && *s->name && (!s->construct || strcmp(s->name, s->construct));

		err = bc_diag_note(d, s->path, &s->span, "%u bytes: %s%s%s%s", s->bytes, s->construct,
				   named ? " " : "", named ? s->name : "",
				   s->script_dependent ? " (size depends on the script)" : "");
	}
	if (!err && f->unattributed_bytes)
		err = bc_diag_note(d, NULL, NULL,
				   "%u bytes not attributed to a construct (spills, backend temporaries)",
				   f->unattributed_bytes);
	if (!err && f->slot_peak_bytes > f->frame_bytes)
		err = bc_diag_note(d, NULL, NULL,
				   "the slots live at the peak add up to %u bytes, more than the %u-byte frame: code generation shared or removed bytes the slot model counts",
				   f->slot_peak_bytes, f->frame_bytes);
	free(live);
	return err;
}
