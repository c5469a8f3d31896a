/* SPDX-License-Identifier: Apache-2.0 */
/* Test support for semantic analysis: run parse + sema on a fixture text
 * with the options its header lines name, and render the result. */
#ifndef BC_TEST_SEMA_SUPPORT_H
#define BC_TEST_SEMA_SUPPORT_H

#include <stddef.h>

#include "analyzer/script/ast.h"
#include "analyzer/script/sema.h"
#include "analyzer/core/unit.h"

struct bc_test_sema {
	struct bc_unit u;
	struct bc_script *script;
	struct bc_sema *sema;
	int version;
};

/*
 * Parses and analyses TEXT as PATH. Header lines: "// bpftrace: X.Y" (default
 * 0.17), "// btf: system" (this machine's /sys/kernel/btf/vmlinux), "// env:
 * NAME=VALUE" (added to ENV). Tracepoint formats come from fixtures/tracefs.
 * Like the front end, a script with syntax errors is analysed without
 * semantic diagnostics. Returns 0, or -ENOENT when the fixture needs BTF that
 * is absent (nothing to free then).
 */
int bc_test_sema_run(struct bc_test_sema *ts, const char *path, const char *text,
		     char *const *env);
/* "diagnostics:" lines ("L:C CODE message"), then bc_sema_dump. Heap string. */
char *bc_test_sema_report(struct bc_test_sema *ts);
void bc_test_sema_done(struct bc_test_sema *ts);
/* Diagnostics of rule CODE on U. */
size_t bc_test_count(const struct bc_unit *u, const char *code);

#endif
