// SPDX-License-Identifier: Apache-2.0
/* Aligned columns: cells collected first, widths from all rows. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "utf8.h"
#include "../analyzer/core/diag.h"
#include "../analyzer/base/array.h"

void bc_columns_init(struct bc_columns *t, const char *align)
{
	memset(t, 0, sizeof(*t));
	t->ncol = strlen(align);
	if (t->ncol > sizeof(t->align))
		t->ncol = sizeof(t->align);
	memcpy(t->align, align, t->ncol);
}

int bc_columns_add(struct bc_columns *t, const char *const *cells)
{
	char **row;

	/* an element is a row of NCOL cells */
	if (BC_GROW_SIZED(t->cells, t->cap, t->nrows + 1, t->ncol * sizeof(*t->cells)))
		return -ENOMEM;
	row = t->cells + t->nrows * t->ncol;
	for (size_t i = 0; i < t->ncol; i++) {
		row[i] = strdup(cells[i] ? cells[i] : "");
		if (!row[i]) {
			while (i--)
				free(row[i]);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < t->ncol; i++) {
		size_t w = bc_display_width(row[i]);

		if (w > t->width[i])
			t->width[i] = w;
	}
	t->nrows++;
	return 0;
}

int bc_columns_addf(struct bc_columns *t, const char *fmt, ...)
{
	const char *cells[16] = { 0 };
	char *line, *p;
	size_t n = 0;
	va_list ap;
	int err;

	va_start(ap, fmt);
	line = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (!line)
		return -ENOMEM;
	for (p = line; n < t->ncol; n++) {
		cells[n] = p;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p++ = 0;
	}
	err = bc_columns_add(t, cells);
	free(line);
	return err;
}

void bc_columns_print_row(const struct bc_columns *t, FILE *out, const char *indent, size_t row,
			  const char *(*sgr)(size_t col, const char *text))
{
	char *const *cells = t->cells + row * t->ncol;
	size_t last = t->ncol;

	while (last > 0 && !cells[last - 1][0])
		last--;		/* no trailing blanks */
	fputs(indent, out);
	for (size_t i = 0; i < last; i++) {
		size_t w = bc_display_width(cells[i]), pad = t->width[i] - w;
		const char *colour = sgr ? sgr(i, cells[i]) : NULL;

		if (i)
			fputs("  ", out);
		if (t->align[i] == 'r')
			fprintf(out, "%*s", (int)pad, "");
		if (colour)
			fputs(colour, out);
		bc_put_safe_str(out, cells[i]);
		if (colour)
			fputs("\033[0m", out);
		if (t->align[i] != 'r' && i + 1 < last)
			fprintf(out, "%*s", (int)pad, "");
	}
	fputc('\n', out);
}

void bc_columns_print(const struct bc_columns *t, FILE *out, const char *indent,
		      const char *(*sgr)(size_t col, const char *text))
{
	for (size_t r = 0; r < t->nrows; r++)
		bc_columns_print_row(t, out, indent, r, sgr);
}

void bc_columns_free(struct bc_columns *t)
{
	for (size_t i = 0; i < t->nrows * t->ncol; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
