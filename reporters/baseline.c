// SPDX-License-Identifier: Apache-2.0
/* Reports read back, findings matched as a multiset, baselines. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "fingerprint.h"
#include "json_util.h"
#include "report_common.h"
#include "source.h"
#include "../analyzer/base/array.h"
#include "../analyzer/core/unit.h"
#include "../analyzer/fix/fix_write.h"
#include "../rules/registry.h"

/* ---- findings ---- */

const char *bc_finding_path(const char *path, const char *cwd)
{
	return bc_report_relpath(path, cwd && *cwd ? cwd : "/nonexistent");
}

int bc_findings_add(struct bc_findings *f, const char *rule, const char *path, uint64_t fp,
		    size_t index, const char *cwd)
{
	struct bc_finding *e;

	if (BC_GROW(f->v, f->cap, f->n + 1))
		return -ENOMEM;
	e = &f->v[f->n];
	memset(e, 0, sizeof(*e));
	e->rule = strdup(rule);
	e->path = strdup(bc_finding_path(path, cwd));
	if (!e->rule || !e->path) {
		free(e->rule);
		free(e->path);
		return -ENOMEM;
	}
	e->fp = fp;
	e->index = index;
	f->n++;
	return 0;
}

int bc_findings_from_report(struct bc_findings *f, const json_t *report, const char *cwd)
{
	json_t *diags = json_object_get(report, "diagnostics"), *d;
	size_t i;
	int err;

	json_array_foreach(diags, i, d) {
		uint64_t fp = 0;

		bc_fingerprint_parse(json_string_value(json_object_get(d, "fingerprint")), &fp);
		err = bc_findings_add(f, json_string_value(json_object_get(d, "rule")),
				      json_string_value(json_object_get(d, "path")), fp, i, cwd);
		if (err)
			return err;
	}
	return 0;
}

static int key_cmp(const struct bc_finding *a, const struct bc_finding *b)
{
	int c = strcmp(a->rule, b->rule);

	if (c)
		return c;
	c = strcmp(a->path, b->path);
	if (c)
		return c;
	return a->fp < b->fp ? -1 : a->fp > b->fp;
}

static int ptr_cmp(const void *pa, const void *pb)
{
	const struct bc_finding *a = *(const struct bc_finding *const *)pa;
	const struct bc_finding *b = *(const struct bc_finding *const *)pb;
	int c = key_cmp(a, b);

	if (c)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

static struct bc_finding **sorted(struct bc_findings *f)
{
	struct bc_finding **v = malloc((f->n ? f->n : 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < f->n; i++)
		v[i] = &f->v[i];
	qsort(v, f->n, sizeof(*v), ptr_cmp);
	return v;
}

int bc_findings_match(struct bc_findings *a, struct bc_findings *b)
{
	struct bc_finding **va = sorted(a), **vb = sorted(b);
	size_t i = 0, j = 0;

	if (!va || !vb) {
		free(va);
		free(vb);
		return -ENOMEM;
	}
	while (i < a->n && j < b->n) {
		int c = key_cmp(va[i], vb[j]);

		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			va[i++]->matched = true;
			vb[j++]->matched = true;
		}
	}
	free(va);
	free(vb);
	return 0;
}

void bc_findings_free(struct bc_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].rule);
		free(f->v[i].path);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

/* ---- reading a report ---- */

static int fail(char **err, int ret, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char **err, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*err = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	return ret;
}

static int check_report(const char *file, const char *what, const json_t *root, char **err)
{
	const char *schema = json_string_value(json_object_get(root, "schema"));
	json_t *diags = json_object_get(root, "diagnostics"), *d;
	size_t i;

	if (!json_is_object(root) || !schema || strncmp(schema, "bpfcheck-report/", 16))
		return fail(err, -EINVAL,
			    "%s '%s' is not a bpfcheck JSON report (it has no \"schema\": \"%s\"); "
			    "write one with 'bpfcheck check -f json -o FILE' or --write-baseline FILE",
			    what, file, BC_REPORT_SCHEMA);
	if (strcmp(schema, BC_REPORT_SCHEMA))
		return fail(err, -EINVAL, "%s '%s' has schema '%s'; this bpfcheck reads '%s'", what,
			    file, schema, BC_REPORT_SCHEMA);
	if (!json_is_array(diags) || !json_is_array(json_object_get(root, "files")))
		return fail(err, -EINVAL, "%s '%s' has no \"files\" and \"diagnostics\" arrays", what,
			    file);
	json_array_foreach(diags, i, d) {
		uint64_t fp;

		if (!json_is_string(json_object_get(d, "rule")) ||
		    !json_is_string(json_object_get(d, "path")))
			return fail(err, -EINVAL, "%s '%s': diagnostics[%zu] has no \"rule\" or \"path\"",
				    what, file, i);
		if (bc_fingerprint_parse(json_string_value(json_object_get(d, "fingerprint")), &fp))
			return fail(err, -EINVAL,
				    "%s '%s': diagnostics[%zu] has no valid \"fingerprint\" (a report "
				    "from an older bpfcheck?); write it again with this version",
				    what, file, i);
	}
	return 0;
}

