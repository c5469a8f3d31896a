/* SPDX-License-Identifier: Apache-2.0 */
/* Test support for the script front end: fixture files, parsing from
 * memory, diagnostics as text (golden files: golden.h). */
#ifndef BC_TEST_SCRIPT_SUPPORT_H
#define BC_TEST_SCRIPT_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"
#include "analyzer/script/ast.h"

/* "$BC_SRCDIR/REL" (default "./REL"); heap string. */
char *bc_test_src_path(const char *rel);
/* "$BC_BUILD/REL" when the build dir is absolute, else
 * "$BC_SRCDIR/$BC_BUILD/REL" (defaults "." and "build"); heap string. */
char *bc_test_build_path(const char *rel);
/* The whole file, NUL-terminated; NULL when it cannot be read. */
char *bc_test_read_file(const char *path, size_t *len);
/* Names of the files in DIR ending in SUFFIX, sorted; NULL-terminated heap
 * array (free with bc_test_free_names). */
char **bc_test_list_dir(const char *dir, const char *suffix);
void bc_test_free_names(char **names);
/* A "// bpftrace: X.Y" line at the top of TEXT, as 10000*X + 100*Y; else 0. */
int bc_test_profile(const char *text);
/* Loads TEXT as PATH into U and parses it for BPFTRACE; returns the AST
 * (non-NULL) and the parse result in *ret when RET is given. */
struct bc_script *bc_test_parse(struct bc_unit *u, const char *path, const char *text,
				int bpftrace, int *ret);
/* "LINE:COL: message\n" for each diagnostic of U; heap string. */
char *bc_test_diags_text(const struct bc_unit *u);

/* A script compiled as the live target at one bpftrace version. */
struct bc_test_compiled {
	struct bc_unit u;
	struct bc_target t;
};
/* Parses and analyses TEXT ("t.bt") for bpftrace VERSION ("0.21"; cmocka
 * asserts that both succeed), then compiles it: bc_script_compile_unit's
 * result. Free with bc_test_compiled_free. */
int bc_test_compile(struct bc_test_compiled *x, const char *text, const char *version);
/* The same up to the analysis, for TEXT named PATH, at KERNEL ("6.18";
 * NULL: the running one): the caller compiles. */
void bc_test_analyse(struct bc_test_compiled *x, const char *path, const char *text,
		     const char *version, const char *kernel);
void bc_test_compiled_free(struct bc_test_compiled *x);

#endif
