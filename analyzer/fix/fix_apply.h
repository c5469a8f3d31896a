/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Applying the fixes of a unit's diagnostics to its text.
 *
 * Which fixes: those of diagnostics that are not suppressed, safe ones always,
 * unsafe ones only when asked (--unsafe-fixes).
 *
 * Overlaps are resolved deterministically, like ruff: candidate fixes are
 * sorted by the start offset of their first edit, then by rule code, then by
 * report order, and taken greedily. A fix is all-or-nothing: it is skipped
 * when any of its edits overlaps an edit already taken (shares at least one
 * replaced byte, or is an insertion strictly inside a replaced range, or is
 * a second insertion at the same offset). A skipped fix's diagnostic stays
 * reported; the next pass of the fix loop may apply it on the new text.
 * Fixes with an edit past the end of the text, or with edits overlapping each
 * other, are invalid and never applied.
 *
 * Bytes outside the edited spans are copied unchanged: line ends, missing
 * trailing newlines and non-UTF-8 bytes all survive.
 */
#ifndef BC_FIX_APPLY_H
#define BC_FIX_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/diag.h"

struct bc_fixed {
	unsigned char *data;	/* the new text, NUL-terminated (data[size] == 0) */
	size_t size;
	size_t nr_applied;	/* fixes applied */
	size_t nr_skipped;	/* overlapping an applied fix: left for the next pass */
	size_t nr_invalid;	/* edits out of range or overlapping each other */
	size_t nr_unsafe_hidden; /* unsafe fixes not applied because unsafe is off */
	bool changed;		/* data differs from the input */
};

/* Is D's fix one the options allow (present, not suppressed, safe or UNSAFE)? */
bool bc_fix_eligible(const struct bc_diag *d, bool unsafe);

/*
 * Applies the eligible fixes of DIAGS to DATA (SIZE bytes) into OUT, which
 * the caller frees with bc_fixed_free. Only diagnostics about this text are
 * considered: PATH names it (a diagnostic with another path, e.g. a C source
 * file an object's debug info points at, is skipped; NULL = no filter).
 * When no fix applies, OUT holds a copy of DATA with changed == false.
 * 0 or -ENOMEM.
 */
int bc_fix_apply(const unsigned char *data, size_t size, const struct bc_diags *diags,
		 const char *path, bool unsafe, struct bc_fixed *out);
void bc_fixed_free(struct bc_fixed *f);

#endif
