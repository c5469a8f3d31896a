// SPDX-License-Identifier: Apache-2.0
/* Finding definitions again in textual IR. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/unit.h"
#include "ir_locate.h"
#include "../base/str.h"

static bool bare_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_';
}

/* LLVM's printLLVMNameWithoutPrefix: bare when every character is
 * [-a-zA-Z._0-9] and the first is not a digit, else quoted; inside quotes
 * '"', '\\' and unprintable bytes become \XX. */
char *bc_ir_printed_name(const char *name)
{
	size_t n = strlen(name), k = 0;
	bool bare = n > 0 && !(name[0] >= '0' && name[0] <= '9');
	char *out;

	for (size_t i = 0; i < n && bare; i++)
		bare = bare_char((unsigned char)name[i]);
	if (bare)
		return strdup(name);
	out = malloc(n * 3 + 3);
	if (!out)
		return NULL;
	out[k++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			out[k++] = (char)c;
		else
			k += (size_t)sprintf(out + k, "\\%02X", c);
	}
	out[k++] = '"';
	out[k] = 0;
	return out;
}

static int span_of_line(const struct bc_unit *u, size_t start, size_t line_start,
			struct bc_span *span)
{
	const unsigned char *nl = memchr(u->data + line_start, '\n', u->size - line_start);
	size_t end = nl ? (size_t)(nl - u->data) : u->size;

	memset(span, 0, sizeof(*span));
	span->start = (uint32_t)start;
	span->end = (uint32_t)(end > start ? end : start + 1);
	bc_unit_locate(u, span);
	return 0;
}

/* Next line at or after OFF that starts (after blanks) with PREFIX and
 * contains NEEDLE; stops at END. Returns the needle's offset or -1. */
static long find_line(const struct bc_unit *u, size_t off, size_t end, const char *prefix,
		      const char *needle, size_t *line_start)
{
	size_t nl = strlen(needle), pl = strlen(prefix);

	while (off < end) {
		const unsigned char *eol = memchr(u->data + off, '\n', end - off);
		size_t lend = eol ? (size_t)(eol - u->data) : end, p = off;

		while (p < lend && (u->data[p] == ' ' || u->data[p] == '\t'))
			p++;
		if (lend - p >= pl && !memcmp(u->data + p, prefix, pl)) {
			const unsigned char *hit = memmem(u->data + p, lend - p, needle, nl);

			if (hit) {
				*line_start = off;
				return (long)(hit - u->data);
			}
		}
		off = lend + 1;
	}
	return -1;
}

static bool is_text(const struct bc_unit *u)
{
	return u && u->data && u->kind == BC_KIND_LLVM_IR && u->line_starts;
}

/* The line of the first line starting with PREFIX ("define ", or the
 * needle itself) that holds "@NAME" followed by SUFFIX ("(", " ="). */
static int locate_named(const struct bc_unit *u, const char *name, const char *prefix,
			const char *suffix, struct bc_span *span)
{
	char *printed, *needle;
	size_t ls = 0;
	long at;

	if (!is_text(u))
		return -ENOENT;
	printed = bc_ir_printed_name(name);
	if (!printed)
		return -ENOMEM;
	needle = bc_strdup_printf("@%s%s", printed, suffix);
	free(printed);
	if (!needle)
		return -ENOMEM;
	at = find_line(u, 0, u->size, prefix ? prefix : needle, needle, &ls);
	free(needle);
	if (at < 0)
		return -ENOENT;
	return span_of_line(u, ls, ls, span);
}

int bc_ir_locate_function(const struct bc_unit *u, const char *name, struct bc_span *span)
{
	return locate_named(u, name, "define ", "(", span);
}

int bc_ir_locate_global(const struct bc_unit *u, const char *name, struct bc_span *span)
{
	return locate_named(u, name, NULL, " =", span);
}

int bc_ir_locate_alloca(const struct bc_unit *u, const struct bc_span *fn, const char *name,
			struct bc_span *span)
{
	const unsigned char *close;
	char *printed, *needle;
	size_t ls = 0, end;
	long at;

	if (!is_text(u) || !fn || fn->start >= u->size || !name || !*name)
		return -ENOENT;
	/* the function body ends at the first line that is "}" */
	close = memmem(u->data + fn->start, u->size - fn->start, "\n}", 2);
	end = close ? (size_t)(close - u->data) + 1 : u->size;
	printed = bc_ir_printed_name(name);
	if (!printed)
		return -ENOMEM;
	needle = malloc(strlen(printed) + 16);
	if (!needle) {
		free(printed);
		return -ENOMEM;
	}
	sprintf(needle, "%%%s = alloca ", printed);
	free(printed);
	at = find_line(u, fn->start, end, "%", needle, &ls);
	free(needle);
	if (at < 0)
		return -ENOENT;
	return span_of_line(u, (size_t)at, ls, span);
}
