// SPDX-License-Identifier: Apache-2.0
/* Two JSON reports compared: stack per program, findings added/removed. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"
#include "../analyzer/base/array.h"
#include "json_util.h"

static struct bc_compare_prog *find_prog(struct bc_compare *c, const char *path,
					 const char *name, unsigned nth)
{
	for (size_t i = 0; i < c->nr_progs; i++)
		if (c->progs[i].nth == nth && !strcmp(c->progs[i].path, path) &&
		    !strcmp(c->progs[i].name, name))
			return &c->progs[i];
	return NULL;
}

static unsigned count_before(json_t *progs, size_t upto, const char *name)
{
	unsigned n = 0;

	for (size_t k = 0; k < upto; k++) {
		json_t *p = json_array_get(progs, k);
		const char *pn = json_string_value(json_object_get(p, "name"));

		if (!pn)
			pn = json_string_value(json_object_get(p, "section"));
		if (pn && !strcmp(pn, name))
			n++;
	}
	return n;
}

/* Adds REPORT's programs, as the old (NEW_SIDE false) or new side. */
static int add_programs(struct bc_compare *c, json_t *report, bool new_side, const char *cwd)
{
	json_t *files = json_object_get(report, "files"), *f;
	size_t i;

	json_array_foreach(files, i, f) {
		const char *fpath = json_string_value(json_object_get(f, "path"));
		json_t *progs = json_object_get(f, "programs"), *p;
		size_t j;

		if (!fpath || !json_is_array(progs))
			continue;
		fpath = bc_finding_path(fpath, cwd);
		json_array_foreach(progs, j, p) {
			const char *name = json_string_value(json_object_get(p, "name"));
			const char *section = json_string_value(json_object_get(p, "section"));
			json_t *bytes = json_object_get(json_object_get(p, "stack"), "bytes");
			struct bc_compare_prog *e;
			unsigned nth;

			if (!name)
				name = section;
			if (!name || !json_is_integer(bytes))
				continue;
			nth = count_before(progs, j, name);
			e = find_prog(c, fpath, name, nth);
			if (!e) {
				if (BC_GROW(c->progs, c->cap_progs, c->nr_progs + 1))
					return -ENOMEM;
				e = &c->progs[c->nr_progs];
				memset(e, 0, sizeof(*e));
				e->old_bytes = e->new_bytes = -1;
				e->nth = nth;
				e->path = strdup(fpath);
				e->name = strdup(name);
				if (!e->path || !e->name) {
					free(e->path);
					free(e->name);
					return -ENOMEM;
				}
				c->nr_progs++;
			}
			if (section && (new_side || !e->section)) {
				free(e->section);
				e->section = strdup(section);
				if (!e->section)
					return -ENOMEM;
			}
			if (new_side) {
				e->in_new = true;
				e->new_bytes = json_integer_value(bytes);
			} else {
				e->in_old = true;
				e->old_bytes = json_integer_value(bytes);
			}
		}
	}
	return 0;
}

int bc_compare_reports(struct bc_compare *c, json_t *old, json_t *new, const char *old_name,
		       const char *new_name)
{
	char cwd[PATH_MAX];
	int err;

	memset(c, 0, sizeof(*c));
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = 0;
	c->old = json_incref(old);
	c->new = json_incref(new);
	c->old_name = old_name;
	c->new_name = new_name;
	err = add_programs(c, old, false, cwd);
	if (!err)
		err = add_programs(c, new, true, cwd);
	if (!err)
		err = bc_findings_from_report(&c->old_f, old, cwd);
	if (!err)
		err = bc_findings_from_report(&c->new_f, new, cwd);
	if (!err)
		err = bc_findings_match(&c->old_f, &c->new_f);
	return err;
}

int64_t bc_compare_max_growth(const struct bc_compare *c)
{
	int64_t max = 0;

	for (size_t i = 0; i < c->nr_progs; i++) {
		const struct bc_compare_prog *p = &c->progs[i];

		if (p->in_old && p->in_new && p->new_bytes - p->old_bytes > max)
			max = p->new_bytes - p->old_bytes;
	}
	return max;
}

static size_t unmatched(const struct bc_findings *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += !f->v[i].matched;
	return n;
}

static const char *status(const struct bc_compare_prog *p)
{
	if (!p->in_old)
		return "added";
	if (!p->in_new)
		return "removed";
	return p->new_bytes == p->old_bytes ? "unchanged"
	       : p->new_bytes > p->old_bytes ? "grown" : "shrunk";
}

/* "path:line:col: severity: message [CODE]" of diagnostics[INDEX] of REPORT */
static void finding_line(FILE *out, char sign, json_t *report, size_t index)
{
	json_t *d = json_array_get(json_object_get(report, "diagnostics"), index);
	json_t *span = json_object_get(d, "span");

	fprintf(out, "%c %s", sign, json_string_value(json_object_get(d, "path")));
	if (json_is_object(span))
		fprintf(out, ":%" JSON_INTEGER_FORMAT ":%" JSON_INTEGER_FORMAT,
			json_integer_value(json_object_get(span, "line")),
			json_integer_value(json_object_get(span, "column")));
	fprintf(out, ": %s: %s [%s]\n", json_string_value(json_object_get(d, "severity")),
		json_string_value(json_object_get(d, "message")),
		json_string_value(json_object_get(d, "rule")));
}

