// SPDX-License-Identifier: Apache-2.0
/* A program's frame as SVG (see stack_svg.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack_svg.h"
#include "../analyzer/base/array.h"
#include "../analyzer/core/target.h"
#include "../analyzer/core/unit.h"

#define PX_TOP		30	/* offset 0 is drawn here */
#define COL_LIVE_X	70
#define COL_LIVE_W	250
#define COL_OTHER_X	370
#define COL_OTHER_W	200
#define WIDTH		600
#define LABEL_MIN_PX	12	/* blocks shorter than this carry no label */

struct block {
	const struct bc_slot *slot;	/* NULL: unattributed bytes or a callee frame */
	const char *construct, *name;
	uint32_t bytes;
	int64_t offset;			/* lowest byte, negative */
	bool live;
	int column;			/* 0: the frame at its peak, 1: not live at the peak */
};

struct blocks {
	struct block *v;
	size_t n, cap;
};

void bc_xml_escape(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n')
				fprintf(out, "&#xfffd;");	/* not allowed in XML */
			else
				fputc(c, out);
		}
	}
}

static void esc(FILE *out, const char *s)
{
	if (s)
		bc_xml_escape(out, s, strlen(s));
}

bool bc_stack_svg_wanted(const struct bc_func *f)
{
	return f->frame_bytes || f->nr_slots || f->nr_chain > 1;
}

static int add(struct blocks *b, struct block x)
{
	if (BC_GROW(b->v, b->cap, b->n + 1))
		return -ENOMEM;
	b->v[b->n++] = x;
	return 0;
}

