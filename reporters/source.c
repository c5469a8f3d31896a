// SPDX-License-Identifier: Apache-2.0
/* Source lines for reporters: from the run's units, else from disk (cached). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "source.h"
#include "../analyzer/base/array.h"

/* Larger files are not read just to show an excerpt. */
#define BC_EXCERPT_MAX_FILE (16u << 20)

void bc_sources_init(struct bc_sources *s, const struct bc_run *run)
{
	memset(s, 0, sizeof(*s));
	s->run = run;
}

void bc_sources_free(struct bc_sources *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->files[i].path);
		bc_unit_free(&s->files[i].unit);
	}
	free(s->files);
	memset(s, 0, sizeof(*s));
}

static bool names_unit(const struct bc_unit *u, const char *path)
{
	return (u->display_path && !strcmp(u->display_path, path)) ||
	       (u->path && !strcmp(u->path, path));
}

static const struct bc_unit *text_of(const struct bc_unit *u)
{
	return u && u->line_starts ? u : NULL;
}

const struct bc_unit *bc_sources_unit(struct bc_sources *s, const struct bc_unit *owner,
				      const char *path)
{
	struct bc_source_file *f;
	struct stat st;

	if (!path || (owner && names_unit(owner, path)))
		return text_of(owner);
	for (size_t i = 0; s->run && i < s->run->nr_units; i++)
		if (names_unit(s->run->units[i], path))
			return text_of(s->run->units[i]);
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->files[i].path, path))
			return text_of(&s->files[i].unit);
	if (BC_GROW(s->files, s->cap, s->n + 1))
		return NULL;
	f = &s->files[s->n];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path)
		return NULL;
	s->n++;
	/* only regular files: a FIFO or a device would block or never end;
	 * "-" is stdin, which the run has already read if it was an input */
	if (!strcmp(path, "-") || stat(path, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > BC_EXCERPT_MAX_FILE)
		return NULL;
	bc_unit_load(&f->unit, path);
	return text_of(&f->unit);
}

const char *bc_sources_line(struct bc_sources *s, const struct bc_unit *owner, const char *path,
			    uint32_t line, size_t *len)
{
	const struct bc_unit *u = bc_sources_unit(s, owner, path);

	return u ? bc_unit_line(u, line, len) : NULL;
}

static bool continuation(const char *s, size_t i)
{
	return ((unsigned char)s[i] & 0xc0) == 0x80;
}

void bc_excerpt_window(const char *line, size_t len, size_t start, size_t end, size_t max,
		       struct bc_excerpt *x)
{
	size_t from, to, want;

	if (!max)
		max = BC_EXCERPT_MAX_BYTES;
	if (start > len)
		start = len;
	if (end < start)
		end = start;
	if (end > len)
		end = len;
	if (len <= max) {
		from = 0;
		to = len;
	} else {
		want = end - start;
		if (want >= max) {
			from = start;		/* a wide span: from its start */
		} else {
			/* centred on the span, shifted to stay inside the line */
			from = start > (max - want) / 2 ? start - (max - want) / 2 : 0;
			if (from + max > len)
				from = len - max;
		}
		to = from + max < len ? from + max : len;
		/* whole characters only: back to the start of the character */
		while (from > 0 && from < len && continuation(line, from))
			from--;
		while (to > from && to < len && continuation(line, to))
			to--;
	}
	x->from = from;
	x->to = to;
	x->cut_left = from > 0;
	x->cut_right = to < len;
}
