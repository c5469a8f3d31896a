/* SPDX-License-Identifier: Apache-2.0 */
/* The builtin table itself (builtins_table.c); use the lookups in builtins.h. */
#ifndef BC_SCRIPT_BUILTINS_TABLE_H
#define BC_SCRIPT_BUILTINS_TABLE_H

#include <stddef.h>

#include "builtins.h"

extern const struct bc_builtin bc_builtin_table[];
extern const size_t bc_builtin_table_len;

#endif
