// SPDX-License-Identifier: Apache-2.0
/* Loading, analysing and reporting a list of paths: what check and stack share. */
#include <errno.h>
#include <fts.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "file_config.h"
#include "file_select.h"
#include "../analyzer/driver/analyze_all.h"
#include "../analyzer/driver/driver.h"
#include "../analyzer/driver/run_checks.h"
#include "../analyzer/fix/fix_loop.h"
#include "../analyzer/fix/fix_write.h"
#include "../analyzer/llvm/compile_split.h"
#include "../analyzer/core/unit.h"
#include "../analyzer/base/array.h"
#include "../reporters/baseline.h"
#include "../reporters/reporter.h"

struct unit_list {
	struct bc_unit **v;
	struct bc_file_snap *snaps;	/* what each file looked like before it was read */
	struct bc_unit **fixed;		/* for a report of the fixes: each unit fixed, or NULL */
	size_t n, cap, cap_snaps;
	size_t skipped;			/* walked files that are not BPF inputs */
};

static struct bc_unit *new_unit(struct unit_list *l)
{
	struct bc_unit *u;

	if (BC_GROW(l->v, l->cap, l->n + 1) || BC_GROW(l->snaps, l->cap_snaps, l->n + 1))
		return NULL;
	u = calloc(1, sizeof(*u));
	if (u)
		l->v[l->n++] = u;
	return u;
}

/* Loads PATH into a new unit; the snapshot comes first so that a change
 * between it and the read is caught when a fix is written back. A file
 * already loaded under another name (the same device and inode: a symlink,
 * "a/../a.bt", a file also found in a directory given) is checked once, so
 * that it is reported once and --fix writes it once. */
