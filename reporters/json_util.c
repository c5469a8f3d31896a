// SPDX-License-Identifier: Apache-2.0
/* jansson helpers: strings from untrusted bytes, spans, output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "report_common.h"
#include "utf8.h"

json_t *bc_json_strn(const char *s, size_t len)
{
	char *clean;
	json_t *j;

	if (!s)
		return json_null();
	clean = bc_utf8_clean(s, len);
	if (!clean)
		return NULL;
	j = json_string(clean);
	free(clean);
	return j;
}

json_t *bc_json_str(const char *s)
{
	return s ? bc_json_strn(s, strlen(s)) : json_null();
}

json_t *bc_json_span(const struct bc_span *span)
{
	unsigned eline, ecol;

	if (!span->line)
		return json_null();
	bc_span_end(span, &eline, &ecol);
	return json_pack("{s:I, s:I, s:I, s:I}", "line", (json_int_t)span->line, "column",
			 (json_int_t)span->col, "end_line", (json_int_t)eline, "end_column",
			 (json_int_t)ecol);
}

int bc_json_push(json_t *a, json_t *v)
{
	if (!v)
		return -ENOMEM;
	return json_array_append_new(a, v) ? -ENOMEM : 0;
}

int bc_json_write(FILE *out, const json_t *root)
{
	if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER))
		return -EIO;
	fputc('\n', out);
	return ferror(out) ? -EIO : 0;
}
