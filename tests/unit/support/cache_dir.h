/* SPDX-License-Identifier: Apache-2.0 */
/* The files a cache directory holds (result entries "result-*", BTF
 * answer records "btf-*"), for the tests of the caches. */
#ifndef BC_TEST_CACHE_DIR_H
#define BC_TEST_CACHE_DIR_H

#include <stddef.h>

/* How many files in CACHE have names starting with PREFIX (0: no CACHE). */
size_t bc_test_cache_count(const char *cache, const char *prefix);
/* "CACHE/NAME" of the one file whose name starts with PREFIX; fails the
 * test unless there is exactly one. Heap string. */
char *bc_test_cache_entry(const char *cache, const char *prefix);

#endif
