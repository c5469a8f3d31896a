// SPDX-License-Identifier: Apache-2.0
/* Facts' slots from liveness and provenance (see prov_slots.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attribution.h"
#include "prov_slots.h"

/*
 * Where the bytes of record ID come from: the records of its chain of
 * copies that copy nothing themselves and whose size follows the script
 * (a str() call, not the comm beside it in a map key), else the chain's
 * first record. 0 or -ENOMEM.
 */
static int source_spans(const struct bc_prov_table *t, uint32_t id, struct bc_slot *s)
{
	uint32_t *ids;
	int n = bc_prov_chain(t, id, NULL, 0);

	if (n <= 0)
		return 0;
	ids = malloc((size_t)n * sizeof(*ids));
	s->sources = calloc((size_t)n, sizeof(*s->sources));
	if (!ids || !s->sources) {
		free(ids);
		return -ENOMEM;
	}
	bc_prov_chain(t, id, ids, (size_t)n);
	for (int i = 0; i < n; i++) {
		const struct bc_prov_rec *r = bc_prov_get(t, ids[i]);

		if (!r->nr_from && r->script_dependent && r->span.line)
			s->sources[s->nr_sources++] = r->span;
	}
	if (!s->nr_sources && bc_prov_get(t, ids[0])->span.line)
		s->sources[s->nr_sources++] = bc_prov_get(t, ids[0])->span;
	free(ids);
	return 0;
}

static int from_record(const struct bc_prov_table *t, const struct bc_prov_rec *r,
		       struct bc_slot *s)
{
	s->construct = strdup(r->construct);
	s->name = strdup(r->name ? r->name : (r->ir_name ? r->ir_name : ""));
	if (!s->construct || !s->name)
		return -ENOMEM;
	s->span = r->span;
	s->script_dependent = r->script_dependent;
	s->placement = r->placement;
	if (source_spans(t, r->id, s))
		return -ENOMEM;
	return bc_prov_origin_strings(t, r->id, &s->origin, &s->nr_origin);
}

int bc_prov_slots(const struct bc_prov_table *t, LLVMValueRef fn, const struct bc_liveness *L,
		  struct bc_slot **out, size_t *nr_out)
{
	size_t n = 0, len, nr_scratch;
	const char *fname = LLVMGetValueName2(fn, &len);
	struct bc_slot *v;
	uint32_t *scratch;
	int err;

	*out = NULL;
	*nr_out = 0;
	/* room for this function's slots only: its allocas and the scratch
	 * records created in it (the table is indexed by function) */
	err = bc_prov_scratch_of(t, fname, &scratch, &nr_scratch);
	if (err)
		return err;
	v = calloc(L->nr_slots + nr_scratch + 1, sizeof(*v));
	if (!v) {
		free(scratch);
		return -ENOMEM;
	}
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
	for (size_t k = 0; k < nr_scratch && !err; k++) {
		const struct bc_prov_rec *r = bc_prov_get(t, scratch[k]);
		struct bc_slot *s = &v[n++];

		err = from_record(t, r, s);
		s->scratch_bytes = r->scratch_bytes;
	}
	free(scratch);
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
