// SPDX-License-Identifier: Apache-2.0
/*
 * textDocument/hover, from the facts of the document's last analysis:
 *
 *   - on an expression that holds stack bytes (the spans of the slots
 *     attributed to it): each slot's construct, bytes, whether it is live
 *     at the program's peak, its origin chain, and where it lives with
 *     bpftrace 0.22+ (scratch buffers above on_stack_limit);
 *   - on a map name (@name): the slots its keys and values take, per
 *     program;
 *   - on a probe: its frame against the limit, the call chain, and the
 *     slots live at the peak.
 * The innermost thing under the cursor wins. The answer is Markdown.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lsp_impl.h"
#include "../analyzer/base/sbuf.h"
#include "../analyzer/base/version.h"
#include "../analyzer/script/profile.h"

/* The first bpftrace that puts temporaries in scratch buffers (profile.c). */
#define SCRATCH_BPFTRACE	BC_BTV(0, 22, 0)

static bool in_span(const struct bc_span *sp, uint32_t off)
{
	return sp->line && off >= sp->start && off < (sp->end > sp->start ? sp->end : sp->start + 1);
}

static bool own_path(const struct bc_unit *u, const char *path)
{
	return !path || !strcmp(path, u->display_path) || !strcmp(path, u->path);
}

/* Where S lives with the checked bpftrace, and with 0.22+ when that differs. */
static void placement(struct bc_sbuf *b, const struct bc_unit *u, const struct bc_slot *s,
		      uint32_t bpftrace)
{
	struct bc_bt_profile p;

	if (s->placement == BC_PLACE_SCRATCH) {
		bc_sbuf_printf(b, "in a scratch buffer, not on the stack (%llu bytes of memory)",
			       (unsigned long long)s->scratch_bytes);
		return;
	}
	bc_sbuf_puts(b, "on the stack");
	if (u->kind != BC_KIND_SCRIPT || bpftrace >= SCRATCH_BPFTRACE ||
	    bc_bt_profile_init(&p, SCRATCH_BPFTRACE))
		return;
	if (!bc_bt_profile_on_stack(&p, s->bytes))
		bc_sbuf_puts(b, "; bpftrace 0.22 and later move it to a scratch buffer");
	else
		bc_sbuf_puts(b, "; it stays on the stack with bpftrace 0.22+ too (small enough)");
}

static void slot_md(struct bc_sbuf *b, const struct bc_unit *u, const struct bc_func *f,
		    const struct bc_slot *s, uint32_t bpftrace)
{
	bc_sbuf_printf(b, "**%s** `%s`: %u bytes, %s at the peak of `%s`%s\n\n",
		       s->construct ? s->construct : "slot", s->name ? s->name : "?", s->bytes,
		       s->live_at_peak ? "**live**" : "not live", f->name,
		       s->script_dependent ? " (sized by the script)" : "");
	bc_sbuf_puts(b, "- ");
	placement(b, u, s, bpftrace);
	bc_sbuf_puts(b, "\n");
	if (s->nr_origin) {
		bc_sbuf_puts(b, "- origin: ");
		for (size_t i = 0; i < s->nr_origin; i++)
			bc_sbuf_printf(b, "%s%s", i ? " → " : "", s->origin[i]);
		bc_sbuf_puts(b, "\n");
	}
	bc_sbuf_puts(b, "\n");
}

/* The slots whose span is the innermost one holding OFF. */
static bool slots_at(struct bc_sbuf *b, const struct bc_unit *u, uint32_t off, uint32_t bpftrace)
{
	uint32_t best = UINT32_MAX;

	for (size_t i = 0; i < u->facts.nr_funcs; i++)
		for (size_t k = 0; k < u->facts.funcs[i].nr_slots; k++) {
			const struct bc_slot *s = &u->facts.funcs[i].slots[k];

			if (own_path(u, s->path) && in_span(&s->span, off) &&
			    s->span.end - s->span.start < best)
				best = s->span.end - s->span.start;
		}
	if (best == UINT32_MAX)
		return false;
	for (size_t i = 0; i < u->facts.nr_funcs; i++)
		for (size_t k = 0; k < u->facts.funcs[i].nr_slots; k++) {
			const struct bc_slot *s = &u->facts.funcs[i].slots[k];

			if (own_path(u, s->path) && in_span(&s->span, off) &&
			    s->span.end - s->span.start == best)
				slot_md(b, u, &u->facts.funcs[i], s, bpftrace);
		}
	return true;
}

/* The identifier under OFF when it is a map name ("@name", "@" alone). */
static char *map_at(const struct bc_unit *u, uint32_t off)
{
	uint32_t s = off, e = off;

	if (off >= u->size)
		return NULL;
#define IDENT(c) ((c) == '_' || ((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || \
		  ((c) >= '0' && (c) <= '9'))
	while (s > 0 && IDENT(u->data[s - 1]))
		s--;
	while (e < u->size && IDENT(u->data[e]))
		e++;
