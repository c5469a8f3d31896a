// SPDX-License-Identifier: Apache-2.0
/* A string -> index map (see strindex.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strindex.h"

static size_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (size_t)(h ^ (h >> 32));
}

static struct bc_strindex_slot *find(struct bc_strindex_slot *v, size_t cap, const char *key)
{
	size_t i = hash(key) & (cap - 1);

	while (v[i].key && strcmp(v[i].key, key))
		i = (i + 1) & (cap - 1);
	return &v[i];
}

int bc_strindex_put(struct bc_strindex *x, const char *key, size_t value)
{
	struct bc_strindex_slot *s;

	if (!key)
		return -EINVAL;
	if ((x->n + 1) * 2 > x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		struct bc_strindex_slot *v = calloc(cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		for (size_t i = 0; i < x->cap; i++)
			if (x->slots[i].key)
				*find(v, cap, x->slots[i].key) = x->slots[i];
		free(x->slots);
		x->slots = v;
		x->cap = cap;
	}
	s = find(x->slots, x->cap, key);
	if (s->key)
		return 0;
	s->key = key;
	s->value = value;
	x->n++;
	return 0;
}

bool bc_strindex_get(const struct bc_strindex *x, const char *key, size_t *value)
{
	const struct bc_strindex_slot *s;

	if (!x->cap || !key)
		return false;
	s = find(x->slots, x->cap, key);
	if (!s->key)
		return false;
	*value = s->value;
	return true;
}

void bc_strindex_free(struct bc_strindex *x)
{
	free(x->slots);
	memset(x, 0, sizeof(*x));
}
