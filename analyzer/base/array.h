/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Growing an array: the one way the tree makes room for one more element.
 *
 *	if (BC_GROW(v->items, v->cap, v->n + 1))
 *		return -ENOMEM;
 *	v->items[v->n++] = x;
 */
#ifndef BC_BASE_ARRAY_H
#define BC_BASE_ARRAY_H

#include <stddef.h>

/* The capacity of an array's first allocation (when NEED is not more). */
#define BC_GROW_MIN	8

/*
 * Makes *V (an array of *CAP elements of ELEM_SIZE bytes; NULL when *CAP is 0)
 * hold at least NEED elements: when *CAP is smaller, reallocates it to the
 * larger of NEED and twice *CAP (BC_GROW_MIN at first) and updates *CAP.
 * New elements are not initialised. 0, or -ENOMEM (also when the size would
 * overflow) with *V and *CAP unchanged.
 */
int bc_grow(void **v, size_t *cap, size_t need, size_t elem_size);

/*
 * BC_GROW(arr, cap, need): bc_grow for a typed pointer ARR (a void * is
 * refused at compile time) and its size_t CAP (lvalues, evaluated more than
 * once); elements are sizeof(*arr).
 * BC_GROW_SIZED: the same with elements of ELEM_SIZE bytes, for arrays of
 * rows (ARR holds ELEM_SIZE / sizeof(*arr) items per element).
 */
#define BC_GROW_SIZED(arr, cap, need, elem_size) __extension__ ({		\
	void *bc_grow_v_ = (arr);						\
	int bc_grow_err_ = bc_grow(&bc_grow_v_, &(cap), (need), (elem_size));	\
	(arr) = bc_grow_v_;							\
	bc_grow_err_;								\
})
#define BC_GROW(arr, cap, need) __extension__ ({				\
	_Static_assert(!__builtin_types_compatible_p(__typeof__(arr), void *),	\
		       "BC_GROW needs a typed pointer: use BC_GROW_SIZED");	\
	BC_GROW_SIZED(arr, cap, need, sizeof(*(arr)));				\
})

#endif
