// SPDX-License-Identifier: Apache-2.0
/*
 * Builtin variables and function calls: availability in the target version
 * (builtins.h), probe types, argument counts, kinds and literals, the
 * per-function checks bpftrace makes (lhist ranges, stack limits, format
 * strings, ...) and the result types. Calls to script fns (0.21+) and macros
 * (0.24+) are typed from their definitions.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema_impl.h"
#include "../base/sbuf.h"
#include "macro_expand.h"
#include "../base/array.h"

/* x86-64 struct pt_regs members bpftrace's reg() accepts (arch/x86_64.cpp). */
static const char *const x86_64_regs[] = {
	"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8", "ax", "cx",
	"dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss",
};

/* ---- argument checks ---- */

static bool is_int_or_ptr(const struct bc_stype *t)
{
	return sema_is_int(t) || sema_is_ptr(t) || (t && t->kind == BC_ST_BOOL);
}

static size_t nargs(const struct bc_expr *e)
{
	return e->u.call.args.n;
}

static struct bc_expr *arg(const struct bc_expr *e, size_t i)
{
	return i < e->u.call.args.n ? e->u.call.args.v[i] : NULL;
}

static const struct bc_stype *argt(struct sema_ctx *c, const struct bc_expr *e, size_t i)
{
	struct bc_expr *a = arg(e, i);

	return a && a->type ? a->type : sema_none(c);
}

static void nargs_error(struct sema_ctx *c, const struct bc_expr *e, const struct bc_builtin *b)
{
	const char *f = e->u.call.name;
	size_t n = nargs(e);

	if (b->min_args == b->max_args) {
		if (!b->min_args)
			sema_error(c, &e->span, "%s() requires no arguments (%zu provided)", f, n);
		else if (b->min_args == 1)
			sema_error(c, &e->span, "%s() requires one argument (%zu provided)", f, n);
		else
			sema_error(c, &e->span, "%s() requires %u arguments (%zu provided)", f,
				   b->min_args, n);
	} else if (n < b->min_args) {
		if (b->min_args == 1)
			sema_error(c, &e->span, "%s() requires at least one argument (%zu provided)",
				   f, n);
		else
			sema_error(c, &e->span, "%s() requires at least %u arguments (%zu provided)",
				   f, b->min_args, n);
	} else if (!b->max_args) {
		sema_error(c, &e->span, "%s() requires no arguments (%zu provided)", f, n);
	} else if (b->max_args == 1) {
		sema_error(c, &e->span, "%s() takes up to one argument (%zu provided)", f, n);
	} else {
		sema_error(c, &e->span, "%s() takes up to %u arguments (%zu provided)", f,
			   b->max_args, n);
	}
}

/* check_arg: TYPE is bpftrace's Type name of what is wanted. */
static bool want(struct sema_ctx *c, const struct bc_expr *e, size_t i, const char *type,
		 bool literal)
{
	const struct bc_expr *a = arg(e, i);
	const struct bc_stype *t = argt(c, e, i);
	const char *have = sema_kind_str(t);
	bool ok = !strcmp(have, type) || (!strcmp(type, "integer") && t->kind == BC_ST_BOOL);

	if (!a || sema_is_none(t))
		return false;
	if (sema_is_guess(t) && !literal)
		return true;
	if (literal && (!sema_is_literal(a) || !ok)) {
		sema_error(c, &e->span, "%s() expects a%s %s literal (%s provided)", e->u.call.name,
			   type[0] == 'i' ? "n" : "", type, have);
		if (!strcmp(type, "string") && a->kind == BC_EXPR_PARAM)
			sema_error(c, &a->span, "Use str($%ld) to treat $%ld as a string", a->u.param,
				   a->u.param);
		return false;
	}
	if (!ok) {
		sema_error(c, &e->span, "%s() only supports %s arguments (%s provided)",
			   e->u.call.name, type, have);
		return false;
	}
	return true;
}

/* ---- map arguments ---- */

static enum bc_map_use_kind map_use_of(const char *f)
{
	if (!strcmp(f, "clear"))
		return BC_MAP_USE_CLEAR;
	if (!strcmp(f, "zero"))
		return BC_MAP_USE_ZERO;
	if (!strcmp(f, "delete"))
		return BC_MAP_USE_DELETE;
	if (!strcmp(f, "len"))
		return BC_MAP_USE_LEN;
	if (!strcmp(f, "print"))
		return BC_MAP_USE_PRINT;
	if (!strcmp(f, "has_key"))
		return BC_MAP_USE_HAS_KEY;
	return BC_MAP_USE_READ;
}

/* A map argument of clear/zero/print/delete/len/has_key: a use, not a read. */
static void map_arg(struct sema_ctx *c, struct bc_expr *call, struct bc_expr *m,
		    enum bc_arg_kind kind)
{
	const char *f = call->u.call.name;
	bool validate = kind == BC_ARG_MAP;	/* delete(@m[k]) checks the key */
	struct bc_sema_map *map = sema_map_get(c, m);

	if ((kind == BC_ARG_MAP_NOKEY || (!strcmp(f, "print") && c->v < BC_BT(22))) &&
	    m->u.map.has_keys)
		sema_error(c, &call->span, "The map passed to %s() should not be indexed by a key", f);
	sema_map_keys(c, m, validate && m->u.map.has_keys);
	m->type = map && map->value ? map->value : sema_none(c);
	if (map && sema_is_none(map->value) && !map->declared)
		sema_map_undefined(c, map, &m->span);
	sema_map_use(c, m, map_use_of(f), call, &call->span);
}

static bool is_map_fn(const struct bc_builtin *b, size_t i)
{
	enum bc_arg_kind k = bc_builtin_arg_kind(b, i);

	return k == BC_ARG_MAP || k == BC_ARG_MAP_NOKEY || (!strcmp(b->name, "len") && i == 0);
}

/* ---- per-function checks ---- */

static bool valid_signal(const char *s)
{
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (int i = 1; i < NSIG; i++) {
		const char *n = sigabbrev_np(i);

		if (n && !strcmp(n, s))
			return true;
	}
	return false;
}

