// SPDX-License-Identifier: Apache-2.0
/* Loading, analysing and reporting a list of paths: what check and stack share. */
#include <errno.h>
#include <fts.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../analyzer/driver.h"
#include "../analyzer/unit.h"
#include "../reporters/reporter.h"

struct unit_list {
	struct bc_unit **v;
	size_t n, cap;
};

static struct bc_unit *new_unit(struct unit_list *l)
{
	struct bc_unit **nv, *u;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;

		nv = realloc(l->v, ncap * sizeof(*nv));
		if (!nv)
			return NULL;
		l->v = nv;
		l->cap = ncap;
	}
	u = calloc(1, sizeof(*u));
	if (u)
		l->v[l->n++] = u;
	return u;
}

/* Files a directory walk picks up: the kinds bpfcheck reads, by name. */
static bool wanted_in_dir(const char *name)
{
	static const char *const exts[] = { ".bt", ".ll", ".bc", ".o" };
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t e = strlen(exts[i]);

		if (n > e && !strcmp(name + n - e, exts[i]))
			return true;
	}
	return false;
}

static int cmp_fts(const FTSENT **a, const FTSENT **b)
{
	return strcmp((*a)->fts_name, (*b)->fts_name);
}

static int add_dir(struct unit_list *l, const char *dir)
{
	char *paths[] = { (char *)dir, NULL };
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, cmp_fts);
	FTSENT *e;
	int err = 0;

	if (!fts)
		return -errno;
	while ((e = fts_read(fts)) && !err) {
		struct bc_unit *u;

		if (e->fts_info == FTS_D && e->fts_level > 0 && e->fts_name[0] == '.') {
			fts_set(fts, e, FTS_SKIP);	/* .git and friends */
			continue;
		}
		if (e->fts_info == FTS_DNR || e->fts_info == FTS_ERR) {
			u = new_unit(l);
			if (!u)
				return -ENOMEM;
			bc_unit_load(u, e->fts_path);	/* records the error for the report */
			continue;
		}
		if (e->fts_info != FTS_F || !wanted_in_dir(e->fts_name))
			continue;
		u = new_unit(l);
		if (!u)
			err = -ENOMEM;
		else
			bc_unit_load(u, e->fts_path);
	}
	fts_close(fts);
	return err;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return strcmp(path, "-") && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool use_color(const struct bc_options *o, FILE *out)
{
	const char *term = getenv("TERM");

	if (o->color == BC_COLOR_ALWAYS)
		return true;
	if (o->color == BC_COLOR_NEVER || getenv("NO_COLOR"))
		return false;
	return isatty(fileno(out)) && !(term && !strcmp(term, "dumb"));
}

static int exit_code(const struct bc_run *run, const struct bc_options *o)
{
	bool findings = false;

	for (size_t i = 0; i < run->nr_units; i++) {
		const struct bc_unit *u = run->units[i];

		if (u->status)
			return BC_EXIT_INPUT;
		for (size_t j = 0; j < u->diags.n; j++)
			if (!u->diags.v[j].suppressed && o->fail_on != BC_SEV_NONE &&
			    u->diags.v[j].severity >= o->fail_on)
				findings = true;
	}
	return findings ? BC_EXIT_FINDINGS : BC_EXIT_OK;
}

int bc_run_paths(struct bc_options *o, const char *command, const char *text_format)
{
	struct unit_list l = { 0 };
	const struct bc_reporter *rep;
	struct bc_run run = { 0 };
	FILE *out = stdout;
	int ret, err = 0;

	if (!o->nr_paths) {
		bc_err(o, "no input: give one or more paths, or '-' for standard input");
		return BC_EXIT_USAGE;
	}
	rep = bc_reporter_find(!strcmp(o->format, "text") && text_format ? text_format : o->format);
	if (!rep) {
		bc_err(o, "format '%s' is not available for '%s'", o->format, command);
		return BC_EXIT_USAGE;
	}
	for (size_t i = 0; i < o->nr_paths && !err; i++) {
		if (is_dir(o->paths[i])) {
			err = add_dir(&l, o->paths[i]);
		} else {
			struct bc_unit *u = new_unit(&l);

			if (!u)
				err = -ENOMEM;
			else
				bc_unit_load(u, o->paths[i]);
		}
	}
	for (size_t i = 0; i < l.n && !err; i++)
		bc_analyze_unit(l.v[i], o);
	if (err) {
		bc_err(o, "%s", strerror(-err));
		ret = BC_EXIT_INPUT;
		goto out;
	}
	if (o->output) {
		out = fopen(o->output, "w");
		if (!out) {
			bc_err(o, "cannot write '%s': %s", o->output, strerror(errno));
			ret = BC_EXIT_USAGE;
			goto out;
		}
	}
	run.units = l.v;
	run.nr_units = l.n;
	run.target = &o->target;
	run.opts = o;
	run.command = command;
	run.color = use_color(o, out);
	ret = exit_code(&run, o);
	if (rep->report(out, &run) || fflush(out)) {
		bc_err(o, "writing the report failed");
		ret = BC_EXIT_INPUT;
	}
	if (out != stdout && fclose(out)) {
		bc_err(o, "writing '%s' failed", o->output);
		ret = BC_EXIT_INPUT;
	}
out:
	for (size_t i = 0; i < l.n; i++) {
		bc_unit_free(l.v[i]);
		free(l.v[i]);
	}
	free(l.v);
	return ret;
}