static int load_path(struct unit_list *l, const char *path, const char *stdin_name)
{
	struct bc_file_snap snap = { 0 };
	struct bc_unit *u;

	if (strcmp(path, "-") && bc_file_snap_take(path, &snap))
		memset(&snap, 0, sizeof(snap));
	for (size_t i = 0; snap.valid && i < l->n; i++)
		if (l->snaps[i].valid && l->snaps[i].dev == snap.dev && l->snaps[i].ino == snap.ino)
			return 0;
	u = new_unit(l);
	if (!u)
		return -ENOMEM;
	l->snaps[l->n - 1] = snap;
	bc_unit_load(u, path);	/* a failure is recorded in the unit for the report */
	if (!strcmp(path, "-") && stdin_name) {	/* --stdin-filename */
		char *name = strdup(stdin_name);

		if (!name)
			return -ENOMEM;
		free(u->display_path);
		u->display_path = name;
	}
	return 0;
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

/* Loads a walked file; one that is not a BPF input is dropped and counted. */
static int load_walked(struct unit_list *l, const char *path)
{
	size_t n = l->n;
	int err = load_path(l, path, NULL);

	if (!err && l->n > n && !bc_walk_is_bpf_input(l->v[n])) {
		bc_unit_free(l->v[n]);
		free(l->v[n]);
		l->n = n;
		l->skipped++;
	}
	return err;
}

/* A directory walk (cli/file_select.h): hidden folders, exclude globs and
 * what git ignores are left out; files that are not BPF inputs skipped. */
static int add_dir(struct unit_list *l, const char *dir, const struct bc_options *o)
{
	char *paths[] = { (char *)dir, NULL };
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, cmp_fts);
	size_t nf = 0, cap = 0, root = strlen(dir);
	char **found = NULL;
	bool *ignored;
	FTSENT *e;
	int err = 0;

	if (!fts)
		return -errno;
	while ((e = fts_read(fts)) && !err) {
		const char *rel = e->fts_path + root + (e->fts_path[root] == '/');

		if (e->fts_info == FTS_D && e->fts_level > 0 &&
		    (e->fts_name[0] == '.' || bc_walk_excluded(o, e->fts_path, rel, e->fts_name))) {
			fts_set(fts, e, FTS_SKIP);	/* .git and friends, excluded folders */
			continue;
		}
		if (e->fts_info == FTS_DNR || e->fts_info == FTS_ERR) {
			err = load_path(l, e->fts_path, NULL);	/* records the error for the report */
			continue;
		}
		if (e->fts_info != FTS_F || !wanted_in_dir(e->fts_name) ||
		    bc_walk_excluded(o, e->fts_path, rel, e->fts_name))
			continue;
		if (BC_GROW(found, cap, nf + 1) || !(found[nf] = strdup(e->fts_path)))
			err = -ENOMEM;
		else
			nf++;
	}
	fts_close(fts);
	ignored = calloc(nf + 1, sizeof(*ignored));
	if (!err && !ignored)
		err = -ENOMEM;
	if (!err)
		err = bc_walk_gitignored(found, nf, ignored);
	for (size_t i = 0; i < nf && !err; i++)
		if (!ignored[i])
			err = load_walked(l, found[i]);
	for (size_t i = 0; i < nf; i++)
		free(found[i]);
	free(found);
	free(ignored);
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

/* The fix loop's re-analysis: the driver, with the run's analysis. */
static int analyze(struct bc_unit *u, void *arg)
{
	return bc_analyze_unit(u, arg);
}

struct fix_totals {
	size_t applied, files, unsafe_hidden;
	bool write_failed;
};

/*
 * --fix, or a report of the fixes (-f diff), for one unit: runs the fix
 * loop. For the report (DRY) keeps the fixed unit in *KEPT; for --fix writes
 * the file (or, for stdin, keeps the text for stdout) and replaces the unit
 * by the re-analysed one, so the report shows what remains. A refused write
 * leaves the unit (and the file) as they were.
 */
static int fix_unit(struct bc_options *o, const struct bc_analysis *a, struct bc_unit *u,
		    const struct bc_file_snap *snap, bool dry, struct bc_unit **kept,
		    struct fix_totals *t)
{
	struct bc_fix_stats st;
	struct bc_unit fixed;
	char *why = NULL;
	int err;

	if (u->status || !u->line_starts)
		return 0;	/* failed, or binary: fixes are text edits */
	err = bc_fix_loop(u, o->unsafe_fixes, analyze, (void *)a, &fixed, &st);
	if (err)
		return err;
	t->unsafe_hidden += st.unsafe_hidden;
	if (st.reverted)
		fprintf(stderr, "bpfcheck: warning: %s: a fix would have broken the input and was "
				"not applied\n", u->display_path);
	if (!st.converged)
		fprintf(stderr, "bpfcheck: warning: %s: fixes did not settle after %d passes\n",
			u->display_path, BC_FIX_MAX_PASSES);
	if (!st.changed)
		return 0;
	if (dry) {
		*kept = malloc(sizeof(**kept));
		if (!*kept) {
			bc_unit_free(&fixed);
			return -ENOMEM;
		}
		**kept = fixed;
		t->files++;
		t->applied += st.applied;
		return 0;
	}
	if (strcmp(u->path, "-")) {
		err = bc_fix_write(u->path, snap, u->data, u->size, fixed.data, fixed.size, &why);
		if (err) {
			/* stderr whatever the format: stdout may carry a JSON report */
			fprintf(stderr, "bpfcheck: error: cannot fix '%s': %s; the file is unchanged\n",
				u->display_path, why ? why : strerror(-err));
			free(why);
			bc_unit_free(&fixed);
			t->write_failed = true;
			return 0;
		}
	}
	t->files++;
	t->applied += st.applied;
	bc_unit_free(u);
	*u = fixed;
	return 0;
}

static int fix_all(struct bc_options *o, const struct bc_analysis **a, struct unit_list *l,
		   bool dry, struct fix_totals *t)
{
	int err = 0;

	if (dry && l->n && !(l->fixed = calloc(l->n, sizeof(*l->fixed))))
		return -ENOMEM;
	for (size_t i = 0; i < l->n && !err; i++)
		err = fix_unit(o, a[i], l->v[i], &l->snaps[i], dry, dry ? &l->fixed[i] : NULL, t);
	if (!err && !dry) {
		/* stdin: the (fixed) text is the output, as a filter */
		for (size_t i = 0; i < l->n; i++)
			if (!strcmp(l->v[i]->path, "-") && !l->v[i]->status &&
			    fwrite(l->v[i]->data, 1, l->v[i]->size, stdout) != l->v[i]->size)
				err = -EIO;
		if (fflush(stdout))
			err = -EIO;
	}
	if (t->applied && !dry)
		fprintf(stderr, "bpfcheck: applied %zu fix%s to %zu file%s\n", t->applied,
			t->applied == 1 ? "" : "es", t->files, t->files == 1 ? "" : "s");
	if (t->unsafe_hidden)
		fprintf(stderr, "bpfcheck: %zu more fix%s available with --unsafe-fixes\n",
			t->unsafe_hidden, t->unsafe_hidden == 1 ? " is" : "es are");
	return err;
}

/* --write-baseline / --baseline / --prune-baseline (reporters/baseline.h):
 * 0 or an exit code. */
static int apply_baseline(struct bc_options *o, struct bc_run *run, struct bc_baseline *b)
{
	const char *file = o->write_baseline ? o->write_baseline : o->baseline;
	char *why = NULL;
	int err;

	if (o->write_baseline && (err = bc_baseline_write(file, run, &why))) {
		bc_err(o, "cannot write baseline '%s': %s", file, why ? why : strerror(-err));
		free(why);
		return BC_EXIT_INPUT;
	}
	if ((err = bc_baseline_load(b, file, &why))) {
		bc_err(o, "%s", why ? why : strerror(-err));
		free(why);
		return BC_EXIT_USAGE;
	}
	if ((err = bc_baseline_apply(b, run))) {
		bc_err(o, "matching the baseline failed: %s", strerror(-err));
		return BC_EXIT_INPUT;
	}
	if (o->prune_baseline && b->absent && (err = bc_baseline_prune(b, &why))) {
		bc_err(o, "cannot prune baseline '%s': %s; it is unchanged", file,
		       why ? why : strerror(-err));
		free(why);
		return BC_EXIT_INPUT;
	}
	run->baseline = b;
	if (o->write_baseline)
		fprintf(stderr, "bpfcheck: wrote %zu finding%s to baseline '%s'\n", b->entries.n,
			b->entries.n == 1 ? "" : "s", file);
	else if (b->pruned)
		fprintf(stderr, "bpfcheck: baseline '%s': %zu matched, %zu new; removed %zu "
				"entr%s that no longer occur%s\n", file, b->matched, b->fresh, b->absent,
			b->absent == 1 ? "y" : "ies", b->absent == 1 ? "s" : "");
	else
		fprintf(stderr, "bpfcheck: baseline '%s': %zu matched, %zu new, %zu entr%s no "
				"longer occur%s%s\n", file, b->matched, b->fresh, b->absent,
			b->absent == 1 ? "y" : "ies", b->absent == 1 ? "s" : "",
			b->absent ? " (--prune-baseline removes them)" : "");
	return 0;
}

static bool reads_stdin(const struct unit_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i]->path, "-"))
			return true;
	return false;
}

