/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one comparer of the tests: every expectation kept in a file (golden
 * outputs, the expectation lines of the rule cases) is compared here, a
 * mismatch is shown as a unified diff from the expected text to the actual
 * one, and BC_UPDATE_GOLDEN=1 in the environment rewrites the expectation
 * instead of comparing. tests/rules/README.md describes the layouts.
 */
#ifndef BC_TEST_GOLDEN_H
#define BC_TEST_GOLDEN_H

#include <stdbool.h>

/* True when BC_UPDATE_GOLDEN is "1": expectations are rewritten. */
bool bc_test_updating(void);
/* Compares ACTUAL with EXPECTED (NULL: missing). On a mismatch prints, to
 * stderr, a unified diff from EXPECTED to ACTUAL headed by NAME (the file
 * that holds the expectation) and returns false. */
bool bc_test_same(const char *name, const char *expected, const char *actual);
/* Writes DATA to PATH, creating its directory; 0 or a negative errno. */
int bc_test_write_file(const char *path, const char *data);
/* Compares ACTUAL with the golden file REL (under $BC_SRCDIR) through
 * bc_test_same; when bc_test_updating(), writes REL instead. True when they
 * match (or REL was written). */
bool bc_test_golden(const char *rel, const char *actual);

#endif
