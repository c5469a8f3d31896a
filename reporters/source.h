/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Source lines for excerpts and fingerprints. A path that is one of the
 * run's units reads that unit's bytes; any other path (an object's line
 * info naming a C file) is read from disk once, if it is a regular file.
 */
#ifndef BC_REPORTERS_SOURCE_H
#define BC_REPORTERS_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reporter.h"
#include "../analyzer/core/unit.h"

struct bc_source_file {
	char *path;
	struct bc_unit unit;	/* data and line index; kind UNKNOWN when unreadable */
};

struct bc_sources {
	const struct bc_run *run;
	struct bc_source_file *files;
	size_t n, cap;
};

void bc_sources_init(struct bc_sources *s, const struct bc_run *run);
void bc_sources_free(struct bc_sources *s);

/* The unit holding PATH's text: OWNER when PATH is NULL or names OWNER,
 * another unit of the run with that path, else the file read from disk.
 * NULL when there is no text for PATH. */
const struct bc_unit *bc_sources_unit(struct bc_sources *s, const struct bc_unit *owner,
				      const char *path);

/* Line LINE (1-based) of PATH without its newline; NULL when unavailable. */
const char *bc_sources_line(struct bc_sources *s, const struct bc_unit *owner, const char *path,
			    uint32_t line, size_t *len);

/*
 * The part of a long source line an excerpt shows, as clang does: at most
 * BC_EXCERPT_MAX_BYTES bytes around the span, cut at character boundaries,
 * so that a megabyte-long line costs a line of output, not a megabyte.
 * Every reporter that prints source lines uses it.
 */
#define BC_EXCERPT_MAX_BYTES 160
#define BC_EXCERPT_ELLIPSIS "..."

struct bc_excerpt {
	size_t from, to;	/* bytes [from, to) of the line are shown */
	bool cut_left;		/* bytes before FROM were left out */
	bool cut_right;		/* bytes from TO on were left out */
};

/* The window of LINE (LEN bytes) to show for the span bytes [START, END)
 * (END <= START: a point), at most MAX bytes (0: BC_EXCERPT_MAX_BYTES).
 * A span wider than the window is shown from its start. */
void bc_excerpt_window(const char *line, size_t len, size_t start, size_t end, size_t max,
		       struct bc_excerpt *x);

#endif
