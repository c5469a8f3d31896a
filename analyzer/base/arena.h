/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bump allocator: the script front end allocates every AST node, string
 * and list from one arena owned by the parsed script, and frees it at once.
 */
#ifndef BC_SCRIPT_ARENA_H
#define BC_SCRIPT_ARENA_H

#include <stddef.h>

struct bc_arena_chunk;

struct bc_arena {
	struct bc_arena_chunk *head;
	size_t used;		/* bytes handed out, for statistics and limits */
};

/* Zeroed memory aligned for any object; NULL with errno = ENOMEM. */
void *bc_arena_alloc(struct bc_arena *a, size_t size);
/* Copies SIZE bytes; NULL on ENOMEM (or when SIZE is 0 and SRC is NULL). */
void *bc_arena_memdup(struct bc_arena *a, const void *src, size_t size);
/* A NUL-terminated copy of LEN bytes of S. */
char *bc_arena_strndup(struct bc_arena *a, const char *s, size_t len);
void bc_arena_free(struct bc_arena *a);

#endif
