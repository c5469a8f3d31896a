// SPDX-License-Identifier: Apache-2.0
/* Suppression comments: finding them in the raw text, applying them,
 * reporting the unused and the unknown ones (BC103, BC104). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "suppress.h"
#include "../base/array.h"
#include "../core/unit.h"
#include "../core/analysis.h"
#include "../../rules/registry.h"

#define DIRECTIVE_PREFIX "bpfcheck:"

struct comment {
	uint32_t start, end;		/* whole comment */
	uint32_t text, text_end;	/* between the delimiters */
	uint32_t line, end_line;
};

struct scan {
	const unsigned char *d;
	size_t size;
	bool *has_code;			/* per line, 1-based */
	size_t nr_lines;
	struct bc_supps *out;
};

/* ---- the raw scan ---- */

static uint32_t next_code_line(const struct scan *s, uint32_t after)
{
	for (size_t l = after + 1; l <= s->nr_lines; l++)
		if (s->has_code[l])
			return l;
	return 0;
}

static bool code_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '*' || c == '?' || c == '[' ||
	       c == ']';
}

static int add_bad(struct bc_supps *o, uint32_t start, uint32_t end, const char *msg)
{
	if (BC_GROW(o->bad, o->cap_bad, o->nr_bad + 1))
		return -ENOMEM;
	o->bad[o->nr_bad].start = start;
	o->bad[o->nr_bad].end = end;
	o->bad[o->nr_bad].message = strdup(msg);
	if (!o->bad[o->nr_bad].message)
		return -ENOMEM;
	o->nr_bad++;
	return 0;
}

static int add_code(struct bc_supp *sp, const unsigned char *d, uint32_t a, uint32_t b)
{
	struct bc_supp_code *nv;

	if (BC_GROW(sp->codes, sp->cap_codes, sp->nr_codes + 1))
		return -ENOMEM;
	nv = sp->codes;
	memset(&nv[sp->nr_codes], 0, sizeof(*nv));
	nv[sp->nr_codes].pattern = strndup((const char *)d + a, b - a);
	if (!nv[sp->nr_codes].pattern)
		return -ENOMEM;
	nv[sp->nr_codes].start = a;
	nv[sp->nr_codes].end = b;
	nv[sp->nr_codes].known = bc_rule_pattern_valid(nv[sp->nr_codes].pattern);
	sp->nr_codes++;
	return 0;
}

static void supp_free(struct bc_supp *sp)
{
	for (size_t i = 0; i < sp->nr_codes; i++)
		free(sp->codes[i].pattern);
	free(sp->codes);
}

static uint32_t skip_blank(const unsigned char *d, uint32_t p, uint32_t end)
{
	while (p < end && (d[p] == ' ' || d[p] == '\t'))
		p++;
	return p;
}

/* Parses one comment; directives go to s->out. */
static int parse_comment(struct scan *s, const struct comment *c)
{
	static const struct {
		const char *kw;
		enum bc_supp_scope scope;
	} kws[] = {
		{ "disable", BC_SUPP_LINE },
		{ "disable-next-line", BC_SUPP_NEXT_LINE },
		{ "disable-file", BC_SUPP_FILE },
	};
	const unsigned char *d = s->d;
	uint32_t p = skip_blank(d, c->text, c->text_end), kw, kw_end;
	size_t plen = strlen(DIRECTIVE_PREFIX);
	struct bc_supp sp = { 0 };
	bool found = false;
	int err;

	if (c->text_end - p < plen || memcmp(d + p, DIRECTIVE_PREFIX, plen))
		return 0;
	p = skip_blank(d, p + plen, c->text_end);
	kw = p;
	while (p < c->text_end && (islower(d[p]) || d[p] == '-'))
		p++;
	kw_end = p;
	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++) {
		if (kw_end - kw == strlen(kws[i].kw) && !memcmp(d + kw, kws[i].kw, kw_end - kw)) {
			sp.scope = kws[i].scope;
			found = true;
		}
	}
	if (!found || p >= c->text_end || d[p] != '=')
		return add_bad(s->out, c->start, c->end,
			       "malformed bpfcheck directive: expected disable=, "
			       "disable-next-line= or disable-file= followed by rule codes");
	p++;
	for (;;) {
		uint32_t a = skip_blank(d, p, c->text_end), q;

		p = a;
		while (p < c->text_end && code_char(d[p]))
			p++;
		if (p == a) {
			supp_free(&sp);
			return add_bad(s->out, c->start, c->end,
				       "malformed bpfcheck directive: a rule code, name or glob "
				       "is missing after '=' or ','");
		}
		err = add_code(&sp, d, a, p);
		if (err) {
			supp_free(&sp);
			return err;
		}
		q = skip_blank(d, p, c->text_end);
		if (q < c->text_end && d[q] == ',') {
			p = q + 1;
			continue;
		}
		break;
	}
	sp.line = c->line;
	sp.start = c->start;
	sp.end = c->end;
	switch (sp.scope) {
	case BC_SUPP_LINE:
		sp.target = s->has_code[c->line] ? c->line : next_code_line(s, c->line);
		break;
	case BC_SUPP_NEXT_LINE:
		sp.target = next_code_line(s, c->line);
		break;
	case BC_SUPP_FILE:
		sp.target = 0;
		break;
	}
	if (BC_GROW(s->out->v, s->out->cap, s->out->n + 1)) {
		supp_free(&sp);
		return -ENOMEM;
	}
	s->out->v[s->out->n++] = sp;
	return 0;
}