static void check_lhist(struct sema_ctx *c, struct bc_expr *e)
{
	int64_t min, max, step;

	if (nargs(e) != 4)
		return;
	if (!sema_lit_int(c, arg(e, 1), &min)) {
		if (arg(e, 1)->kind != BC_EXPR_PARAM)
			sema_error(c, &e->span, "lhist: invalid min value");
		return;
	}
	if (!sema_lit_int(c, arg(e, 2), &max)) {
		if (arg(e, 2)->kind != BC_EXPR_PARAM)
			sema_error(c, &e->span, "lhist: invalid max value");
		return;
	}
	if (!sema_lit_int(c, arg(e, 3), &step)) {
		if (arg(e, 3)->kind != BC_EXPR_PARAM)
			sema_error(c, &e->span, "lhist: invalid step value");
		return;
	}
	if (step <= 0) {
		sema_error(c, &e->span, "lhist() step must be >= 1 (%lld provided)", (long long)step);
	} else {
		int64_t buckets = (max - min) / step;

		if (buckets > BT_LHIST_MAX_BUCKETS)
			sema_error(c, &e->span, "lhist() too many buckets, must be <= %d (would need "
				   "%lld)", BT_LHIST_MAX_BUCKETS, (long long)buckets);
	}
	if (min < 0)
		sema_error(c, &e->span, "lhist() min must be non-negative (provided min %lld)",
			   (long long)min);
	if (min > max)
		sema_error(c, &e->span, "lhist() min must be less than max (provided min %lld and "
			   "max %lld)", (long long)min, (long long)max);
	if (step > 0 && max - min < step)
		sema_error(c, &e->span, "lhist() step is too large for the given range (provided "
			   "step %lld for range %lld)", (long long)step, (long long)(max - min));
}

/*
 * tseries(value, interval_ns, num_intervals[, "agg"]) (0.24+,
 * semantic_analyser.cpp visit(Call) "tseries"): the interval and count are
 * non-negative literals (a negative one is refused as not a literal),
 * 1 <= num_intervals <= 1000000, the aggregation one of avg, max, min, sum.
 */
static void check_tseries(struct sema_ctx *c, struct bc_expr *e)
{
	static const char *const what[] = { "interval_ns", "num_intervals" };
	const char *agg;
	int64_t v;

	if (nargs(e) < 3)
		return;
	for (size_t i = 0; i < 2; i++) {
		struct bc_expr *a = arg(e, i + 1);

		if (a->kind == BC_EXPR_PARAM)
			return;
		if (a->kind != BC_EXPR_INT || !sema_lit_int(c, a, &v)) {
			sema_error(c, &e->span, "tseries: invalid %s value (must be non-negative "
				   "literal)", what[i]);
			return;
		}
		if (v <= 0) {
			sema_error(c, &e->span, "tseries() %s must be >= 1 (%lld provided)", what[i],
				   (long long)v);
			return;
		}
		if (i == 1 && v > 1000000)
			sema_error(c, &e->span, "tseries() num_intervals must be < 1000000 (%lld "
				   "provided)", (long long)v);
	}
	if (nargs(e) == 4 && sema_lit_str(arg(e, 3), &agg) && strcmp(agg, "avg") &&
	    strcmp(agg, "max") && strcmp(agg, "min") && strcmp(agg, "sum"))
		sema_error(c, &e->span, "tseries() expects one of the following aggregation "
			   "functions: avg, max, min, sum (\"%s\" provided)", agg);
}

static void check_stack(struct sema_ctx *c, struct bc_expr *e, struct bc_builtin_arg *ua)
{
	const char *f = e->u.call.name;
	size_t n = nargs(e);

	for (size_t i = 0; i < n && i < 2; i++) {
		struct bc_expr *a = arg(e, i);
		int64_t v;

		if (a->kind == BC_EXPR_IDENT && i == 0 && n <= 2) {
			const char *m = a->u.name;

			if (strcmp(m, "bpftrace") && strcmp(m, "perf") &&
			    !(c->v >= BC_BT(21) && !strcmp(m, "raw")) &&
			    !(c->v >= BC_BT(25) && !strcmp(m, "build_id")))
				sema_error(c, &a->span, "Unknown stack mode: '%s'", m);
			ua[i].sval = m;
			continue;
		}
		if (i == 0 && n == 2) {
			sema_error(c, &e->span, "%s() expects a stack_mode literal (%s provided)", f,
				   sema_kind_str(argt(c, e, 0)));
			continue;
		}
		if (!sema_lit_int(c, a, &v)) {
			if (a->kind != BC_EXPR_PARAM)
				sema_error(c, &e->span, "%s() expects an integer literal (%s provided)",
					   f, sema_kind_str(argt(c, e, i)));
			continue;
		}
		if (v > BT_MAX_STACK_SIZE || v < 0)
			sema_error(c, &e->span, "%s([int limit]): limit shouldn't exceed %d, %lld given",
				   f, BT_MAX_STACK_SIZE, (long long)v);
		ua[i].has_int = true;
		ua[i].ival = v > BT_MAX_STACK_SIZE || v < 0 ? 0 : v;
	}
}

/* str($1), str($1 + N) and str(N + $1): the only allowed uses of $N in str(). */
static void check_str_param(struct sema_ctx *c, struct bc_expr *e)
{
	struct bc_expr *a = arg(e, 0);

	if (!a || a->kind == BC_EXPR_PARAM)
		return;
	if (a->kind == BC_EXPR_BINOP) {
		struct bc_expr *l = a->u.binop.left, *r = a->u.binop.right;
		struct bc_expr *p = l->kind == BC_EXPR_PARAM ? l : r->kind == BC_EXPR_PARAM ? r : NULL;
		struct bc_expr *o = p == l ? r : l;

		if (!p)
			goto nested;
		if (o->kind != BC_EXPR_INT || a->u.binop.op != BC_OP_ADD)
			sema_error(c, &a->span, "only addition of a single constant less or equal to "
				   "the length of $%ld is allowed inside str()", p->u.param);
		return;
	}
nested:
	/* a $N anywhere deeper is refused */
	if (a->kind == BC_EXPR_BINOP || a->kind == BC_EXPR_UNOP || a->kind == BC_EXPR_CAST) {
		struct bc_expr *stack[64];
		size_t n = 0;

		stack[n++] = a;
		while (n) {
			struct bc_expr *x = stack[--n];

			if (x->kind == BC_EXPR_PARAM) {
				sema_error(c, &e->span, "str() only accepts positional parameters "
					   "directly or with a single constant offset added");
				return;
			}
			if (x->kind == BC_EXPR_BINOP && n + 2 <= 64) {
				stack[n++] = x->u.binop.left;
				stack[n++] = x->u.binop.right;
			} else if (x->kind == BC_EXPR_UNOP && n < 64) {
				stack[n++] = x->u.unop.operand;
			} else if (x->kind == BC_EXPR_CAST && n < 64) {
				stack[n++] = x->u.cast.operand;
			}
		}
	}
}

