// SPDX-License-Identifier: Apache-2.0
/* Finding fingerprints (rule + normalised construct text), and occurrence
 * counting for the formats that need unique strings. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"
#include "source.h"
#include "../analyzer/core/diag.h"
#include "../analyzer/core/unit.h"
#include "../analyzer/script/ast.h"
#include "../rules/registry.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

static uint64_t fnv_text(uint64_t h, const char *text, size_t len, int drop_digits)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = text[i];

		/* whitespace never matters: re-indenting keeps the identity */
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v')
			continue;
		if (drop_digits && c >= '0' && c <= '9')
			continue;
		h = fnv(h, &c, 1);
	}
	return h;
}

uint64_t bc_fingerprint_hash(const char *rule, const char *context, size_t len,
			     int context_is_message)
{
	return fnv_text(fnv(FNV_OFFSET, rule, strlen(rule) + 1), context, len, context_is_message);
}

uint64_t bc_fingerprint_extend(uint64_t h, const char *text, size_t len)
{
	static const unsigned char sep = 0x1f;	/* not whitespace: never dropped */

	return fnv_text(fnv(h, &sep, 1), text, len, 0);
}

/* The text of a parsed script's item around byte offset OFF: a probe's
 * attach points as written, "fn NAME", "macro NAME". */
static uint64_t extend_script_item(uint64_t h, const struct bc_unit *u, uint32_t off)
{
	const struct bc_script *s = u->script;

	for (size_t i = 0; i < s->nr_items; i++) {
		const struct bc_item *it = &s->items[i];
		const struct bc_probe *p;

		switch (it->kind) {
		case BC_ITEM_PROBE:
			p = it->u.probe;
			if (off < p->span.start || off >= p->span.end || !p->nr_aps)
				break;
			if (p->aps[p->nr_aps - 1]->span.end <= p->span.start ||
			    p->aps[p->nr_aps - 1]->span.end > u->size)
				break;
			return bc_fingerprint_extend(h, (const char *)u->data + p->span.start,
						     p->aps[p->nr_aps - 1]->span.end - p->span.start);
		case BC_ITEM_FN:
			if (off >= it->u.fn->span.start && off < it->u.fn->span.end && it->u.fn->name)
				return bc_fingerprint_extend(fnv(h, "fn", 2), it->u.fn->name,
							     strlen(it->u.fn->name));
			break;
		case BC_ITEM_MACRO:
			if (off >= it->u.macro->span.start && off < it->u.macro->span.end &&
			    it->u.macro->name)
				return bc_fingerprint_extend(fnv(h, "macro", 5), it->u.macro->name,
							     strlen(it->u.macro->name));
			break;
		case BC_ITEM_MAP_DECL:
			break;
		}
	}
	return h;
}

static bool same_path(const struct bc_unit *u, const char *a, const char *b)
{
	if (!a)
		a = u->display_path;
	if (!b)
		b = u->display_path;
	return a && b && !strcmp(a, b);
}

/* The source text at the entry program starting last at or before the
 * finding (by line) in the finding's file. */
static uint64_t extend_program(uint64_t h, struct bc_sources *src, const struct bc_unit *u,
			       const struct bc_diag *d)
{
	const struct bc_func *best = NULL;
	const char *text;
	size_t len;

	if (!d->span.line)
		return h;
	for (size_t i = 0; i < u->facts.nr_funcs; i++) {
		const struct bc_func *f = &u->facts.funcs[i];

		if (!f->is_entry || !f->src_span.line || f->src_span.line > d->span.line ||
		    !same_path(u, f->src_path, d->path))
			continue;
		if (!best || f->src_span.line > best->src_span.line ||
		    (f->src_span.line == best->src_span.line && f->src_span.col > best->src_span.col))
			best = f;
	}
	if (!best)
		return h;
	/* the written text (an attach point as written, not its expansion) */
	if (!best->src_path && best->src_span.end > best->src_span.start &&
	    best->src_span.end <= u->size && u->line_starts)
		return bc_fingerprint_extend(h, (const char *)u->data + best->src_span.start,
					     best->src_span.end - best->src_span.start);
	text = bc_sources_line(src, u, best->src_path ? best->src_path : d->path,
			       best->src_span.line, &len);
	if (text)
		return bc_fingerprint_extend(h, text, len);
	return best->name ? bc_fingerprint_extend(h, best->name, strlen(best->name)) : h;
}

