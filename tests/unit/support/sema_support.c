// SPDX-License-Identifier: Apache-2.0
/* Test support for semantic analysis (see sema_support.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/script/parser.h"
#include "analyzer/base/sbuf.h"
#include "analyzer/types/btf_types.h"
#include "rules/registry.h"
#include "sema_support.h"
#include "script_support.h"

#define MAX_ENV 16

int bc_test_sema_run(struct bc_test_sema *ts, const char *path, const char *text,
		     char *const *env)
{
	struct bc_parse_opts po = { 0 };
	struct bc_sema_opts so = { 0 };
	char *envv[MAX_ENV + 1] = { 0 }, *tracefs;
	size_t ne = 0;
	const char *p;
	int err;

	memset(ts, 0, sizeof(*ts));
	ts->version = bc_test_profile(text);
	if (!ts->version)
		ts->version = 1700;
	if (strstr(text, "// btf: system")) {
		if (access(BC_BTF_VMLINUX, R_OK))
			return -ENOENT;
		so.btf_path = BC_BTF_VMLINUX;
	}
	for (size_t i = 0; env && env[i] && ne < MAX_ENV; i++)
		envv[ne++] = strdup(env[i]);
	for (p = text; (p = strstr(p, "// env: ")) && ne < MAX_ENV; p++) {
		size_t n = strcspn(p + 8, "\n");

		envv[ne++] = strndup(p + 8, n);
	}
	tracefs = bc_test_src_path("fixtures/tracefs");
	so.bpftrace = ts->version;
	so.tracefs = tracefs;
	so.envp = envv;
	po.bpftrace = ts->version;
	bc_unit_load_mem(&ts->u, path, text, strlen(text));
	err = bc_script_parse(&ts->u, &po, &ts->script);
	so.no_diags = err != 0;
	if (ts->script)
		err = bc_sema_run(&ts->u, ts->script, &so, &ts->sema);
	for (size_t i = 0; i < ne; i++)
		free(envv[i]);
	free(tracefs);
	return ts->script ? err : -ENOMEM;
}

char *bc_test_sema_report(struct bc_test_sema *ts)
{
	struct bc_sbuf b = { 0 };
	char *dump;

	bc_diags_sort(&ts->u.diags);
	bc_sbuf_puts(&b, "diagnostics:\n");
	for (size_t i = 0; i < ts->u.diags.n; i++) {
		const struct bc_diag *d = &ts->u.diags.v[i];

		bc_sbuf_printf(&b, "  %u:%u %s %s\n", d->span.line, d->span.col,
			       bc_rule_get(d->rule_id)->code, d->message);
	}
	dump = ts->sema ? bc_sema_dump(ts->sema, &ts->u) : NULL;
	if (dump)
		bc_sbuf_puts(&b, dump);
	free(dump);
	return bc_sbuf_finish(&b);
}

void bc_test_sema_done(struct bc_test_sema *ts)
{
	bc_sema_free(ts->sema);
	bc_unit_free(&ts->u);
	bc_script_free(ts->script);
	memset(ts, 0, sizeof(*ts));
}

size_t bc_test_count(const struct bc_unit *u, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < u->diags.n; i++)
		if (!strcmp(bc_rule_get(u->diags.v[i].rule_id)->code, code))
			n++;
	return n;
}
