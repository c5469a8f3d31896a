/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Suppression comments in bpftrace scripts (docs/suppressions.md):
 *
 *   // bpfcheck: disable=CODE[,CODE...] [reason]
 *   // bpfcheck: disable-next-line=CODE[,CODE...] [reason]
 *   // bpfcheck: disable-file=CODE[,CODE...] [reason]
 *
 * CODE is a rule code (BC204), name (stack-near-limit), glob (BC2*,
 * stack-*) or "all", matched by bc_rule_matches. The same forms work in
 * a block comment. Comments are found in the raw text (strings and block
 * comments are skipped correctly), so this works whether or not the script
 * parses.
 *
 * Scope (a "code line" is a line with anything besides blanks and comments):
 *  - disable=: the comment's own line when that line has code, otherwise
 *    the next code line after it;
 *  - disable-next-line=: the next code line after the comment's line;
 *  - disable-file=: the whole file.
 * A diagnostic is covered when its first line is the target line. Line
 * directives are tried first, in file order, then file directives; the first
 * that matches suppresses the diagnostic and is marked used.
 *
 * Then, unless the script has a syntax error (the rules did not see all of
 * it), every code that suppressed nothing, and whose rules were enabled for
 * the run, is reported as BC103 unused-suppression (one diagnostic per
 * comment, with a safe fix that deletes the comment or the unused codes);
 * every code matching no rule and every malformed directive is reported as
 * BC104 unknown-suppression. BC103/BC104 are themselves suppressible only by
 * disable-file (a line directive cannot silence the report about itself), and
 * a disable-file code matching them is never reported unused.
 */
#ifndef BC_SUPPRESS_H
#define BC_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/diag.h"

struct bc_unit;
struct bc_analysis;

enum bc_supp_scope {
	BC_SUPP_LINE,		/* disable= */
	BC_SUPP_NEXT_LINE,	/* disable-next-line= */
	BC_SUPP_FILE,		/* disable-file= */
};

struct bc_supp_code {
	char *pattern;
	uint32_t start, end;	/* byte span of the code in the text */
	bool known;		/* matches at least one rule */
	bool used;		/* suppressed at least one diagnostic */
};

struct bc_supp {
	enum bc_supp_scope scope;
	uint32_t line;		/* line of the comment (1-based) */
	uint32_t target;	/* line it covers; 0 = the file (or no code line follows) */
	uint32_t start, end;	/* the comment, from its opening delimiter to its end */
	struct bc_supp_code *codes;
	size_t nr_codes, cap_codes;
};

/* A comment that starts like a directive but is not one. */
struct bc_supp_bad {
	uint32_t start, end;
	char *message;
};

struct bc_supps {
	struct bc_supp *v;
	size_t n, cap;
	struct bc_supp_bad *bad;
	size_t nr_bad, cap_bad;
};

/* Finds the directives of a script text. LINE_STARTS/NR_LINES as in
 * struct bc_unit. 0 or -ENOMEM. */
int bc_suppress_scan(const unsigned char *data, size_t size, const uint32_t *line_starts,
		     size_t nr_lines, struct bc_supps *out);
void bc_supps_free(struct bc_supps *s);

/* Marks the unit's diagnostics covered by its directives as suppressed and
 * adds BC103/BC104 findings (see above). A says which rules ran (NULL:
 * every rule). For scripts; 0 or -ENOMEM. */
int bc_suppress_apply(struct bc_unit *u, const struct bc_analysis *a);

#endif