uint64_t bc_diag_fingerprint(struct bc_sources *src, const struct bc_unit *u,
			     const struct bc_diag *d)
{
	const char *path = d->path ? d->path : u->display_path;
	const char *text = NULL, *rule = bc_rule_get(d->rule_id)->code;
	bool own = !d->path || same_path(u, d->path, NULL) || (u->path && !strcmp(d->path, u->path));
	size_t len = 0;
	uint64_t h;

	if (own && u->line_starts && d->span.end > d->span.start && d->span.end <= u->size) {
		text = (const char *)u->data + d->span.start;
		len = d->span.end - d->span.start;
	} else if (d->span.line) {
		text = bc_sources_line(src, u, path, d->span.line, &len);
	}
	if (text)
		h = bc_fingerprint_hash(rule, text, len, 0);
	else
		h = bc_fingerprint_hash(rule, d->message ? d->message : "",
					d->message ? strlen(d->message) : 0, 1);
	if (own && u->kind == BC_KIND_SCRIPT && u->script && (d->span.end > d->span.start || d->span.start))
		return extend_script_item(h, u, d->span.start);
	return extend_program(h, src, u, d);
}

void bc_fingerprint_hex(char *buf, size_t size, uint64_t hash)
{
	snprintf(buf, size, "%016" PRIx64, hash);
}

int bc_fingerprint_parse(const char *s, uint64_t *hash)
{
	uint64_t h = 0;

	if (!s || strlen(s) != 16)
		return -EINVAL;
	for (int i = 0; i < 16; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			h = h << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			h = h << 4 | (uint64_t)(c - 'a' + 10);
		else
			return -EINVAL;
	}
	*hash = h;
	return 0;
}

static int grow(struct bc_fingerprints *fp)
{
	size_t ncap = fp->cap ? fp->cap * 2 : 64;
	struct bc_fp_slot *nv = calloc(ncap, sizeof(*nv));

	if (!nv)
		return -1;
	for (size_t i = 0; i < fp->cap; i++) {
		size_t j;

		if (!fp->v[i].count)
			continue;
		for (j = fp->v[i].key & (ncap - 1); nv[j].count; j = (j + 1) & (ncap - 1))
			;
		nv[j] = fp->v[i];
	}
	free(fp->v);
	fp->v = nv;
	fp->cap = ncap;
	return 0;
}

unsigned bc_fingerprint_occurrence(struct bc_fingerprints *fp, const char *uri, uint64_t hash)
{
	uint64_t key = fnv(fnv(FNV_OFFSET, uri, strlen(uri) + 1), &hash, sizeof(hash));
	size_t j;

	if ((fp->n + 1) * 2 > fp->cap && grow(fp))
		return 0;
	for (j = key & (fp->cap - 1); fp->v[j].count; j = (j + 1) & (fp->cap - 1))
		if (fp->v[j].key == key)
			return ++fp->v[j].count;
	fp->v[j].key = key;
	fp->v[j].count = 1;
	fp->n++;
	return 1;
}

void bc_fingerprints_free(struct bc_fingerprints *fp)
{
	free(fp->v);
	memset(fp, 0, sizeof(*fp));
}

void bc_fingerprint_format(char *buf, size_t size, uint64_t hash, unsigned occurrence)
{
	snprintf(buf, size, "%016" PRIx64 ":%u", hash, occurrence);
}
