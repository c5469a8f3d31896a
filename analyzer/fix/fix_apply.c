// SPDX-License-Identifier: Apache-2.0
/* Applying fixes to a text: selection, overlap resolution, splicing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fix_apply.h"

/* One edit, flattened, with the fix it belongs to. */
struct flat_edit {
	uint32_t start, end;
	const char *replacement;
	size_t order;		/* position among accepted edits, for stable ties */
};

struct candidate {
	const struct bc_diag *diag;
	size_t index;		/* report order */
	uint32_t first;		/* start of the first edit */
};

bool bc_fix_eligible(const struct bc_diag *d, bool unsafe)
{
	if (!d->fix || d->suppressed || !d->fix->nr_edits)
		return false;
	return d->fix->applicability == BC_FIX_SAFE || unsafe;
}

static int cmp_candidate(const void *pa, const void *pb)
{
	const struct candidate *a = pa, *b = pb;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	if (a->diag->rule_id != b->diag->rule_id)	/* ids are in code order */
		return a->diag->rule_id < b->diag->rule_id ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static int cmp_edit(const void *pa, const void *pb)
{
	const struct flat_edit *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static bool edits_conflict(uint32_t s1, uint32_t e1, uint32_t s2, uint32_t e2)
{
	if (s1 == e1 && s2 == e2)
		return s1 == s2;	/* two insertions at one offset: order unknown */
	return s1 < e2 && s2 < e1;	/* shared bytes, or an insertion strictly inside */
}

/* Edits of one fix, sorted; false when they are out of range or overlap. */
static bool fix_valid(const struct bc_fix *fix, size_t size, struct flat_edit *tmp)
{
	for (size_t i = 0; i < fix->nr_edits; i++) {
		const struct bc_edit *e = &fix->edits[i];

		if (e->span.start > e->span.end || e->span.end > size)
			return false;
		tmp[i].start = e->span.start;
		tmp[i].end = e->span.end;
		tmp[i].replacement = e->replacement ? e->replacement : "";
		tmp[i].order = i;
	}
	qsort(tmp, fix->nr_edits, sizeof(*tmp), cmp_edit);
	for (size_t i = 1; i < fix->nr_edits; i++)
		if (edits_conflict(tmp[i - 1].start, tmp[i - 1].end, tmp[i].start, tmp[i].end))
			return false;
	return true;
}

static uint32_t first_start(const struct bc_fix *fix)
{
	uint32_t s = UINT32_MAX;

	for (size_t i = 0; i < fix->nr_edits; i++)
		if (fix->edits[i].span.start < s)
			s = fix->edits[i].span.start;
	return s;
}

/* Splices the accepted edits (sorted) into a new buffer. */
static int splice(const unsigned char *data, size_t size, const struct flat_edit *e, size_t n,
		  struct bc_fixed *out)
{
	size_t total = size, pos = 0, w = 0;
	unsigned char *buf;

	for (size_t i = 0; i < n; i++)
		total = total - (e[i].end - e[i].start) + strlen(e[i].replacement);
	buf = malloc(total + 1);
	if (!buf)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t rl = strlen(e[i].replacement);

		memcpy(buf + w, data + pos, e[i].start - pos);
		w += e[i].start - pos;
		memcpy(buf + w, e[i].replacement, rl);
		w += rl;
		pos = e[i].end;
	}
	memcpy(buf + w, data + pos, size - pos);
	w += size - pos;
	buf[w] = 0;
	out->data = buf;
	out->size = w;
	out->changed = w != size || memcmp(buf, data, size);
	return 0;
}

static bool about(const struct bc_diag *d, const char *path)
{
	return !path || !d->path || !strcmp(d->path, path);
}

int bc_fix_apply(const unsigned char *data, size_t size, const struct bc_diags *diags,
		 const char *path, bool unsafe, struct bc_fixed *out)
{
	struct candidate *cand = NULL;
	struct flat_edit *taken = NULL, *tmp = NULL;
	size_t nc = 0, nt = 0, max_edits = 0, total_edits = 0;
	int err = -ENOMEM;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < diags->n; i++) {
		const struct bc_diag *d = &diags->v[i];

		if (!about(d, path))
			continue;
		if (d->fix && !d->suppressed && d->fix->nr_edits && !bc_fix_eligible(d, unsafe))
			out->nr_unsafe_hidden++;
		if (!bc_fix_eligible(d, unsafe))
			continue;
		nc++;
		total_edits += d->fix->nr_edits;
		if (d->fix->nr_edits > max_edits)
			max_edits = d->fix->nr_edits;
	}
	cand = calloc(nc ? nc : 1, sizeof(*cand));
	taken = calloc(total_edits ? total_edits : 1, sizeof(*taken));
	tmp = calloc(max_edits ? max_edits : 1, sizeof(*tmp));
	if (!cand || !taken || !tmp)
		goto out;
	nc = 0;
	for (size_t i = 0; i < diags->n; i++) {
		if (!about(&diags->v[i], path) || !bc_fix_eligible(&diags->v[i], unsafe))
			continue;
		cand[nc].diag = &diags->v[i];
		cand[nc].index = i;
		cand[nc].first = first_start(diags->v[i].fix);
		nc++;
	}
	qsort(cand, nc, sizeof(*cand), cmp_candidate);
	for (size_t i = 0; i < nc; i++) {
		const struct bc_fix *fix = cand[i].diag->fix;
		bool clash = false;

		if (!fix_valid(fix, size, tmp)) {
			out->nr_invalid++;
			continue;
		}
		for (size_t k = 0; k < fix->nr_edits && !clash; k++)
			for (size_t j = 0; j < nt && !clash; j++)
				clash = edits_conflict(tmp[k].start, tmp[k].end,
						       taken[j].start, taken[j].end);
		if (clash) {
			out->nr_skipped++;
			continue;
		}
		for (size_t k = 0; k < fix->nr_edits; k++) {
			taken[nt] = tmp[k];
			taken[nt].order = nt;
			nt++;
		}
		out->nr_applied++;
	}
	qsort(taken, nt, sizeof(*taken), cmp_edit);
	err = splice(data, size, taken, nt, out);
out:
	free(cand);
	free(taken);
	free(tmp);
	return err;
}

void bc_fixed_free(struct bc_fixed *f)
{
	free(f->data);
	memset(f, 0, sizeof(*f));
}