/* Is there a script to analyse (one that loaded)? */
static bool has_script(const struct unit_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i]->status && l->v[i]->kind == BC_KIND_SCRIPT)
			return true;
	return false;
}

/*
 * A progress line on stderr, when it is a terminal and the run has taken a
 * second already: "[I/N] PATH", redrawn in place, erased after the last
 * file (I == N). Reports are unaffected (stdout, or stderr after the erase).
 */
static void progress(const struct unit_list *l, size_t i)
{
	static struct timespec start;
	static bool shown, tty = true;
	struct timespec now;

	if (!tty || l->n < 2)
		return;
	if (!i) {
		tty = isatty(STDERR_FILENO);
		clock_gettime(CLOCK_MONOTONIC, &start);
		return;
	}
	if (i == l->n) {
		if (shown)
			fputs("\r\033[K", stderr);
		shown = false;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - start.tv_sec + (now.tv_nsec - start.tv_nsec) / 1e9 < 1.0)
		return;
	fprintf(stderr, "\r\033[K[%zu/%zu] %s", i + 1, l->n, l->v[i]->display_path);
	shown = true;
}

static void progress_started(void *l, size_t i)
{
	progress(l, i);
}

/* A file given up at --timeout may still be running on its thread, reading
 * the settings and the target: then the process ends here, after the
 * report, without freeing them (analyzer/driver/analyze_all.h). */
