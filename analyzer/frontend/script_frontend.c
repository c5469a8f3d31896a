// SPDX-License-Identifier: Apache-2.0
/* The bpftrace script front end (see script_frontend.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "../core/target.h"
#include "../core/unit.h"
#include "../../cli/options.h"
#include "../../rules/registry.h"
#include "../script/parser.h"
#include "script_compile.h"
#include "script_frontend.h"
#include "../script/sema.h"

/* Whether a rule that reads stack facts (BC2xx) is enabled: without one,
 * code generation and the backend are skipped (`--select BC1*`). */
static bool stack_rules_enabled(const struct bc_options *o)
{
	for (size_t i = 0; bc_rules[i]; i++)
		if (!strncmp(bc_rules[i]->code, "BC2", 3) && bc_options_rule_enabled(o, bc_rules[i]))
			return true;
	return false;
}

int bc_script_frontend(struct bc_unit *u, const struct bc_options *o)
{
	/* the installed bpftrace decides the target when --bpftrace is not given
	 * (asked once, and only when a script is analysed) */
	struct bc_target *t = (struct bc_target *)&o->target;
	struct bc_parse_opts po = { 0 };
	struct bc_sema_opts so;
	struct bc_sema *sema = NULL;
	struct bc_script *s;
	int err;

	bc_target_resolve_bpftrace(t);
	po.bpftrace = t->bpftrace;
	err = bc_script_parse_unit(u, &po);
	if (err == -ENOMEM)
		return err;
	s = u->script;
	if (!s || err == -EFBIG)
		return 0;	/* over the size limit: the parser reported it */
	bc_sema_opts_from_target(&so, t);
	/* bpftrace stops at syntax errors: analyse what parsed (for the facts)
	 * but report nothing semantic about a script it would not get to */
	so.no_diags = err != 0 || s->nr_errors != 0;
	err = bc_sema_run(u, s, &so, &sema);
	if (err)
		return err;
	bc_sema_attach(u, sema);
	/* code generation, the in-memory object and the stack facts, when the
	 * script parsed and analysed cleanly (analyzer/frontend/script_compile.h) */
	if (!stack_rules_enabled(o))
		return 0;
	return bc_script_compile_unit(u, t);
}