/*
 * bpftrace's IsPrintableTy for a non-map print() argument: not none (a call
 * without a value), stack or timestamp mode, the raw context (`ctx`), an
 * aggregation (which lives only in a map), nor a pointer before 0.18
 * (1b775e74d "Support print() for pointers").
 */
static bool print_printable(struct sema_ctx *c, const struct bc_expr *a, const struct bc_stype *t)
{
	if (sema_is_none(t) || t->kind == BC_ST_STACK_MODE || t->kind == BC_ST_TIMESTAMP_MODE ||
	    bc_stype_is_aggregation(t))
		return false;
	if (a->kind == BC_EXPR_BUILTIN && !strcmp(a->u.name, "ctx"))
		return false;
	return !(c->v < BC_BT(18) && sema_is_ptr(t));
}

/*
 * fail("fmt", args...) (0.25+ stdlib): a compile-time error wherever it is
 * reached; only an `if comptime` branch may fold it away. The message is the
 * format with its literal arguments.
 */
static void check_fail(struct sema_ctx *c, struct bc_expr *e)
{
	const char *fmt, *s;
	struct bc_sbuf b = { 0 };
	size_t next = 1;
	int64_t v;

	if (c->comptime_depth || !sema_lit_str(arg(e, 0), &fmt))
		return;
	for (const char *p = fmt; *p; p++) {
		struct bc_expr *a;

		if (*p != '%') {
			bc_sbuf_putc(&b, *p);
			continue;
		}
		if (p[1] == '%') {
			bc_sbuf_putc(&b, '%');
			p++;
			continue;
		}
		while (p[1] && strchr("-+ #0123456789.lhz", p[1]))
			p++;
		if (!p[1])
			break;
		p++;
		a = arg(e, next++);
		if (sema_lit_str(a, &s))
			bc_sbuf_puts(&b, s);
		else if (a && a->kind == BC_EXPR_BOOL)
			bc_sbuf_puts(&b, a->u.boolean ? "true" : "false");
		else if (sema_lit_int(c, a, &v))
			bc_sbuf_printf(&b, "%lld", (long long)v);
		else
			bc_sbuf_puts(&b, "?");
	}
	s = bc_sbuf_finish(&b);
	if (!s) {
		sema_oom(c);
		return;
	}
	sema_error(c, &e->span, "%s", s);
	free((char *)s);
}

static void specific_checks(struct sema_ctx *c, struct bc_expr *e, const struct bc_builtin *b,
			    struct bc_builtin_arg *ua)
{
	const char *f = b->name;
	size_t n = nargs(e);
	const struct bc_stype *a0 = argt(c, e, 0);
	int64_t v;
	const char *s;

	for (size_t i = 0; i < n; i++)
		if (sema_is_guess(argt(c, e, i)))
			return;	/* checks on a guessed type would be guesses too */

