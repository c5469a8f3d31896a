/* SPDX-License-Identifier: Apache-2.0 */
/* A growable string for the printer and the AST dump. */
#ifndef BC_SCRIPT_SBUF_H
#define BC_SCRIPT_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct bc_sbuf {
	char *s;
	size_t len, cap;
	bool oom;		/* an allocation failed; the text is incomplete */
};

void bc_sbuf_putn(struct bc_sbuf *b, const char *s, size_t n);
void bc_sbuf_puts(struct bc_sbuf *b, const char *s);
void bc_sbuf_putc(struct bc_sbuf *b, char c);
void bc_sbuf_printf(struct bc_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends S[0..n) as the inside of a bpftrace string literal (escaped). */
void bc_sbuf_put_escaped(struct bc_sbuf *b, const char *s, size_t n);
/* The text (caller frees), or NULL with errno = ENOMEM after a failure. */
char *bc_sbuf_finish(struct bc_sbuf *b);

#endif
