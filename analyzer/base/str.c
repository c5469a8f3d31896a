// SPDX-License-Identifier: Apache-2.0
/* Small string helpers (see str.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "str.h"

char *bc_strdup_vprintf(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	return s;
}

char *bc_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	return s;
}

int bc_strv_push(char ***v, size_t *n, size_t *cap, const char *s)
{
	char *copy;

	if (BC_GROW(*v, *cap, *n + 2) || !(copy = strdup(s)))
		return -ENOMEM;
	(*v)[(*n)++] = copy;
	(*v)[*n] = NULL;
	return 0;
}
