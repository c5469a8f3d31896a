// SPDX-License-Identifier: Apache-2.0
/* Moving per-function slots from the IR onto the object's functions. */
#include <stdlib.h>
#include <string.h>

#include "../core/unit.h"
#include "fn_slots.h"

void bc_fn_slots_take_liveness(struct bc_fn_slots *fs, struct bc_liveness *L)
{
	fs->peak_bytes = L->peak_bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)L->peak_bytes;
	bc_live_sets_free(fs->sets, fs->nr_sets);
	fs->sets = L->sets;
	fs->nr_sets = L->nr_sets;
	L->sets = NULL;
	L->nr_sets = 0;
}

void bc_fn_slots_free(struct bc_fn_slots *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		for (size_t k = 0; k < v[i].nr_slots; k++)
			bc_slot_free(&v[i].slots[k]);
		free(v[i].slots);
		bc_live_sets_free(v[i].sets, v[i].nr_sets);
		free(v[i].name);
	}
	free(v);
}

static void clear_func_slots(struct bc_func *f)
{
	for (size_t j = 0; j < f->nr_slots; j++)
		bc_slot_free(&f->slots[j]);
	free(f->slots);
	bc_live_sets_free(f->live_sets, f->nr_live_sets);
	f->slots = NULL;
	f->nr_slots = 0;
	f->live_sets = NULL;
	f->nr_live_sets = 0;
}

struct by_name {
	const char *name;
	size_t k;
};

static int cmp_by_name(const void *a, const void *b)
{
	const struct by_name *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->k > y->k) - (x->k < y->k);
}

/* The first of V (in V's order) named NAME, through IDX sorted by name and
 * then position: the lowest entry of its run of equal names. */
static struct bc_fn_slots *find_slots(struct bc_fn_slots *v, const struct by_name *idx,
				      size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(idx[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(idx[lo].name, name) ? &v[idx[lo].k] : NULL;
}

size_t bc_fn_slots_attach(struct bc_unit *u, struct bc_fn_slots *v, size_t n)
{
	struct by_name *idx = NULL;
	size_t attached = 0, nr = 0;

	/* a name index rather than a scan of V per function: a script of
	 * 10,000 probes has 10,000 of each */
	idx = n ? calloc(n, sizeof(*idx)) : NULL;
	for (size_t k = 0; idx && k < n; k++)
		if (v[k].name)
			idx[nr++] = (struct by_name){ v[k].name, k };
	if (nr > 1)
		qsort(idx, nr, sizeof(*idx), cmp_by_name);
	for (size_t i = 0; i < u->facts.nr_funcs; i++) {
		struct bc_func *f = &u->facts.funcs[i];
		struct bc_fn_slots *fs = NULL;

		if (!f->name)
			continue;
		if (idx)
			fs = find_slots(v, idx, nr, f->name);
		for (size_t k = 0; !idx && !fs && k < n; k++)	/* no memory for the index */
			if (v[k].name && !strcmp(v[k].name, f->name))
				fs = &v[k];

		if (!fs)
			continue;
		clear_func_slots(f);
		f->slots = fs->slots;
		f->nr_slots = fs->nr_slots;
		f->live_sets = fs->sets;
		f->nr_live_sets = fs->nr_sets;
		fs->slots = NULL;
		fs->nr_slots = 0;
		fs->sets = NULL;
		fs->nr_sets = 0;
		f->slot_peak_bytes = fs->peak_bytes;
		f->unattributed_bytes = f->frame_bytes > fs->peak_bytes ?
					f->frame_bytes - fs->peak_bytes : 0;
		f->has_attribution = true;
		if (!f->src_span.line && fs->span.line)
			f->src_span = fs->span;
		attached++;
	}
	free(idx);
	return attached;
}
