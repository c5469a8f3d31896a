// SPDX-License-Identifier: Apache-2.0
/* Freeing the facts every input kind is reduced to. */
#include <stdlib.h>
#include <string.h>

#include "facts.h"

void bc_slot_free(struct bc_slot *s)
{
	free(s->construct);
	free(s->name);
	free(s->path);
	for (size_t i = 0; i < s->nr_origin; i++)
		free(s->origin[i]);
	free(s->origin);
	free(s->sources);
	free(s->type);
	free(s->helper);
	memset(s, 0, sizeof(*s));
}

void bc_live_sets_free(struct bc_live_set *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].slots);
	free(v);
}

void bc_facts_free(struct bc_facts *f)
{
	for (size_t i = 0; i < f->nr_funcs; i++) {
		struct bc_func *fn = &f->funcs[i];

		free(fn->name);
		free(fn->section);
		free(fn->prog_type);
		free(fn->src_path);
		free(fn->callees);
		free(fn->chain);
		for (size_t j = 0; j < fn->nr_issues; j++)
			free(fn->issues[j].chain);
		free(fn->issues);
		for (size_t j = 0; j < fn->nr_slots; j++)
			bc_slot_free(&fn->slots[j]);
		free(fn->slots);
		bc_live_sets_free(fn->live_sets, fn->nr_live_sets);
	}
	free(f->funcs);
	for (size_t i = 0; i < f->nr_count_loops; i++) {
		free(f->count_loops[i].func);
		free(f->count_loops[i].callback);
		free(f->count_loops[i].map);
	}
	free(f->count_loops);
	memset(f, 0, sizeof(*f));
}
