/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Text from inputs and messages, made safe for the places reporters put it:
 * terminals (no control bytes, no bidirectional overrides, carets that line
 * up under tabs and multi-byte characters), JSON (valid UTF-8 only) and
 * SARIF (columns in UTF-16 code units).
 */
#ifndef BC_REPORTERS_UTF8_H
#define BC_REPORTERS_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BC_TAB_STOP 8

/* Length of the valid UTF-8 sequence at S (at most N bytes) and its code
 * point, or 0 when the bytes there are not valid UTF-8 (overlong forms,
 * surrogates and code points above U+10FFFF included). */
size_t bc_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Would this code point change the terminal's state or the text's visual
 * order (C0/C1 controls, DEL, bidirectional embeddings and isolates)? */
int bc_codepoint_unsafe(uint32_t cp);

/* Writes LEN bytes of S for a terminal: unsafe code points and invalid bytes
 * become '?', a tab becomes a space. 0 or -EIO. */
int bc_put_safe(FILE *out, const char *s, size_t len);
static inline int bc_put_safe_str(FILE *out, const char *s)
{
	return s ? bc_put_safe(out, s, strlen(s)) : 0;
}

/* Terminal columns of a printable code point: 0, 1 or 2 (wide CJK,
 * fullwidth forms and emoji). */
int bc_codepoint_width(uint32_t cp);

/* Display width of S as bc_put_safe writes it. */
size_t bc_display_width(const char *s);

/* A source line laid out for display with a caret line under it. */
struct bc_display_line {
	char *text;		/* safe text, tabs expanded to BC_TAB_STOP */
	size_t *col;		/* col[i]: display column (0-based) where byte i starts;
				 * col[len] is the display width of the line */
	size_t len;		/* bytes of the original line */
};

/* 0 or -ENOMEM. */
int bc_display_line_init(struct bc_display_line *dl, const char *s, size_t len);
void bc_display_line_free(struct bc_display_line *dl);

/* A NUL-terminated copy of LEN bytes of S that is valid UTF-8: every invalid
 * byte becomes U+FFFD. NULL on ENOMEM. */
char *bc_utf8_clean(const char *s, size_t len);

/* The 1-based UTF-16 column of 1-based byte column BYTE_COL in LINE (LEN
 * bytes); byte columns past the end count one unit per missing byte. */
uint32_t bc_utf16_column(const char *line, size_t len, uint32_t byte_col);

#endif
