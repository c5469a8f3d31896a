/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fix loop: apply the fixes of an analysed unit, analyse the new text
 * again (a fresh unit loaded from the new bytes), and repeat until the text
 * stops changing, at most BC_FIX_MAX_PASSES times (ruff does the same). A
 * pass that breaks the text — the new unit cannot be processed, changes
 * kind, or has more syntax errors than before — is undone and the loop stops
 * at the last good text. Running the loop on its own output changes nothing.
 */
#ifndef BC_FIX_LOOP_H
#define BC_FIX_LOOP_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/unit.h"

#define BC_FIX_MAX_PASSES 10

/* Analyses a freshly loaded unit (the driver plus whatever the caller adds). */
typedef int (*bc_fix_analyze_fn)(struct bc_unit *u, void *arg);

struct bc_fix_stats {
	size_t passes;		/* passes that changed the text */
	size_t applied;		/* fixes applied, over all passes */
	size_t unsafe_hidden;	/* unsafe fixes left out in the last pass */
	bool changed;		/* the final text differs from the input */
	bool converged;		/* the text stopped changing within the cap */
	bool reverted;		/* a pass was undone because it broke the text */
};

/*
 * Runs the loop from U (already analysed; not modified). When the text
 * changed, OUT receives the final analysed unit (caller frees it with
 * bc_unit_free) and stats->changed is set; otherwise OUT is left zeroed.
 * 0 or a negative errno (-ENOMEM).
 */
int bc_fix_loop(const struct bc_unit *u, bool unsafe, bc_fix_analyze_fn analyze, void *arg,
		struct bc_unit *out, struct bc_fix_stats *stats);

#endif
