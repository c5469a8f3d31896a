// SPDX-License-Identifier: Apache-2.0
/* The rule cases of tests/rules/BCnnn/ (see rule_case.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rule_case.h"
#include "script_support.h"
#include "analyzer/base/sbuf.h"

enum directive {
	D_NONE,		/* not a directive: code, or another comment */
	D_RUN_ARGS,
	D_CHECK_NOT,
	D_EXPECT,	/* CHECK, CHECK-NOTE, ...: what a run printed */
};

/* The expectation keys, in the order a run's lines are rendered. */
static const char *const expect_keys[] = {
	"CHECK", "CHECK-NOTE", "CHECK-FIX", "CHECK-FILE", "CHECK-STDERR", "CHECK-EXIT",
};

struct parsed {
	enum directive kind;
	char key[16];
	const char *label;	/* into the line; LABEL_LEN bytes */
	size_t label_len;
	const char *text;	/* into the line, to its end */
};

static bool has_suffix(const char *s, const char *suffix)
{
	size_t l = strlen(s), n = strlen(suffix);

	return l >= n && !strcmp(s + l - n, suffix);
}

/* Parses LINE as `LEADER KEY[(LABEL)]: TEXT`. Returns -EINVAL for a comment
 * that starts like a directive (CHECK..., RUN...) but is not a known one:
 * a misspelt expectation would otherwise be ignored and never fail. */
static int parse_line(const char *line, const char *leader, struct parsed *p)
{
	const char *s = line, *k;
	size_t kl;

	memset(p, 0, sizeof(*p));
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, leader, strlen(leader)))
		return 0;
	s += strlen(leader);
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, "CHECK", 5) && strncmp(s, "RUN", 3))
		return 0;
	k = s;
	while ((*s >= 'A' && *s <= 'Z') || *s == '-')
		s++;
	kl = s - k;
	if (kl >= sizeof(p->key))
		return -EINVAL;
	memcpy(p->key, k, kl);
	p->key[kl] = 0;
	if (*s == '(') {
		p->label = ++s;
		while (*s && *s != ')')
			s++;
		if (*s != ')' || s == p->label)
			return -EINVAL;
		p->label_len = s - p->label;
		s++;
	}
	if (*s != ':')
		return -EINVAL;
	s++;
	while (*s == ' ' || *s == '\t')
		s++;
	p->text = s;
	if (!strcmp(p->key, "RUN-ARGS")) {
		p->kind = D_RUN_ARGS;
		return 0;
	}
	if (!strcmp(p->key, "CHECK-NOT")) {
		p->kind = D_CHECK_NOT;
		return *s ? 0 : -EINVAL;
	}
	for (size_t i = 0; i < sizeof(expect_keys) / sizeof(expect_keys[0]); i++)
		if (!strcmp(p->key, expect_keys[i])) {
			p->kind = D_EXPECT;
			return 0;
		}
	return -EINVAL;
}

static bool label_is(const struct parsed *p, const char *label)
{
	return !p->label ||
	       (label && strlen(label) == p->label_len && !strncmp(p->label, label, p->label_len));
}

static int fail(char **err, const struct bc_rule_case *c, size_t i, const char *what)
{
	if (asprintf(err, "%s:%zu: %s", c->rel, i + 1, what) < 0)
		*err = NULL;
	return -EINVAL;
}

