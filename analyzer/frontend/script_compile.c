// SPDX-License-Identifier: Apache-2.0
/* Script -> code generation -> object -> facts mapped to probes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../codegen/codegen.h"
#include "../llvm/compile.h"
#include "../llvm/ir_load.h"
#include "../maps/map_kfunc.h"
#include "../stack/prov.h"
#include "../core/kernel_limits.h"
#include "../core/target.h"
#include "../core/unit.h"
#include "../script/ast.h"
#include "../script/builtins.h"
#include "script_compile.h"
#include "../base/array.h"
#include "../script/sema.h"
#include "../target/source.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- probe names ---- */

/* bpftrace's AttachPoint::name() as code generation names functions: the
 * canonical provider of VERSION, the parts as written, an offset as "+N". */
static void ap_name(FILE *m, const struct bc_attach_point *ap, int version)
{
	enum bc_probe_type pt = bc_probe_type_parse(ap->provider_text, version);

	fputs(pt != BC_PROBE_INVALID ? bc_probe_type_name(pt, version) : ap->provider_text, m);
	for (size_t i = 0; i < ap->nr_parts; i++)
		fprintf(m, ":%s", ap->parts[i]);
	if (ap->has_offset && ap->offset)
		fprintf(m, "+%llu", (unsigned long long)ap->offset);
}

static char *names_of(const struct bc_probe *p, size_t only, int version)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return NULL;
	for (size_t i = 0; i < p->nr_aps; i++) {
		if (only != SIZE_MAX && i != only)
			continue;
		if (only == SIZE_MAX && i)
			fputc(',', m);
		ap_name(m, p->aps[i], version);
	}
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static struct bc_span join_spans(const struct bc_span *a, const struct bc_span *b)
{
	struct bc_span s = *a;

	s.end = b->end;
	s.end_line = b->end_line ? b->end_line : b->line;
	s.end_col = b->end_col;
	return s;
}

/*
 * The names a function of probe P may carry: all its attach points joined
 * (ORDER 0), then each attach point alone (ORDER i + 1), with the span each
 * stands for. Built once per script and looked up by binary search, so that
 * mapping F functions to P probes costs (F + P) log P, not F * P.
 */
struct probe_name {
	char *name;
	size_t probe;		/* the probe's rank in the script */
	size_t order;
	struct bc_span span;
};

