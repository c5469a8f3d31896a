// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the bpftrace front end: lex and parse arbitrary
 * bytes (with the latest grammar, and with the v0.17 profile when the first
 * byte is odd), print the AST, and parse the print again. A script that
 * parsed without errors must print to text that parses without errors to
 * the same AST; anything else is a bug and aborts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/script/parser.h"
#include "analyzer/script/printer.h"
#include "analyzer/core/unit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bc_parse_opts o = { 0 };
	struct bc_unit u, u2;
	struct bc_script *s = NULL, *s2 = NULL;
	char *printed = NULL, *d1 = NULL, *d2 = NULL;
	int r1, r2;

	if (size && (data[0] & 1))
		o.bpftrace = 1700;
	if (bc_unit_load_mem(&u, "fuzz.bt", data, size) == -ENOMEM)
		return 0;
	r1 = bc_script_parse(&u, &o, &s);
	if (!s)
		goto out;
	d1 = bc_ast_dump(s, true);	/* exercises every span and the feature list */
	free(d1);
	d1 = NULL;
	printed = bc_script_print(s);
	if (!printed || r1 != 0)
		goto out;
	bc_unit_load_mem(&u2, "printed.bt", printed, strlen(printed));
	r2 = bc_script_parse(&u2, &o, &s2);
	if (r2 != 0) {
		fprintf(stderr, "printed script does not parse (%d):\n%s\n", r2, printed);
		abort();
	}
	d1 = bc_ast_dump(s, false);
	d2 = bc_ast_dump(s2, false);
	if (!d1 || !d2 || strcmp(d1, d2)) {
		fprintf(stderr, "re-parsed AST differs:\n%s\n--- original\n%s--- re-parsed\n%s",
			printed, d1 ? d1 : "", d2 ? d2 : "");
		abort();
	}
	bc_script_free(s2);
	bc_unit_free(&u2);
out:
	free(d1);
	free(d2);
	free(printed);
	bc_script_free(s);
	bc_unit_free(&u);
	return 0;
}
