// SPDX-License-Identifier: Apache-2.0
/*
 * The bpftrace parser: token handling, diagnostics and recovery, and the
 * top level of a script (shebang, C definitions, config, imports, probes,
 * functions, macros, map declarations). Expressions are in parse_expr.c,
 * statements in parse_stmt.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/unit.h"
#include "parse_impl.h"

/* --- memory --- */

void *p_alloc(struct parser *p, size_t size)
{
	void *x = bc_arena_alloc(p->a, size);

	if (!x)
		longjmp(p->oom, 1);
	return x;
}

char *p_strndup(struct parser *p, const char *s, size_t len)
{
	char *x = bc_arena_strndup(p->a, s, len);

	if (!x)
		longjmp(p->oom, 1);
	return x;
}

void pv_push(struct parser *p, struct pvec *v, void *x)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		void **nv = p_alloc(p, cap * sizeof(*nv));

		if (v->n)
			memcpy(nv, v->v, v->n * sizeof(*nv));
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = x;
}

void **pv_finish(struct parser *p, struct pvec *v, size_t *n)
{
	void **out = NULL;

	*n = v->n;
	if (v->n) {
		out = p_alloc(p, v->n * sizeof(*out));
		memcpy(out, v->v, v->n * sizeof(*out));
	}
	return out;
}

/* --- spans and diagnostics --- */

struct bc_span mkspan(struct parser *p, uint32_t start, uint32_t end)
{
	struct bc_span sp = { .start = start, .end = end < start ? start : end };

	bc_unit_locate(p->u, &sp);
	return sp;
}

void extend_span(struct parser *p, struct bc_span *sp, uint32_t end)
{
	if (end > sp->end)
		*sp = mkspan(p, sp->start, end);
}

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void report(struct parser *p, uint32_t start, uint32_t end, const char *msg)
{
	struct bc_span sp;
	uint32_t h = hash_str(msg);

	if (p->fatal)
		return;
	for (size_t i = 0; i < p->nr_seen; i++)
		if (p->seen[i].start == start && p->seen[i].hash == h)
			return;
	if (p->nr_seen == p->cap_seen) {
		size_t cap = p->cap_seen ? p->cap_seen * 2 : 16;
		struct seen_error *n = p_alloc(p, cap * sizeof(*n));

		if (p->nr_seen)
			memcpy(n, p->seen, p->nr_seen * sizeof(*n));
		p->seen = n;
		p->cap_seen = cap;
	}
	p->seen[p->nr_seen].start = start;
	p->seen[p->nr_seen].hash = h;
	p->nr_seen++;

	sp = mkspan(p, start, end);
	if (!bc_diag_add(&p->u->diags, BC_RULE_SYNTAX_ERROR, p->u->display_path, &sp, "%s", msg) &&
	    errno == ENOMEM)
		longjmp(p->oom, 1);
	p->s->nr_errors++;
	if (p->s->nr_errors >= p->max_errors) {
		sp = mkspan(p, end, end);
		bc_diag_add(&p->u->diags, BC_RULE_SYNTAX_ERROR, p->u->display_path, &sp,
			    "too many errors (%u), stopping", p->s->nr_errors);
		p->s->nr_errors++;
		p->fatal = true;
	}
}

static void lex_error_cb(void *ctx, uint32_t start, uint32_t end, const char *msg)
{
	report(ctx, start, end, msg);
}

static void lex_expand_cb(void *ctx, uint32_t start, uint32_t end)
{
	struct parser *p = ctx;

	/* Lookahead can be lexed twice (after a #define); list a use once. */
	for (size_t i = p->features.n > 8 ? p->features.n - 8 : 0; i < p->features.n; i++) {
		struct bc_feature_use *fu = p->features.v[i];

		if (fu->feature == BC_FEAT_MACRO_EXPANSION && fu->span.start == start)
			return;
	}
	feature(p, BC_FEAT_MACRO_EXPANSION, start, end);
}

void perror_at(struct parser *p, uint32_t start, uint32_t end, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (p->panic)
		return;
	p->panic = true;
	/* a second error where the last one was is a cascade of it */
	if (p->have_last && p->last_start == start)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	report(p, start, end, buf);
	p->have_last = true;
	p->last_start = start;
}

void perror_soft(struct parser *p, uint32_t start, uint32_t end, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (p->panic)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	report(p, start, end, buf);
}

static const char *const reserved_words[] = {
	"if", "else", "unroll", "while", "for", "return", "continue", "break",
	"let", "import", "sizeof", "offsetof", "typeinfo", "comptime",
	"true", "false", NULL
};

bool is_reserved(const struct parser *p, const struct bc_token *t)
{
	if (t->kind != BC_TOK_IDENT)
		return false;
	for (int i = 0; reserved_words[i]; i++)
		if (is_kw(p, t, reserved_words[i]))
			return true;
	return false;
}

