// SPDX-License-Identifier: Apache-2.0
/* UTF-8 decoding, terminal-safe text, caret layout, UTF-16 columns. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

size_t bc_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c, min;
	size_t len;

	if (!n)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		len = 2, c &= 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, c &= 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int bc_codepoint_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

int bc_put_safe(FILE *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = bc_utf8_decode(p + i, len - i, &cp);
		if (!n) {
			fputc('?', out);
			i++;
			continue;
		}
		if (cp == '\t')
			fputc(' ', out);
		else if (bc_codepoint_unsafe(cp))
			fputc('?', out);
		else
			fwrite(p + i, 1, n, out);
		i += n;
	}
	return ferror(out) ? -EIO : 0;
}

size_t bc_display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, n, w = 0;
	uint32_t cp;

	while (i < len) {
		n = bc_utf8_decode(p + i, len - i, &cp);
		i += n ? n : 1;
		w++;
	}
	return w;
}

int bc_display_line_init(struct bc_display_line *dl, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, w = 0, o = 0, cap = len + 1;
	uint32_t cp;

	memset(dl, 0, sizeof(*dl));
	/* a tab expands to at most BC_TAB_STOP spaces; other bytes never grow */
	for (size_t k = 0; k < len; k++)
		if (p[k] == '\t')
			cap += BC_TAB_STOP - 1;
	dl->text = malloc(cap);
	dl->col = malloc((len + 1) * sizeof(*dl->col));
	if (!dl->text || !dl->col) {
		bc_display_line_free(dl);
		return -ENOMEM;
	}
	dl->len = len;
	while (i < len) {
		n = bc_utf8_decode(p + i, len - i, &cp);
		dl->col[i] = w;
		if (!n) {
			dl->text[o++] = '?';
			w++;
			i++;
			continue;
		}
		/* continuation bytes share their character's column */
		for (size_t k = 1; k < n; k++)
			dl->col[i + k] = w;
		if (cp == '\t') {
			do {
				dl->text[o++] = ' ';
				w++;
			} while (w % BC_TAB_STOP);
		} else if (bc_codepoint_unsafe(cp)) {
			dl->text[o++] = '?';
			w++;
		} else {
			memcpy(dl->text + o, p + i, n);
			o += n;
			w++;
		}
		i += n;
	}
	dl->col[len] = w;
	dl->text[o] = 0;
	return 0;
}

void bc_display_line_free(struct bc_display_line *dl)
{
	free(dl->text);
	free(dl->col);
	memset(dl, 0, sizeof(*dl));
}

char *bc_utf8_clean(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, n;
	uint32_t cp;
	/* each invalid byte grows to the 3 bytes of U+FFFD */
	char *r = malloc(len * 3 + 1);

	if (!r)
		return NULL;
	while (i < len) {
		n = bc_utf8_decode(p + i, len - i, &cp);
		if (!n || cp == 0) {
			memcpy(r + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(r + o, p + i, n);
		o += n;
		i += n;
	}
	r[o] = 0;
	return r;
}

uint32_t bc_utf16_column(const char *line, size_t len, uint32_t byte_col)
{
	const unsigned char *p = (const unsigned char *)line;
	size_t i = 0, n, stop;
	uint32_t units = 0, cp;

	if (!byte_col)
		return 0;
	stop = byte_col - 1;
	while (i < stop && i < len) {
		n = bc_utf8_decode(p + i, len - i, &cp);
		if (!n) {
			units++;
			i++;
			continue;
		}
		units += cp >= 0x10000 ? 2 : 1;
		i += n;
	}
	if (stop > i)
		units += stop - i;	/* past the end of the line (or of its text) */
	return units + 1;
}