	if (!strcmp(f, "fail")) {
		check_fail(c, e);
	} else if (!strcmp(f, "lhist")) {
		check_lhist(c, e);
	} else if (!strcmp(f, "hist") && n == 2) {
		if (sema_lit_int(c, arg(e, 1), &v) && (v < 0 || v > BT_HIST_MAX_BITS))
			sema_error(c, &e->span, "hist: bits should be between 0 and %d, got %lld",
				   BT_HIST_MAX_BITS, (long long)v);
	} else if (!strcmp(f, "str")) {
		size_t flen;
		char *fold = bc_sema_str_fold(e, c->v, &flen);

		free(fold);
		if (!fold && !sema_is_none(a0) && !is_int_or_ptr(a0))
			sema_error(c, &e->span, "str() expects an integer or a pointer type as first "
				   "argument (%s provided)", sema_tname(c, a0));
		check_str_param(c, e);
		if (n == 2 && want(c, e, 1, "integer", false) && sema_lit_int(c, arg(e, 1), &v) &&
		    v < 0)
			sema_error(c, &e->span, "str() cannot use negative length (%lld)", (long long)v);
	} else if (!strcmp(f, "buf")) {
		if (!sema_is_none(a0) && !sema_is_int(a0) && a0->kind != BC_ST_STRING &&
		    !sema_is_ptr(a0) && a0->kind != BC_ST_ARRAY)
			sema_error(c, &e->span, "buf() expects an integer, string, or array argument "
				   "but saw %s", sema_kind_str(a0));
		if (n == 1 && !sema_is_none(a0) && a0->kind != BC_ST_ARRAY)
			sema_error(c, &e->span, "buf() expects a length argument for non-array type %s",
				   sema_kind_str(a0));
		if (n == 2 && want(c, e, 1, "integer", false) && sema_lit_int(c, arg(e, 1), &v) &&
		    v < 0)
			sema_error(c, &e->span, "buf cannot use negative length (%lld)", (long long)v);
	} else if (!strcmp(f, "ksym") || !strcmp(f, "usym")) {
		if (!sema_is_none(a0) && !is_int_or_ptr(a0))
			sema_error(c, &e->span, "%s() expects an integer or pointer argument", f);
	} else if (!strcmp(f, "kptr") || !strcmp(f, "uptr")) {
		if (!sema_is_none(a0) && !is_int_or_ptr(a0))
			sema_error(c, &e->span, "%s() only supports integer or pointer arguments (%s "
				   "provided)", f, sema_kind_str(a0));
	} else if (!strcmp(f, "ntop")) {
		const struct bc_stype *d = n == 2 ? argt(c, e, 1) : a0;

		if (n == 2)
			want(c, e, 0, "integer", false);
		if (!sema_is_none(d) && !sema_is_int(d) && d->kind != BC_ST_STRING &&
		    d->kind != BC_ST_ARRAY)
			sema_error(c, &e->span, "ntop() expects an integer or array argument, got %s",
				   sema_kind_str(d));
		else if ((d->kind == BC_ST_ARRAY || d->kind == BC_ST_STRING) && d->size != 4 &&
			 d->size != 16)
			sema_error(c, &e->span, "ntop() argument must be 4 or 16 bytes in size");
	} else if (!strcmp(f, "pton")) {
		if (sema_lit_str(arg(e, 0), &s)) {
			unsigned char buf[16];
			int af = strchr(s, '.') ? AF_INET : strchr(s, ':') ? AF_INET6 : 0;

			if (!af)
				sema_error(c, &e->span, "pton() expects an string argument of an "
					   "IPv4/IPv6 address, got %s", s);
			else if (inet_pton(af, s, buf) != 1)
				sema_error(c, &e->span, "pton() expects a valid IPv4/IPv6 address, got %s",
					   s);
		}
	} else if (!strcmp(f, "join")) {
		if (!sema_is_none(a0) && !is_int_or_ptr(a0))
			sema_error(c, &e->span, "join() only supports int or pointer arguments (%s "
				   "provided)", sema_kind_str(a0));
		if (n == 2)
			want(c, e, 1, "string", true);	/* the delimiter */
	} else if (!strcmp(f, "tseries")) {
		check_tseries(c, e);
	} else if (!strcmp(f, "len") && c->v >= BC_BT(24)) {
		struct bc_expr *m = arg(e, 0);

		/* a whole map (its keyedness: map_keyed_ok) or a stack */
		if (m && !(m->kind == BC_EXPR_MAP && !m->u.map.has_keys) && !sema_is_none(a0) &&
		    a0->kind != BC_ST_KSTACK && a0->kind != BC_ST_USTACK)
			sema_error(c, &e->span, c->v >= BC_BT(25) ? "call to len() expects a map, "
				   "ustack, or kstack" : "len() expects a map or stack to be provided");
	} else if (!strcmp(f, "reg")) {
		bool found = false;

		if (sema_lit_str(arg(e, 0), &s)) {
			for (size_t i = 0; i < sizeof(x86_64_regs) / sizeof(x86_64_regs[0]); i++)
				found |= !strcmp(s, x86_64_regs[i]);
			if (!found)
				sema_error(c, &e->span, "'%s' is not a valid register on this "
					   "architecture (x86_64)", s);
		}
	} else if (!strcmp(f, "uaddr") || !strcmp(f, "__builtin_uaddr")) {
		if (sema_lit_str(arg(e, 0), &s)) {
			bool ok = *s != 0;

			for (const char *p = s; *p; p++)
				ok &= isalnum((unsigned char)*p) || strchr("./_-", *p) != NULL;
			if (!ok)
				sema_error(c, &e->span, "uaddr() expects a string that is a valid symbol "
					   "(^[a-zA-Z0-9./_-]+$) as input (\"%s\" provided)", s);
			else
				sema_guess(c, &e->span, "size of symbol '%s' is not read from the "
					   "binary; uaddr() assumed to point to an int64", s);
		}
	} else if (!strcmp(f, "print")) {
		struct bc_expr *m = arg(e, 0);
		/* print(@m[k]) prints the element's value from 0.22 (f6d634593) */
		bool whole = m && m->kind == BC_EXPR_MAP && (!m->u.map.has_keys || c->v < BC_BT(22));

		if (m && !whole && (!sema_is_none(a0) || sema_void_call(c, m))) {
			if (m->kind == BC_EXPR_MAP && (a0->kind == BC_ST_HIST ||
						       a0->kind == BC_ST_LHIST ||
						       a0->kind == BC_ST_TSERIES))
				sema_error(c, &e->span, "Map type %s cannot print the value of "
					   "individual keys. You must print the whole map.",
					   sema_tname(c, a0));
			else if (!print_printable(c, m, a0))
				sema_error(c, &e->span, "%s type passed to print() is not printable",
					   sema_tname(c, a0));
			else if (n != 1)
				sema_error(c, &e->span, "Non-map print() only takes 1 argument, %zu found",
					   n);
		}
		for (size_t i = 1; whole && i < n; i++)
			want(c, e, i, "integer", true);
	} else if (!strcmp(f, "signal")) {
		struct bc_expr *a = arg(e, 0);

		if (sema_lit_str(a, &s)) {
			if (!valid_signal(s))
				sema_error(c, &e->span, "%s is not a valid signal", s);
		} else if (sema_lit_int(c, a, &v)) {
			if (v < 1 || v > 64)
				sema_error(c, &e->span, "%lld is not a valid signal, allowed range: [1,64]",
					   (long long)v);
		} else if (a && !sema_is_int(a0) && !sema_is_none(a0)) {
			sema_error(c, &e->span, "signal only accepts string literals or integers");
		}
	} else if (!strcmp(f, "path")) {
		if (!sema_is_none(a0) && a0->kind != BC_ST_CSTRUCT && !sema_is_ptr(a0))
			sema_error(c, &e->span, "path() only supports pointer or record argument (%s "
				   "provided)", sema_kind_str(a0));
		if (n == 2 && arg(e, 1)->kind != BC_EXPR_INT && arg(e, 1)->kind != BC_EXPR_PARAM)
			sema_error(c, &e->span, "path: invalid size value, need non-negative literal");
	} else if (!strcmp(f, "strftime") && n == 2) {
		struct bc_expr *ts = arg(e, 1);

		/* visit(Call) "strftime": the timestamp's mode (0.19+ nsecs(mode)) */
		if (ts->kind == BC_EXPR_CALL && ts->u.call.name && !strcmp(ts->u.call.name, "nsecs") &&
		    ts->u.call.args.n == 1 && ts->u.call.args.v[0]->kind == BC_EXPR_IDENT &&
		    !strcmp(ts->u.call.args.v[0]->u.name, "monotonic"))
			sema_error(c, &e->span, "strftime() can not take a monotonic timestamp");
		if (c->v >= BC_BT(25) && ts->kind == BC_EXPR_UNOP && ts->u.unop.op == BC_OP_NEG &&
		    ts->u.unop.operand && ts->u.unop.operand->kind == BC_EXPR_INT)
			sema_error(c, &e->span, "strftime() does not accept negative timestamps");
	} else if (!strcmp(f, "socket_cookie")) {
		/* visit(Call) "socket_cookie" (0.24+): a struct sock * */
		if (!sema_is_none(a0) && (!sema_is_ptr(a0) || !a0->elem ||
					  a0->elem->kind != BC_ST_CSTRUCT))
			sema_error(c, &e->span, "socket_cookie() only supports 'struct sock *' as the "
				   "argument (%s provided)", sema_kind_str(a0));
		else if (!sema_is_none(a0) && (!a0->elem->name ||
					       strcmp(a0->elem->name, "struct sock")))
			sema_error(c, &e->span, "socket_cookie() only supports 'struct sock *' as the "
				   "argument ('%s *' provided)", a0->elem->name ? a0->elem->name : "?");
	} else if (!strcmp(f, "strncmp")) {
		if (n == 3 && sema_lit_int(c, arg(e, 2), &v) && v < 0)
			sema_error(c, &e->span, "Builtin strncmp requires a non-negative size");
	} else if (!strcmp(f, "macaddr")) {
		if (!sema_is_none(a0) && !sema_is_int(a0) && a0->kind != BC_ST_ARRAY &&
		    !bc_stype_is_byte_array(a0) && !sema_is_ptr(a0))
			sema_error(c, &e->span, "macaddr() only supports array or pointer arguments (%s "
				   "provided)", sema_kind_str(a0));
		else if ((a0->kind == BC_ST_ARRAY || bc_stype_is_byte_array(a0)) && a0->size != 6)
			sema_error(c, &e->span, "macaddr() argument must be 6 bytes in size");
		if (a0->kind == BC_ST_STRING && sema_is_literal(arg(e, 0)))
			sema_error(c, &e->span, "macaddr() does not support literal string arguments");
	} else if (!strcmp(f, "bswap")) {
		if (!sema_is_none(a0) && !sema_is_int(a0))
			sema_error(c, &e->span, "bswap() only supports integer arguments (%s provided)",
				   sema_kind_str(a0));
	} else if (bc_builtin_arg_kind(b, 0) == BC_ARG_PID_NS && n == 1) {
		/* pid(curr_ns), tid(init): 0.24's visit(Identifier) and visit(Call) */
		struct bc_expr *a = arg(e, 0);

		if (a->kind != BC_EXPR_IDENT && c->v >= BC_BT(25))
			/* 0.25+ CallPreCheck: the same refusal, without the type */
			sema_error(c, &e->span, "%s() only supports curr_ns and init as the argument",
				   f);
		else if (a->kind != BC_EXPR_IDENT)
			sema_error(c, &e->span, "%s() only supports curr_ns and init as the argument "
				   "(%s provided)", f, sema_kind_str(a0));
		else if (strcmp(a->u.name, "curr_ns") && strcmp(a->u.name, "init"))
			sema_error(c, &a->span, "Invalid PID namespace mode: %s (expects: curr_ns or "
				   "init)", a->u.name);
	} else if (!strcmp(f, "nsecs") && n == 1) {
		struct bc_expr *a = arg(e, 0);

		if (a->kind == BC_EXPR_IDENT) {
			if (strcmp(a->u.name, "boot") && strcmp(a->u.name, "tai") &&
			    strcmp(a->u.name, "sw_tai") && strcmp(a->u.name, "monotonic"))
				sema_error(c, &a->span, "Invalid timestamp mode: %s", a->u.name);
		} else {
			sema_error(c, &e->span, "nsecs() expects a timestamp_mode literal (%s provided)",
				   sema_kind_str(a0));
		}
	}
	(void)ua;
}

