/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Slots per function, from the IR, waiting for the object's functions.
 *
 * The IR front end and the script compiler both know a function's slots
 * (liveness and attribution on the IR that goes into code generation)
 * before the backend has produced the object whose analysis creates the
 * bc_funcs. bc_fn_slots_attach then moves each function's slots onto the
 * bc_func of the same name, once, for both.
 *
 * Per function: slot_peak_bytes is the IR model's peak (liveness.h);
 * unattributed_bytes = frame_bytes - slot_peak_bytes when the frame is
 * larger (spills and backend temporaries), else 0. A peak larger than the
 * frame is kept as it is (the backend shared, merged or dropped slot bytes
 * the IR model counts, for instance a slot whose stores were all dead);
 * bytes are never moved between constructs to hide that, and readers can
 * tell from slot_peak_bytes > frame_bytes.
 */
#ifndef BC_IR_FN_SLOTS_H
#define BC_IR_FN_SLOTS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/facts.h"
#include "../stack/liveness.h"

struct bc_unit;

struct bc_fn_slots {
	char *name;		/* the LLVM function, which is the object's symbol */
	struct bc_span span;	/* where it is in the unit's source; line 0 = unknown */
	struct bc_slot *slots;	/* stack slots in liveness order, then scratch slots */
	size_t nr_slots;
	uint32_t peak_bytes;	/* the IR model's peak, rounded to 8 */
	struct bc_live_set *sets; /* maximal live sets (indexes into slots) */
	size_t nr_sets;
};

/* Takes L's peak and live sets (L keeps its slots). */
void bc_fn_slots_take_liveness(struct bc_fn_slots *fs, struct bc_liveness *L);
/* Frees V[0..N) and V itself. */
void bc_fn_slots_free(struct bc_fn_slots *v, size_t n);
/*
 * Moves each V[i]'s slots onto U's bc_func of the same name (replacing any
 * there): slots, live sets, slot_peak_bytes, unattributed_bytes,
 * has_attribution, and the span when the function has none. Returns how
 * many functions received slots.
 */
size_t bc_fn_slots_attach(struct bc_unit *u, struct bc_fn_slots *v, size_t n);

#endif
