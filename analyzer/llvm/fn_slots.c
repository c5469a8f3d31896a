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

size_t bc_fn_slots_attach(struct bc_unit *u, struct bc_fn_slots *v, size_t n)
{
	size_t attached = 0;

	for (size_t i = 0; i < u->facts.nr_funcs; i++) {
		struct bc_func *f = &u->facts.funcs[i];

		for (size_t k = 0; k < n; k++) {
			struct bc_fn_slots *fs = &v[k];

			if (!f->name || !fs->name || strcmp(f->name, fs->name))
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
			break;
		}
	}
	return attached;
}