int bc_rule_case_load(struct bc_rule_case *c, const char *rel, char **err)
{
	char *text, *s;
	size_t cap = 0;

	memset(c, 0, sizeof(*c));
	*err = NULL;
	c->rel = strdup(rel);
	c->leader = has_suffix(rel, ".ll") ? ";" : "//";
	text = bc_test_read_file(rel, NULL);
	if (!c->rel || !text) {
		free(text);
		return -ENOENT;
	}
	for (s = text; *s;) {
		char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		if (c->nlines == cap) {
			cap = cap ? cap * 2 : 64;
			c->lines = realloc(c->lines, cap * sizeof(*c->lines));
			if (!c->lines) {
				free(text);
				return -ENOMEM;
			}
		}
		c->lines[c->nlines++] = strndup(s, n);
		s += n + (nl != NULL);
	}
	free(text);

	c->block = c->nlines;
	for (size_t i = 0; i < c->nlines; i++) {
		struct parsed p;

		if (parse_line(c->lines[i], c->leader, &p))
			return fail(err, c, i, "malformed directive (see tests/rules/README.md)");
		if (p.kind == D_EXPECT && c->block == c->nlines)
			c->block = i;
		if (p.kind == D_NONE && c->block < i && c->lines[i][strspn(c->lines[i], " \t")])
			return fail(err, c, i,
				    "expectations must come last, after the code (an update rewrites them)");
		if (p.kind != D_RUN_ARGS)
			continue;
		c->runs = realloc(c->runs, (c->nruns + 1) * sizeof(*c->runs));
		if (!c->runs)
			return -ENOMEM;
		c->runs[c->nruns].label = p.label ? strndup(p.label, p.label_len) : NULL;
		c->runs[c->nruns].args = strdup(p.text);
		c->nruns++;
	}
	if (!c->nruns) {
		c->runs = calloc(1, sizeof(*c->runs));
		if (!c->runs)
			return -ENOMEM;
		c->runs[0].args = strdup("");
		c->nruns = 1;
	}
	for (size_t r = 0; r < c->nruns; r++) {
		if (c->nruns > 1 && !c->runs[r].label)
			return fail(err, c, 0, "several RUN-ARGS lines: each needs a (label)");
		for (size_t q = 0; q < r; q++)
			if (!strcmp(c->runs[q].label, c->runs[r].label))
				return fail(err, c, 0, "two RUN-ARGS lines with one label");
	}
	/* a label that names no run would be an expectation nothing checks */
	for (size_t i = 0; i < c->nlines; i++) {
		struct parsed p;
		bool found = false;

		parse_line(c->lines[i], c->leader, &p);
		if (p.kind == D_NONE || p.kind == D_RUN_ARGS || !p.label)
			continue;
		for (size_t r = 0; r < c->nruns; r++)
			found |= c->runs[r].label && label_is(&p, c->runs[r].label);
		if (!found)
			return fail(err, c, i, "the label names no RUN-ARGS line");
	}
	return 0;
}

void bc_rule_case_free(struct bc_rule_case *c)
{
	for (size_t i = 0; i < c->nlines; i++)
		free(c->lines[i]);
	for (size_t r = 0; r < c->nruns; r++) {
		free(c->runs[r].label);
		free(c->runs[r].args);
	}
	free(c->lines);
	free(c->runs);
	free(c->rel);
	memset(c, 0, sizeof(*c));
}

char *bc_rule_case_expected(const struct bc_rule_case *c, size_t r)
{
	struct bc_sbuf b = { 0 };

	bc_sbuf_puts(&b, "");
	for (size_t i = c->block; i < c->nlines; i++) {
		struct parsed p;

		parse_line(c->lines[i], c->leader, &p);
		if (p.kind == D_EXPECT && label_is(&p, c->runs[r].label))
			bc_sbuf_printf(&b, "%s: %s\n", p.key, p.text);
	}
	return bc_sbuf_finish(&b);
}

const char **bc_rule_case_check_nots(const struct bc_rule_case *c, size_t r)
{
	const char **v = calloc(c->nlines + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; v && i < c->nlines; i++) {
		struct parsed p;

		parse_line(c->lines[i], c->leader, &p);
		if (p.kind == D_CHECK_NOT && label_is(&p, c->runs[r].label))
			v[n++] = p.text;
	}
	return v;
}

bool bc_rule_case_mentions(const struct bc_rule_case *c, const char *key, const char *rule)
{
	size_t rl = strlen(rule);

	for (size_t i = 0; i < c->nlines; i++) {
		struct parsed p;

		parse_line(c->lines[i], c->leader, &p);
		if (p.kind != D_NONE && !strcmp(p.key, key) && !strncmp(p.text, rule, rl) &&
		    (!p.text[rl] || p.text[rl] == ' '))
			return true;
	}
	return false;
}

/* "[PATH:]LINE:COL", "PATH" or "-": PATH left out when it is the case's own. */
static void put_loc(struct bc_sbuf *b, json_t *path, json_t *span, const char *own,
		    const char *own_object, const char *build)
{
	const char *p = json_string_value(path);
	size_t bl = strlen(build);
	bool named = false;

	if (p && strcmp(p, own) && (!own_object || strcmp(p, own_object))) {
		if (!strncmp(p, build, bl) && p[bl] == '/')
			bc_sbuf_printf(b, "$BUILD%s", p + bl);
		else
			bc_sbuf_puts(b, p);
		named = true;
	}
	if (json_is_object(span))
		bc_sbuf_printf(b, "%s%lld:%lld", named ? ":" : "",
			       (long long)json_integer_value(json_object_get(span, "line")),
			       (long long)json_integer_value(json_object_get(span, "column")));
	else if (!named)
		bc_sbuf_putc(b, '-');
}

