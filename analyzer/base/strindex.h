/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A string -> index map (open addressing): the names of a script (maps,
 * probes) looked up in constant time, so that a script of thousands of them
 * does not cost a scan of all per use. Keys are borrowed: each must outlive
 * the index and not change. Zero-initialised is empty.
 *
 *	size_t i;
 *	if (bc_strindex_get(&x, name, &i)) return items[i];
 *	if (bc_strindex_put(&x, name, n)) return -ENOMEM;
 */
#ifndef BC_BASE_STRINDEX_H
#define BC_BASE_STRINDEX_H

#include <stdbool.h>
#include <stddef.h>

struct bc_strindex {
	struct bc_strindex_slot {
		const char *key;	/* NULL: empty */
		size_t value;
	} *slots;
	size_t cap;			/* a power of two, or 0 */
	size_t n;
};

/* Files KEY -> VALUE; a key already present keeps its first value. 0 or -ENOMEM. */
int bc_strindex_put(struct bc_strindex *x, const char *key, size_t value);
/* The value of KEY in *VALUE; false when absent. */
bool bc_strindex_get(const struct bc_strindex *x, const char *key, size_t *value);
void bc_strindex_free(struct bc_strindex *x);

#endif
