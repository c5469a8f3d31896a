// SPDX-License-Identifier: Apache-2.0
/* LSP positions <-> byte offsets (see position.h). */
#include <errno.h>

#include "position.h"

/* The line holding offset OFF (binary search on the line starts). */
static size_t line_of(const struct bc_lsp_text *t, uint32_t off)
{
	size_t lo = 0, hi = t->nr_lines;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Characters one byte B adds: a UTF-8 continuation byte none, a 4-byte
 * sequence's lead two UTF-16 units (a surrogate pair). */
static unsigned units(unsigned char b, enum bc_lsp_encoding enc)
{
	if (enc == BC_LSP_UTF8)
		return 1;
	if (b >= 0x80 && b < 0xc0)
		return 0;
	return b >= 0xf0 && b < 0xf8 ? 2 : 1;
}

json_t *bc_lsp_position(const struct bc_lsp_text *t, uint32_t off)
{
	size_t line, ch = 0;

	if (off > t->n)
		off = (uint32_t)t->n;
	if (!t->nr_lines)
		return json_pack("{s:i, s:i}", "line", 0, "character", 0);
	line = line_of(t, off);
	for (uint32_t i = t->lines[line]; i < off; i++)
		ch += units(t->s[i], t->enc);
	return json_pack("{s:I, s:I}", "line", (json_int_t)line, "character", (json_int_t)ch);
}

json_t *bc_lsp_range(const struct bc_lsp_text *t, uint32_t start, uint32_t end)
{
	if (end < start)
		end = start;
	return json_pack("{s:o, s:o}", "start", bc_lsp_position(t, start), "end",
			 bc_lsp_position(t, end));
}

int bc_lsp_offset(const struct bc_lsp_text *t, const json_t *pos, uint32_t *off)
{
	json_t *jl = json_object_get(pos, "line"), *jc = json_object_get(pos, "character");
	json_int_t line, ch;
	uint32_t i, end;

	if (!json_is_integer(jl) || !json_is_integer(jc))
		return -EINVAL;
	line = json_integer_value(jl);
	ch = json_integer_value(jc);
	if (line < 0 || ch < 0)
		return -EINVAL;
	if (!t->nr_lines || (size_t)line >= t->nr_lines) {
		*off = (uint32_t)t->n;
		return 0;
	}
	i = t->lines[line];
	end = (size_t)line + 1 < t->nr_lines ? t->lines[line + 1] - 1 : (uint32_t)t->n;
	while (i < end && ch > 0) {
		unsigned u = units(t->s[i], t->enc);

		i++;
		while (i < end && units(t->s[i], t->enc) == 0)
			i++;	/* the rest of the character */
		ch -= u ? u : 1;
	}
	*off = i;
	return 0;
}
