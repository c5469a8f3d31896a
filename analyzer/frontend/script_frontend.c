// SPDX-License-Identifier: Apache-2.0
/* The bpftrace script front end (see script_frontend.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "../core/analysis.h"
#include "../core/target.h"
#include "../core/unit.h"
#include "../script/parser.h"
#include "script_compile.h"
#include "script_frontend.h"
#include "../script/sema.h"

int bc_script_frontend(struct bc_unit *u, const struct bc_analysis *a)
{
	const struct bc_target *t = a->target;
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
	if (!s || err == -EFBIG)
		return 0;	/* over the size limit: the parser reported it */
	bc_sema_opts_from_target(&so, t);
	so.tracefs = a->tracefs;
	/* bpftrace stops at syntax errors: analyse what parsed (for the facts)
	 * but report nothing semantic about a script it would not get to */
	so.no_diags = err != 0 || s->nr_errors != 0;
	err = bc_sema_run(u, s, &so, &sema);
	if (err)
		return err;
	bc_sema_attach(u, sema);
	/* code generation, the in-memory object and the stack facts, when the
	 * script parsed and analysed cleanly (analyzer/frontend/script_compile.h) */
	if (a->skip_stack_facts)
		return 0;
	if (bc_analysis_cancelled(a))
		return -ECANCELED;	/* the caller wants a newer text analysed */
	return bc_script_compile_unit(u, t, a->tracefs);
}