/* Generic kind checks from the table, where the specific checks do not apply. */
static void kind_checks(struct sema_ctx *c, struct bc_expr *e, const struct bc_builtin *b)
{
	static const char *const own[] = {
		"str", "buf", "ksym", "usym", "kptr", "uptr", "ntop", "join", "macaddr", "bswap",
		"signal", "path", "print", "kstack", "ustack", "dw_ustack", "nsecs", "delete",
		"clear", "zero", "len", "has_key", "find",
	};
	size_t n = nargs(e);

	for (size_t k = 0; k < sizeof(own) / sizeof(own[0]); k++)
		if (!strcmp(b->name, own[k]))
			return;
	for (size_t i = 0; i < n; i++) {
		enum bc_arg_kind kind = bc_builtin_arg_kind(b, i);
		bool lit = bc_builtin_arg_literal(b, i);

		switch (kind) {
		case BC_ARG_INT:
			want(c, e, i, "integer", lit);
			break;
		case BC_ARG_STRING:
			want(c, e, i, "string", lit);
			break;
		case BC_ARG_FMT:
			if (want(c, e, i, "string", true))
				sema_check_format(c, e);
			break;
		case BC_ARG_PTR:
			want(c, e, i, "pointer", lit);
			break;
		default:
			break;
		}
	}
}

/* ---- script fns and macros ---- */

static const struct bc_stype *fn_ret_type(struct sema_ctx *c)
{
	const struct bc_stype *r = c->fn && c->fn->ret ? c->fn->ret->resolved : NULL;

	return r && !sema_is_none(r) && !sema_is_guess(r) && r->kind != BC_ST_VOID ? r : NULL;
}

/*
 * `return` in a fn of a value (0.21+; semantic_analyser.cpp visit(Jump), 0.26+
 * type_checker.cpp): a value of the fn's kind ("Function f is of type int64,
 * cannot return void" for a bare return); 0.25+ an integer literal that fits.
 */
void sema_fn_return(struct sema_ctx *c, const struct bc_expr *value, const struct bc_stype *t,
		    const struct bc_span *sp)
{
	const struct bc_stype *r = fn_ret_type(c);
	bool bad;
	uint64_t mag;

	if (!r || c->v < BC_BT(21) || (t && (sema_is_none(t) || sema_is_guess(t))))
		return;
	bad = !t || sema_type_class(t) != sema_type_class(r);
	if (!bad && sema_is_int(r) && c->v >= BC_BT(25) && value && value->kind == BC_EXPR_INT) {
		mag = value->u.num.value;
		bad = r->size < 8 && mag >= (1ull << (r->size * 8 - (r->is_signed ? 1 : 0)));
	}
	if (bad)
		sema_error(c, sp, "Function %s is of type %s, cannot return %s", c->fn->name,
			   sema_tname(c, r), t ? sema_tname(c, t) : "void");
}

/* Whether control never reaches the end of B: a return, or an if/else whose branches all return. */
static bool block_returns(const struct bc_block *b);

static bool stmt_returns(const struct bc_stmt *st)
{
	if (!st)
		return false;
	switch (st->kind) {
	case BC_STMT_RETURN:
		return true;
	case BC_STMT_BLOCK:
		return block_returns(st->u.block);
	case BC_STMT_IF:
		if (!block_returns(st->u.if_.then))
			return false;
		if (st->u.if_.else_if)
			return stmt_returns(st->u.if_.else_if);
		return st->u.if_.els && block_returns(st->u.if_.els);
	default:
		return false;	/* loops count as maybe never entered */
	}
}

static bool block_returns(const struct bc_block *b)
{
	for (size_t i = 0; b && i < b->n; i++)
		if (stmt_returns(b->stmts[i]))
			return true;
	return false;
}

/*
 * 0.25+ (ControlFlowInjector): a fn of a value returns on every path; 0.25
 * says so, 0.26+ injects a bare return the type check then refuses
 * (3107bcc58, #5063).
 */
void sema_fn_paths(struct sema_ctx *c, const struct bc_fn *fn)
{
	const struct bc_stype *r = fn_ret_type(c);

	if (!r || c->v < BC_BT(25) || block_returns(fn->body))
		return;
	if (c->v < BC_BT(26))
		sema_error(c, &fn->span, "Not all code paths returned a value");
	else
		sema_error(c, &fn->span, "Function %s is of type %s, cannot return void", fn->name,
			   sema_tname(c, r));
}