static void exit_if_stuck(int ret)
{
	if (bc_analyze_stuck() && bc_analyze_wait_stuck(0.2)) {
		fflush(stdout);
		fflush(stderr);
		_exit(ret);
	}
}

int bc_run_paths(struct bc_options *o, const char *command, const char *text_format)
{
	struct unit_list l = { 0 };
	const struct bc_reporter *rep = NULL;
	struct fix_totals totals = { 0 };
	struct bc_run run = { 0 };
	struct bc_baseline baseline = { 0 };
	struct bc_analysis a = { 0 };
	struct bc_file_configs fc = { 0 };	/* each file's own .bpfcheckrc */
	const struct bc_analysis **per = NULL;
	const char *format = bc_options_format(o);
	FILE *out = stdout;
	char *report = NULL;
	size_t report_len = 0;
	bool reported = false;
	int ret, err = 0;

	if (!o->nr_paths) {
		bc_err(o, "no input: give one or more paths, or '-' for standard input");
		return BC_EXIT_USAGE;
	}
	if (o->prune_baseline && !o->baseline) {
		bc_err(o, "--prune-baseline needs a baseline (--baseline FILE or 'baseline =' in %s)",
		       ".bpfcheckrc");
		return BC_EXIT_USAGE;
	}
	if (o->statistics)
		format = "statistics";
	rep = bc_reporter_find(!strcmp(format, "text") && text_format ? text_format : format);
	if (!rep) {
		bc_err(o, "format '%s' is not available for '%s'", format, command);
		return BC_EXIT_USAGE;
	}
	for (size_t i = 0; i < o->nr_paths && !err; i++) {
		if (is_dir(o->paths[i]))
			err = add_dir(&l, o->paths[i], o);
		else
			err = load_path(&l, o->paths[i], o->stdin_filename);
	}
	/* before anything is written (a fix, a baseline, the report) */
	ret = err ? 0 : bc_refuse_output(o, "-o", o->output, o->baseline);
	for (size_t i = 0; i < l.n && !ret; i++)
		if (!(ret = bc_refuse_output(o, "-o", o->output, l.v[i]->path)))
			ret = bc_refuse_output(o, "--write-baseline", o->write_baseline,
					       l.v[i]->path);
	if (ret)
		goto out;
	/* without --bpftrace, scripts are checked against the installed
	 * bpftrace: asked once, and only when there is a script */
	if (!err && has_script(&l))
		bc_target_resolve_bpftrace(&o->target);
	if (!err)
		err = bc_options_analysis(o, &a);
	/* the report is all this command needs; formats read from another
	 * tracefs (--tracefs DIR) are not part of the cache key */
	a.result_cache = !o->tracefs;
	if (!err && !(per = calloc(l.n + 1, sizeof(*per))))
		err = -ENOMEM;
	for (size_t i = 0; i < l.n && !err; i++) {
		err = bc_file_config_analysis(&fc, o, &a,
					      strcmp(l.v[i]->path, "-") || !o->stdin_filename
						      ? l.v[i]->path : o->stdin_filename,
					      &per[i]);
		if (err == BC_EXIT_USAGE) {
			ret = BC_EXIT_USAGE;	/* a file's .bpfcheckrc is bad: said */
			goto out;
		}
	}
	if (!err) {
		/* -j files at once, each within --timeout (analyze_all.h) */
		struct bc_analyze_all_opts ao = {
			.files = bc_compile_jobs(o->target.jobs), .timeout = o->timeout,
			.started = progress_started, .arg = &l,
		};

		err = bc_analyze_all(l.v, per, l.n, &ao);
	}
	progress(&l, l.n);
	if (err) {
		bc_err(o, "%s", strerror(-err));
		ret = BC_EXIT_INPUT;
		goto out;
	}
	if (o->output) {
		/* the report is kept in memory and written atomically at the end */
		out = open_memstream(&report, &report_len);
		if (!out) {
			bc_err(o, "%s", strerror(errno));
			ret = BC_EXIT_INPUT;
			goto out;
		}
	} else if (o->fix && !rep->shows_fixes && reads_stdin(&l)) {
		out = stderr;	/* stdout carries the fixed text */
	}
	if ((o->fix || rep->shows_fixes) &&
	    (err = fix_all(o, per, &l, rep->shows_fixes, &totals))) {
		bc_err(o, "fixing failed: %s", strerror(-err));
		ret = BC_EXIT_INPUT;
		goto close;
	}
	if ((err = bc_run_checks(l.v, l.n, &a))) {
		bc_err(o, "%s", strerror(-err));
		ret = BC_EXIT_INPUT;
		goto close;
	}
	run.units = l.v;
	run.nr_units = l.n;
	run.skipped = l.skipped;
	run.target = &o->target;
	run.command = command;
	run.opts.color = use_color(o, out);
	run.opts.unsafe_fixes = o->unsafe_fixes;
	run.opts.quiet = o->quiet;
	run.opts.doc_dir = getenv("BPFCHECK_DOC_DIR");
	run.fixed = l.fixed;
	if (!rep->shows_fixes && (o->baseline || o->write_baseline) &&
	    (ret = apply_baseline(o, &run, &baseline)))
		goto close;
	ret = exit_code(&run, o);
	/* the fixes are the report, or the report goes to a file: say on the
	 * terminal why an input is missing from it */
	if (rep->shows_fixes || o->output)
		for (size_t i = 0; i < l.n; i++)
			if (l.v[i]->status)
				bc_err(o, "%s: %s", l.v[i]->display_path, l.v[i]->error);
	if (rep->shows_fixes) {
		/* exit 1 when a file would change */
		if (ret != BC_EXIT_INPUT)
			ret = totals.files ? BC_EXIT_FINDINGS : BC_EXIT_OK;
	}
	reported = true;
	if (rep->report(out, &run) || fflush(out)) {
		bc_err(o, "writing the report failed");
		ret = BC_EXIT_INPUT;
	}
	if (totals.write_failed)
		ret = BC_EXIT_INPUT;
	else if (ret == BC_EXIT_OK && o->exit_non_zero_on_fix && totals.files)
		ret = BC_EXIT_FINDINGS;
	if (ferror(out) || fflush(out)) {
		bc_err(o, "writing the output failed");
		ret = BC_EXIT_INPUT;
	}
close:
	if (out != stdout && out != stderr) {
		char *why = NULL;

		/* an existing file is replaced only by a whole report */
		err = fclose(out) ? -ENOMEM : 0;
		if (!err && reported)
			err = bc_write_atomic(o->output, report, report_len, &why);
		if (err) {
			bc_err(o, "cannot write '%s': %s", o->output, why ? why : strerror(-err));
			ret = BC_EXIT_INPUT;
		}
		free(why);
	}
out:
	exit_if_stuck(ret);
	free(report);
	free(per);
	bc_file_configs_free(&fc);
	bc_baseline_free(&baseline);
	for (size_t i = 0; i < l.n; i++) {
		bc_unit_free(l.v[i]);
		free(l.v[i]);
	}
	for (size_t i = 0; l.fixed && i < l.n; i++) {
		if (l.fixed[i])
			bc_unit_free(l.fixed[i]);
		free(l.fixed[i]);
	}
	free(l.fixed);
	free(l.v);
	free(l.snaps);
	return ret;
}
