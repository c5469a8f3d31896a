/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LSP positions and byte offsets. A position is a 0-based line and a
 * character within it, counted in the encoding agreed at initialize:
 * UTF-16 code units (the protocol's default) or UTF-8 bytes. Text that is
 * not valid UTF-8 counts each stray byte as one character.
 */
#ifndef BC_SERVER_POSITION_H
#define BC_SERVER_POSITION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum bc_lsp_encoding {
	BC_LSP_UTF16 = 0,
	BC_LSP_UTF8,
};

/* A text and the offsets its lines start at. */
struct bc_lsp_text {
	const unsigned char *s;
	size_t n;
	const uint32_t *lines;	/* lines[0] == 0 */
	size_t nr_lines;
	enum bc_lsp_encoding enc;
};

/* {"line","character"} of byte offset OFF (clamped to the text). */
json_t *bc_lsp_position(const struct bc_lsp_text *t, uint32_t off);
/* {"start","end"} of bytes [START, END). */
json_t *bc_lsp_range(const struct bc_lsp_text *t, uint32_t start, uint32_t end);
/* The byte offset of position POS ({"line","character"}); a character past
 * the line's end is its end, a line past the text is the text's end.
 * 0, or -EINVAL when POS is not a position. */
int bc_lsp_offset(const struct bc_lsp_text *t, const json_t *pos, uint32_t *off);

#endif