/* Largest first; equal sizes keep the facts' order (the JSON report's). */
static int cmp_slot(const void *a, const void *b)
{
	const struct bc_slot *x = *(const struct bc_slot *const *)a;
	const struct bc_slot *y = *(const struct bc_slot *const *)b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* One column of slots, largest first from offset 0; returns its depth. */
static int64_t column(struct blocks *b, const struct bc_func *f, bool live, int col, int *err)
{
	const struct bc_slot **v = calloc(f->nr_slots + 1, sizeof(*v));
	size_t n = 0;
	int64_t depth = 0;

	if (!v) {
		*err = -ENOMEM;
		return 0;
	}
	for (size_t i = 0; i < f->nr_slots; i++) {
		const struct bc_slot *s = &f->slots[i];

		if (s->placement == BC_PLACE_STACK && s->bytes && s->live_at_peak == live)
			v[n++] = s;
	}
	qsort(v, n, sizeof(*v), cmp_slot);
	for (size_t i = 0; i < n && !*err; i++) {
		depth += v[i]->bytes;
		*err = add(b, (struct block){ v[i], v[i]->construct, v[i]->name, v[i]->bytes,
					      -depth, live, col });
	}
	free(v);
	return depth;
}

/* The blocks of F's picture; *DEPTH: the deepest offset drawn (positive). */
static int layout(const struct bc_func *f, const struct bc_unit *u, const struct bc_target *t,
		  struct blocks *b, int64_t *depth)
{
	int64_t live = 0, other;
	uint32_t unattributed;
	int err = 0;

	if (f->has_attribution)
		live = column(b, f, true, 0, &err);
	/* the bytes no slot accounts for, at the bottom of the frame (the
	 * slots' peak is rounded to 8 before they are counted: fn_slots.h) */
	unattributed = f->has_attribution ? f->unattributed_bytes : f->frame_bytes;
	if (!err && unattributed)
		err = add(b, (struct block){ NULL, "unattributed", NULL, unattributed,
					     -(int64_t)f->frame_bytes, true, 0 });
	*depth = live > f->frame_bytes ? live : f->frame_bytes;
	/* a call chain: each callee's frame under its caller's */
	if (!err && f->nr_chain > 1 && f->chain_bytes) {
		uint32_t root = u->facts.funcs[f->chain[0]].frame_bytes;
		int64_t d = t ? (int64_t)bc_target_round(t, root) : (int64_t)root;

		if (d < *depth)
			d = *depth;
		for (size_t i = 1; i < f->nr_chain && !err; i++) {
			const struct bc_func *c = &u->facts.funcs[f->chain[i]];
			uint32_t bytes = t ? (uint32_t)bc_target_round(t, c->frame_bytes)
					   : c->frame_bytes;

			d += bytes;
			if (bytes)
				err = add(b, (struct block){ NULL, "call-frame", c->name, bytes, -d,
							     true, 0 });
		}
		*depth = d;
	}
	if (!err && f->has_attribution) {
		other = column(b, f, false, 1, &err);
		if (other > *depth)
			*depth = other;
	}
	return err;
}

/* Colours per construct kind; others hash into the palette. */
static const char *colour(const char *construct)
{
	static const struct {
		const char *name, *rgb;
	} fixed[] = {
		{ "str", "#4e79a7" }, { "variable", "#f28e2b" }, { "map-key", "#e15759" },
		{ "map-value", "#76b7b2" }, { "tuple", "#59a14f" }, { "printf-args", "#edc948" },
		{ "comm", "#b07aa1" }, { "ternary", "#ff9da7" }, { "print", "#9c755f" },
		{ "unattributed", "#bab0ac" }, { "call-frame", "#86bcb6" }, { "alloca", "#8cd17d" },
	};
	static const char *const palette[] = { "#499894", "#d37295", "#fabfd2", "#b6992d",
					       "#f1ce63", "#a0cbe8", "#ffbe7d", "#d4a6c8" };
	unsigned h = 5381;

	if (!construct)
		return fixed[9].rgb;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (!strcmp(construct, fixed[i].name))
			return fixed[i].rgb;
	for (const char *p = construct; *p; p++)
		h = h * 33 + (unsigned char)*p;
	return palette[h % (sizeof(palette) / sizeof(palette[0]))];
}

/* The origin chain, newest first: "printf at 15:3 <- str at 15:28". */
static void origin_text(FILE *out, const struct bc_slot *s)
{
	for (size_t i = s->nr_origin; i-- > 0;) {
		esc(out, s->origin[i]);
		if (i)
			fputs(" &lt;- ", out);
	}
}

static void source_text(FILE *out, const struct bc_unit *u, const struct bc_slot *s)
{
	if (!s || !s->span.line)
		return;
	esc(out, s->path ? s->path : u->display_path);
	fprintf(out, ":%u:%u", s->span.line, s->span.col);
}

/* The block's source line, blanks trimmed (the one place the picture
 * quotes source: plain escaping, at most 160 bytes). */
static void code_text(FILE *out, struct bc_sources *src, const struct bc_unit *u,
		      const struct bc_slot *s)
{
	const char *line;
	size_t len;

	if (!s || !s->span.line)
		return;
	line = bc_sources_line(src, u, s->path, s->span.line, &len);
	if (!line)
		return;
	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	bc_xml_escape(out, line, len > 160 ? 160 : len);
}

static void block_svg(FILE *out, struct bc_sources *src, const struct bc_unit *u,
		      const struct block *b, int id)
{
	int x = b->column ? COL_OTHER_X : COL_LIVE_X, w = b->column ? COL_OTHER_W : COL_LIVE_W;
	int64_t y = PX_TOP - b->offset - b->bytes;
	const struct bc_slot *s = b->slot;

	fprintf(out, "<rect class=\"block\" x=\"%d\" y=\"%lld\" width=\"%d\" height=\"%u\" "
		     "fill=\"%s\"%s data-offset=\"%lld\" data-bytes=\"%u\" data-construct=\"",
		x, (long long)y, w, b->bytes, colour(b->construct),
		b->live ? "" : " fill-opacity=\"0.45\"", (long long)b->offset, b->bytes);
	esc(out, b->construct);
	fputs("\" data-name=\"", out);
	esc(out, b->name);
	fprintf(out, "\" data-live=\"%s\" data-source=\"", b->live ? "true" : "false");
	source_text(out, u, s);
	fputs("\" data-code=\"", out);
	code_text(out, src, u, s);
	fputs("\" data-origin=\"", out);
	if (s)
		origin_text(out, s);
	fprintf(out, "\"><title>%u bytes at %lld: ", b->bytes, (long long)b->offset);
	esc(out, b->construct);
	if (b->name) {
		fputc(' ', out);
		esc(out, b->name);
	}
	if (s && s->span.line) {
		fputs("\n", out);
		source_text(out, u, s);
		fputs(": ", out);
		code_text(out, src, u, s);
	}
	if (s && s->nr_origin) {
		fputs("\norigin: ", out);
		origin_text(out, s);
	}
	fputs(b->live ? "\nlive at the peak" : "\nnot live at the peak", out);
	fputs("</title></rect>\n", out);
	if (s && s->script_dependent)
		fprintf(out, "<rect class=\"hatch\" x=\"%d\" y=\"%lld\" width=\"%d\" height=\"%u\" "
			     "fill=\"url(#hatch%d)\" pointer-events=\"none\"/>\n",
			x, (long long)y, w, b->bytes, id);
	if (b->bytes >= LABEL_MIN_PX) {
		fprintf(out, "<text x=\"%d\" y=\"%lld\" class=\"label\" pointer-events=\"none\">%u ",
			x + 6, (long long)(y + b->bytes / 2 + 4), b->bytes);
		esc(out, b->construct);
		if (b->name && (!b->construct || strcmp(b->name, b->construct))) {
			fputc(' ', out);
			esc(out, b->name);
		}
		fputs("</text>\n", out);
	}
}

int bc_stack_svg(FILE *out, struct bc_sources *src, const struct bc_unit *u,
		 const struct bc_func *f, const struct bc_target *t, int id, bool standalone)
{
	struct blocks b = { 0 };
	int limit = t ? t->stack_limit : 512;
	int64_t depth;
	long long height;
	int err;

	err = layout(f, u, t, &b, &depth);
	if (err) {
		free(b.v);
		return err;
	}
	if (depth < limit)
		depth = limit;
	height = PX_TOP + depth + 30;
	fprintf(out, "<svg%s class=\"frame\" width=\"%d\" height=\"%lld\" viewBox=\"0 0 %d %lld\" "
		     "role=\"img\" data-program=\"",
		standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : "", WIDTH, height, WIDTH,
		height);
	esc(out, f->name);
	fprintf(out, "\" data-frame=\"%u\" data-limit=\"%d\">\n", f->frame_bytes, limit);
	fprintf(out, "<defs><pattern id=\"hatch%d\" width=\"8\" height=\"8\" "
		     "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
		     "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#000\" stroke-opacity=\"0.35\" "
		     "stroke-width=\"2\"/></pattern></defs>\n", id);
	fputs("<style>.label{font:11px sans-serif;fill:#111}.axis{font:10px sans-serif;fill:#555}"
	      ".head{font:bold 12px sans-serif;fill:#222}.block{stroke:#fff;stroke-width:0.5}"
	      ".block:hover{stroke:#000;stroke-width:2}</style>\n", out);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%lld\" fill=\"#fff\"/>\n", WIDTH,
		height);
	fprintf(out, "<text class=\"head\" x=\"%d\" y=\"18\">frame at the peak</text>\n", COL_LIVE_X);
	if (f->has_attribution)
		fprintf(out, "<text class=\"head\" x=\"%d\" y=\"18\">not live at the peak</text>\n",
			COL_OTHER_X);
	for (int64_t o = 0; o <= depth; o += 64)
		fprintf(out, "<line x1=\"55\" x2=\"%d\" y1=\"%lld\" y2=\"%lld\" stroke=\"#ddd\"/>"
			     "<text class=\"axis\" x=\"4\" y=\"%lld\">%lld</text>\n",
			WIDTH - 10, (long long)(PX_TOP + o), (long long)(PX_TOP + o),
			(long long)(PX_TOP + o + 3), (long long)-o);
	for (size_t i = 0; i < b.n; i++)
		block_svg(out, src, u, &b.v[i], id);
	fprintf(out, "<line class=\"limit\" x1=\"55\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#d62728\" "
		     "stroke-width=\"2\" stroke-dasharray=\"6 3\" data-limit=\"%d\"/>\n"
		     "<text class=\"axis\" x=\"%d\" y=\"%d\" fill=\"#d62728\">limit %d</text>\n",
		WIDTH - 10, PX_TOP + limit, PX_TOP + limit, limit, COL_LIVE_X + COL_LIVE_W + 4,
		PX_TOP + limit - 4, limit);
	fputs("</svg>\n", out);
	free(b.v);
	return ferror(out) ? -EIO : 0;
}