static const struct bc_fn *find_fn(struct sema_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->s->nr_items; i++)
		if (c->s->items[i].kind == BC_ITEM_FN && !strcmp(c->s->items[i].u.fn->name, name))
			return c->s->items[i].u.fn;
	return NULL;
}

static const struct bc_macro *find_macro(struct sema_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->s->nr_items; i++)
		if (c->s->items[i].kind == BC_ITEM_MACRO &&
		    !strcmp(c->s->items[i].u.macro->name, name))
			return c->s->items[i].u.macro;
	return NULL;
}

static const struct bc_stype *fn_call(struct sema_ctx *c, struct bc_expr *e, const struct bc_fn *fn)
{
	size_t n = nargs(e);

	for (size_t i = 0; i < n; i++) {
		const struct bc_stype *t = sema_expr(c, arg(e, i), ROLE_NONE);

		if (i < fn->nr_args && fn->args[i].type && fn->args[i].type->resolved &&
		    !sema_is_none(t) && !sema_same_type(fn->args[i].type->resolved, t))
			sema_error(c, &arg(e, i)->span, "Function %s: argument %zu has type %s, "
				   "expected %s", fn->name, i + 1, sema_tname(c, t),
				   sema_tname(c, fn->args[i].type->resolved));
	}
	if (n != fn->nr_args)
		sema_error(c, &e->span, "Function %s requires %zu argument%s (%zu provided)",
			   fn->name, fn->nr_args, fn->nr_args == 1 ? "" : "s", n);
	if (!fn->ret)
		return sema_keep(c, bc_stype_void());
	return sema_type(c, fn->ret);
}

/*
 * The body of M expanded for USE (macro_expand.h), made once per use and
 * kept for code generation (bc_sema_macro_body); NULL when it cannot be.
 */
static struct bc_block *macro_body(struct sema_ctx *c, const struct bc_expr *use,
				   const struct bc_expr *call, const struct bc_macro *m)
{
	struct bc_sema *r = c->r;
	struct bc_block *b = (struct bc_block *)bc_sema_macro_body(r, use);

	if (b)
		return b;
	b = bc_macro_expand(&r->arena, m, call, c->macro_depth + 1, c->v);
	if (!b || sema_macro_record(c, use, b))
		return NULL;
	return b;
}

int sema_macro_record(struct sema_ctx *c, const struct bc_expr *use, struct bc_block *b)
{
	struct bc_sema *r = c->r;

	if (BC_GROW(r->macro_uses, r->cap_macro_uses, r->nr_macro_uses + 1)) {
		sema_oom(c);
		return -ENOMEM;
	}
	r->macro_uses[r->nr_macro_uses].use = use;
	r->macro_uses[r->nr_macro_uses++].body = b;
	return 0;
}

/*
 * A macro call: the body as bpftrace expands it at this call (parameters
 * bound to the arguments, macro_expand.h) is typed in its own scope.
 * Diagnostics inside the body are not reported per call site (bpftrace
 * reports them once, on the expansion). USE is the call, or the identifier
 * naming a macro of no arguments.
 */
static const struct bc_stype *macro_call(struct sema_ctx *c, const struct bc_expr *use,
					 struct bc_expr *e, const struct bc_macro *m)
{
	size_t n = nargs(e), old_alias = c->nr_map_alias;
	const struct bc_stype *t = sema_none(c);
	bool final = c->final;
	struct bc_block *body;

	for (size_t i = 0; i < n; i++) {
		struct bc_expr *p = i < m->args.n ? m->args.v[i] : NULL, *a = arg(e, i);

		/* a map passed for a map parameter is named, not read */
		if (p && p->kind == BC_EXPR_MAP && a->kind == BC_EXPR_MAP && !a->u.map.has_keys)
			sema_map_get(c, a);
		else
			sema_expr(c, a, ROLE_NONE);
	}
	if (n != m->args.n) {
		sema_error(c, &e->span, "Call to %s() has the wrong number of arguments", m->name);
		return t;
	}
	if (!m->body || c->nr_scopes + 1 >= SEMA_MAX_SCOPES || c->depth > SEMA_MAX_DEPTH / 2 ||
	    c->macro_depth >= SEMA_MAX_DEPTH / 8)
		return t;
	body = macro_body(c, use, e, m);
	if (!body) {
		/* an argument of the wrong kind: the body as written, the
		 * parameters declared with the arguments' types */
		body = m->body;
	}
	c->final = false;
	c->macro_depth++;
	sema_scope_push(c, body);
	for (size_t i = 0; body == m->body && i < n; i++) {
		struct bc_expr *p = m->args.v[i];

		if (p && p->kind == BC_EXPR_VAR)
			sema_var_declare(c, p, argt(c, e, i), true, false);
		if (p && p->kind == BC_EXPR_MAP && arg(e, i)->kind == BC_EXPR_MAP &&
		    c->nr_map_alias < sizeof(c->map_alias) / sizeof(c->map_alias[0])) {
			const struct bc_sema_map *am = arg(e, i)->sema;

			c->map_alias[c->nr_map_alias].from = p->u.map.name;
			c->map_alias[c->nr_map_alias++].to = am ? am->name : arg(e, i)->u.map.name;
		}
	}
	for (size_t i = 0; i < body->n && !c->err; i++)
		sema_stmt(c, body->stmts[i]);
	t = body->tail ? sema_expr(c, body->tail, ROLE_NONE) : sema_keep(c, bc_stype_void());
	c->nr_map_alias = old_alias;
	sema_scope_pop(c);
	c->macro_depth--;
	c->final = final;
	return t;
}

/*
 * 0.24's macro expansion also expands an identifier that names a macro
 * (MacroExpansion's Identifier visit): `sysname` is `sysname()`.
 */
const struct bc_stype *sema_macro_ident(struct sema_ctx *c, struct bc_expr *e)
{
	const struct bc_macro *m = c->v >= BC_BT(24) ? find_macro(c, e->u.name) : NULL;
	struct bc_expr call = { .kind = BC_EXPR_CALL, .span = e->span };

	if (!m || m->args.n)
		return NULL;
	call.u.call.name = e->u.name;
	call.u.call.name_span = e->span;
	return macro_call(c, e, &call, m);
}

/* ---- a map call's keys ---- */

/*
 * Whether the map of call E is keyed as the call needs: delete(@m, k),
 * has_key(), find() and len() (0.24+) want a map with keys, delete(@m) one
 * without (0.22+). The map's keys are those of the accesses before the call
 * in the text, as bpftrace's checks see them (0.22-0.23: visit(Call),
 * get_map_key_type; 0.24: MapDefaultKey::checkCall in map_sugar.cpp; 0.25+:
 * the stdlib macros' `is_scalar(@map)` test, src/stdlib/base.bt and
 * meta.bt check_key). False when an error was reported.
 */
