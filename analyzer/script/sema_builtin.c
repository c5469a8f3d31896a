// SPDX-License-Identifier: Apache-2.0
/*
 * Builtin variables (pid, comm, args, retval, argN, ctx, func, ...): which
 * versions have them, the probe types that accept them (with bpftrace's
 * messages), and their types from builtins.h or the probe context.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema_impl.h"

static void version_str(int v, char *buf, size_t n)
{
	if (v >= BC_BT_HEAD)
		snprintf(buf, n, "after %d.%d", v / 10000, v / 100 % 100);
	else
		snprintf(buf, n, "%d.%d", v / 10000, v / 100 % 100);
}

/* "len() needs bpftrace 0.20 or later" / "... was removed in bpftrace 0.25" */
void sema_unavailable(struct sema_ctx *c, const struct bc_span *sp, const char *what,
			const struct bc_builtin *any)
{
	char ver[32];

	if (c->v < any->since) {
		version_str(any->since, ver, sizeof(ver));
		if (any->since >= BC_BT_HEAD)
			sema_error(c, sp, "%s is only in bpftrace development builds (%s); "
				   "bpftrace %d.%d does not have it", what, ver, c->v / 10000,
				   c->v / 100 % 100);
		else
			sema_error(c, sp, "%s needs bpftrace %s or later", what, ver);
	} else {
		version_str(any->until, ver, sizeof(ver));
		sema_error(c, sp, "%s was removed in bpftrace %s", what, ver);
	}
}

static const char *ap_provider(const struct bc_attach_point *ap)
{
	return ap->provider_text ? ap->provider_text : "?";
}

/* ---- builtin variables ---- */

bool sema_probe_types_ok(struct sema_ctx *c, uint32_t mask, const char **bad)
{
	const struct bc_probe *p = c->probe ? c->probe->probe : NULL;

	if (!p)
		return true;	/* fns: bpftrace checks at the call sites */
	for (size_t i = 0; i < p->nr_aps; i++) {
		const struct bc_attach_point *ap = p->aps[i];
		enum bc_probe_type pt = bc_probe_type_parse(ap->provider_text, c->v);

		if (pt == BC_PROBE_INVALID)
			continue;	/* an unknown provider is reported once, elsewhere */
		if (mask && !(mask & BC_PROBE_BIT(pt))) {
			*bad = ap_provider(ap);
			return false;
		}
	}
	return true;
}

/*
 * ctx in a probe whose attach points have different providers
 * (`k:f, kr:f`): bpftrace types it by the first attach point's program type
 * and refuses it only when another attach point has a different one (0.24
 * visit(Builtin) "ctx"). Providers of one program type have one context
 * struct, so the program types compare as their ctx types do.
 */
static const struct bc_stype *mixed_ctx(struct sema_ctx *c, struct bc_expr *e,
					const struct bc_builtin *b, struct bc_builtin_use *use)
{
	const struct bc_probe *pr = c->probe->probe;
	struct bc_stype *first = NULL;

	for (size_t i = 0; i < pr->nr_aps; i++) {
		struct bc_stype *t;

		use->probe = bc_probe_type_parse(pr->aps[i]->provider_text, c->v);
		t = use->probe == BC_PROBE_INVALID || use->probe == BC_PROBE_ITER ? NULL :
			bc_builtin_result(b, c->prof, use);
		if (!t || (first && !bc_stype_equal(first, t))) {
			sema_error(c, &e->span, "ctx cannot be used in different BPF program types");
			bc_stype_put(t);
			bc_stype_put(first);
			return sema_none(c);
		}
		if (first)
			bc_stype_put(t);
		else
			first = t;
	}
	if (!first)
		return sema_none(c);
	return sema_keep(c, first);
}

