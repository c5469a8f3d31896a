/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the map rules (BC301-BC305) share: the semantic analysis of a script
 * that parsed cleanly, the statement that writes a map expression, the
 * version as bpftrace prints it, and the kinds of map use that write.
 */
#ifndef BC_RULES_MAP_COMMON_H
#define BC_RULES_MAP_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "registry.h"
#include "../analyzer/script/sema.h"

/* The unit's semantic analysis, or NULL when there is none or the script
 * has syntax errors (bpftrace would not get as far as the maps). */
const struct bc_sema *bc_map_rule_sema(const struct bc_rule_ctx *ctx);

/* "0.17", "0.22.1" for a BC_BTV version. BUF must hold 16 bytes. */
const char *bc_btv_str(int version, char *buf);

/* Whether a use of KIND stores a value (=, op=, ++/--, an aggregation). */
bool bc_map_use_writes(enum bc_map_use_kind kind);

/* The assignment statement (BC_STMT_ASSIGN) whose target is TARGET, or NULL. */
const struct bc_stmt *bc_map_assign_of(const struct bc_script *s, const struct bc_expr *target);

#endif
