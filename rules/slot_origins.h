/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What BC210 and BC211 share: a function's slots grouped by the source of
 * their bytes, and the peak recomputed without some slots.
 *
 * Source: where a slot's script-sized bytes come from (bc_slot.sources, a
 * str() call site for instance). A slot that copies several sources (a tuple
 * or a map key of two strings) belongs to the group of each; a slot without
 * a known source is a group of its own.
 */
#ifndef BC_RULES_SLOT_ORIGINS_H
#define BC_RULES_SLOT_ORIGINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../analyzer/core/facts.h"

struct bc_unit;

struct bc_origin_group {
	struct bc_span span;		/* where the source is; line 0 = unknown */
	const struct bc_slot *source;	/* the source's own slot, when still in the function */
	size_t *slots;			/* indexes into the function's slots, in order */
	size_t nr, cap;
	uint64_t bytes;			/* their stack bytes (shared slots in full) */
	uint64_t copy_bytes;		/* of them, not the source's own slot */
	uint64_t live_bytes;		/* of them, live at the peak */
};

/* Groups F's slots that WANT accepts (NULL = all). *OUT is malloc'd
 * (bc_origin_groups_free); groups in order of their first slot. 0 or -ENOMEM. */
int bc_origin_groups(const struct bc_func *f, bool (*want)(const struct bc_slot *),
		     struct bc_origin_group **out, size_t *nr);
void bc_origin_groups_free(struct bc_origin_group *v, size_t n);
/* Copies in G: its slots other than the source's own. */
size_t bc_origin_copies(const struct bc_origin_group *g);

/* The IR model's peak (slot bytes, not rounded) with the slots marked in
 * EXCLUDED (indexed like F's slots; NULL = none) taken out: the largest
 * live set without them. -1 when F has no live sets. */
int64_t bc_peak_without(const struct bc_func *f, const bool *excluded);

/* BC210's slots: on the stack, with bytes whose size the script decides. */
bool bc_slot_script_sized(const struct bc_slot *s);

/* BC210's verdict on group G (of bc_slot_script_sized slots) of F, with the
 * thresholds docs/rules/BC210.md states: nothing for fewer than two copies;
 * a warning when F is above BC_STACK_NEAR_LIMIT_PCT of STACK_LIMIT and G is
 * live at the peak; else a note when the copies total 64 bytes or more. */
enum bc_copies_verdict { BC_COPIES_QUIET, BC_COPIES_NOTE, BC_COPIES_WARNING };
enum bc_copies_verdict bc_copies_verdict(const struct bc_func *f, const struct bc_origin_group *g,
					 int stack_limit);

/* "variable $s", "str", "map-key @k": construct and name; heap string. */
char *bc_slot_label(const struct bc_slot *s);
struct bc_rule_ctx;

/* Where a finding about group G of F points: the source's span, else the
 * function's location. */
void bc_origin_location(const struct bc_rule_ctx *ctx, const struct bc_func *f,
			const struct bc_origin_group *g, const char **path, struct bc_span *span);
/* How findings name group G of F: "'str(arg1)' at 2:8" from the unit's
 * text when the source is a short one-line span, else the label of its
 * first slot with the location. Heap string. */
char *bc_origin_label(const struct bc_unit *u, const struct bc_func *f,
		      const struct bc_origin_group *g);
/* Whether BC210, enabled in CTX's run, reports the source at SPAN in F: a
 * finding about the same source (BC211's) then points to it rather than
 * listing the same slots again. */
bool bc_copies_reported(const struct bc_rule_ctx *ctx, const struct bc_func *f,
			const struct bc_span *span);

#endif
