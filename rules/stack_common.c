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

struct bc_diag *bc_stack_report_frame(struct bc_rule_ctx *ctx, const struct bc_func *f,
				      const char *fmt, ...)
{
	const struct bc_slot *big = NULL;
	struct bc_span span;
	const char *path;
	struct bc_diag *d;
	va_list ap;

	bc_stack_func_location(ctx, f, &path, &span);
	for (size_t i = 0; i < f->nr_slots; i++) {
		const struct bc_slot *s = &f->slots[i];

		if (s->type && s->path && s->span.line && s->live_at_peak &&
		    s->placement == BC_PLACE_STACK && (!big || s->bytes > big->bytes))
			big = s;
	}
	if (big) {
		path = big->path;
		span = big->span;
	}
	va_start(ap, fmt);
	d = bc_diag_addv(ctx->diags, ctx->rule->id, path, &span, fmt, ap);
	va_end(ap);
	return d;
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
	if (x->span.line != y->span.line)
		return x->span.line < y->span.line ? -1 : 1;
	if (x->call_span.line != y->call_span.line)
		return x->call_span.line < y->call_span.line ? -1 : 1;
	if (x->call_span.col != y->call_span.col)
		return x->call_span.col < y->call_span.col ? -1 : 1;
	return 0;
}

static bool streq0(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Slots that say the same thing: same size, construct, type, declaring or
 * filling helper and file (only for slots debug info names). */
static bool same_fact(const struct bc_slot *a, const struct bc_slot *b)
{
	return (a->type || a->helper) && a->bytes == b->bytes && streq0(a->construct, b->construct) &&
	       streq0(a->type, b->type) && streq0(a->helper, b->helper) &&
	       a->declared_in_helper == b->declared_in_helper && streq0(a->path, b->path);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void bc_stack_print_lines(FILE *m, uint32_t *lines, size_t n)
{
	size_t k = 0;

	qsort(lines, n, sizeof(*lines), cmp_u32);
	for (size_t i = 0; i < n; i++)
		if (!k || lines[k - 1] != lines[i])
			lines[k++] = lines[i];
	fputs(k > 1 ? "lines " : "line ", m);
	for (size_t i = 0; i < k;) {
		size_t j = i;

		while (j + 1 < k && lines[j + 1] == lines[j] + 1)
			j++;
		fprintf(m, "%s%u", i ? ", " : "", lines[i]);
		if (j > i)
			fprintf(m, "\u2013%u", lines[j]);
		i = j + 1;
	}
}

/* One note for the N slots G[0..N) that repeat one fact:
 * "8 x 64 B struct trace_rec in 'prog' (r0, ..., r7), declared at line 18,
 * filled by 8 inlined calls to trace_log at lines 19-20". */
static int group_note(struct bc_diag *d, const struct bc_func *f, const struct bc_slot **g, size_t n)
{
	uint32_t *lines = calloc(n, sizeof(*lines));
	char *buf = NULL;
	size_t len = 0, nl = 0;
	FILE *m;
	int err;

	if (!lines || !(m = open_memstream(&buf, &len))) {
		free(lines);
		return -ENOMEM;
	}
	fprintf(m, "%zu \u00d7 %u B %s in '%s' (", n, g[0]->bytes, g[0]->type ? g[0]->type : g[0]->construct,
		f->name);
	for (size_t i = 0; i < n && i < 8; i++)
		fprintf(m, "%s%s", i ? ", " : "", g[i]->name ? g[i]->name : "?");
	fprintf(m, "%s), declared at ", n > 8 ? ", ..." : "");
	for (size_t i = 0; i < n; i++)
		lines[nl++] = g[i]->span.line;
	bc_stack_print_lines(m, lines, nl);
	if (g[0]->declared_in_helper)
		fprintf(m, " in %s", g[0]->helper);
	if (g[0]->helper) {
		nl = 0;
		for (size_t i = 0; i < n; i++)
			if (g[i]->call_span.line)
				lines[nl++] = g[i]->call_span.line;
		fprintf(m, ", %s %zu inlined calls to %s at ",
			g[0]->declared_in_helper ? "from" : "filled by", n, g[0]->helper);
		bc_stack_print_lines(m, lines, nl);
	}
	free(lines);
	if (fclose(m)) {
		free(buf);
		return -ENOMEM;
	}
	err = bc_diag_note(d, g[0]->path, &g[0]->span, "%s", buf);
	free(buf);
	return err;
}

/* The note of one slot: "64 bytes: variable r0 (struct trace_rec), filled
 * by trace_log inlined at line 19". */
static int slot_note(struct bc_diag *d, const struct bc_slot *s)
{
	/* an unnamed construct carries its IR name ("str"): not repeated */
	bool named = s->name && *s->name && (!s->construct || strcmp(s->name, s->construct));
	char helper[160] = "";

	if (s->helper && s->call_span.line)
		snprintf(helper, sizeof(helper), ", %s %s inlined at line %u",
			 s->declared_in_helper ? "declared in" : "filled by", s->helper, s->call_span.line);
	return bc_diag_note(d, s->path, &s->span, "%u bytes: %s%s%s%s%s%s%s%s", s->bytes, s->construct,
			    named ? " " : "", named ? s->name : "", s->type ? " (" : "",
			    s->type ? s->type : "", s->type ? ")" : "", helper,
			    s->script_dependent ? " (size depends on the script)" : "");
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
	for (size_t i = 0; i < n && !err;) {
		size_t k = i + 1;

		/* gather the slots that repeat live[i]'s fact behind it (they
		 * have its size, so the order by size holds) */
		for (size_t j = i + 1; j < n; j++)
			if (same_fact(live[i], live[j])) {
				const struct bc_slot *t = live[k];

				live[k++] = live[j];
				live[j] = t;
			}
		err = k - i > 1 ? group_note(d, f, &live[i], k - i) : slot_note(d, live[i]);
		i = k;
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
