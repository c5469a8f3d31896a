/* SPDX-License-Identifier: Apache-2.0 */
/* Small string helpers. */
#ifndef BC_BASE_STR_H
#define BC_BASE_STR_H

#include <stdarg.h>
#include <stddef.h>

/* A formatted string (caller frees); NULL with errno = ENOMEM. */
char *bc_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *bc_strdup_vprintf(const char *fmt, va_list ap);
/* Appends a copy of S to the string list *V (*N strings, room for *CAP;
 * grown with BC_GROW) and keeps the list NULL-terminated. 0 or -ENOMEM
 * (the list then holds what it held). */
int bc_strv_push(char ***v, size_t *n, size_t *cap, const char *s);

#endif
