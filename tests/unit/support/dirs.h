/* SPDX-License-Identifier: Apache-2.0 */
/* Directories of the tests: scratch directories, the files a cache
 * directory holds (result entries "result-*", BTF answer records "btf-*"),
 * and the live tracefs. */
#ifndef BC_TEST_DIRS_H
#define BC_TEST_DIRS_H

#include <stdbool.h>
#include <stddef.h>

/* A new directory /tmp/PREFIX-XXXXXX (mkdtemp); heap string. */
char *bc_test_temp_dir(const char *prefix);
/* rm -rf DIR; fails the test when that fails. */
void bc_test_remove_tree(const char *dir);

/* How many files in CACHE have names starting with PREFIX (0: no CACHE). */
size_t bc_test_cache_count(const char *cache, const char *prefix);
/* "CACHE/NAME" of the one file whose name starts with PREFIX; fails the
 * test unless there is exactly one. Heap string. */
char *bc_test_cache_entry(const char *cache, const char *prefix);

/* Can this process read the kernel's tracepoint formats where bpftrace
 * reads them? As root, mounts tracefs there when it is not (a fresh
 * machine or CI runner). Tests that read the live kernel skip() without. */
bool bc_test_live_tracefs(void);

#endif