/* What "unexpected X" names: bison's token names for v0.17 users. */
static void describe(struct parser *p, const struct bc_token *t, char *buf, size_t n)
{
	if (t->kind == BC_TOK_IDENT) {
		const char *s = p->lx.src + t->text;

		if (is_reserved(p, t))
			snprintf(buf, n, "%.*s", (int)t->len, s);
		else if (bc_script_is_builtin(s, t->len))
			snprintf(buf, n, "builtin");
		else
			snprintf(buf, n, "identifier");
		return;
	}
	snprintf(buf, n, "%s", bc_tok_name(t->kind));
}

void unexpected(struct parser *p, const struct bc_token *t, const char *expecting)
{
	char what[64];
	uint32_t start = t->start, end = t->end;

	/* "unexpected end of file" points just after the last token, on its
	 * line, not at the empty end of the file */
	if (t->kind == BC_TOK_EOF && p->prev.end > 0 && p->prev.end < start)
		start = end = p->prev.end;
	describe(p, t, what, sizeof(what));
	if (expecting)
		perror_at(p, start, end, "syntax error, unexpected %s, expecting %s", what,
			  expecting);
	else
		perror_at(p, start, end, "syntax error, unexpected %s", what);
}

void feature(struct parser *p, enum bc_feature f, uint32_t start, uint32_t end)
{
	struct bc_feature_use *fu = p_alloc(p, sizeof(*fu));

	fu->feature = f;
	fu->min_version = bc_feature_min_version(f);
	fu->span = mkspan(p, start, end);
	pv_push(p, &p->features, fu);
}

bool enter(struct parser *p, const struct bc_token *at)
{
	if (p->fatal)
		return false;
	if (++p->depth > p->max_depth) {
		struct bc_span sp = mkspan(p, at->start, at->end);

		/* a limit of bpfcheck, not an error in the script: the unit
		 * fails (it could not be checked), no finding can hide it */
		p->panic = false;
		bc_unit_fail(p->u, -E2BIG, &sp, "nesting too deep (the limit is %u levels): "
			     "the script could not be checked", p->max_depth);
		p->s->nr_errors++;
		p->fatal = true;
		return false;
	}
	return true;
}

void leave(struct parser *p)
{
	p->depth--;
}

/* --- tokens --- */

const struct bc_token *peek(struct parser *p, int k)
{
	static const struct bc_token eof = { .kind = BC_TOK_EOF };

	while (p->nla <= k) {
		if (p->fatal) {
			/* Stop: everything unwinds on an end of file. Tokens
			 * already looked at stay what they were. */
			static _Thread_local struct bc_token fatal_eof;

			fatal_eof = eof;
			fatal_eof.start = fatal_eof.end = p->prev.end;
			return &fatal_eof;
		}
		bc_lex_next(&p->lx, &p->la[p->nla++]);
	}
	return &p->la[k];
}

struct bc_token next(struct parser *p)
{
	struct bc_token t = *peek(p, 0);

	if (p->nla == 0 || t.kind == BC_TOK_EOF)
		return t;
	memmove(&p->la[0], &p->la[1], (p->nla - 1) * sizeof(p->la[0]));
	p->nla--;
	p->prev = t;
	return t;
}

bool accept(struct parser *p, enum bc_tok kind)
{
	if (peek(p, 0)->kind != kind)
		return false;
	next(p);
	return true;
}

bool expect(struct parser *p, enum bc_tok kind, const char *expecting)
{
	if (accept(p, kind))
		return true;
	unexpected(p, peek(p, 0), expecting ? expecting : bc_tok_name(kind));
	return false;
}

bool is_kw(const struct parser *p, const struct bc_token *t, const char *kw)
{
	size_t n = strlen(kw);

	return t->kind == BC_TOK_IDENT && t->len == n && memcmp(p->lx.src + t->text, kw, n) == 0;
}

bool peek_kw(struct parser *p, int k, const char *kw)
{
	return is_kw(p, peek(p, k), kw);
}

char *tok_str(struct parser *p, const struct bc_token *t)
{
	return p_strndup(p, p->lx.src + t->text, t->len);
}

uint32_t relex_point(struct parser *p)
{
	uint32_t pos = p->nla ? p->la[0].start : p->lx.pos;

	/* Raw scans read the text at the use site, not a macro's body. */
	if (p->nla && p->la[0].start > p->prev.end && !(p->la[0].flags & BC_TOKF_MACRO))
		pos = p->la[0].start;
	p->nla = 0;
	p->lx.depth = 0;
	if (pos < p->prev.end)
		pos = p->prev.end;
	p->lx.pos = pos;
	return pos;
}

/* --- the tables of names --- */

static bool in_list(const char *const *list, const char *s, size_t len)
{
	for (int i = 0; list[i]; i++)
		if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
			return true;
	return false;
}

