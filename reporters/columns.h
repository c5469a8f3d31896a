/* SPDX-License-Identifier: Apache-2.0 */
/* Aligned text columns for human tables (the `stack` table). */
#ifndef BC_REPORTERS_COLUMNS_H
#define BC_REPORTERS_COLUMNS_H

#include <stddef.h>
#include <stdio.h>

struct bc_columns {
	size_t ncol;
	char align[16];		/* 'l' or 'r' per column */
	char **cells;		/* nrows * ncol heap strings */
	size_t nrows, cap;
	size_t width[16];
};

/* ALIGN: one 'l' or 'r' per column (at most 16). */
void bc_columns_init(struct bc_columns *t, const char *align);
/* Adds a row of ncol cells (NULL = empty), copied. 0 or -ENOMEM. */
int bc_columns_add(struct bc_columns *t, const char *const *cells);
/* Adds a row from printf-style cells separated by '\t' in the result. */
int bc_columns_addf(struct bc_columns *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints row ROW: INDENT, cells padded to the column widths and separated
 * by two spaces; no trailing blanks. SGR(col, text) may return an ANSI
 * colour for a cell (NULL = none). */
void bc_columns_print_row(const struct bc_columns *t, FILE *out, const char *indent, size_t row,
			  const char *(*sgr)(size_t col, const char *text));
void bc_columns_print(const struct bc_columns *t, FILE *out, const char *indent,
		      const char *(*sgr)(size_t col, const char *text));
void bc_columns_free(struct bc_columns *t);

#endif
