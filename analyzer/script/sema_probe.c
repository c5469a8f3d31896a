// SPDX-License-Identifier: Apache-2.0
/*
 * Probe contexts: the probe type of each probe (one type for all attach
 * points, or none when they differ), the attach point checks bpftrace makes
 * without touching the system, and what `args` and `retval` are:
 *
 *   tracepoint      the tracefs format of the event (every wildcard match),
 *                   else BTF's trace_event_raw_<event>
 *   kfunc/kretfunc  the BTF prototype ("$retval" for kretfunc)
 *   uprobe          the DWARF parameters of the function, when the binary
 *                   has debug info
 *
 * 0.17-0.18 type args as a pointer to the struct (user space for syscalls
 * tracepoints); 0.19+ as the struct itself.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/types/btf_types.h"
#include "analyzer/types/dwarf_types.h"
#include "analyzer/types/tracepoint.h"
#include "analyzer/target/source.h"
#include "sema_impl.h"
#include "../base/array.h"

/* Wildcard tracepoints: at most this many matches are typed (the first is args). */
#define SEMA_MAX_TP_MATCHES	64

const char *sema_probe_provider(struct sema_ctx *c)
{
	const struct bc_probe *p = c->probe ? c->probe->probe : NULL;

	return p && p->nr_aps && p->aps[0]->provider_text ? p->aps[0]->provider_text : "?";
}