int bc_report_load(const char *file, const char *what, json_t **out, char **err)
{
	json_error_t je;
	json_t *root;
	int ret;

	*out = NULL;
	*err = NULL;
	if (access(file, R_OK))
		return fail(err, -errno, "cannot read %s '%s': %s", what, file, strerror(errno));
	root = json_load_file(file, JSON_DECODE_ANY, &je);
	if (!root)
		return fail(err, -EINVAL, "%s '%s' is not JSON (line %d, column %d: %s)", what, file,
			    je.line, je.column, je.text);
	ret = check_report(file, what, root, err);
	if (ret) {
		json_decref(root);
		return ret;
	}
	*out = root;
	return 0;
}

/* ---- baselines ---- */

static int read_all(const char *file, unsigned char **data, size_t *size)
{
	FILE *f = fopen(file, "rb");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c, err = 0;

	if (!f)
		return -errno;
	m = open_memstream(&buf, &len);
	if (!m) {
		fclose(f);
		return -ENOMEM;
	}
	while ((c = getc(f)) != EOF)
		putc(c, m);
	if (ferror(f))
		err = -EIO;
	fclose(f);
	if (fclose(m))
		err = -ENOMEM;
	if (err) {
		free(buf);
		return err;
	}
	*data = (unsigned char *)buf;
	*size = len;
	return 0;
}

int bc_baseline_load(struct bc_baseline *b, const char *file, char **err)
{
	char cwd[PATH_MAX];
	int ret;

	memset(b, 0, sizeof(*b));
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = 0;
	b->file = strdup(file);
	if (!b->file)
		return -ENOMEM;
	ret = read_all(file, &b->bytes, &b->size);
	if (ret)
		return fail(err, ret, "cannot read baseline '%s': %s", file, strerror(-ret));
	ret = bc_report_load(file, "baseline", &b->report, err);
	if (ret)
		return ret;
	ret = bc_findings_from_report(&b->entries, b->report, cwd);
	if (!ret) {
		b->in_scope = calloc(b->entries.n + 1, sizeof(*b->in_scope));
		if (!b->in_scope)
			ret = -ENOMEM;
	}
	if (ret)
		*err = bc_strdup_printf("reading baseline '%s': %s", file, strerror(-ret));
	return ret;
}

static bool has_path(char *const *v, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], path))
			return true;
	return false;
}

/* The files this run checked: its processed inputs and every file a
 * reported finding refers to (normalised). */
static int run_scope(const struct bc_run *run, const char *cwd, char ***out, size_t *n)
{
	char **v = NULL;
	size_t nv = 0, cap = 0;

	for (size_t i = 0; i < run->nr_units; i++) {
		const struct bc_unit *u = run->units[i];

		for (size_t j = 0; !u->status && j <= u->diags.n; j++) {
			const char *p = j == u->diags.n ? u->display_path
				      : u->diags.v[j].path ? u->diags.v[j].path : u->display_path;
			if (!p)
				continue;
			p = bc_finding_path(p, cwd);
			if (has_path(v, nv, p))
				continue;
			if (BC_GROW(v, cap, nv + 1))
				goto oom;
			v[nv] = strdup(p);
			if (!v[nv])
				goto oom;
			nv++;
		}
	}
	*out = v;
	*n = nv;
	return 0;
oom:
	for (size_t i = 0; i < nv; i++)
		free(v[i]);
	free(v);
	return -ENOMEM;
}

int bc_baseline_apply(struct bc_baseline *b, const struct bc_run *run)
{
	struct bc_findings cur = { 0 };
	struct bc_diag **diags = NULL;
	struct bc_sources src;
	char cwd[PATH_MAX], **scope = NULL;
	size_t nscope = 0, nd = 0, cap_diags = 0;
	int err = 0;

	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = 0;
	bc_sources_init(&src, run);
	for (size_t i = 0; i < run->nr_units && !err; i++) {
		struct bc_unit *u = run->units[i];

		for (size_t j = 0; j < u->diags.n && !err; j++) {
			struct bc_diag *d = &u->diags.v[j];

			if (!bc_diag_reported(d))
				continue;
			if (BC_GROW(diags, cap_diags, nd + 1)) {
				err = -ENOMEM;
				break;
			}
			diags[nd] = d;
			err = bc_findings_add(&cur, bc_rule_get(d->rule_id)->code,
					      d->path ? d->path : u->display_path,
					      bc_diag_fingerprint(&src, u, d), nd, cwd);
			nd++;
		}
	}
	bc_sources_free(&src);
	if (!err)
		err = bc_findings_match(&b->entries, &cur);
	if (!err)
		err = run_scope(run, cwd, &scope, &nscope);
	if (!err) {
		b->matched = b->fresh = b->absent = 0;
		for (size_t i = 0; i < cur.n; i++) {
			if (cur.v[i].matched) {
				diags[cur.v[i].index]->suppressed = true;
				b->matched++;
			} else {
				b->fresh++;
			}
		}
		for (size_t i = 0; i < b->entries.n; i++) {
			b->in_scope[i] = has_path(scope, nscope, b->entries.v[i].path);
			if (b->in_scope[i] && !b->entries.v[i].matched)
				b->absent++;
		}
	}
	for (size_t i = 0; i < nscope; i++)
		free(scope[i]);
	free(scope);
	free(diags);
	bc_findings_free(&cur);
	return err;
}

