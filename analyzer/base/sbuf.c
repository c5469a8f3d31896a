// SPDX-License-Identifier: Apache-2.0
/* A growable string (see sbuf.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "sbuf.h"

static bool grow(struct bc_sbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (b->oom)
		return false;
	if (need <= b->len || BC_GROW(b->s, b->cap, need < 256 ? 256 : need)) {
		b->oom = true;
		return false;
	}
	return true;
}

void bc_sbuf_putn(struct bc_sbuf *b, const char *s, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void bc_sbuf_puts(struct bc_sbuf *b, const char *s)
{
	bc_sbuf_putn(b, s, strlen(s));
}

void bc_sbuf_putc(struct bc_sbuf *b, char c)
{
	bc_sbuf_putn(b, &c, 1);
}

void bc_sbuf_printf(struct bc_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void bc_sbuf_put_escaped(struct bc_sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': bc_sbuf_puts(b, "\\\""); break;
		case '\\': bc_sbuf_puts(b, "\\\\"); break;
		case '\n': bc_sbuf_puts(b, "\\n"); break;
		case '\t': bc_sbuf_puts(b, "\\t"); break;
		case '\r': bc_sbuf_puts(b, "\\r"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				bc_sbuf_printf(b, "\\%03o", c);
			else
				bc_sbuf_putc(b, (char)c);
		}
	}
}

char *bc_sbuf_finish(struct bc_sbuf *b)
{
	char *s;

	if (b->oom) {
		free(b->s);
		b->s = NULL;
		errno = ENOMEM;
		return NULL;
	}
	if (!b->s && !grow(b, 0)) {
		errno = ENOMEM;
		return NULL;
	}
	if (!b->len)
		b->s[0] = 0;
	s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}
