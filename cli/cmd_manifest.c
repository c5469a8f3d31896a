// SPDX-License-Identifier: Apache-2.0
/*
 * bpfcheck manifest [OPTIONS] SCRIPT -o FILE: the AOT type manifest the
 * script needs at runtime (analyzer/manifest/script_manifest.h,
 * docs/manifest.md) for the target bpftrace and kernel, written atomically.
 * The script is checked first (without stack facts): a script with errors
 * is reported and nothing is written (exit 2). `bpfcheck check FILE` then
 * checks the manifest (BC401-BC403).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../analyzer/core/unit.h"
#include "../analyzer/driver/driver.h"
#include "../analyzer/emit/emit.h"
#include "../analyzer/manifest/manifest.h"
#include "../analyzer/manifest/script_manifest.h"
#include "../reporters/reporter.h"

static bool has_errors(const struct bc_unit *u)
{
	for (size_t i = 0; i < u->diags.n; i++)
		if (u->diags.v[i].severity == BC_SEV_ERROR && !u->diags.v[i].suppressed)
			return true;
	return false;
}

static void report(struct bc_options *o, struct bc_unit *u)
{
	const struct bc_reporter *rep = bc_reporter_find("gcc");
	struct bc_run run = { .units = &u, .nr_units = 1, .target = &o->target,
			      .command = "manifest" };

	if (rep)
		rep->report(stderr, &run);
}

int bc_cmd_manifest(struct bc_options *o)
{
	struct bc_manifest *m = NULL;
	struct bc_analysis a;
	struct bc_unit u = { 0 };
	char *text = NULL, *why = NULL;
	int ret;

	if (o->nr_paths != 1) {
		bc_err(o, "'manifest' takes one bpftrace script");
		return BC_EXIT_USAGE;
	}
	if (!o->output) {
		bc_err(o, "'manifest' needs the file to write: -o FILE");
		return BC_EXIT_USAGE;
	}
	bc_target_resolve_bpftrace(&o->target);
	ret = bc_options_analysis(o, &a);
	if (ret) {
		bc_err(o, "%s", strerror(-ret));
		return BC_EXIT_INPUT;
	}
	a.skip_stack_facts = true;	/* types only */
	bc_unit_load(&u, o->paths[0]);
	if (!u.status && u.kind != BC_KIND_SCRIPT)
		bc_unit_fail(&u, -EINVAL, NULL, "a %s, not a bpftrace script", bc_kind_name(u.kind));
	if (!u.status)
		bc_analyze_unit(&u, &a);
	if (u.status) {
		bc_err(o, "%s: %s", u.display_path, u.error ? u.error : "cannot read");
		bc_unit_free(&u);
		return BC_EXIT_INPUT;
	}
	if (has_errors(&u)) {
		report(o, &u);
		bc_err(o, "%s has errors: no manifest was written", u.display_path);
		bc_unit_free(&u);
		return BC_EXIT_INPUT;
	}
	ret = bc_manifest_from_script(&u, &m);
	if (!ret) {
		text = bc_manifest_write(m);
		ret = text ? bc_write_atomic(o->output, text, strlen(text), &why) : -ENOMEM;
	}
	if (ret) {
		bc_err(o, "%s", why ? why : strerror(-ret));
		ret = BC_EXIT_INPUT;
	} else {
		printf("%s -> %s: %zu root%s, %zu type%s\n", u.display_path, o->output, m->nr_roots,
		       m->nr_roots == 1 ? "" : "s", m->nr_types, m->nr_types == 1 ? "" : "s");
		ret = BC_EXIT_OK;
	}
	free(why);
	free(text);
	bc_manifest_free(m);
	bc_unit_free(&u);
	return ret;
}