static bool entry_absent(const struct bc_baseline *b, size_t i)
{
	return b->in_scope[i] && !b->entries.v[i].matched;
}

json_t *bc_baseline_json(const struct bc_baseline *b)
{
	json_t *diags = json_object_get(b->report, "diagnostics"), *absent = json_array();

	for (size_t i = 0; absent && i < b->entries.n; i++)
		if (entry_absent(b, i) &&
		    json_array_append(absent, json_array_get(diags, b->entries.v[i].index))) {
			json_decref(absent);
			return NULL;
		}
	return json_pack("{s:o, s:I, s:I, s:I, s:o, s:b}", "path", bc_json_str(b->file), "matched",
			 (json_int_t)b->matched, "new", (json_int_t)b->fresh, "absent",
			 (json_int_t)b->absent, "absent_findings", absent, "pruned", b->pruned);
}

/* The summary's counts of what DIAGS holds now. */
static int recount(json_t *report, json_t *diags)
{
	json_int_t n[3] = { 0 };
	json_t *sum = json_object_get(report, "summary"), *d;
	size_t i;

	if (!json_is_object(sum))
		return 0;
	json_array_foreach(diags, i, d) {
		const char *sev = json_string_value(json_object_get(d, "severity"));

		n[sev && !strcmp(sev, "error") ? 0 : sev && !strcmp(sev, "warning") ? 1 : 2]++;
	}
	if (json_object_set_new(sum, "errors", json_integer(n[0])) ||
	    json_object_set_new(sum, "warnings", json_integer(n[1])) ||
	    json_object_set_new(sum, "notes", json_integer(n[2])))
		return -ENOMEM;
	return 0;
}

static int dump(const json_t *root, char **buf, size_t *len)
{
	FILE *m = open_memstream(buf, len);
	int err;

	if (!m)
		return -ENOMEM;
	err = bc_json_write(m, root);
	if (fclose(m) && !err)
		err = -ENOMEM;
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	return err;
}

int bc_baseline_prune(struct bc_baseline *b, char **why)
{
	json_t *copy = json_deep_copy(b->report), *diags, *kept = json_array();
	struct bc_file_snap snap;
	char *buf = NULL;
	size_t len = 0;
	int err = -ENOMEM;

	*why = NULL;
	if (!copy || !kept)
		goto out;
	diags = json_object_get(copy, "diagnostics");
	for (size_t i = 0; i < b->entries.n; i++)
		if (!entry_absent(b, i) &&
		    json_array_append(kept, json_array_get(diags, b->entries.v[i].index)))
			goto out;
	if (json_object_set(copy, "diagnostics", kept) || recount(copy, kept))
		goto out;
	err = dump(copy, &buf, &len);
	if (err)
		goto out;
	err = bc_file_snap_take(b->file, &snap);
	if (err) {
		*why = bc_strdup_printf("cannot stat it: %s", strerror(-err));
		goto out;
	}
	err = bc_fix_write(b->file, &snap, b->bytes, b->size, buf, len, why);
	if (!err)
		b->pruned = true;
out:
	free(buf);
	json_decref(kept);
	json_decref(copy);
	return err;
}

void bc_baseline_free(struct bc_baseline *b)
{
	free(b->file);
	json_decref(b->report);
	free(b->bytes);
	free(b->in_scope);
	bc_findings_free(&b->entries);
	memset(b, 0, sizeof(*b));
}

/* ---- writing ---- */

int bc_baseline_write(const char *file, const struct bc_run *run, char **why)
{
	const struct bc_reporter *json = bc_reporter_find("json");
	struct bc_file_snap snap;
	unsigned char *old = NULL;
	size_t old_size = 0, len = 0;
	char *buf = NULL;
	FILE *m;
	int fd, err;

	*why = NULL;
	m = open_memstream(&buf, &len);
	if (!m || !json)
		return -ENOMEM;
	err = json->report(m, run);
	if (fclose(m) && !err)
		err = -ENOMEM;
	if (err)
		goto out;
	/* a new file starts empty, so that one writer (bc_fix_write: temporary
	 * file, fsync, rename) does every write */
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	else if (errno != EEXIST) {
		err = -errno;
		*why = bc_strdup_printf("cannot create it: %s", strerror(errno));
		goto out;
	}
	err = bc_file_snap_take(file, &snap);
	if (!err)
		err = read_all(file, &old, &old_size);
	if (err) {
		*why = bc_strdup_printf("cannot read it: %s", strerror(-err));
		goto out;
	}
	err = bc_fix_write(file, &snap, old, old_size, buf, len, why);
out:
	free(old);
	free(buf);
	return err;
}