const struct bc_stype *sema_builtin_row(struct sema_ctx *c, struct bc_expr *e,
					  const struct bc_builtin *b, const char *name)
{
	struct bc_builtin_use use = { .probe = c->pt };
	const char *bad = NULL;
	struct bc_stype *t;

	if (!strcmp(name, "args")) {
		bool ok = sema_probe_types_ok(c, b->probes, &bad);

		if (ok && c->probe && c->pt == BC_PROBE_INVALID && c->v >= BC_BT(25)) {
			/*
			 * 0.25 expands every probe with several attach points
			 * (d8d3ff0e4, #4742), so each has args of its own kind;
			 * this analysis types the body once: args is not checked
			 */
			sema_guess(c, &e->span, "args of a probe with attach points of different "
				   "kinds are not checked (bpftrace types each one apart)");
			return sema_probe_args(c, &e->span);
		}
		if (!ok || (c->probe && c->pt == BC_PROBE_INVALID)) {
			sema_error(c, &e->span,
				   "The args builtin can only be used with tracepoint/kfunc/uprobe "
				   "probes (%s used here)", bad ? bad : "mixed probe types");
			return sema_none(c);
		}
		return sema_probe_args(c, &e->span);
	}
	if (!strcmp(name, "retval")) {
		if (c->fn)
			return sema_keep(c, bc_stype_int(8, false));
		if (!sema_probe_types_ok(c, b->probes, &bad) || c->pt == BC_PROBE_INVALID) {
			sema_error(c, &e->span,
				   "The retval builtin can only be used with 'kretprobe' and "
				   "'uretprobe' and 'kfunc' probes%s",
				   c->pt == BC_PROBE_TRACEPOINT ? " (try to use args->ret instead)" : "");
			return sema_none(c);
		}
		return sema_probe_retval(c, &e->span);
	}
	if (!strcmp(name, "ctx") && c->probe) {
		if (c->pt == BC_PROBE_TRACEPOINT) {
			sema_error(c, &e->span, "Use args instead of ctx in tracepoint");
			return sema_none(c);
		}
		if (c->pt == BC_PROBE_ITER) {
			const struct bc_attach_point *ap = c->probe->probe->aps[0];
			char sname[128];

			snprintf(sname, sizeof(sname), "struct bpf_iter__%s",
				 ap->nr_parts ? ap->parts[0] : "");
			return sema_keep(c, bc_stype_pointer(
				bc_stype_get((struct bc_stype *)sema_struct(c, sname, &e->span, true)),
				BC_AS_KERNEL));
		}
	}
	if (b->flags & BC_BIF_NUMBERED) {
		long n = strtol(name + strlen(b->name), NULL, 10);
		bool is_sarg = !strcmp(b->name, "sarg");

		if (!sema_probe_types_ok(c, b->probes, &bad)) {
			if (is_sarg)
				sema_error(c, &e->span, "The %s builtin can only be used with 'kprobes' "
					   "and 'uprobes' probes", name);
			else
				sema_error(c, &e->span, "The %s builtin can only be used with "
					   "'kprobes', 'uprobes' and 'usdt' probes", name);
			return sema_none(c);
		}
		if (!is_sarg && n > BT_X86_MAX_ARG && c->pt != BC_PROBE_USDT &&
		    c->pt != BC_PROBE_RAWTRACEPOINT) {
			sema_error(c, &e->span, "x86_64 doesn't support %s", name);
			return sema_none(c);
		}
		use.ident_number = (uint32_t)n;
	} else if (!strcmp(name, "func")) {
		if (!sema_probe_types_ok(c, b->probes, &bad)) {
			sema_error(c, &e->span, "The func builtin can not be used with '%s' probes",
				   bad);
			return sema_none(c);
		}
	} else if (!sema_probe_types_ok(c, b->probes, &bad)) {
		sema_error(c, &e->span, "The %s builtin can not be used with '%s' probes", name,
			   bad);
		return sema_none(c);
	}
	if (c->probe && c->probe->name)
		use.probe_name = c->probe->name;
	if (!strcmp(name, "ctx") && c->probe && c->pt == BC_PROBE_INVALID)
		return mixed_ctx(c, e, b, &use);
	t = bc_builtin_result(b, c->prof, &use);
	if (!t) {
		if (!strcmp(name, "ctx"))
			sema_error(c, &e->span, "invalid program type");
		return sema_none(c);
	}
	return sema_keep(c, t);
}

const struct bc_stype *sema_builtin(struct sema_ctx *c, struct bc_expr *e)
{
	const char *name = e->u.name;
	const struct bc_builtin *b = bc_builtin_find(name, BC_BI_VAR, c->v);

	/* a for loop's body is a callback without the probe's context (0.21+) */
	if (c->for_depth && (!strcmp(name, "ctx") || !strcmp(name, "args") ||
			     !strcmp(name, "retval") ||
			     (!strncmp(name, "arg", 3) && name[3] >= '0' && name[3] <= '9') ||
			     (!strncmp(name, "sarg", 4) && name[4] >= '0' && name[4] <= '9')))
		sema_error(c, &e->span, "'%s' builtin is not allowed in a for-loop", name);

	if (!b) {
		const struct bc_builtin *any = bc_builtin_find_any(name, BC_BI_VAR, c->v);
		char what[80];

		if (any) {
			snprintf(what, sizeof(what), "builtin '%s'", name);
			sema_unavailable(c, &e->span, what, any);
		} else {
			sema_error(c, &e->span, "Unknown builtin variable: '%s'", name);
		}
		return sema_none(c);
	}
	if (b->flags & BC_BIF_STDLIB)
		sema_stdlib_expand(c, e, name, NULL);
	return sema_builtin_row(c, e, b, name);
}
