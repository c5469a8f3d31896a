/* SPDX-License-Identifier: Apache-2.0 */
/* jansson helpers shared by the JSON and SARIF reporters. */
#ifndef BC_REPORTERS_JSON_UTIL_H
#define BC_REPORTERS_JSON_UTIL_H

#include <jansson.h>
#include <stdio.h>

#include "../analyzer/core/diag.h"

/* A JSON string from text that may not be valid UTF-8 (invalid bytes become
 * U+FFFD); json null for NULL. NULL on ENOMEM. */
json_t *bc_json_str(const char *s);
json_t *bc_json_strn(const char *s, size_t len);

/* {"line","column","end_line","end_column"} (end inclusive, see diag.h);
 * json null when the span has no line. NULL on ENOMEM. */
json_t *bc_json_span(const struct bc_span *span);

/* Appends V to array A, taking V's reference; -ENOMEM when V is NULL or
 * appending fails. */
int bc_json_push(json_t *a, json_t *v);

/* Pretty-prints ROOT (2-space indent, keys in insertion order) and a
 * newline. 0 or -EIO. */
int bc_json_write(FILE *out, const json_t *root);

#endif
