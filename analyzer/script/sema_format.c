// SPDX-License-Identifier: Apache-2.0
/*
 * Format strings of printf(), system(), cat(), debugf() (bpftrace
 * validate_format_string): the number of conversion specifiers against the
 * arguments, and each specifier's kind (integer, string, buffer) against
 * its argument's type; symbols, stacks, addresses and timestamps print as
 * strings, pointers as integers; debugf() takes at most 3.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sema_impl.h"

/* Most specifiers a format string is checked for (printf takes 128 arguments). */
#define FMT_MAX_TOKENS	130

static const struct bc_expr *arg(const struct bc_expr *e, size_t i)
{
	return i < e->u.call.args.n ? e->u.call.args.v[i] : NULL;
}

static const struct bc_stype *argt(struct sema_ctx *c, const struct bc_expr *e, size_t i)
{
	const struct bc_expr *a = arg(e, i);

	return a && a->type ? a->type : sema_none(c);
}

static const char *fmt_token(const char *p, const char **end)
{
	static const char *const lengths[] = { "hh", "ll", "h", "l", "j", "z", "t", "" };
	static const char specs[] = "duoxXp";

	/* longest valid token first */
	if (p[0] == 'r' && (p[1] == 'x' || p[1] == 'h')) {
		*end = p + 2;
		return "buffer";
	}
	if (p[0] == 'r') {
		*end = p + 1;
		return "buffer";
	}
	if (p[0] == 's') {
		*end = p + 1;
		return "string";
	}
	if (p[0] == 'c') {
		*end = p + 1;
		return "integer";
	}
	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		size_t n = strlen(lengths[i]);

		if (!strncmp(p, lengths[i], n) && p[n] && strchr(specs, p[n])) {
			*end = p + n + 1;
			return "integer";
		}
	}
	return NULL;
}

static const char *printf_arg_type(const struct bc_stype *t)
{
	switch (t->kind) {
	case BC_ST_KSYM: case BC_ST_USYM: case BC_ST_PROBE: case BC_ST_USERNAME:
	case BC_ST_KSTACK: case BC_ST_USTACK: case BC_ST_INET: case BC_ST_TIMESTAMP:
	case BC_ST_MACADDR: case BC_ST_CGROUP_PATH: case BC_ST_STRERROR:
		return "string";
	case BC_ST_POINTER: case BC_ST_BOOL:
		return "integer";
	default:
		return sema_kind_str(t);
	}
}

/*
 * 0.17 checks debugf() against bpf_trace_printk_format_types
 * (src/printf_format_types.h): the conversions bpf_trace_printk takes.
 */
static bool printk_token(const char *q, const char *end)
{
	static const char *const toks[] = { "d", "u", "x", "ld", "lu", "lx", "lld", "llu", "llx",
					    "p", "s", NULL };

	for (size_t i = 0; toks[i]; i++)
		if (strlen(toks[i]) == (size_t)(end - q) && !memcmp(toks[i], q, end - q))
			return true;
	return false;
}

/* bpftrace validate_format_string(): counts and kinds of the specifiers. */
void sema_check_format(struct sema_ctx *c, const struct bc_expr *e)
{
	const char *f = e->u.call.name, *fmt;
	const char *tok_type[FMT_MAX_TOKENS];
	char tok_text[FMT_MAX_TOKENS][8];
	size_t ntok = 0, nargs_ = e->u.call.args.n - 1;

	if (!sema_lit_str(arg(e, 0), &fmt))
		return;
	for (const char *p = fmt; *p && ntok < FMT_MAX_TOKENS; p++) {
		const char *q = p + 1, *end, *ty;

		if (*p != '%')
			continue;
		if (*q == '-')
			q++;
		while (isdigit((unsigned char)*q))
			q++;
		if (*q == '.' && isdigit((unsigned char)q[1])) {
			q++;
			while (isdigit((unsigned char)*q))
				q++;
		}
		ty = fmt_token(q, &end);
		if (!ty)
			continue;
		if (!strcmp(f, "debugf") && c->v < BC_BT(18) && !printk_token(q, end))
			ty = "none";
		snprintf(tok_text[ntok], sizeof(tok_text[0]), "%.*s", (int)(end - q), q);
		tok_type[ntok++] = ty;
		p = end - 1;
	}
	if (nargs_ < ntok) {
		sema_error(c, &e->span, "%s: Not enough arguments for format string (%zu supplied, "
			   "%zu expected)", f, nargs_, ntok);
		return;
	}
	if (nargs_ > ntok) {
		sema_error(c, &e->span, "%s: Too many arguments for format string (%zu supplied, "
			   "%zu expected)", f, nargs_, ntok);
		return;
	}
	if (!strcmp(f, "debugf") && nargs_ > 3) {
		sema_error(c, &e->span, "%s: Cannot use more than 3 conversion specifiers", f);
		return;
	}
	for (size_t i = 0; i < ntok; i++) {
		const struct bc_stype *t = argt(c, e, i + 1);
		const char *have;

		if (sema_void_call(c, arg(e, i + 1))) {
			sema_error(c, &e->span, "%s: %%%s specifier expects a value of type %s (none "
				   "supplied)", f, tok_text[i], tok_type[i]);
			return;
		}
		if (sema_is_none(t) || sema_is_guess(t))
			continue;
		have = printf_arg_type(t);
		if (!strcmp(tok_type[i], "none")) {
			sema_error(c, &e->span, "%s: Unknown format string token: %%%s", f, tok_text[i]);
			return;
		}
		if (t->kind == BC_ST_ENUM && c->v >= BC_BT(22))
			continue;	/* enums print as names or numbers */
		/* 0.24 (3049bbf41, "printf: use OpaqueValue for formatting"): %s prints
		 * any value; the integer conversions take integers, bools, pointers */
		if (c->v >= BC_BT(24) && !strcmp(tok_type[i], "string"))
			continue;
		if (c->v >= BC_BT(24) && strcmp(have, tok_type[i])) {
			sema_error(c, &e->span, "%s: unsupported format specifier for type '%s': %s",
				   f, sema_tname(c, t), tok_text[i]);
			return;
		}
		if (strcmp(have, tok_type[i])) {
			sema_error(c, &e->span, "%s: %%%s specifier expects a value of type %s (%s "
				   "supplied)", f, tok_text[i], tok_type[i], have);
			return;
		}
	}
}