static int cmp_probe_name(const void *a, const void *b)
{
	const struct probe_name *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->probe != y->probe)
		return x->probe < y->probe ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void probe_names_free(struct probe_name *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

static int probe_names(const struct bc_script *s, int version, struct probe_name **out,
		       size_t *nr)
{
	struct probe_name *v = NULL;
	size_t n = 0, cap = 0, rank = 0;

	for (size_t k = 0; k < s->nr_items; k++) {
		const struct bc_probe *p;

		if (s->items[k].kind != BC_ITEM_PROBE)
			continue;
		p = s->items[k].u.probe;
		rank++;
		if (!p->nr_aps)
			continue;
		for (size_t i = 0; i <= p->nr_aps; i++) {
			struct probe_name *e;

			if (BC_GROW(v, cap, n + 1))
				goto nomem;
			e = &v[n];
			e->name = names_of(p, i ? i - 1 : SIZE_MAX, version);
			if (!e->name)
				goto nomem;
			e->probe = rank;
			e->order = i;
			e->span = i ? p->aps[i - 1]->span :
				  join_spans(&p->aps[0]->span, &p->aps[p->nr_aps - 1]->span);
			n++;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_probe_name);
	*out = v;
	*nr = n;
	return 0;
nomem:
	probe_names_free(v, n);
	return -ENOMEM;
}

/* The first probe (in script order) F belongs to, preferring its joined
 * name to one attach point's: the first entry named F->name. */
static const struct probe_name *probe_of(const struct probe_name *v, size_t n,
					 const struct bc_func *f)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(v[mid].name, f->name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(v[lo].name, f->name) ? &v[lo] : NULL;
}

size_t bc_script_map_probes(struct bc_unit *u, int bpftrace)
{
	const struct bc_script *s = u->script;
	struct probe_name *names;
	size_t mapped = 0, nr_names;

	if (!s || probe_names(s, bpftrace, &names, &nr_names))
		return 0;
	for (size_t i = 0; i < u->facts.nr_funcs; i++) {
		struct bc_func *f = &u->facts.funcs[i];
		const struct probe_name *hit;

		if (!f->name || !f->is_entry)
			continue;
		hit = probe_of(names, nr_names, f);
		if (!hit)
			continue;
		free(f->src_path);
		f->src_path = NULL;
		f->src_span = hit->span;
		mapped++;
	}
	probe_names_free(names, nr_names);
	return mapped;
}

/* ---- compiling ---- */

/* Does the script call len() on a map? Only then is the kernel's BTF asked
 * for the kfunc (an index of its functions: about a tenth of a run). */
static bool uses_len(const struct bc_sema *sema)
{
	for (size_t i = 0; i < bc_sema_nr_maps(sema); i++)
		if (bc_sema_map_uses(bc_sema_map_at(sema, i), BC_MAP_USE_LEN, NULL))
			return true;
	return false;
}

static void codegen_opts(struct bc_codegen_opts *o, const struct bc_target *t,
			 const struct bc_sema *sema, struct bc_codegen_status *st)
{
	struct bc_kfunc_avail ka = { 0 };

	memset(o, 0, sizeof(*o));
	o->source = t->source;
	o->bpftrace = t->bpftrace;
	o->no_probe_read_kernel = t->kernel && t->kernel < BC_KV_PROBE_READ_KERNEL;
	o->no_ktime_get_boot_ns = t->kernel && t->kernel < BC_KV_KTIME_GET_BOOT_NS;
	o->ringbuf = !t->kernel || t->kernel >= BC_KV_RINGBUF;
	o->has_map_sum_elem_count = uses_len(sema) && !bc_map_sum_elem_count_avail(t, &ka) &&
				    ka.has;
	o->status = st;
}

static int add_uncompiled(struct bc_script_compile_result *r, const struct bc_codegen_status *st,
			  size_t item)
{
	struct bc_script_uncompiled *x;

	if (BC_GROW(r->uncompiled, r->cap_uncompiled, r->nr_uncompiled + 1))
		return -ENOMEM;
	x = &r->uncompiled[r->nr_uncompiled];
	memset(x, 0, sizeof(*x));
	x->item = item;
	x->span = st->span;
	x->message = strdup(st->message[0] ? st->message : "construct not modelled");
	if (!x->message)
		return -ENOMEM;
	r->nr_uncompiled++;
	return 0;
}

/* Code generation for ITEM (ONLY) or the whole script, then the compile. */
static int compile_one(struct bc_unit *u, const struct bc_target *t,
		       const struct bc_sema *sema, bool only, size_t item,
		       struct bc_script_compile_result *r)
{
	struct bc_codegen_status st = { 0 };
	struct bc_compile_stats cs;
	struct bc_codegen_opts o;
	struct bc_ir_module *m = NULL;
	struct bc_prov_table *prov = NULL;
	uint64_t t0 = now_ns();
	int err;

	codegen_opts(&o, t, sema, &st);
	o.only_item = only;
	o.item = item;
	err = bc_codegen(u->script, sema, &o, &m, &prov);
	r->codegen_ns += now_ns() - t0;
	if (err == -ENOMEM)
		return bc_unit_fail(u, err, NULL, "out of memory");
	/* not modelled (or not typed well enough to generate): the probes are
	 * then compiled one by one, and those that fail are named */
	if (err) {
		if (!st.message[0])
			snprintf(st.message, sizeof(st.message), "code generation failed (%s)",
				 strerror(-err));
		return only ? add_uncompiled(r, &st, item) : -EOPNOTSUPP;
	}
	t0 = now_ns();
	err = bc_compile_module(u, t, m, prov, NULL, &cs);
	r->compile_ns += now_ns() - t0;
	r->opt_ns += cs.opt_ns;
	r->slots_ns += cs.analyze_ns;
	r->backend_ns += cs.codegen_ns;
	r->object_ns += cs.object_ns;
	if (cs.threads > r->threads)
		r->threads = cs.threads;
	bc_prov_table_free(prov);
	bc_ir_module_free(m);
	return err;
}

int bc_script_compile(struct bc_unit *u, const struct bc_target *t,
		      struct bc_script_compile_result *res)
{
	struct bc_script_compile_result local = { 0 }, *r = res ? res : &local;
	const struct bc_sema *sema = bc_sema_of(u);
	const struct bc_script *s = u->script;
	int err;

	memset(r, 0, sizeof(*r));
	if (!s || !sema)
		return -EINVAL;
	for (size_t i = 0; i < s->nr_items; i++)
		r->nr_probes += s->items[i].kind == BC_ITEM_PROBE;
	err = compile_one(u, t, sema, false, 0, r);
	if (err == -EOPNOTSUPP) {
		/* the probes one by one: only the unsupported ones go without */
		err = 0;
		for (size_t i = 0; i < s->nr_items && !err; i++)
			if (s->items[i].kind == BC_ITEM_PROBE)
				err = compile_one(u, t, sema, true, i, r);
	}
	if (!err || u->facts.nr_funcs)
		bc_script_map_probes(u, bc_sema_version(sema));
	for (size_t i = 0; i < u->facts.nr_funcs; i++)
		r->nr_functions += u->facts.funcs[i].is_entry;
	if (r == &local)
		bc_script_compile_result_free(&local);
	return err;
}

void bc_script_compile_result_free(struct bc_script_compile_result *r)
{
	for (size_t i = 0; i < r->nr_uncompiled; i++)
		free(r->uncompiled[i].message);
	free(r->uncompiled);
	memset(r, 0, sizeof(*r));
}

/* The probe's name for messages: its attach points as written. */
static int probe_note(struct bc_unit *u, const struct bc_script_uncompiled *x)
{
	const struct bc_script *s = u->script;
	const struct bc_probe *p = x->item < s->nr_items && s->items[x->item].kind == BC_ITEM_PROBE ?
				   s->items[x->item].u.probe : NULL;
	struct bc_span where = { 0 };
	struct bc_diag *d;

	if (p && p->nr_aps)
		where = join_spans(&p->aps[0]->span, &p->aps[p->nr_aps - 1]->span);
	d = bc_diag_add(&u->diags, BC_RULE_STACK_NOT_COMPUTED, u->display_path,
			x->span.line ? &x->span : &where, "no stack figure for %s: %s",
			p && p->nr_aps ? "this probe" : "a probe", x->message);
	if (!d)
		return -errno;
	if (x->span.line && where.line &&
	    (x->span.start != where.start || x->span.end != where.end))
		return bc_diag_note(d, NULL, &where, "the probe");
	return 0;
}

/* Whether the probe at ITEM lacks its figure for want of the kernel: a type
 * it uses was guessed for that reason, or it is a tracepoint probe and the
 * target has no tracepoints (a wildcard that matches nothing uses no type). */
static bool kernel_gap(const struct bc_sema *sema, const struct bc_target *t, size_t item)
{
	const struct bc_sema_probe *p = bc_sema_probe_of_item(sema, item);

	if (bc_sema_kernel_gap(sema, item))
		return true;
	return p && p->first_type == BC_PROBE_TRACEPOINT && t->source &&
	       !bc_source_has_tracepoints(t->source);
}

int bc_script_compile_unit(struct bc_unit *u, const struct bc_target *t)
{
	const struct bc_script *s = u->script;
	const struct bc_sema *sema = bc_sema_of(u);
	struct bc_script_compile_result r;
	int err;

	if (!s || !sema || s->nr_errors || bc_sema_nr_errors(sema))
		return 0;
	err = bc_script_compile(u, t, &r);
	for (size_t i = 0; i < r.nr_uncompiled && !err; i++) {
		/* a figure missing for want of the kernel is said once per run (BC105) */
		if (kernel_gap(sema, t, r.uncompiled[i].item))
			u->kernel_gap_probes++;
		else
			err = probe_note(u, &r.uncompiled[i]);
	}
	bc_script_compile_result_free(&r);
	if (err && !u->status)
		err = bc_unit_fail(u, err, NULL, "%s", strerror(-err));
	return err;
}
