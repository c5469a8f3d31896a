/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The printer turns an AST back into bpftrace source in one canonical
 * layout (parentheses only where precedence needs them, `if (...)` always
 * parenthesised, four-space indentation). Parsing the printed text gives
 * the same AST, spans aside. The AST dump is a stable, indented tree for
 * golden tests.
 */
#ifndef BC_SCRIPT_PRINTER_H
#define BC_SCRIPT_PRINTER_H

#include <stdbool.h>

#include "ast.h"

/* Canonical script text (caller frees), or NULL with errno = ENOMEM, or
 * E2BIG when an expression nests deeper than BC_AST_MAX_DEPTH. */
char *bc_script_print(const struct bc_script *s);
/* The text of one expression or type, as the printer writes it. */
char *bc_expr_print(const struct bc_expr *e);
char *bc_type_print(const struct bc_type *t);

/* An indented tree of the AST. WITH_SPANS adds each node's line:col range
 * and the list of newer-than-v0.17 features the script uses; a subtree past
 * BC_AST_MAX_DEPTH levels is one "nested deeper" line. Caller frees;
 * NULL with errno = ENOMEM. */
char *bc_ast_dump(const struct bc_script *s, bool with_spans);

#endif
