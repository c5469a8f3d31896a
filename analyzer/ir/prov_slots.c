// SPDX-License-Identifier: Apache-2.0
/* Facts' slots from liveness and provenance (see prov_slots.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attribution.h"
#include "prov_slots.h"

static int from_record(const struct bc_prov_table *t, const struct bc_prov_rec *r,
		       struct bc_slot *s)
{
	uint32_t first;

	s->construct = strdup(r->construct);
	s->name = strdup(r->name ? r->name : (r->ir_name ? r->ir_name : ""));
	if (!s->construct || !s->name)
		return -ENOMEM;
	s->span = r->span;
	s->script_dependent = r->script_dependent;
	s->placement = r->placement;
	if (bc_prov_chain(t, r->id, &first, 1) > 0)
		s->origin_span = bc_prov_get(t, first)->span;
	return bc_prov_origin_strings(t, r->id, &s->origin, &s->nr_origin);
}

int bc_prov_slots(const struct bc_prov_table *t, LLVMValueRef fn, const struct bc_liveness *L,
		  struct bc_slot **out, size_t *nr_out)
{
	size_t cap = L->nr_slots + bc_prov_count(t) + 1, n = 0, len;
	const char *fname = LLVMGetValueName2(fn, &len);
	struct bc_slot *v = calloc(cap, sizeof(*v));
	int err = 0;

	*out = NULL;
	*nr_out = 0;
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < L->nr_slots && !err; i++) {
		const struct bc_live_slot *ls = &L->slots[i];
		const struct bc_prov_rec *r = bc_prov_of_alloca(t, ls->alloca);
		struct bc_slot *s = &v[n++];

		if (r) {
			err = from_record(t, r, s);
		} else {
			s->construct = strdup(BC_CONSTRUCT_ALLOCA);
			s->name = strdup(ls->name ? ls->name : "");
			if (!s->construct || !s->name)
				err = -ENOMEM;
		}
		/* the slot's bytes: an SROA piece is smaller than its record */
		s->bytes = ls->bytes;
		s->live_at_peak = ls->live_at_peak;
	}
	for (uint32_t id = 1; id <= bc_prov_count(t) && !err; id++) {
		const struct bc_prov_rec *r = bc_prov_get(t, id);
		struct bc_slot *s;

		if (r->placement != BC_PLACE_SCRATCH || !r->function || strcmp(r->function, fname))
			continue;
		s = &v[n++];
		err = from_record(t, r, s);
		s->scratch_bytes = r->scratch_bytes;
	}
	if (err) {
		for (size_t i = 0; i < n; i++)
			bc_slot_free(&v[i]);
		free(v);
		return err;
	}
	*out = v;
	*nr_out = n;
	return 0;
}