int bc_suppress_scan(const unsigned char *d, size_t size, const uint32_t *line_starts,
		     size_t nr_lines, struct bc_supps *out)
{
	struct comment *cs = NULL;
	size_t ncs = 0, cap_cs = 0, i = 0;
	uint32_t line = 1;
	struct scan s = { .d = d, .size = size, .nr_lines = nr_lines, .out = out };
	int err = 0;

	(void)line_starts;
	memset(out, 0, sizeof(*out));
	s.has_code = calloc(nr_lines + 2, sizeof(*s.has_code));
	if (!s.has_code)
		return -ENOMEM;
	while (i < size) {
		unsigned char c = d[i];
		struct comment cm;

		if (c == '\n') {
			line++;
			i++;
			continue;
		}
		if (c == '"') {		/* a string: "//" inside is not a comment */
			s.has_code[line] = true;
			for (i++; i < size && d[i] != '"' && d[i] != '\n'; i++)
				if (d[i] == '\\' && i + 1 < size && d[i + 1] != '\n')
					i++;
			if (i < size && d[i] == '"')
				i++;
			continue;
		}
		if (c == '/' && i + 1 < size && (d[i + 1] == '/' || d[i + 1] == '*')) {
			cm.start = i;
			cm.line = line;
			cm.text = i + 2;
			if (d[i + 1] == '/') {
				for (i += 2; i < size && d[i] != '\n'; i++)
					;
				cm.text_end = i;
				if (cm.text_end > cm.text && d[cm.text_end - 1] == '\r')
					cm.text_end--;
				cm.end = cm.text_end;
			} else {
				for (i += 2; i < size && !(d[i] == '*' && i + 1 < size && d[i + 1] == '/');
				     i++)
					line += d[i] == '\n';
				cm.text_end = i;
				i = i < size ? i + 2 : size;
				cm.end = i;
			}
			cm.end_line = line;
			if (BC_GROW(cs, cap_cs, ncs + 1)) {
				free(cs);
				free(s.has_code);
				return -ENOMEM;
			}
			cs[ncs++] = cm;
			continue;
		}
		if (!isspace(c) && line <= nr_lines)
			s.has_code[line] = true;
		i++;
	}
	/* directives need the whole code-line map, so they are parsed last */
	for (size_t k = 0; k < ncs && !err; k++)
		err = parse_comment(&s, &cs[k]);
	free(cs);
	free(s.has_code);
	if (err)
		bc_supps_free(out);
	return err;
}

void bc_supps_free(struct bc_supps *s)
{
	for (size_t i = 0; i < s->n; i++)
		supp_free(&s->v[i]);
	for (size_t i = 0; i < s->nr_bad; i++)
		free(s->bad[i].message);
	free(s->v);
	free(s->bad);
	memset(s, 0, sizeof(*s));
}

/* ---- applying ---- */

static bool is_self_rule(enum bc_rule_id id)
{
	return id == BC_RULE_UNUSED_SUPPRESSION || id == BC_RULE_UNKNOWN_SUPPRESSION;
}

static bool pattern_matches_self(const char *pattern)
{
	return bc_rule_matches(bc_rule_get(BC_RULE_UNUSED_SUPPRESSION), pattern) ||
	       bc_rule_matches(bc_rule_get(BC_RULE_UNKNOWN_SUPPRESSION), pattern);
}

