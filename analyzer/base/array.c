// SPDX-License-Identifier: Apache-2.0
/* Growing an array (see array.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "array.h"

int bc_grow(void **v, size_t *cap, size_t need, size_t elem_size)
{
	size_t ncap, bytes;
	void *nv;

	if (need <= *cap)
		return 0;
	ncap = !*cap ? BC_GROW_MIN : *cap <= SIZE_MAX / 2 ? *cap * 2 : SIZE_MAX;
	if (ncap < need)
		ncap = need;
	/* when doubling overflows, NEED alone may still fit */
	if (__builtin_mul_overflow(ncap, elem_size, &bytes)) {
		ncap = need;
		if (__builtin_mul_overflow(ncap, elem_size, &bytes))
			return -ENOMEM;
	}
	nv = realloc(*v, bytes ? bytes : 1);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}