#undef IDENT
	if (u->data[s] == '@' && e == s)
		e = s + 1;
	else if (s > 0 && u->data[s - 1] == '@')
		s--;
	if (u->data[s] != '@')
		return NULL;
	return strndup((const char *)u->data + s, e - s);
}

/* A map's slots are named "@name_key", "@name_val" (or "@name"). */
static bool slot_of_map(const struct bc_slot *s, const char *map)
{
	size_t n = strlen(map);

	return s->name && !strncmp(s->name, map, n) &&
	       (!s->name[n] || !strcmp(s->name + n, "_key") || !strcmp(s->name + n, "_val"));
}

static bool map_md(struct bc_sbuf *b, const struct bc_unit *u, uint32_t off, uint32_t bpftrace)
{
	char *map = map_at(u, off);
	bool any = false;

	if (!map)
		return false;
	bc_sbuf_printf(b, "**map** `%s`\n\n", map);
	for (size_t i = 0; i < u->facts.nr_funcs; i++) {
		const struct bc_func *f = &u->facts.funcs[i];

		for (size_t k = 0; k < f->nr_slots; k++) {
			const struct bc_slot *s = &f->slots[k];

			if (!slot_of_map(s, map))
				continue;
			bc_sbuf_printf(b, "- `%s`: %s %u bytes at line %u, %s at the peak; ",
				       f->name, s->construct ? s->construct : "slot", s->bytes,
				       s->span.line, s->live_at_peak ? "live" : "not live");
			placement(b, u, s, bpftrace);
			bc_sbuf_puts(b, "\n");
			any = true;
		}
	}
	if (!any)
		bc_sbuf_puts(b, "No stack bytes for its keys or values in this script's programs.\n");
	free(map);
	return true;
}

static bool probe_md(struct bc_sbuf *b, const struct bc_unit *u, uint32_t off, int limit)
{
	const struct bc_func *f = NULL;

	for (size_t i = 0; i < u->facts.nr_funcs; i++) {
		const struct bc_func *g = &u->facts.funcs[i];

		if (g->is_entry && own_path(u, g->src_path) && in_span(&g->src_span, off) &&
		    (!f || g->src_span.end - g->src_span.start < f->src_span.end - f->src_span.start))
			f = g;
	}
	if (!f)
		return false;
	bc_sbuf_printf(b, "**probe** `%s`: frame **%u** bytes of the %d-byte limit%s\n\n", f->name,
		       f->frame_bytes, limit, (int)f->frame_bytes > limit ? " (**over**)" : "");
	if (f->nr_chain > 1) {
		bc_sbuf_printf(b, "- call chain: %u bytes (", f->chain_bytes);
		for (size_t i = 0; i < f->nr_chain; i++)
			bc_sbuf_printf(b, "%s`%s`", i ? " → " : "", u->facts.funcs[f->chain[i]].name);
		bc_sbuf_puts(b, ")\n");
	}
	if (f->has_attribution) {
		bc_sbuf_printf(b, "- live at the peak: %u bytes of slots, %u unattributed\n",
			       f->slot_peak_bytes, f->unattributed_bytes);
		for (size_t k = 0; k < f->nr_slots; k++) {
			const struct bc_slot *s = &f->slots[k];

			if (s->live_at_peak && s->placement == BC_PLACE_STACK)
				bc_sbuf_printf(b, "  - %u bytes: %s `%s` (line %u)\n", s->bytes,
					       s->construct ? s->construct : "slot",
					       s->name ? s->name : "?", s->span.line);
		}
	}
	return true;
}

json_t *lsp_hover(struct bc_lsp_server *s, const json_t *params, int *err)
{
	const char *uri = lsp_doc_uri(params);
	const json_t *pos = json_object_get(params, "position");
	struct bc_sbuf b = { 0 };
	struct bc_lsp_text t;
	struct lsp_doc *doc;
	json_t *r = NULL;
	uint32_t off;
	char *md;

	if (!uri || !json_is_object(pos)) {
		*err = -EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&s->lock);
	doc = lsp_doc_analysed(s, uri, &t);
	if (!doc)
		goto out;	/* nothing analysed for this text yet */
	if (bc_lsp_offset(&t, pos, &off)) {
		*err = -EINVAL;
		goto out;
	}
	if (!slots_at(&b, doc->unit, off, doc->unit_bpftrace) &&
	    !map_md(&b, doc->unit, off, doc->unit_bpftrace))
		probe_md(&b, doc->unit, off, doc->unit_limit);
	md = bc_sbuf_finish(&b);
	if (md && *md)
		r = json_pack("{s:{s:s, s:s}}", "contents", "kind", "markdown", "value", md);
	else if (!md)
		*err = -ENOMEM;
	free(md);
out:
	pthread_mutex_unlock(&s->lock);
	return r;
}