int bc_compare_write_text(FILE *out, const struct bc_compare *c)
{
	int wp = 4, wn = 7;

	for (size_t i = 0; i < c->nr_progs; i++) {
		int lp = (int)strlen(c->progs[i].path), ln = (int)strlen(c->progs[i].name);

		wp = lp > wp ? lp : wp;
		wn = ln > wn ? ln : wn;
	}
	wn = wn > 60 ? 60 : wn;
	fprintf(out, "%-*s  %-*s  %7s  %7s  %7s\n", wp, "FILE", wn, "PROGRAM", "OLD", "NEW",
		"DELTA");
	for (size_t i = 0; i < c->nr_progs; i++) {
		const struct bc_compare_prog *p = &c->progs[i];
		char o[24] = "-", n[24] = "-", d[24] = "-";

		if (p->in_old)
			snprintf(o, sizeof(o), "%" PRId64, p->old_bytes);
		if (p->in_new)
			snprintf(n, sizeof(n), "%" PRId64, p->new_bytes);
		if (p->in_old && p->in_new)
			snprintf(d, sizeof(d), "%+" PRId64, p->new_bytes - p->old_bytes);
		fprintf(out, "%-*s  %-*.*s  %7s  %7s  %7s%s%s\n", wp, p->path, wn, wn, p->name, o, n,
			d, !p->in_old || !p->in_new ? "  " : "",
			!p->in_old || !p->in_new ? status(p) : "");
	}
	fprintf(out, "findings: %zu added, %zu removed\n", unmatched(&c->new_f),
		unmatched(&c->old_f));
	for (size_t i = 0; i < c->new_f.n; i++)
		if (!c->new_f.v[i].matched)
			finding_line(out, '+', c->new, c->new_f.v[i].index);
	for (size_t i = 0; i < c->old_f.n; i++)
		if (!c->old_f.v[i].matched)
			finding_line(out, '-', c->old, c->old_f.v[i].index);
	return ferror(out) ? -EIO : 0;
}

static json_t *int_or_null(bool have, int64_t v)
{
	return have ? json_integer(v) : json_null();
}

static json_t *unmatched_json(const struct bc_findings *f, json_t *report)
{
	json_t *a = json_array(), *diags = json_object_get(report, "diagnostics");

	for (size_t i = 0; a && i < f->n; i++)
		if (!f->v[i].matched && json_array_append(a, json_array_get(diags, f->v[i].index))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *bc_compare_json(const struct bc_compare *c)
{
	json_t *progs = json_array();
	size_t grown = 0, shrunk = 0, added = 0, removed = 0;

	for (size_t i = 0; progs && i < c->nr_progs; i++) {
		const struct bc_compare_prog *p = &c->progs[i];
		const char *st = status(p);
		bool both = p->in_old && p->in_new;

		grown += !strcmp(st, "grown");
		shrunk += !strcmp(st, "shrunk");
		added += !p->in_old;
		removed += !p->in_new;
		if (bc_json_push(progs, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "path",
						  bc_json_str(p->path), "name", bc_json_str(p->name),
						  "section", bc_json_str(p->section), "old",
						  int_or_null(p->in_old, p->old_bytes), "new",
						  int_or_null(p->in_new, p->new_bytes), "delta",
						  int_or_null(both, p->new_bytes - p->old_bytes),
						  "status", st))) {
			json_decref(progs);
			return NULL;
		}
	}
	return json_pack("{s:s, s:o, s:o, s:o, s:{s:o, s:o}, s:{s:I, s:I, s:I, s:I, s:I, s:I, "
			 "s:I, s:I}}",
			 "schema", BC_COMPARE_SCHEMA, "old", bc_json_str(c->old_name), "new",
			 bc_json_str(c->new_name), "programs", progs, "findings", "added",
			 unmatched_json(&c->new_f, c->new), "removed",
			 unmatched_json(&c->old_f, c->old), "summary", "programs",
			 (json_int_t)c->nr_progs, "grown", (json_int_t)grown, "shrunk",
			 (json_int_t)shrunk, "added", (json_int_t)added, "removed",
			 (json_int_t)removed, "max_growth", (json_int_t)bc_compare_max_growth(c),
			 "findings_added", (json_int_t)unmatched(&c->new_f), "findings_removed",
			 (json_int_t)unmatched(&c->old_f));
}

void bc_compare_free(struct bc_compare *c)
{
	for (size_t i = 0; i < c->nr_progs; i++) {
		free(c->progs[i].path);
		free(c->progs[i].name);
		free(c->progs[i].section);
	}
	free(c->progs);
	bc_findings_free(&c->old_f);
	bc_findings_free(&c->new_f);
	json_decref(c->old);
	json_decref(c->new);
	memset(c, 0, sizeof(*c));
}
