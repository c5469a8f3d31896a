/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bpftrace parser: a hand-written recursive-descent parser over the
 * lexer's tokens, building the AST of ast.h. It accepts the union of the
 * bpftrace grammars from v0.17 to the latest release and lists which newer
 * constructs a script uses (bc_script.features). Syntax errors become BC100
 * diagnostics on the unit; the parser recovers at statement and probe
 * boundaries so one run reports every independent error.
 */
#ifndef BC_SCRIPT_PARSER_H
#define BC_SCRIPT_PARSER_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"

struct bc_unit;

/* Front-end limits (not kernel facts): deeper nesting or a bigger input ends
 * in a diagnostic instead of a stack overflow or a long parse. */
#define BC_SCRIPT_MAX_DEPTH	256
#define BC_SCRIPT_MAX_SIZE	(16u << 20)
#define BC_SCRIPT_MAX_ERRORS	50

/* The first bpftrace release without the v0.17 lexer/grammar quirks that the
 * v0.17 profile reproduces. */
#define BC_BPFTRACE_V017_END	1800

struct bc_parse_opts {
	int bpftrace;		/* target bpftrace (0.17.0 = 1700); 0 = latest */
	unsigned max_depth;	/* 0 = BC_SCRIPT_MAX_DEPTH */
	size_t max_size;	/* 0 = BC_SCRIPT_MAX_SIZE */
	unsigned max_errors;	/* 0 = BC_SCRIPT_MAX_ERRORS */
	bool no_macros;		/* do not expand the script's #define macros */
};

/*
 * Parses u->data/u->size. BC100 diagnostics go to u->diags. *out receives
 * the AST, also when there were syntax errors (with error nodes in place of
 * what could not be parsed); the unit does not own it unless the caller
 * stores it in u->script. Returns 0 when the script parsed cleanly, -EINVAL
 * when syntax errors were reported (the AST is still returned), -EFBIG when
 * the input is over the size limit (an empty AST is returned, with a
 * diagnostic), or -ENOMEM (*out is NULL).
 */
int bc_script_parse(struct bc_unit *u, const struct bc_parse_opts *opts, struct bc_script **out);

/* Parses and attaches the AST to the unit (u->script, u->script_free). */
int bc_script_parse_unit(struct bc_unit *u, const struct bc_parse_opts *opts);

/* Is NAME a bpftrace builtin (pid, comm, arg0, kstack, __builtin_cpu, ...)
 * in any supported version? */
bool bc_script_is_builtin(const char *name, size_t len);
/* Is NAME one of bpftrace v0.17's functions (its lexer's "call" words)? */
bool bc_script_is_v017_call(const char *name, size_t len);

#endif
