// SPDX-License-Identifier: Apache-2.0
/*
 * SARIF 2.1.0 for GitHub code scanning: one run; tool.driver.rules[] is the
 * whole registry (with the embedded rule pages as help); every result has
 * a location with startLine >= 1, a stable ruleId/ruleIndex and
 * partialFingerprints (the shared finding fingerprint, reporters/fingerprint.h);
 * fixes carry our edits; inputs that could not be
 * processed are toolExecutionNotifications of invocations[0].
 *
 * Columns are UTF-16 code units (SARIF's default columnKind) when the
 * source line is at hand, else bytes; endColumn is exclusive, as SARIF
 * defines it (our spans' end columns are inclusive).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fingerprint.h"
#include "json_util.h"
#include "report_common.h"
#include "rule_docs.h"
#include "source.h"
#include "utf8.h"
#include "../analyzer/core/unit.h"
#include "../rules/registry.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
/* a versioned hierarchical name (SARIF 3.27.17); github/codeql-action's
 * upload adds its own primaryLocationLineHash next to it */
#define SARIF_FINGERPRINT_KEY "bpfcheck/v1"

struct sarif_ctx {
	const struct bc_run *run;
	struct bc_sources src;
	struct bc_fingerprints fp;
	char cwd[PATH_MAX];
};

static const char *level(enum bc_severity s)
{
	return s == BC_SEV_ERROR ? "error" : s == BC_SEV_WARNING ? "warning" : "note";
}

/* A relative URI reference for PATH: "./" dropped, a path under the
 * current directory made relative, anything else an absolute file: URI;
 * bytes outside RFC 3986's unreserved set (and '/') percent-encoded. */
static json_t *uri_json(const struct sarif_ctx *c, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *p = bc_report_relpath(path, c->cwd);
	char *buf, *o;
	json_t *j;

	buf = malloc(strlen(p) * 3 + sizeof("file://"));
	if (!buf)
		return NULL;
	o = buf;
	if (*p == '/')
		o = stpcpy(o, "file://");
	for (; *p; p++) {
		unsigned char ch = *p;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == '/') {
			*o++ = ch;
		} else {
			*o++ = '%';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		}
	}
	*o = 0;
	j = json_string(buf);
	free(buf);
	return j;
}

static json_t *text_json(const char *s)
{
	return json_pack("{s:o}", "text", bc_json_str(s));
}

/* A column of PATH's line LINE in UTF-16 units (bytes when the text is not
 * at hand). */
static json_int_t column(struct sarif_ctx *c, const struct bc_unit *u, const char *path,
			 unsigned line, unsigned byte_col)
{
	size_t len;
	const char *text = bc_sources_line(&c->src, u, path, line, &len);

	return text ? bc_utf16_column(text, len, byte_col) : byte_col;
}

/* The region of SPAN; startLine 1 when the span has no line. */
static json_t *region_json(struct sarif_ctx *c, const struct bc_unit *u, const char *path,
			   const struct bc_span *span)
{
	unsigned eline, ecol;

	if (!span->line)
		return json_pack("{s:i}", "startLine", 1);
	if (!span->col)
		return json_pack("{s:I}", "startLine", (json_int_t)span->line);
	bc_span_end(span, &eline, &ecol);
	if (!ecol)		/* the end line is known but not its column */
		return json_pack("{s:I, s:I, s:I}", "startLine", (json_int_t)span->line,
				 "startColumn", column(c, u, path, span->line, span->col), "endLine",
				 (json_int_t)eline);
	return json_pack("{s:I, s:I, s:I, s:I}", "startLine", (json_int_t)span->line, "startColumn",
			 column(c, u, path, span->line, span->col), "endLine", (json_int_t)eline,
			 "endColumn", column(c, u, path, eline, ecol + 1));
}

static json_t *physical_json(struct sarif_ctx *c, const struct bc_unit *u, const char *path,
			     json_t *region)
{
	return json_pack("{s:{s:{s:o}, s:o}}", "physicalLocation", "artifactLocation", "uri",
			 uri_json(c, path), "region", region);
}