char *bc_rule_case_render(const char *json, const char *stderr_text, int code, const char *own,
			  const char *own_object, const char *build)
{
	json_t *root = json_loads(json, 0, NULL), *v, *files, *diags;
	struct bc_sbuf b = { 0 };
	size_t i, k;

	files = json_object_get(root, "files");
	diags = json_object_get(root, "diagnostics");
	if (!json_is_array(files) || !json_is_array(diags)) {
		json_decref(root);
		return NULL;
	}
	bc_sbuf_puts(&b, "");
	json_array_foreach(diags, i, v) {
		json_t *n, *fix = json_object_get(v, "fix");

		bc_sbuf_printf(&b, "CHECK: %s ", json_string_value(json_object_get(v, "rule")));
		put_loc(&b, json_object_get(v, "path"), json_object_get(v, "span"), own, own_object,
			build);
		bc_sbuf_printf(&b, " %s: %s\n", json_string_value(json_object_get(v, "severity")),
			       json_string_value(json_object_get(v, "message")));
		json_array_foreach(json_object_get(v, "notes"), k, n) {
			bc_sbuf_puts(&b, "CHECK-NOTE: ");
			put_loc(&b, json_object_get(n, "path"), json_object_get(n, "span"), own,
				own_object, build);
			bc_sbuf_printf(&b, " %s\n", json_string_value(json_object_get(n, "message")));
		}
		if (json_is_object(fix))
			bc_sbuf_printf(&b, "CHECK-FIX: %s: %s\n",
				       json_string_value(json_object_get(fix, "applicability")),
				       json_string_value(json_object_get(fix, "title")));
	}
	json_array_foreach(files, i, v) {
		const char *status = json_string_value(json_object_get(v, "status"));

		if (status && !strcmp(status, "ok"))
			continue;
		bc_sbuf_puts(&b, "CHECK-FILE: ");
		put_loc(&b, json_object_get(v, "path"), json_object_get(v, "error_span"), own,
			own_object, build);
		bc_sbuf_printf(&b, " %s: %s\n", status ? status : "?",
			       json_string_value(json_object_get(v, "error")) ?: "");
	}
	for (const char *s = stderr_text; s && *s;) {
		size_t n = strcspn(s, "\n");

		bc_sbuf_printf(&b, "CHECK-STDERR: %.*s\n", (int)n, s);
		s += n + (s[n] == '\n');
	}
	bc_sbuf_printf(&b, "CHECK-EXIT: %d\n", code);
	json_decref(root);
	return bc_sbuf_finish(&b);
}

/* Appends the lines of TEXT ("KEY: rest\n"...) as comments, KEY labelled. */
static void put_block(struct bc_sbuf *b, const char *leader, const char *label, const char *text)
{
	while (*text) {
		size_t n = strcspn(text, "\n"), kl = strcspn(text, ":");

		if (label && kl < n)
			bc_sbuf_printf(b, "%s %.*s(%s)%.*s\n", leader, (int)kl, text, label,
				       (int)(n - kl), text + kl);
		else
			bc_sbuf_printf(b, "%s %.*s\n", leader, (int)n, text);
		text += n + (text[n] == '\n');
	}
}

char *bc_rule_case_rewrite(const struct bc_rule_case *c, char *const *actual)
{
	struct bc_sbuf b = { 0 };
	bool same = true;

	bc_sbuf_puts(&b, "");
	for (size_t i = 0; i < c->nlines; i++) {
		struct parsed p;

		parse_line(c->lines[i], c->leader, &p);
		/* the block keeps its RUN-ARGS and CHECK-NOT lines, not its blank ones */
		if (i < c->block || p.kind == D_RUN_ARGS || p.kind == D_CHECK_NOT)
			bc_sbuf_printf(&b, "%s\n", c->lines[i]);
	}
	for (size_t r = 1; r < c->nruns; r++)
		same &= !strcmp(actual[r], actual[0]);
	if (same)
		put_block(&b, c->leader, NULL, actual[0]);
	else
		for (size_t r = 0; r < c->nruns; r++)
			put_block(&b, c->leader, c->runs[r].label, actual[r]);
	return bc_sbuf_finish(&b);
}