static bool digits_after(const char *s, size_t len, size_t prefix)
{
	if (len <= prefix)
		return false;
	for (size_t i = prefix; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool bc_script_is_builtin(const char *s, size_t len)
{
	static const char *const builtins[] = {
		/* v0.17 */
		"args", "cgroup", "comm", "cpid", "numaid", "cpu", "ctx", "curtask",
		"elapsed", "func", "gid", "nsecs", "pid", "probe", "rand", "retval",
		"tid", "uid", "username", "kstack", "ustack",
		/* later */
		"jiffies", "ncpus", "usermode",
		NULL
	};

	if (in_list(builtins, s, len))
		return true;
	if (len >= 3 && memcmp(s, "arg", 3) == 0 && digits_after(s, len, 3))
		return true;
	if (len >= 4 && memcmp(s, "sarg", 4) == 0 && digits_after(s, len, 4))
		return true;
	if (len > 10 && memcmp(s, "__builtin_", 10) == 0)
		return true;
	return false;
}

bool bc_script_is_v017_call(const char *s, size_t len)
{
	static const char *const calls[] = {
		"avg", "buf", "cat", "cgroupid", "clear", "count", "delete", "exit", "hist",
		"join", "kaddr", "kptr", "ksym", "lhist", "macaddr", "max", "min", "ntop",
		"override", "print", "printf", "cgroup_path", "reg", "signal", "sizeof",
		"stats", "str", "strerror", "strftime", "strncmp", "strcontains", "sum",
		"system", "time", "uaddr", "uptr", "usym", "zero", "path", "unwatch",
		"bswap", "skboutput", "pton", "debugf", "kstack", "ustack", NULL
	};

	return in_list(calls, s, len);
}

/* --- #define --- */

static void skip_hspace(const char *s, uint32_t *i, uint32_t end)
{
	while (*i < end && (s[*i] == ' ' || s[*i] == '\t'))
		(*i)++;
}

static void register_define(struct parser *p, const struct bc_token *t)
{
	const char *s = p->lx.src;
	uint32_t i = t->text + 1, end = t->text + t->len, name_start;
	struct bc_lex_macro m = { 0 };
	struct bc_define d = { 0 };
	struct pvec params = { 0 };

	skip_hspace(s, &i, end);
	if (end - i < 6 || memcmp(s + i, "define", 6) != 0 || bc_lex_is_ident_char(s[i + 6])) {
		if (end - i >= 5 && memcmp(s + i, "undef", 5) == 0) {
			i += 5;
			skip_hspace(s, &i, end);
			name_start = i;
			while (i < end && bc_lex_is_ident_char(s[i]))
				i++;
			for (size_t k = 0; k < p->macros.n; k++)
				if (strlen(p->macros.v[k].name) == i - name_start &&
				    memcmp(p->macros.v[k].name, s + name_start, i - name_start) == 0)
					p->macros.v[k].disabled = true;
		}
		return;
	}
	i += 6;
	skip_hspace(s, &i, end);
	if (i >= end || !bc_lex_is_ident_start(s[i]))
		return;
	name_start = i;
	while (i < end && bc_lex_is_ident_char(s[i]))
		i++;
	m.name = p_strndup(p, s + name_start, i - name_start);
	if (i < end && s[i] == '(') {
		m.function_like = true;
		i++;
		for (;;) {
			uint32_t ps;

			skip_hspace(s, &i, end);
			if (i < end && s[i] == ')') {
				i++;
				break;
			}
			if (i >= end || !bc_lex_is_ident_start(s[i]))
				return;	/* variadic or malformed: left to the C compiler */
			ps = i;
			while (i < end && bc_lex_is_ident_char(s[i]))
				i++;
			pv_push(p, &params, p_strndup(p, s + ps, i - ps));
			skip_hspace(s, &i, end);
			if (i < end && s[i] == ',') {
				i++;
				continue;
			}
			if (i < end && s[i] == ')') {
				i++;
				break;
			}
			return;
		}
	}
	skip_hspace(s, &i, end);

	/* The body's tokens, lexed once; expansion copies them. */
	{
		struct bc_lexer sub;
		struct bc_token bt;
		struct pvec body = { 0 };

		bc_lex_init(&sub, s, p->lx.size, p->v017);
		sub.pos = i;
		sub.limit = end;
		sub.error = lex_error_cb;
		sub.ctx = p;
		for (;;) {
			struct bc_token *copy;

			bc_lex_raw(&sub, &bt);
			if (bt.kind == BC_TOK_EOF)
				break;
			copy = p_alloc(p, sizeof(*copy));
			*copy = bt;
			pv_push(p, &body, copy);
		}
		m.nr_body = body.n;
		m.body = p_alloc(p, (body.n ? body.n : 1) * sizeof(*m.body));
		for (size_t k = 0; k < body.n; k++)
			m.body[k] = *(struct bc_token *)body.v[k];
	}
	{
		size_t n;

		m.params = (const char **)pv_finish(p, &params, &n);
		m.nr_params = n;
	}
	if (p->macros.n == p->macros.cap) {
		size_t cap = p->macros.cap ? p->macros.cap * 2 : 16;
		struct bc_lex_macro *v = p_alloc(p, cap * sizeof(*v));

		if (p->macros.n)
			memcpy(v, p->macros.v, p->macros.n * sizeof(*v));
		p->macros.v = v;
		p->macros.cap = cap;
	}
	p->macros.v[p->macros.n++] = m;

	d.name = m.name;
	d.span = mkspan(p, t->start, t->end);
	d.function_like = m.function_like;
	d.nr_params = m.nr_params;
	d.params = m.params;
	d.body_start = i;
	d.body_end = end;
	{
		struct bc_define *nd = p_alloc(p, (p->s->nr_defines + 1) * sizeof(*nd));

		if (p->s->nr_defines)
			memcpy(nd, p->s->defines, p->s->nr_defines * sizeof(*nd));
		nd[p->s->nr_defines++] = d;
		p->s->defines = nd;
	}
}

/* --- top level --- */

static struct bc_cdef *new_cdef(struct parser *p, enum bc_cdef_kind kind, uint32_t start,
				uint32_t end)
{
	struct bc_cdef *c = p_alloc(p, sizeof(*c));

	c->kind = kind;
	c->span = mkspan(p, start, end);
	c->text = p_strndup(p, p->lx.src + start, end - start);
	return c;
}

static struct bc_cdef *parse_cpreproc(struct parser *p, bool late)
{
	struct bc_token t = next(p);
	struct bc_cdef *c = new_cdef(p, BC_CDEF_PREPROC, t.start, t.end);

	if (late)
		perror_soft(p, t.start, t.end,
			    "C definitions must appear before probes and functions");
	if (!(t.flags & BC_TOKF_MACRO)) {
		size_t before = p->macros.n;

		register_define(p, &t);
		/* Tokens already looked at were lexed without the new macro. */
		if (p->macros.n != before && p->nla)
			relex_point(p);
	}
	return c;
}

static struct bc_cdef *parse_cdef(struct parser *p, bool late)
{
	uint32_t start = relex_point(p), end, q;
	const char *s = p->lx.src;
	struct bc_cdef *c;
	bool ok;

	end = bc_lex_scan_c_definition(&p->lx, start, &ok);
	if (!ok)
		perror_soft(p, start, end, "unterminated C definition: missing '}'");
	/* __attribute__((...)) after the closing brace, then an optional ';' */
	for (;;) {
		q = bc_lex_skip_layout(&p->lx, end, false, NULL);
		if (p->lx.size - q >= 13 && memcmp(s + q, "__attribute__", 13) == 0) {
			uint32_t r = bc_lex_skip_layout(&p->lx, q + 13, false, NULL);
			int depth = 0;

			if (s[r] != '(')
				break;
			do {
				if (s[r] == '(')
					depth++;
				else if (s[r] == ')')
					depth--;
				r++;
			} while (depth > 0 && r < p->lx.size);
			end = r;
			continue;
		}
		if (s[q] == ';')
			end = q + 1;
		break;
	}
	c = new_cdef(p, BC_CDEF_STRUCT, start, end);
	{
		uint32_t i = start, ks;

		while (bc_lex_is_ident_char(s[i]))
			i++;
		c->keyword = p_strndup(p, s + start, i - start);
		for (;;) {
			i = bc_lex_skip_layout(&p->lx, i, false, NULL);
			if (p->lx.size - i >= 13 && memcmp(s + i, "__attribute__", 13) == 0) {
				int depth = 0;

				i = bc_lex_skip_layout(&p->lx, i + 13, false, NULL);
				while (i < end) {
					if (s[i] == '(')
						depth++;
					else if (s[i] == ')' && --depth == 0) {
						i++;
						break;
					}
					i++;
				}
				continue;
			}
			break;
		}
		ks = i;
		while (i < end && bc_lex_is_ident_char(s[i]))
			i++;
		c->name = p_strndup(p, s + ks, i - ks);
	}
	if (late)
		perror_soft(p, start, end, "C definitions must appear before probes and functions");
	p->lx.pos = end;
	p->prev.end = end;
	return c;
}

static char *string_value(struct parser *p, const struct bc_token *t, size_t *len)
{
	char *out = p_alloc(p, t->len + 1);
	size_t n = bc_lex_string_decode(p->lx.src + t->text, t->len, out);

	out[n] = 0;
	if (len)
		*len = n;
	return out;
}

static struct bc_config *parse_config(struct parser *p)
{
	struct bc_token kw = next(p);
	struct bc_config *cfg = p_alloc(p, sizeof(*cfg));
	struct pvec entries = { 0 };
	size_t n;

	feature(p, BC_FEAT_CONFIG, kw.start, kw.end);
	expect(p, BC_TOK_ASSIGN, "=");
	if (!p->panic)
		expect(p, BC_TOK_LBRACE, "{");
	while (!p->panic && peek(p, 0)->kind != BC_TOK_RBRACE && peek(p, 0)->kind != BC_TOK_EOF) {
		struct bc_token key = *peek(p, 0), val;
		struct bc_config_entry *e;

		if (key.kind != BC_TOK_IDENT) {
			unexpected(p, &key, "identifier");
			break;
		}
		next(p);
		if (!expect(p, BC_TOK_ASSIGN, "="))
			break;
		val = *peek(p, 0);
		e = p_alloc(p, sizeof(*e));
		e->key = tok_str(p, &key);
		e->value_span = mkspan(p, val.start, val.end);
		if (val.kind == BC_TOK_INT) {
			struct bc_expr *ie = parse_int_token(p, &val);

			next(p);
			e->kind = BC_CONFIG_INT;
			e->value = ie->u.num.value;
			e->text = ie->u.num.text;
		} else if (val.kind == BC_TOK_STRING) {
			next(p);
			e->kind = BC_CONFIG_STRING;
			e->text = string_value(p, &val, NULL);
		} else if (is_kw(p, &val, "true") || is_kw(p, &val, "false")) {
			next(p);
			e->kind = BC_CONFIG_BOOL;
			e->value = is_kw(p, &val, "true");
			e->text = tok_str(p, &val);
		} else if (val.kind == BC_TOK_IDENT) {
			next(p);
			e->kind = BC_CONFIG_IDENT;
			e->text = tok_str(p, &val);
		} else {
			unexpected(p, &val, "integer, string, boolean or identifier");
			break;
		}
		e->span = mkspan(p, key.start, val.end);
		pv_push(p, &entries, e);
		if (accept(p, BC_TOK_SEMI)) {
			extend_span(p, &e->span, p->prev.end);
			continue;
		}
		if (peek(p, 0)->kind != BC_TOK_RBRACE)
			unexpected(p, peek(p, 0), "; or }");
	}
	if (p->panic) {
		/* skip the rest of the block */
		while (peek(p, 0)->kind != BC_TOK_EOF && peek(p, 0)->kind != BC_TOK_RBRACE)
			next(p);
		accept(p, BC_TOK_RBRACE);
	} else {
		expect(p, BC_TOK_RBRACE, "}");
	}
	cfg->span = mkspan(p, kw.start, p->prev.end);
	cfg->n = entries.n;
	cfg->entries = p_alloc(p, (entries.n ? entries.n : 1) * sizeof(*cfg->entries));
	for (size_t i = 0; i < entries.n; i++)
		cfg->entries[i] = *(struct bc_config_entry *)entries.v[i];
	(void)n;
	return cfg;
}

static struct bc_import *parse_import(struct parser *p)
{
	struct bc_token kw = next(p), path;
	struct bc_import *imp = p_alloc(p, sizeof(*imp));

	feature(p, BC_FEAT_IMPORT, kw.start, kw.end);
	path = *peek(p, 0);
	if (path.kind == BC_TOK_STRING) {
		next(p);
		imp->path = string_value(p, &path, NULL);
	} else {
		unexpected(p, &path, "string");
		imp->path = "";
	}
	if (!p->panic)
		expect(p, BC_TOK_SEMI, ";");
	imp->span = mkspan(p, kw.start, p->prev.end);
	return imp;
}

/* Top-level recovery: skip to the end of the next balanced block. */
static void sync_top(struct parser *p)
{
	int depth = 0;

	for (;;) {
		const struct bc_token *t = peek(p, 0);

		if (t->kind == BC_TOK_EOF)
			break;
		if (t->kind == BC_TOK_LBRACE) {
			depth++;
		} else if (t->kind == BC_TOK_RBRACE) {
			next(p);
			if (--depth <= 0)
				break;
			continue;
		}
		next(p);
	}
	p->panic = false;
}

static struct bc_probe *parse_probe(struct parser *p)
{
	struct bc_probe *pr = p_alloc(p, sizeof(*pr));
	struct pvec aps = { 0 };
	uint32_t pos = relex_point(p), start, end;
	const char *s = p->lx.src;

	start = pos = bc_lex_skip_layout(&p->lx, pos, true, NULL);
	for (;;) {
		end = bc_lex_scan_attach_point(&p->lx, pos);
		if (end == pos) {
			struct bc_token t;

			p->lx.pos = pos;
			bc_lex_next(&p->lx, &t);
			p->la[0] = t;
			p->nla = 1;
			unexpected(p, &t, aps.n ? "attach point" : NULL);
			break;
		}
		pv_push(p, &aps, parse_attach_point_text(p, pos, end));
		p->prev.end = end;
		pos = bc_lex_skip_layout(&p->lx, end, true, NULL);
		if (s[pos] != ',' || pos >= p->lx.size)
			break;
		{
			uint32_t comma = pos;

			pos = bc_lex_skip_layout(&p->lx, pos + 1, true, NULL);
			p->prev.end = comma + 1;
			if (s[pos] == '{' || (s[pos] == '/' && s[pos + 1] != '/' && s[pos + 1] != '*')) {
				feature(p, BC_FEAT_TRAILING_COMMA, comma, comma + 1);
				break;
			}
		}
	}
	pr->aps = (struct bc_attach_point **)pv_finish(p, &aps, &pr->nr_aps);
	if (!p->panic) {
		p->lx.pos = p->prev.end;
		p->nla = 0;
		if (peek(p, 0)->kind == BC_TOK_SLASH) {
			struct bc_token open = next(p);

			pr->pred = parse_expr(p);
			if (!p->panic)
				expect(p, BC_TOK_ENDPRED, "end predicate");
			pr->pred_span = mkspan(p, open.start, p->prev.end);
		}
	}
	if (!p->panic) {
		if (peek(p, 0)->kind == BC_TOK_EOF && p->v017)
			perror_at(p, p->prev.end, p->prev.end, "unexpected end of file, expected {");
		pr->body = parse_block(p, false);
	}
	if (!pr->body) {
		sync_top(p);
		pr->body = p_alloc(p, sizeof(*pr->body));
		pr->body->span = mkspan(p, p->prev.end, p->prev.end);
	}
	pr->span = mkspan(p, start, p->prev.end);
	return pr;
}

static struct bc_type *parse_type_after_colon(struct parser *p)
{
	if (!expect(p, BC_TOK_COLON, ":"))
		return NULL;
	return parse_type(p);
}

static struct bc_fn *parse_fn(struct parser *p)
{
	struct bc_token kw = next(p), name = next(p);
	struct bc_fn *fn = p_alloc(p, sizeof(*fn));
	struct pvec args = { 0 };

	feature(p, BC_FEAT_FN, kw.start, name.end);
	fn->name = tok_str(p, &name);
	fn->name_span = mkspan(p, name.start, name.end);
	if (expect(p, BC_TOK_LPAREN, "(") && !accept(p, BC_TOK_RPAREN)) {
		for (;;) {
			struct bc_token v = *peek(p, 0);
			struct bc_fn_arg *a;

			if (v.kind != BC_TOK_VAR) {
				unexpected(p, &v, "variable");
				break;
			}
			next(p);
			a = p_alloc(p, sizeof(*a));
			a->var = new_expr(p, BC_EXPR_VAR, v.start, v.end);
			a->var->u.name = p_strndup(p, p->lx.src + v.text + 1, v.len - 1);
			a->type = parse_type_after_colon(p);
			a->span = mkspan(p, v.start, p->prev.end);
			pv_push(p, &args, a);
			if (p->panic || !accept(p, BC_TOK_COMMA))
				break;
		}
		if (!p->panic)
			expect(p, BC_TOK_RPAREN, ")");
	}
	fn->nr_args = args.n;
	fn->args = p_alloc(p, (args.n ? args.n : 1) * sizeof(*fn->args));
	for (size_t i = 0; i < args.n; i++)
		fn->args[i] = *(struct bc_fn_arg *)args.v[i];
	if (!p->panic)
		fn->ret = parse_type_after_colon(p);
	if (!p->panic)
		fn->body = parse_block(p, false);
	if (!fn->body) {
		sync_top(p);
		fn->body = p_alloc(p, sizeof(*fn->body));
		fn->body->span = mkspan(p, p->prev.end, p->prev.end);
	}
	fn->span = mkspan(p, kw.start, p->prev.end);
	return fn;
}

static struct bc_macro *parse_macro(struct parser *p)
{
	struct bc_token kw = next(p), name = next(p);
	struct bc_macro *m = p_alloc(p, sizeof(*m));
	struct pvec args = { 0 };

	feature(p, BC_FEAT_MACRO, kw.start, name.end);
	m->name = tok_str(p, &name);
	m->name_span = mkspan(p, name.start, name.end);
	if (expect(p, BC_TOK_LPAREN, "(") && !accept(p, BC_TOK_RPAREN)) {
		for (;;) {
			struct bc_token a = *peek(p, 0);
			struct bc_expr *e;

			if (a.kind == BC_TOK_VAR) {
				e = new_expr(p, BC_EXPR_VAR, a.start, a.end);
				e->u.name = p_strndup(p, p->lx.src + a.text + 1, a.len - 1);
			} else if (a.kind == BC_TOK_MAP) {
				e = new_expr(p, BC_EXPR_MAP, a.start, a.end);
				e->u.map.name = p_strndup(p, p->lx.src + a.text + 1, a.len - 1);
			} else if (a.kind == BC_TOK_IDENT && !is_reserved(p, &a)) {
				if (bc_script_is_builtin(p->lx.src + a.text, a.len)) {
					perror_at(p, a.start, a.end,
						  "builtin '%.*s' can't be used as a macro argument",
						  (int)a.len, p->lx.src + a.text);
					break;
				}
				e = new_expr(p, BC_EXPR_IDENT, a.start, a.end);
				e->u.name = tok_str(p, &a);
			} else {
				unexpected(p, &a, "variable, map or identifier");
				break;
			}
			next(p);
			pv_push(p, &args, e);
			if (!accept(p, BC_TOK_COMMA))
				break;
		}
		if (!p->panic)
			expect(p, BC_TOK_RPAREN, ")");
	}
	m->args.v = (struct bc_expr **)pv_finish(p, &args, &m->args.n);
	if (!p->panic)
		m->body = parse_block(p, true);
	if (!m->body) {
		sync_top(p);
		m->body = p_alloc(p, sizeof(*m->body));
		m->body->span = mkspan(p, p->prev.end, p->prev.end);
	}
	m->span = mkspan(p, kw.start, p->prev.end);
	return m;
}

static struct bc_map_decl *parse_map_decl(struct parser *p)
{
	struct bc_token kw = next(p), map = next(p), type;
	struct bc_map_decl *d = p_alloc(p, sizeof(*d));

	feature(p, BC_FEAT_MAP_DECL, kw.start, map.end);
	d->map = p_strndup(p, p->lx.src + map.text + 1, map.len - 1);
	d->type = "";
	if (expect(p, BC_TOK_ASSIGN, "=")) {
		type = *peek(p, 0);
		if (type.kind != BC_TOK_IDENT) {
			unexpected(p, &type, "identifier");
		} else {
			next(p);
			d->type = tok_str(p, &type);
			if (expect(p, BC_TOK_LPAREN, "(")) {
				struct bc_token n = *peek(p, 0);

				if (n.kind == BC_TOK_INT) {
					next(p);
					d->max_entries = parse_int_token(p, &n)->u.num.value;
					if (expect(p, BC_TOK_RPAREN, ")"))
						expect(p, BC_TOK_SEMI, ";");
				} else {
					unexpected(p, &n, "integer");
				}
			}
		}
	}
	if (p->panic) {
		while (peek(p, 0)->kind != BC_TOK_EOF && peek(p, 0)->kind != BC_TOK_SEMI &&
		       peek(p, 0)->kind != BC_TOK_RBRACE)
			next(p);
		accept(p, BC_TOK_SEMI);
		p->panic = false;
	}
	d->span = mkspan(p, kw.start, p->prev.end);
	return d;
}

static void add_item(struct parser *p, struct pvec *items, enum bc_item_kind kind, void *x)
{
	struct bc_item *it = p_alloc(p, sizeof(*it));

	it->kind = kind;
	it->u.probe = x;	/* all members are pointers */
	switch (kind) {
	case BC_ITEM_PROBE: it->u.probe = x; break;
	case BC_ITEM_FN: it->u.fn = x; break;
	case BC_ITEM_MACRO: it->u.macro = x; break;
	case BC_ITEM_MAP_DECL: it->u.map_decl = x; break;
	}
	pv_push(p, items, it);
}

static void parse_program(struct parser *p)
{
	struct bc_script *s = p->s;
	struct pvec cdefs = { 0 }, imports = { 0 }, items = { 0 };
	bool seen_items = false, seen_preamble = false;
	size_t nprobes = 0;

	if (p->lx.size >= 2 && p->lx.src[0] == '#' && p->lx.src[1] == '!') {
		uint32_t e = 0;

		while (e < p->lx.size && p->lx.src[e] != '\n' && p->lx.src[e] != 0)
			e++;
		s->has_shebang = true;
		s->shebang = mkspan(p, 0, e);
		s->shebang_text = p_strndup(p, p->lx.src, e);
	}

	for (;;) {
		const struct bc_token *t = peek(p, 0);
		uint32_t before = t->start;
		int nla_before = p->nla;

		if (t->kind == BC_TOK_EOF || p->fatal)
			break;
		p->panic = false;
		if (t->kind == BC_TOK_CPREPROC && (t->flags & BC_TOKF_MACRO)) {
			/* a macro whose body is a preprocessor line */
			unexpected(p, t, NULL);
			next(p);
		} else if (t->kind == BC_TOK_CPREPROC) {
			pv_push(p, &cdefs, parse_cpreproc(p, seen_items || seen_preamble));
		} else if ((is_kw(p, t, "struct") || is_kw(p, t, "union") || is_kw(p, t, "enum")) &&
			   !(t->flags & BC_TOKF_MACRO) &&
			   bc_lex_looks_like_c_definition(&p->lx, t->start)) {
			pv_push(p, &cdefs, parse_cdef(p, seen_items || seen_preamble));
		} else if (is_kw(p, t, "config") && peek(p, 1)->kind == BC_TOK_ASSIGN) {
			uint32_t st = t->start;
			struct bc_config *cfg = parse_config(p);

			if (seen_items)
				perror_soft(p, st, cfg->span.end,
					    "config must appear before probes and functions");
			else if (s->config)
				perror_soft(p, st, cfg->span.end, "duplicate config block");
			if (!s->config)
				s->config = cfg;
			seen_preamble = true;
		} else if (is_kw(p, t, "import") && peek(p, 1)->kind == BC_TOK_STRING) {
			struct bc_import *imp = parse_import(p);

			if (seen_items)
				perror_soft(p, imp->span.start, imp->span.end,
					    "root imports must appear before probes and functions");
			pv_push(p, &imports, imp);
			seen_preamble = true;
		} else if (is_kw(p, t, "fn") && peek(p, 1)->kind == BC_TOK_IDENT) {
			add_item(p, &items, BC_ITEM_FN, parse_fn(p));
			seen_items = true;
		} else if (is_kw(p, t, "macro") && peek(p, 1)->kind == BC_TOK_IDENT &&
			   peek(p, 2)->kind == BC_TOK_LPAREN) {
			add_item(p, &items, BC_ITEM_MACRO, parse_macro(p));
			seen_items = true;
		} else if (is_kw(p, t, "let") && peek(p, 1)->kind == BC_TOK_MAP) {
			add_item(p, &items, BC_ITEM_MAP_DECL, parse_map_decl(p));
			seen_items = true;
		} else if (is_kw(p, t, "let")) {
			perror_at(p, t->start, t->end,
				  "root-level let statements need to be map declarations, e.g. let @a = hash(2);");
			sync_top(p);
		} else {
			add_item(p, &items, BC_ITEM_PROBE, parse_probe(p));
			nprobes++;
			seen_items = true;
		}
		/* Never loop without consuming input. */
		if (!p->fatal && p->prev.end <= before && peek(p, 0)->start <= before &&
		    peek(p, 0)->kind != BC_TOK_EOF) {
			(void)nla_before;
			next(p);
		}
	}
	if (p->v017 && nprobes == 0 && !p->fatal) {
		const struct bc_token *t = peek(p, 0);

		p->panic = false;
		perror_at(p, t->start, t->end, "syntax error, unexpected end of file");
	}
	s->cdefs = (struct bc_cdef **)pv_finish(p, &cdefs, &s->nr_cdefs);
	s->imports = (struct bc_import **)pv_finish(p, &imports, &s->nr_imports);
	s->nr_items = items.n;
	s->items = p_alloc(p, (items.n ? items.n : 1) * sizeof(*s->items));
	for (size_t i = 0; i < items.n; i++)
		s->items[i] = *(struct bc_item *)items.v[i];
	s->nr_features = p->features.n;
	s->features = p_alloc(p, (p->features.n ? p->features.n : 1) * sizeof(*s->features));
	for (size_t i = 0; i < p->features.n; i++)
		s->features[i] = *(struct bc_feature_use *)p->features.v[i];
}

void bc_script_free(struct bc_script *s)
{
	struct bc_arena a;

	if (!s)
		return;
	a = s->arena;
	bc_arena_free(&a);
}

/* The only place that catches an allocation failure (longjmp from p_alloc). */
static int run_guarded(struct parser *p, void (*fn)(struct parser *))
{
	if (setjmp(p->oom))
		return -ENOMEM;
	fn(p);
	return 0;
}

static void script_free_cb(void *s)
{
	bc_script_free(s);
}

int bc_script_parse(struct bc_unit *u, const struct bc_parse_opts *opts, struct bc_script **out)
{
	static const struct bc_parse_opts defaults;
	struct bc_arena a = { 0 };
	struct parser *p;
	struct bc_script *s;
	size_t max_size;
	int ret;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	s = bc_arena_alloc(&a, sizeof(*s));
	if (!s) {
		free(p);
		return -ENOMEM;
	}
	p->a = &a;
	p->u = u;
	p->s = s;
	s->unit = u;
	s->bpftrace = opts->bpftrace;
	p->version = opts->bpftrace;
	p->v017 = opts->bpftrace > 0 && opts->bpftrace < BC_BPFTRACE_V017_END;
	p->max_depth = opts->max_depth ? opts->max_depth : BC_SCRIPT_MAX_DEPTH;
	p->max_errors = opts->max_errors ? opts->max_errors : BC_SCRIPT_MAX_ERRORS;
	max_size = opts->max_size ? opts->max_size : BC_SCRIPT_MAX_SIZE;
	if (max_size > UINT32_MAX - 1)
		max_size = UINT32_MAX - 1;

	if (u->size > max_size) {
		struct bc_span sp = { 0 };

		bc_unit_locate(u, &sp);
		bc_unit_fail(u, -EFBIG, &sp, "script too large (%zu bytes; the limit is %zu): "
			     "the script could not be checked", u->size, max_size);
		s->nr_errors = 1;
		s->arena = a;
		*out = s;
		free(p);
		return -EFBIG;
	}
	bc_lex_init(&p->lx, (const char *)u->data, (uint32_t)u->size, p->v017);
	p->lx.error = lex_error_cb;
	p->lx.ctx = p;
	p->lx.arena = &a;
	p->lx.expanded = &p->expanded;
	p->lx.expand = lex_expand_cb;
	if (!opts->no_macros)
		p->lx.macros = &p->macros;
	s->span.start = 0;
	s->span.end = (uint32_t)u->size;
	bc_unit_locate(u, &s->span);

	if (run_guarded(p, parse_program)) {
		bc_arena_free(&a);
		free(p);
		return -ENOMEM;
	}

	ret = s->nr_errors ? -EINVAL : 0;
	s->arena = a;
	*out = s;
	free(p);
	return ret;
}

int bc_script_parse_unit(struct bc_unit *u, const struct bc_parse_opts *opts)
{
	struct bc_script *s;
	int ret = bc_script_parse(u, opts, &s);

	if (!s)
		return ret;
	if (u->script && u->script_free)
		u->script_free(u->script);
	u->script = s;
	u->script_free = script_free_cb;
	return ret;
}