/* First directive code covering RULE on LINE (line directives first). */
static struct bc_supp_code *find_cover(struct bc_supps *s, const struct bc_rule *r, uint32_t line,
				       bool file_only)
{
	for (int pass = file_only ? 1 : 0; pass < 2; pass++) {
		for (size_t i = 0; i < s->n; i++) {
			struct bc_supp *sp = &s->v[i];

			if (pass == 0 && (sp->scope == BC_SUPP_FILE || !line || sp->target != line))
				continue;
			if (pass == 1 && sp->scope != BC_SUPP_FILE)
				continue;
			for (size_t k = 0; k < sp->nr_codes; k++)
				if (sp->codes[k].known && bc_rule_matches(r, sp->codes[k].pattern))
					return &sp->codes[k];
		}
	}
	return NULL;
}

static bool belongs_to_unit(const struct bc_diag *d, const struct bc_unit *u)
{
	return !d->path || !strcmp(d->path, u->display_path) || !strcmp(d->path, u->path);
}

/* Would a finding of PATTERN's rules have been reported in this run? */
static bool pattern_checkable(const char *pattern, const struct bc_analysis *a)
{
	for (size_t i = 0; bc_rules[i]; i++)
		if (bc_rule_matches(bc_rules[i], pattern) && (bc_rules[i]->kinds & BC_RULE_ON_SCRIPT) &&
		    (!a || bc_analysis_rule_enabled(a, bc_rules[i]->id)))
			return true;
	return false;
}

static bool has_syntax_error(const struct bc_unit *u)
{
	for (size_t i = 0; i < u->diags.n; i++)
		if (u->diags.v[i].rule_id == BC_RULE_SYNTAX_ERROR)
			return true;
	return false;
}

static struct bc_span located(const struct bc_unit *u, uint32_t start, uint32_t end)
{
	struct bc_span sp = { .start = start, .end = end };

	bc_unit_locate(u, &sp);
	return sp;
}

/* The bytes to delete so that the comment [start, end) disappears cleanly. */
static void removal_span(const struct bc_unit *u, uint32_t start, uint32_t end, uint32_t *a,
			 uint32_t *b)
{
	const unsigned char *d = u->data;
	uint32_t ls = start, nl = end;
	bool blank_before = true, blank_after = true;

	while (ls > 0 && d[ls - 1] != '\n')
		ls--;
	while (nl < u->size && d[nl] != '\n')
		nl++;
	for (uint32_t i = ls; i < start; i++)
		blank_before &= d[i] == ' ' || d[i] == '\t';
	for (uint32_t i = end; i < nl; i++)
		blank_after &= d[i] == ' ' || d[i] == '\t' || d[i] == '\r';
	if (blank_before && blank_after) {	/* the whole line goes */
		*a = ls;
		*b = nl < u->size ? nl + 1 : nl;
	} else if (!blank_before) {		/* after code: take the blanks before it */
		*a = start;
		while (*a > ls && (d[*a - 1] == ' ' || d[*a - 1] == '\t'))
			(*a)--;
		*b = end;
	} else {				/* before code: take the blanks after it */
		*a = start;
		*b = end;
		while (*b < nl && (d[*b] == ' ' || d[*b] == '\t'))
			(*b)++;
	}
}

static int join(char **out, const struct bc_supp *sp, bool want_unused)
{
	size_t len = 1;
	char *s;

	for (size_t k = 0; k < sp->nr_codes; k++)
		len += strlen(sp->codes[k].pattern) + 2;
	s = calloc(1, len);
	if (!s)
		return -ENOMEM;
	for (size_t k = 0; k < sp->nr_codes; k++) {
		const struct bc_supp_code *c = &sp->codes[k];
		bool unused = c->known && !c->used;

		if (unused != want_unused)
			continue;
		if (*s)
			strcat(s, want_unused ? ", " : ",");
		strcat(s, c->pattern);
	}
	*out = s;
	return 0;
}