static char *probe_name(struct sema_ctx *c, const struct bc_attach_point *ap, enum bc_probe_type pt)
{
	const char *prov = pt ? bc_probe_type_name(pt, c->v) : ap->provider_text;
	size_t len = strlen(prov ? prov : "") + 1, used;
	char *s;

	for (size_t i = 0; i < ap->nr_parts; i++)
		len += strlen(ap->parts[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	used = (size_t)snprintf(s, len, "%s", prov ? prov : "");
	for (size_t i = 0; i < ap->nr_parts && used < len; i++)
		used += (size_t)snprintf(s + used, len - used, ":%s", ap->parts[i]);
	return s;
}

static size_t count_provider(struct sema_ctx *c, enum bc_probe_type pt)
{
	size_t n = 0;

	for (size_t i = 0; i < c->r->nr_probes; i++) {
		const struct bc_probe *p = c->r->probes[i].probe;

		for (size_t k = 0; k < p->nr_aps; k++)
			if (bc_probe_type_parse(p->aps[k]->provider_text, c->v) == pt)
				n++;
	}
	return n;
}

static bool part_empty(const struct bc_attach_point *ap, size_t i)
{
	return i >= ap->nr_parts || !ap->parts[i] || !ap->parts[i][0];
}

/* An attach point of type PT named NAME written before AP (bench:NAME twice). */
static const struct bc_attach_point *earlier_named(struct sema_ctx *c,
						   const struct bc_attach_point *ap,
						   enum bc_probe_type pt, const char *name)
{
	for (size_t i = 0; i < c->r->nr_probes; i++) {
		const struct bc_probe *p = c->r->probes[i].probe;

		for (size_t k = 0; k < p->nr_aps; k++) {
			const struct bc_attach_point *o = p->aps[k];

			if (o == ap)
				return NULL;
			if (o->span.start < ap->span.start && !part_empty(o, 0) &&
			    !strcmp(o->parts[0], name) &&
			    bc_probe_type_parse(o->provider_text, c->v) == pt)
				return o;
		}
	}
	return NULL;
}

/* The attach point checks of visit(AttachPoint) that need no system access. */
static void check_ap(struct sema_ctx *c, const struct bc_attach_point *ap, enum bc_probe_type pt,
		     size_t nr_aps)
{
	const struct bc_span *sp = &ap->span;

	switch (pt) {
	case BC_PROBE_KPROBE:
	case BC_PROBE_KRETPROBE:
		if (part_empty(ap, 0) || ap->nr_parts > 2)
			sema_error(c, sp, "kprobes should be attached to a function");
		break;
	case BC_PROBE_UPROBE:
	case BC_PROBE_URETPROBE:
		if (ap->nr_parts < 2 || part_empty(ap, 0))
			sema_error(c, sp, "%s should have a target", bc_probe_type_name(pt, c->v));
		else if (part_empty(ap, 1) && !ap->has_offset)
			sema_error(c, sp, "%s should be attached to a function and/or address",
				   bc_probe_type_name(pt, c->v));
		if (pt == BC_PROBE_URETPROBE && ap->has_offset && ap->offset)
			sema_error(c, sp, "uretprobes can not be attached to a function offset");
		break;
	case BC_PROBE_USDT:
		if (part_empty(ap, ap->nr_parts ? ap->nr_parts - 1 : 0))
			sema_error(c, sp, "usdt probe must have a target function or wildcard");
		/* code generation reads the binary's SDT notes */
		c->r->reads_binaries = true;
		break;
	case BC_PROBE_TRACEPOINT:
		if (ap->nr_parts != 2 || part_empty(ap, 0) || part_empty(ap, 1))
			sema_error(c, sp, "tracepoint probe must have a target");
		break;
	case BC_PROBE_PROFILE:
	case BC_PROBE_INTERVAL: {
		const char *what = pt == BC_PROBE_PROFILE ? "profile" : "interval";

		if (ap->nr_parts == 1 && c->v >= BC_BT(24))
			break;	/* interval:1s / profile:99 (0.24 units in the value) */
		if (part_empty(ap, 0)) {
			sema_error(c, sp, "%s probe must have unit of time", what);
		} else if (strcmp(ap->parts[0], "hz") && strcmp(ap->parts[0], "us") &&
			   strcmp(ap->parts[0], "ms") && strcmp(ap->parts[0], "s") &&
			   !(c->v >= BC_BT(22) && !strcmp(ap->parts[0], "ns"))) {
			sema_error(c, sp, "%s is not an accepted unit of time", ap->parts[0]);
		} else if (ap->nr_parts < 2 || part_empty(ap, 1) ||
			   strspn(ap->parts[1], "0123456789") != strlen(ap->parts[1])) {
			sema_error(c, sp, "%s probe must have an integer frequency", what);
		} else if (pt == BC_PROBE_PROFILE && strtoull(ap->parts[1], NULL, 10) == 0) {
			sema_error(c, sp, "profile frequency should be a positive integer");
		}
		break;
	}
	case BC_PROBE_BEGIN:
	case BC_PROBE_END:
		if (ap->nr_parts)
			sema_error(c, sp, "BEGIN/END probes should not have a target");
		else if (count_provider(c, pt) > 1)
			sema_error(c, sp, "More than one %s probe defined",
				   pt == BC_PROBE_BEGIN ? "BEGIN" : "END");
		break;
	case BC_PROBE_SELF:
		/* visit(AttachPoint) "self" (0.22+; probe_matcher.h SIGNALS) */
		if (part_empty(ap, 0) || strcmp(ap->parts[0], "signal"))
			sema_error(c, sp, "%s is not a supported trigger",
				   part_empty(ap, 0) ? "" : ap->parts[0]);
		else if (part_empty(ap, 1) || strcmp(ap->parts[1], "SIGUSR1"))
			sema_error(c, sp, "%s is not a supported signal",
				   part_empty(ap, 1) ? "" : ap->parts[1]);
		break;
	case BC_PROBE_BENCH: {
		/* visit(AttachPoint) "bench" (0.24+) */
		const struct bc_attach_point *o;

		if (part_empty(ap, 0)) {
			sema_error(c, sp, "bench probes must have a name");
		} else if ((o = earlier_named(c, ap, pt, ap->parts[0]))) {
			sema_error(c, sp, "\"%s\" was used as the name for more than one BENCH "
				   "probe", ap->parts[0]);
			sema_error(c, &o->span, "this is the other instance");
		}
		break;
	}
	case BC_PROBE_KFUNC:
	case BC_PROBE_KRETFUNC:
		if (part_empty(ap, ap->nr_parts ? ap->nr_parts - 1 : 0))
			sema_error(c, sp, "kfunc should specify a function");
		break;
	case BC_PROBE_ITER:
		if (nr_aps > 1)
			sema_error(c, sp, "Only single iter attach point is allowed.");
		break;
	default:
		break;
	}
}

void sema_probe_init(struct sema_ctx *c, struct bc_sema_probe *p)
{
	const struct bc_probe *pr = p->probe;
	enum bc_probe_type type = BC_PROBE_INVALID;
	bool final = c->final;

	c->final = true;	/* attach point checks run once, here */
	for (size_t i = 0; i < pr->nr_aps; i++) {
		const struct bc_attach_point *ap = pr->aps[i];
		enum bc_probe_type pt = bc_probe_type_parse(ap->provider_text, c->v);

		if (pt == BC_PROBE_INVALID && !ap->wildcard && !bc_probe_type_parse(ap->provider_text,
										    BC_BT_HEAD))
			sema_error(c, &ap->span, "Invalid provider: '%s'",
				   ap->provider_text ? ap->provider_text : "");
		else if (pt == BC_PROBE_INVALID && !ap->wildcard && ap->provider == BC_PROV_UNKNOWN)
			sema_error(c, &ap->span, "provider '%s' is not in bpftrace %d.%d",
				   ap->provider_text, c->v / 10000, c->v / 100 % 100);
		if (pt != BC_PROBE_INVALID)
			check_ap(c, ap, pt, pr->nr_aps);
		if (i == 0) {
			type = pt;
			p->first_type = pt;
			p->name = probe_name(c, ap, pt);
			if (!p->name)
				sema_oom(c);
		} else if (type != pt) {
			type = BC_PROBE_INVALID;
		}
	}
	p->type = type;
	c->final = final;
}

/* ---- args ---- */

static int add_args(struct sema_ctx *c, struct bc_sema_probe *p, struct bc_stype *t)
{
	if (BC_GROW(p->all_args, p->cap_all_args, p->nr_all_args + 1)) {
		bc_stype_put(t);
		sema_oom(c);
		return -ENOMEM;
	}
	p->all_args[p->nr_all_args++] = t;
	return 0;
}

/* Event names of CATEGORY matching PATTERN, sorted (as bpftrace's std::set). */
static char **tp_matches(struct sema_ctx *c, const char *cat, const char *pattern, size_t *n)
{
	char **all = NULL, **v;
	size_t nr = 0;

	*n = 0;
	if (bc_source_tp_events(sema_source(c), cat, &all, &nr))
		return NULL;
	v = all;
	for (size_t i = 0; i < nr; i++) {
		if (fnmatch(pattern, all[i], 0))
			free(all[i]);
		else
			v[(*n)++] = all[i];
	}
	if (!*n) {
		free(all);
		return NULL;
	}
	v[*n] = NULL;
	return v;
}

static bool has_glob(const char *s)
{
	return s && strpbrk(s, "*?[") != NULL;
}

static void tp_args(struct sema_ctx *c, struct bc_sema_probe *p, const struct bc_span *sp)
{
	for (size_t i = 0; i < p->probe->nr_aps && p->nr_all_args < SEMA_MAX_TP_MATCHES; i++) {
		const struct bc_attach_point *ap = p->probe->aps[i];
		const char *cat, *ev;
		char **names = NULL;
		size_t n = 0;

		if (ap->nr_parts != 2)
			continue;
		cat = ap->parts[0];
		ev = ap->parts[1];
		if (has_glob(cat)) {
			sema_guess(c, sp, "tracepoint category '%s' is a wildcard; args fields of "
				   "%s:%s are not checked", cat, cat, ev);
			p->args_guessed = true;
			continue;
		}
		if (has_glob(ev)) {
			names = tp_matches(c, cat, ev, &n);
			if (!n) {
				sema_guess_kernel(c, SEMA_NEED_TRACEPOINTS, sp, "no tracepoint in "
						  "tracefs matches %s:%s; args assumed to have int64 "
						  "fields", cat, ev);
				p->args_guessed = true;
			}
		}
		for (size_t k = 0; k < (names ? n : 1) && p->nr_all_args < SEMA_MAX_TP_MATCHES; k++) {
			struct bc_tp_error err = { 0 };
			const char *e = names ? names[k] : ev;
			struct bc_stype *t = bc_tp_args(sema_source(c), cat, e, c->v, sema_btf(c),
							 &err);

			if (t) {
				add_args(c, p, t);
			} else if (errno == ENOMEM) {
				sema_oom(c);
			} else {
				/* BTF was the fallback: tracefs is what is missing */
				sema_guess_kernel(c, SEMA_NEED_TRACEPOINTS, sp,
						  "tracepoint %s:%s: no format in tracefs and no BTF "
						  "trace_event_raw_%s; args fields assumed to be "
						  "int64", cat, e, e);
				p->args_guessed = true;
			}
		}
		for (size_t k = 0; k < n; k++)
			free(names[k]);
		free(names);
	}
}

static const char *kfunc_name(const struct bc_attach_point *ap)
{
	return ap->nr_parts ? ap->parts[ap->nr_parts - 1] : "";
}

/*
 * The BTF the args of WHAT NAME ("", "rawtracepoint ") are read from; NULL
 * when there is none or NAME is a wildcard (said, and P's args guessed).
 */
static struct bc_btf *args_btf(struct sema_ctx *c, struct bc_sema_probe *p,
			       const struct bc_span *sp, const char *what, const char *name)
{
	struct bc_btf *btf = sema_btf(c);

	if (!btf)
		sema_guess_kernel(c, SEMA_NEED_BTF, sp, "no kernel BTF: args of %s%s are unknown; "
				  "fields assumed int64", what, name);
	else if (has_glob(name))
		sema_guess(c, sp, "args of the wildcard %s%s are not checked",
			   *what ? what : "kfunc ", name);
	else
		return btf;
	p->args_guessed = true;
	return NULL;
}

/* T, the args found in BTF, or why there are none (errno). */
static void args_found(struct sema_ctx *c, struct bc_sema_probe *p, const struct bc_span *sp,
		       struct bc_stype *t, const char *what, const char *name)
{
	const struct bc_attach_point *ap = p->probe->aps[0];

	if (t) {
		add_args(c, p, t);
		return;
	}
	if (errno == ENOMEM)
		sema_oom(c);
	else if (errno == E2BIG)
		sema_error(c, sp, "%s%s has more than 6 arguments%s", what, name,
			   *what ? "" : ", which kfunc probes cannot read");
	else
		sema_error(c, &ap->span, "No BTF found for %s%s", what, name);
	p->args_guessed = true;
}

static void kfunc_args(struct sema_ctx *c, struct bc_sema_probe *p, const struct bc_span *sp)
{
	const char *fn = kfunc_name(p->probe->aps[0]);
	struct bc_btf *btf = args_btf(c, p, sp, "", fn);

	if (btf)
		args_found(c, p, sp, bc_btf_func_args(btf, fn, p->type == BC_PROBE_KRETFUNC, c->v),
			   "", fn);
}

/*
 * rawtracepoint args (0.24+, 4637665b1 "rawtracepoints can utilize the args
 * builtin"): the tracepoint's parameters from its BTF stub.
 */
static void rawtp_args(struct sema_ctx *c, struct bc_sema_probe *p, const struct bc_span *sp)
{
	const struct bc_attach_point *ap = p->probe->aps[0];
	const char *ev = ap->nr_parts ? ap->parts[ap->nr_parts - 1] : "";
	struct bc_btf *btf = args_btf(c, p, sp, "rawtracepoint ", ev);

	if (btf)
		args_found(c, p, sp, bc_btf_rawtp_args(btf, ev, c->v), "rawtracepoint ", ev);
}

static void *dwarf_for(struct sema_ctx *c, const char *path)
{
	struct bc_dwarf *d;

	for (size_t i = 0; i < c->nr_dwarfs; i++)
		if (!strcmp(c->dwarfs[i].path, path))
			return c->dwarfs[i].dw;
	c->r->reads_binaries = true;	/* the result depends on a file besides the script */
	d = bc_dwarf_open(path);
	if (BC_GROW(c->dwarfs, c->cap_dwarfs, c->nr_dwarfs + 1)) {
		bc_dwarf_close(d);
		return NULL;
	}
	c->dwarfs[c->nr_dwarfs].path = strdup(path);
	c->dwarfs[c->nr_dwarfs].dw = d;
	if (!c->dwarfs[c->nr_dwarfs].path) {
		bc_dwarf_close(d);
		return NULL;
	}
	c->nr_dwarfs++;
	return d;
}

/*
 * The DWARF of a uprobe/uretprobe attach point of the current probe, in the
 * order they are written: bpftrace 0.17's FieldAnalyser asks each attach
 * point's binary for a struct's fields (Dwarf::resolve_fields) before the
 * kernel BTF. NULL when the probe has none with readable debug info.
 */
struct bc_dwarf *sema_probe_dwarf(struct sema_ctx *c)
{
	const struct bc_probe *pr = c->probe ? c->probe->probe : NULL;

	for (size_t i = 0; pr && i < pr->nr_aps; i++) {
		const struct bc_attach_point *ap = pr->aps[i];
		const char *bin = ap->nr_parts > 0 ? ap->parts[0] : "";
		struct bc_dwarf *d;

		if (ap->provider != BC_PROV_UPROBE && ap->provider != BC_PROV_URETPROBE)
			continue;
		if (bin[0] != '/' || access(bin, R_OK))
			continue;
		d = dwarf_for(c, bin);
		if (d)
			return d;
	}
	return NULL;
}

static void uprobe_args(struct sema_ctx *c, struct bc_sema_probe *p, const struct bc_span *sp)
{
	const struct bc_attach_point *ap = p->probe->aps[0];
	const char *bin = ap->nr_parts > 0 ? ap->parts[0] : "";
	const char *fn = ap->nr_parts > 1 ? ap->parts[1] : "";
	struct bc_dwarf *d;
	struct bc_stype *t;

	if (bin[0] != '/' || access(bin, R_OK)) {
		sema_guess(c, sp, "binary '%s' is not readable here: args of %s are unknown; fields "
			   "assumed int64", bin, fn);
		p->args_guessed = true;
		return;
	}
	d = dwarf_for(c, bin);
	if (!d) {
		sema_guess(c, sp, "%s has no DWARF debug info: args of %s are unknown; fields "
			   "assumed int64", bin, fn);
		p->args_guessed = true;
		return;
	}
	t = bc_dwarf_func_args(d, fn, c->v);
	if (!t) {
		sema_guess(c, sp, "no DWARF for function %s in %s: its args are unknown; fields "
			   "assumed int64", fn, bin);
		p->args_guessed = true;
		return;
	}
	add_args(c, p, t);
}

static void resolve_args(struct sema_ctx *c, struct bc_sema_probe *p, const struct bc_span *sp)
{
	switch (p->type) {
	case BC_PROBE_TRACEPOINT:
		tp_args(c, p, sp);
		break;
	case BC_PROBE_KFUNC:
	case BC_PROBE_KRETFUNC:
		kfunc_args(c, p, sp);
		break;
	case BC_PROBE_UPROBE:
		uprobe_args(c, p, sp);
		break;
	case BC_PROBE_RAWTRACEPOINT:
		rawtp_args(c, p, sp);
		break;
	default:
		return;
	}
	if (p->nr_all_args)
		p->args = bc_stype_get(p->all_args[0]);
}

static enum bc_addrspace args_as(struct sema_ctx *c, struct bc_sema_probe *p)
{
	const struct bc_attach_point *ap = p->probe->aps[0];

	if (p->type == BC_PROBE_UPROBE)
		return BC_AS_USER;
	if (p->type == BC_PROBE_TRACEPOINT && ap->nr_parts && !strcmp(ap->parts[0], "syscalls"))
		return BC_AS_USER;
	return BC_AS_KERNEL;
}

const struct bc_stype *sema_probe_args(struct sema_ctx *c, const struct bc_span *sp)
{
	struct bc_sema_probe *p = c->probe;
	const struct bc_stype *rec;
	enum bc_addrspace as;

	if (!p)
		return sema_none(c);
	if (!p->args && !p->args_guessed) {
		bool final = c->final;

		c->final = true;	/* resolved once; notes are reported here */
		resolve_args(c, p, sp);
		c->final = final;
		if (!p->args)
			p->args_guessed = true;
	}
	as = args_as(c, p);
	if (p->args) {
		rec = sema_keep(c, bc_stype_with_as(bc_stype_get(p->args), as));
	} else {
		char name[160];
		const struct bc_attach_point *ap = p->probe->aps[0];

		snprintf(name, sizeof(name), "struct _args_%s_%s", ap->nr_parts ? ap->parts[0] : "",
			 ap->nr_parts > 1 ? ap->parts[1] : "");
		rec = sema_keep(c, bc_stype_with_as(bc_stype_cstruct(name, 0, false, NULL), as));
	}
	if (c->v < BC_BT(19))
		return sema_keep(c, bc_stype_pointer(bc_stype_get((struct bc_stype *)rec), as));
	return rec;
}

const struct bc_stype *sema_probe_retval(struct sema_ctx *c, const struct bc_span *sp)
{
	const struct bc_stype *a;
	const struct bc_field *f;

	switch (c->pt) {
	case BC_PROBE_KRETPROBE:
		return sema_keep(c, bc_stype_with_as(bc_stype_int(8, false), BC_AS_KERNEL));
	case BC_PROBE_URETPROBE:
		return sema_keep(c, bc_stype_with_as(bc_stype_int(8, false), BC_AS_USER));
	case BC_PROBE_KFUNC:
	case BC_PROBE_KRETFUNC:
		a = sema_probe_args(c, sp);
		if (sema_is_ptr(a))
			a = a->elem;
		if (c->probe && c->probe->args_guessed)
			return sema_keep(c, bc_stype_with_as(bc_stype_int(8, false), BC_AS_KERNEL));
		f = a ? bc_stype_field(a, "$retval") : NULL;
		if (!f) {
			sema_error(c, sp, "Can't find a field $retval");
			return sema_none(c);
		}
		return sema_keep(c, bc_stype_with_as(bc_stype_get(f->type), BC_AS_KERNEL));
	default:
		return sema_none(c);
	}
}

bool sema_probe_all(struct sema_ctx *c, uint32_t mask)
{
	const struct bc_probe *p = c->probe ? c->probe->probe : NULL;

	for (size_t i = 0; p && i < p->nr_aps; i++) {
		enum bc_probe_type pt = bc_probe_type_parse(p->aps[i]->provider_text, c->v);

		if (!(mask & BC_PROBE_BIT(pt)))
			return false;
	}
	return true;
}
