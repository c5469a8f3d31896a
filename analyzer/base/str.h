/* SPDX-License-Identifier: Apache-2.0 */
/* Small string helpers. */
#ifndef BC_BASE_STR_H
#define BC_BASE_STR_H

#include <stdarg.h>

/* A formatted string (caller frees); NULL with errno = ENOMEM. */
char *bc_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *bc_strdup_vprintf(const char *fmt, va_list ap);

#endif