static int report_unused(struct bc_unit *u, const struct bc_supp *sp, const bool *report)
{
	struct bc_supp tmp = *sp;
	struct bc_supp_code codes[sp->nr_codes ? sp->nr_codes : 1];
	char *list = NULL, *keep = NULL;
	struct bc_span span = located(u, sp->start, sp->end), es;
	struct bc_diag *d;
	struct bc_fix *fix;
	uint32_t a, b;
	int err;

	/* codes exempt from reporting count as used for the message and the fix */
	for (size_t k = 0; k < sp->nr_codes; k++) {
		codes[k] = sp->codes[k];
		codes[k].used = sp->codes[k].used || !report[k];
	}
	tmp.codes = codes;
	err = join(&list, &tmp, true);
	if (!err)
		err = join(&keep, &tmp, false);
	if (err)
		goto out;
	if (sp->scope == BC_SUPP_FILE)
		d = bc_diag_add(&u->diags, BC_RULE_UNUSED_SUPPRESSION, u->display_path, &span,
				"unused suppression: no %s finding in this file", list);
	else if (!sp->target)
		d = bc_diag_add(&u->diags, BC_RULE_UNUSED_SUPPRESSION, u->display_path, &span,
				"unused suppression: no code line follows it");
	else
		d = bc_diag_add(&u->diags, BC_RULE_UNUSED_SUPPRESSION, u->display_path, &span,
				"unused suppression: no %s finding on line %u", list, sp->target);
	if (!d) {
		err = -ENOMEM;
		goto out;
	}
	if (!*keep) {
		fix = bc_diag_fix(d, BC_FIX_SAFE, "remove the unused suppression");
		removal_span(u, sp->start, sp->end, &a, &b);
		es = located(u, a, b);
		err = fix ? bc_fix_edit(fix, &es, "") : -ENOMEM;
	} else {
		/* keep the used (and the unknown) codes, in their order */
		fix = bc_diag_fix(d, BC_FIX_SAFE, "remove the unused codes from the suppression");
		es = located(u, sp->codes[0].start, sp->codes[sp->nr_codes - 1].end);
		err = fix ? bc_fix_edit(fix, &es, keep) : -ENOMEM;
	}
out:
	free(list);
	free(keep);
	return err;
}

static int report_findings(struct bc_unit *u, struct bc_supps *s, const struct bc_analysis *a,
			   bool check_unused)
{
	for (size_t i = 0; i < s->n; i++) {
		struct bc_supp *sp = &s->v[i];
		bool report[sp->nr_codes ? sp->nr_codes : 1], any = false;

		for (size_t k = 0; k < sp->nr_codes; k++) {
			struct bc_supp_code *c = &sp->codes[k];

			report[k] = false;
			if (!c->known) {
				struct bc_span span = located(u, c->start, c->end);

				if (!bc_diag_add(&u->diags, BC_RULE_UNKNOWN_SUPPRESSION,
						 u->display_path, &span,
						 "unknown rule '%s' in suppression (see 'bpfcheck rules')",
						 c->pattern))
					return -ENOMEM;
				continue;
			}
			if (!check_unused || c->used || !pattern_checkable(c->pattern, a))
				continue;
			if (sp->scope == BC_SUPP_FILE && pattern_matches_self(c->pattern))
				continue;
			report[k] = true;
			any = true;
		}
		if (any && report_unused(u, sp, report))
			return -ENOMEM;
	}
	for (size_t i = 0; i < s->nr_bad; i++) {
		struct bc_span span = located(u, s->bad[i].start, s->bad[i].end);

		if (!bc_diag_add(&u->diags, BC_RULE_UNKNOWN_SUPPRESSION, u->display_path, &span,
				 "%s", s->bad[i].message))
			return -ENOMEM;
	}
	return 0;
}

int bc_suppress_apply(struct bc_unit *u, const struct bc_analysis *a)
{
	struct bc_supps s;
	size_t first_new;
	int err;

	err = bc_suppress_scan(u->data, u->size, u->line_starts, u->nr_lines, &s);
	if (err)
		return err;
	if (!s.n && !s.nr_bad)
		return 0;
	for (size_t i = 0; i < u->diags.n; i++) {
		struct bc_diag *d = &u->diags.v[i];
		struct bc_supp_code *c;

		if (d->suppressed || is_self_rule(d->rule_id) || !belongs_to_unit(d, u))
			continue;
		c = find_cover(&s, bc_rule_get(d->rule_id), d->span.line, false);
		if (c) {
			d->suppressed = true;
			c->used = true;
		}
	}
	first_new = u->diags.n;
	err = report_findings(u, &s, a, !has_syntax_error(u));
	/* the reports about directives yield only to file directives */
	for (size_t i = first_new; !err && i < u->diags.n; i++) {
		struct bc_diag *d = &u->diags.v[i];
		struct bc_supp_code *c;

		c = find_cover(&s, bc_rule_get(d->rule_id), d->span.line, true);
		if (c) {
			d->suppressed = true;
			c->used = true;
		}
	}
	bc_supps_free(&s);
	return err;
}
