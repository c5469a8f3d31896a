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

/* Terminal columns of a printable code point: 2 for East Asian wide and
 * fullwidth characters and emoji, 0 for combining marks and zero-width
 * characters, else 1 (the common ranges of Unicode's EastAsianWidth and
 * general category Mn, not the whole tables). */
int bc_codepoint_width(uint32_t cp)
{
	static const uint32_t zero[][2] = {
		{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd }, { 0x0610, 0x061a },
		{ 0x064b, 0x065f }, { 0x1ab0, 0x1aff }, { 0x1dc0, 0x1dff }, { 0x200b, 0x200f },
		{ 0x20d0, 0x20ff }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f }, { 0xfeff, 0xfeff },
	};
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff }, { 0x3400, 0x4dbf },
		{ 0x4e00, 0x9fff }, { 0xa000, 0xa4cf }, { 0xac00, 0xd7a3 }, { 0xf900, 0xfaff },
		{ 0xfe30, 0xfe4f }, { 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f },
		{ 0x1f900, 0x1f9ff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
	};

	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (cp >= zero[i][0] && cp <= zero[i][1])
			return 0;
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

size_t bc_display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, n, w = 0;
	uint32_t cp;

	while (i < len) {
		n = bc_utf8_decode(p + i, len - i, &cp);
		if (!n || bc_codepoint_unsafe(cp))
			w++;	/* printed as '?' (a tab as a space) */
		else
			w += bc_codepoint_width(cp);
		i += n ? n : 1;
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
			w += bc_codepoint_width(cp);
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