static bool map_keyed_ok(struct sema_ctx *c, struct bc_expr *e, const struct bc_builtin *b)
{
	struct bc_expr *m = arg(e, 0);
	const char *f = b->name;
	struct bc_sema_map *map;
	bool want_keys;

	if (!c->final || c->v < BC_BT(22) || !m || m->kind != BC_EXPR_MAP || m->u.map.has_keys)
		return true;
	if (!strcmp(f, "delete"))
		want_keys = nargs(e) == 2;
	else if (!strcmp(f, "has_key") || !strcmp(f, "find") ||
		 (!strcmp(f, "len") && c->v >= BC_BT(24)))
		want_keys = true;
	else
		return true;
	map = sema_map_get(c, m);
	if (!map || !map->key || map->key_mismatch || want_keys == (map->nr_keys > 0))
		return true;
	if (c->v >= BC_BT(25)) {
		if (!want_keys)
			sema_error(c, &e->span, "call to delete() with a single argument expects a "
				   "map without explicit keys (scalar map)");
		else
			sema_error(c, &e->span, "call to %s expects a map with explicit keys "
				   "(non-scalar map)", !strcmp(f, "delete") ? "delete() with two "
				   "arguments" : !strcmp(f, "find") ? "find" : !strcmp(f, "len") ?
				   "len()" : "has_key()");
	} else if (c->v >= BC_BT(24)) {
		sema_error(c, &m->span, "call to %s() expects a map %s explicit keys (%sscalar map)",
			   f, want_keys ? "with" : "without", want_keys ? "non-" : "");
	} else if (!want_keys) {
		sema_error(c, &m->span, "delete() expects a map for the first argument and a key "
			   "for the second argument e.g. `delete(@my_map, 1);`");
	} else if (!strcmp(f, "has_key")) {
		sema_error(c, &m->span, "has_key() only accepts maps that have keys. No scalar maps "
			   "e.g. `@a = 1;`");
	} else {
		return true;	/* 0.22/0.23 delete(@scalar, k): the key mismatch says it */
	}
	return false;
}

/*
 * The key argument KEY of delete(@m, k), has_key(@m, k), find(@m, k, $v):
 * typed and checked against the map's keys as an access @m[k] is, once the
 * map has keys (bpftrace reconcile_map_key / validate_new_key).
 */
static void map_key_arg(struct sema_ctx *c, struct bc_expr *call, struct bc_expr *key)
{
	struct bc_expr *m = arg(call, 0);
	struct bc_sema_map *map = sema_map_get(c, m);
	struct bc_expr *keys[1] = { key };
	struct bc_expr acc = { .kind = BC_EXPR_MAP, .span = key->span };

	acc.u.map.name = m->u.map.name;
	acc.u.map.keys.v = keys;
	acc.u.map.keys.n = 1;
	acc.u.map.has_keys = true;
	sema_map_keys(c, &acc, map && map->key && map->nr_keys);
}

/* ---- calls ---- */

static void visit_args(struct sema_ctx *c, struct bc_expr *e, const struct bc_builtin *b)
{
	const char *old_func = c->func;
	int old_arg = c->func_arg;
	bool old_str = c->in_str_call;
	size_t n = nargs(e);

	c->func = e->u.call.name;
	for (size_t i = 0; i < n; i++) {
		struct bc_expr *a = arg(e, i);

		c->func_arg = (int)i;
		c->in_str_call = b && !strcmp(b->name, "str") && i == 0;
		if (b && a->kind == BC_EXPR_MAP &&
		    (is_map_fn(b, i) || (!strcmp(b->name, "print") && i == 0 &&
					 (!a->u.map.has_keys || c->v < BC_BT(22))))) {
			map_arg(c, e, a, bc_builtin_arg_kind(b, i));
			continue;
		}
		if (!b && a->kind == BC_EXPR_MAP) {
			/* an unknown function's map argument: typed, not key-checked */
			struct bc_sema_map *m = sema_map_get(c, a);

			sema_map_keys(c, a, false);
			a->type = m && m->value ? m->value : sema_none(c);
			continue;
		}
		if (b && i == 1 && bc_builtin_arg_kind(b, 1) == BC_ARG_MAP_KEY &&
		    arg(e, 0)->kind == BC_EXPR_MAP && !arg(e, 0)->u.map.has_keys) {
			if (map_keyed_ok(c, e, b))
				map_key_arg(c, e, a);
			else
				sema_expr(c, a, ROLE_NONE);
			continue;
		}
		if (b && a->kind == BC_EXPR_IDENT &&
		    (((!strcmp(b->name, "kstack") || !strcmp(b->name, "ustack") ||
		       !strcmp(b->name, "dw_ustack")) && i == 0) ||
		     (!strcmp(b->name, "nsecs") && i == 0))) {
			a->type = sema_keep(c, !strcmp(b->name, "nsecs") ? bc_stype_timestamp_mode()
								       : bc_stype_stack_mode());
			continue;
		}
		if (b && a->kind == BC_EXPR_IDENT && bc_builtin_arg_kind(b, i) == BC_ARG_PID_NS) {
			/* a namespace name, not a value: checked in specific_checks */
			a->type = sema_none(c);
			continue;
		}
		sema_expr(c, a, ROLE_NONE);
	}
	c->func = old_func;
	c->func_arg = old_arg;
	c->in_str_call = old_str;
	if (b && n == 1)
		map_keyed_ok(c, e, b);
	if (b && n && is_map_fn(b, 0) && arg(e, 0)->kind != BC_EXPR_MAP &&
	    bc_builtin_arg_kind(b, 0) != BC_ARG_ANY)
		sema_error(c, &e->span, "%s() expects a map to be provided", e->u.call.name);
	/* 0.21's delete(@a[k], @b[k], ...): every argument a map */
	for (size_t i = 1; b && i < n; i++)
		if (bc_builtin_arg_kind(b, i) == BC_ARG_MAP && arg(e, i)->kind != BC_EXPR_MAP)
			sema_error(c, &arg(e, i)->span, "%s() only expects maps to be provided",
				   e->u.call.name);
	/* delete(@m, key) (0.22+): the map itself, the key apart */
	if (b && n == 2 && bc_builtin_arg_kind(b, 1) == BC_ARG_MAP_KEY &&
	    bc_builtin_arg_kind(b, 0) == BC_ARG_MAP && arg(e, 0)->kind == BC_EXPR_MAP &&
	    arg(e, 0)->u.map.has_keys)
		sema_error(c, &arg(e, 0)->span, "%s() expects a map with no keys for the first "
			   "argument", e->u.call.name);
}