static json_t *rule_json(const struct bc_rule *r)
{
	const char *md = bc_rule_doc(r->code);
	char *full = md ? bc_rule_doc_summary(md) : NULL;
	char url[512];
	json_t *j;

	j = json_pack("{s:s, s:s, s:o, s:o, s:{s:o, s:o}, s:{s:s}}", "id", r->code, "name",
		      r->name, "shortDescription", text_json(r->summary), "fullDescription",
		      text_json(full ? full : r->summary), "help", "text",
		      bc_json_str(md ? md : r->summary), "markdown", bc_json_str(md ? md : r->summary),
		      "defaultConfiguration", "level", level(bc_rule_severity(r)));
	if (j && bc_rule_doc_url(url, sizeof(url), r->code, NULL, false))
		json_object_set_new(j, "helpUri", json_string(url));
	free(full);
	return j;
}

static json_t *rules_json(void)
{
	json_t *a = json_array();

	for (size_t i = 0; a && bc_rules[i]; i++)
		if (bc_json_push(a, rule_json(bc_rules[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* The message, then the notes that have no location of their own. */
static json_t *message_json(const struct bc_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	json_t *j;

	if (!m)
		return NULL;
	fputs(d->message, m);
	for (size_t i = 0; i < d->nr_notes; i++)
		if (!d->notes[i].span.line)
			fprintf(m, "\nnote: %s", d->notes[i].message);
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	j = text_json(buf);
	free(buf);
	return j;
}

static json_t *related_json(struct sarif_ctx *c, const struct bc_unit *u, const char *path,
			    const struct bc_diag *d)
{
	json_t *a = json_array();
	int id = 0;

	for (size_t i = 0; a && i < d->nr_notes; i++) {
		const struct bc_note *n = &d->notes[i];
		const char *npath = n->path ? n->path : path;
		json_t *loc;

		if (!n->span.line)
			continue;
		loc = physical_json(c, u, npath, region_json(c, u, npath, &n->span));
		if (!loc || json_object_set_new(loc, "id", json_integer(id++)) ||
		    json_object_set_new(loc, "message", text_json(n->message)) || bc_json_push(a, loc)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* partialFingerprints: the finding's fingerprint (reporters/fingerprint.h)
 * and its occurrence in the file, unique within the log. */
static json_t *fingerprints_json(struct sarif_ctx *c, const struct bc_unit *u, const char *path,
				 const struct bc_diag *d)
{
	uint64_t h = bc_diag_fingerprint(&c->src, u, d);
	char buf[48], *uri_text;
	unsigned occurrence;
	json_t *uri;

	uri = uri_json(c, path);
	if (!uri)
		return NULL;
	uri_text = strdup(json_string_value(uri));
	json_decref(uri);
	if (!uri_text)
		return NULL;
	occurrence = bc_fingerprint_occurrence(&c->fp, uri_text, h);
	free(uri_text);
	if (!occurrence)
		return NULL;
	bc_fingerprint_format(buf, sizeof(buf), h, occurrence);
	return json_pack("{s:s}", SARIF_FINGERPRINT_KEY, buf);
}

/* Line and (UTF-16) column of byte offset OFF in U. */
static void offset_position(struct sarif_ctx *c, const struct bc_unit *u, uint32_t off,
			    json_int_t *line, json_int_t *col)
{
	struct bc_span s = { .start = off, .end = off };

	bc_unit_locate(u, &s);
	*line = s.line;
	*col = column(c, u, NULL, s.line, s.col);
}

static json_t *replacement_json(struct sarif_ctx *c, const struct bc_unit *u,
				const struct bc_edit *e)
{
	json_int_t sl, sc, el, ec;
	json_t *region;

	if (u->line_starts) {
		offset_position(c, u, e->span.start, &sl, &sc);
		offset_position(c, u, e->span.end, &el, &ec);
		region = json_pack("{s:I, s:I, s:I, s:I}", "startLine", sl, "startColumn", sc,
				   "endLine", el, "endColumn", ec);
	} else {
		region = json_pack("{s:I, s:I}", "byteOffset", (json_int_t)e->span.start,
				   "byteLength", (json_int_t)(e->span.end - e->span.start));
	}
	return json_pack("{s:o, s:o}", "deletedRegion", region, "insertedContent",
			 text_json(e->replacement));
}

static json_t *fixes_json(struct sarif_ctx *c, const struct bc_unit *u, const struct bc_fix *fix)
{
	json_t *repl = json_array();

	for (size_t i = 0; repl && i < fix->nr_edits; i++)
		if (bc_json_push(repl, replacement_json(c, u, &fix->edits[i]))) {
			json_decref(repl);
			return NULL;
		}
	/* the edits are byte ranges of the unit's own text */
	return json_pack("[{s:o, s:[{s:{s:o}, s:o}]}]", "description",
			 text_json(fix->title ? fix->title : "apply the suggested edit"),
			 "artifactChanges", "artifactLocation", "uri", uri_json(c, u->display_path),
			 "replacements", repl);
}

static json_t *result_json(struct sarif_ctx *c, const struct bc_unit *u, const struct bc_diag *d)
{
	const char *path = d->path ? d->path : u->display_path;
	const struct bc_rule *rule = bc_rule_get(d->rule_id);
	json_t *r, *related;

	r = json_pack("{s:s, s:i, s:s, s:o, s:[o]}", "ruleId", rule->code, "ruleIndex",
		      bc_rule_index(rule), "level", level(d->severity), "message", message_json(d),
		      "locations", physical_json(c, u, path, region_json(c, u, path, &d->span)));
	if (!r)
		return NULL;
	related = related_json(c, u, path, d);
	if (!related)
		goto oom;
	if (!json_array_size(related))
		json_decref(related);
	else if (json_object_set_new(r, "relatedLocations", related))
		goto oom;
	if (json_object_set_new(r, "partialFingerprints", fingerprints_json(c, u, path, d)))
		goto oom;
	if (d->fix && json_object_set_new(r, "fixes", fixes_json(c, u, d->fix)))
		goto oom;
	return r;
oom:
	json_decref(r);
	return NULL;
}

static json_t *notification_json(struct sarif_ctx *c, const struct bc_unit *u)
{
	json_t *loc = json_pack("{s:{s:{s:o}}}", "physicalLocation", "artifactLocation", "uri",
				uri_json(c, u->display_path));

	if (loc && u->error_span.line &&
	    json_object_set_new(json_object_get(loc, "physicalLocation"), "region",
				region_json(c, u, u->display_path, &u->error_span))) {
		json_decref(loc);
		return NULL;
	}
	return json_pack("{s:s, s:o, s:[o]}", "level", "error", "message",
			 text_json(u->error ? u->error : "could not be processed"), "locations", loc);
}

static json_t *sarif_json(struct sarif_ctx *c)
{
	const struct bc_run *run = c->run;
	json_t *results = json_array(), *notes = json_array();
	size_t failed = 0;

	for (size_t i = 0; results && notes && i < run->nr_units; i++) {
		const struct bc_unit *u = run->units[i];

		if (u->status) {
			failed++;
			if (bc_json_push(notes, notification_json(c, u)))
				goto oom;
		}
		for (size_t j = 0; j < u->diags.n; j++)
			if (bc_diag_reported(&u->diags.v[j]) &&
			    bc_json_push(results, result_json(c, u, &u->diags.v[j])))
				goto oom;
	}
	{
		json_t *driver = json_pack("{s:s, s:s, s:o}", "name", "bpfcheck", "version",
					   BC_VERSION, "rules", rules_json());

		if (driver && *BC_PROJECT_URL)
			json_object_set_new(driver, "informationUri", json_string(BC_PROJECT_URL));
		return json_pack("{s:s, s:s, s:[{s:{s:o}, s:s, s:o, s:[{s:b, s:o}]}]}",
				 "$schema", SARIF_SCHEMA, "version", "2.1.0", "runs", "tool",
				 "driver", driver, "columnKind", "utf16CodeUnits", "results",
				 results, "invocations", "executionSuccessful", failed == 0,
				 "toolExecutionNotifications", notes);
	}
oom:
	json_decref(results);
	json_decref(notes);
	return NULL;
}

static int report(FILE *out, const struct bc_run *run)
{
	struct sarif_ctx c = { .run = run };
	json_t *root;
	int err;

	if (!getcwd(c.cwd, sizeof(c.cwd)))
		c.cwd[0] = 0;
	bc_sources_init(&c.src, run);
	root = sarif_json(&c);
	bc_sources_free(&c.src);
	bc_fingerprints_free(&c.fp);
	if (!root)
		return -ENOMEM;
	err = bc_json_write(out, root);
	json_decref(root);
	return err;
}

const struct bc_reporter bc_reporter_sarif = {
	.name = "sarif",
	.report = report,
};
