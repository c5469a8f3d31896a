// SPDX-License-Identifier: Apache-2.0
/* The bpftrace script front end (see script_frontend.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "../core/analysis.h"
#include "../core/target.h"
#include "../core/unit.h"
#include "../script/parser.h"
#include "script_compile.h"
#include "script_frontend.h"
#include "script_headers.h"
#include "../script/sema.h"
#include "../target/source.h"

static int syntax_failure(struct bc_unit *u)
{
	size_t n = 0;

	for (size_t i = 0; i < u->diags.n; i++)
		n += u->diags.v[i].rule_id == BC_RULE_SYNTAX_ERROR;
	return bc_unit_fail(u, -EINVAL, NULL, "the script does not parse (%zu syntax error%s): "
			    "nothing else was checked", n, n == 1 ? "" : "s");
}

int bc_script_frontend(struct bc_unit *u, const struct bc_analysis *a)
{
	struct bc_script_headers *hc;
	bool btf;
	const struct bc_target *t = a->target;
	struct bc_btf_blob blob;
	struct bc_parse_opts po = { 0 };
	struct bc_sema_opts so;
	struct bc_sema *sema = NULL;
	struct bc_script *s;
	int err;

	po.bpftrace = t->bpftrace;
	err = bc_script_parse_unit(u, &po);
	if (err == -ENOMEM)
		return err;
	s = u->script;
	if (u->status)
		return u->status;	/* over a parser limit: the parser said which */
	if (!s)
		return bc_unit_fail(u, err ? err : -EINVAL, NULL, "the script could not be parsed");
	/* A script that does not parse is not checked: its BC100 findings say
	 * where, and the unit fails (exit 2) whatever the suppressions and the
	 * rule selection say (docs/suppressions.md). */
	if (err || s->nr_errors)
		return syntax_failure(u);
	bc_sema_opts_from_target(&so, t);
	if (so.no_btf)
		btf = false;
	else if (so.btf_path)
		btf = access(so.btf_path, R_OK) == 0;
	else
		btf = so.source && !bc_source_btf(so.source, NULL, &blob);
	hc = bc_script_headers_new(a, t->bpftrace, btf);
	if (!hc)
		return -ENOMEM;
	so.header_eval = bc_script_header_eval;
	so.header_eval_ctx = hc;
	err = bc_sema_run(u, s, &so, &sema);
	bc_script_headers_free(hc);
	if (err)
		return err;
	bc_sema_attach(u, sema);
	/* code generation, the in-memory object and the stack facts, when the
	 * script parsed and analysed cleanly (analyzer/frontend/script_compile.h) */
	if (a->skip_stack_facts)
		return 0;
	if (bc_analysis_cancelled(a))
		return -ECANCELED;	/* the caller wants a newer text analysed */
	return bc_script_compile_unit(u, t);
}