static void check_role(struct sema_ctx *c, struct bc_expr *e, const struct bc_builtin *b,
		       enum sema_role role)
{
	const char *f = e->u.call.name;

	if (b->flags & BC_BIF_AGGREGATION) {
		if (role != ROLE_MAP_VALUE)
			sema_error(c, &e->span, "%s() should be directly assigned to a map", f);
		return;
	}
	if (!strcmp(f, "skboutput")) {
		if (role != ROLE_VAR_VALUE && c->v < BC_BT(24))
			sema_error(c, &e->span, "skboutput() should be assigned to a variable");
		return;
	}
	if ((b->flags & BC_BIF_STATEMENT) && role != ROLE_NONE && b->result == BC_RES_NONE)
		sema_error(c, &e->span, "%s() should not be used in an assignment or as a map key",
			   f);
}

static void check_probes(struct sema_ctx *c, struct bc_expr *e, const struct bc_builtin *b)
{
	const char *f = b->name, *bad = NULL;

	if (!b->probes || sema_probe_types_ok(c, b->probes, &bad))
		return;
	if (!strcmp(f, "path"))
		sema_error(c, &e->span, "The path function can only be used with 'kfunc', "
			   "'kretfunc', 'iter' probes");
	else if (!strcmp(f, "override"))
		sema_error(c, &e->span, "override can only be used with kprobes.");
	else
		sema_error(c, &e->span, "%s can not be used with \"%s\" probes", f, bad);
}

const struct bc_stype *sema_call(struct sema_ctx *c, struct bc_expr *e, enum sema_role role)
{
	const char *name = e->u.call.name;
	const struct bc_builtin *b;
	struct bc_builtin_arg ua[8] = { 0 };
	struct bc_builtin_use use = { .probe = c->pt };
	struct bc_stype *t;
	size_t n = nargs(e);

	if (!name)
		return sema_none(c);
	if (c->v >= BC_BT(21)) {
		const struct bc_fn *fn = find_fn(c, name);

		if (fn)
			return fn_call(c, e, fn);
	}
	if (c->v >= BC_BT(24)) {
		const struct bc_macro *m = find_macro(c, name);

		if (m)
			return macro_call(c, e, e, m);
	}
	b = bc_builtin_find(name, BC_BI_FUNC, c->v);
	visit_args(c, e, b);
	if (b && (b->flags & BC_BIF_STDLIB) && n <= 1)
		sema_stdlib_expand(c, e, name, n ? arg(e, 0) : NULL);
	if (!b) {
		const struct bc_builtin *any = bc_builtin_find_any(name, BC_BI_FUNC, c->v);
		char what[80];

		if (!any)
			any = bc_builtin_find_any(name, BC_BI_VAR, c->v);
		if (any && any->kind == BC_BI_FUNC) {
			snprintf(what, sizeof(what), "%s()", name);
			sema_unavailable(c, &e->u.call.name_span, what, any);
		} else if (any && (any->flags & BC_BIF_ALSO_FUNC)) {
			snprintf(what, sizeof(what), "calling %s as %s()", name, name);
			sema_unavailable(c, &e->u.call.name_span, what, any);
		} else if (bc_builtin_find(name, BC_BI_VAR, c->v)) {
			sema_error(c, &e->u.call.name_span, "%s is a builtin variable, not a function "
				   "in bpftrace %d.%d", name, c->v / 10000, c->v / 100 % 100);
		} else {
			sema_error(c, &e->u.call.name_span, "Unknown function: '%s'", name);
		}
		return sema_none(c);
	}
	if (b->kind == BC_BI_VAR) {
		/* comm(), pid() ... (0.24+ stdlib): the variable */
		struct bc_expr tmp = { .kind = BC_EXPR_BUILTIN, .span = e->span, .u.name = name };

		if (n)
			nargs_error(c, e, b);
		return sema_builtin_row(c, &tmp, b, name);
	}
	check_probes(c, e, b);
	check_role(c, e, b, role);
	if (bc_builtin_check_nargs(b, n)) {
		nargs_error(c, e, b);
		if (b->result == BC_RES_NONE)
			return sema_none(c);
	} else {
		kind_checks(c, e, b);
		specific_checks(c, e, b, ua);
	}
	for (size_t i = 0; i < n && i < 8; i++) {
		struct bc_expr *a = arg(e, i);
		const char *s;

		ua[i].type = (struct bc_stype *)argt(c, e, i);
		ua[i].is_literal = sema_is_literal(a);
		if (sema_lit_int(c, a, &ua[i].ival))
			ua[i].has_int = true;
		if (sema_lit_str(a, &s))
			ua[i].sval = s;
	}
	if (!strcmp(b->name, "kstack") || !strcmp(b->name, "ustack") ||
	    !strcmp(b->name, "dw_ustack")) {
		for (size_t i = 0; i < 8; i++)
			ua[i] = (struct bc_builtin_arg){ .type = ua[i].type };
		check_stack(c, e, ua);
	}
	use.args = ua;
	use.nargs = n < 8 ? n : 8;
	if (c->probe)
		use.probe_name = c->probe->name;
	t = bc_builtin_result(b, c->prof, &use);
	if (!t) {
		if (!strcmp(b->name, "bswap") || !strcmp(b->name, "pton"))
			return sema_none(c);
		if (!strcmp(b->name, "kptr") || !strcmp(b->name, "uptr"))
			return sema_none(c);
		return sema_none(c);
	}
	if (!strcmp(b->name, "reg") && c->v < BC_BT(25))
		t = bc_stype_with_as(t, bc_probe_addrspace(c->pt));	/* the probe's space */
	else if (!strcmp(b->name, "kaddr"))
		t = bc_stype_with_as(t, BC_AS_KERNEL);
	if (!strcmp(b->name, "str") && n >= 1) {
		/* str() keeps the address space of its argument (strncmp(str($1), ...)) */
		const struct bc_stype *a0 = argt(c, e, 0);
		size_t flen;
		char *fold = bc_sema_str_fold(e, c->v, &flen);

		if (fold) {
			/* 0.24+: the literal it folds to, typed as a string literal is */
			free(fold);
			bc_stype_put(t);
			t = bc_stype_with_as(bc_stype_string((uint32_t)flen + 1), BC_AS_KERNEL);
		} else if (!sema_is_none(a0) && a0->as != BC_AS_NONE) {
			t = bc_stype_with_as(t, a0->as);
		}
	}
	return sema_keep(c, t);
}
