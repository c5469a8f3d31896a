/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unified diffs (the `diff` output format and --diff): what --fix would
 * change, as `git apply` / `patch -p1` read it.
 */
#ifndef BC_UDIFF_H
#define BC_UDIFF_H

#include <stddef.h>
#include <stdio.h>

#define BC_UDIFF_CONTEXT 3

/*
 * Writes the unified diff from A to B under the header `--- a/PATH` /
 * `+++ b/PATH` (a leading "./" is dropped), BC_UDIFF_CONTEXT lines of
 * context, hunks `@@ -l,n +l,n @@` (",n" left out when n is 1, as GNU diff
 * does). Lines are compared byte for byte including their ends, so a CR
 * before the newline is part of the line; a last line without a newline is
 * followed by "\ No newline at end of file". Nothing is written when A and B
 * are equal. Lines are matched with Myers' O(ND) algorithm after the common
 * head and tail are stripped; when more than BC_UDIFF_MAX_D lines differ
 * the middle is shown as one replaced block (still a correct patch).
 * 0, -ENOMEM, or -EIO when writing failed.
 */
#define BC_UDIFF_MAX_D 2000
int bc_udiff_write(FILE *out, const char *path, const unsigned char *a, size_t alen,
		   const unsigned char *b, size_t blen);

#endif
