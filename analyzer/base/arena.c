// SPDX-License-Identifier: Apache-2.0
/* The script front end's bump allocator (see arena.h). */
#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define ARENA_CHUNK_SIZE (64 * 1024)

struct bc_arena_chunk {
	struct bc_arena_chunk *next;
	size_t size, off;
	alignas(max_align_t) unsigned char data[];
};

void *bc_arena_alloc(struct bc_arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	struct bc_arena_chunk *c = a->head;
	size_t off;

	if (size == 0)
		size = 1;
	if (size > SIZE_MAX / 2) {
		errno = ENOMEM;
		return NULL;
	}
	size = (size + align - 1) & ~(align - 1);
	off = c ? c->off : 0;
	if (!c || off + size > c->size) {
		size_t cap = size > ARENA_CHUNK_SIZE ? size : ARENA_CHUNK_SIZE;

		c = malloc(sizeof(*c) + cap);
		if (!c) {
			errno = ENOMEM;
			return NULL;
		}
		c->size = cap;
		c->off = 0;
		/* A chunk made for one big object goes behind the current one,
		 * so the current chunk keeps serving small requests. */
		if (cap > ARENA_CHUNK_SIZE && a->head) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
		off = 0;
	}
	c->off = off + size;
	a->used += size;
	memset(c->data + off, 0, size);
	return c->data + off;
}

void *bc_arena_memdup(struct bc_arena *a, const void *src, size_t size)
{
	void *p = bc_arena_alloc(a, size);

	if (p && size)
		memcpy(p, src, size);
	return p;
}

char *bc_arena_strndup(struct bc_arena *a, const char *s, size_t len)
{
	char *p = bc_arena_alloc(a, len + 1);

	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = 0;
	return p;
}

void bc_arena_free(struct bc_arena *a)
{
	struct bc_arena_chunk *c = a->head, *n;

	while (c) {
		n = c->next;
		free(c);
		c = n;
	}
	a->head = NULL;
	a->used = 0;
}
