// SPDX-License-Identifier: Apache-2.0
/*
 * BC301 len-kfunc: counting a map's elements one by one where the kernel
 * can do it in O(1) with bpf_map_sum_elem_count (Linux 6.6), or where it
 * cannot and the count falls back to visiting every element.
 *
 * Scripts, per target bpftrace (docs/bpftrace-codegen.md §3):
 *   - before 0.20 there is no len() (the parser or sema refuse it);
 *   - 0.20-0.21 always iterate (bpf_for_each_map_elem with a counting
 *     callback): reported when the target kernel has the kfunc;
 *   - 0.22 and later call the kfunc when the kernel has it (0.22-0.24:
 *     bpftrace checks kernel BTF; 0.25+: a weak ksym libbpf resolves) and
 *     iterate otherwise: reported when the target kernel lacks it.
 * Only hash-backed maps count: the kfunc returns 0 for array maps (they keep
 * no element counter), and bpftrace never uses it for them.
 *
 * Objects and IR: the counting loops of the facts (bpf_for_each_map_elem
 * calls whose callback only counts and whose result is the count; the
 * front ends find them, analyzer/object/count_loops.h), on hash maps, are
 * reported with the weak-ksym rewrite: a kernel without the kfunc keeps the
 * loop as the fallback.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>

#include "map_common.h"
#include "../analyzer/maps/map_kfunc.h"
#include "../analyzer/core/target.h"
#include "../analyzer/core/unit.h"

static bool array_backed(const struct bc_sema_map *m)
{
	return m->bpf_map_type == BPF_MAP_TYPE_ARRAY || m->bpf_map_type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* Where the kernel fact comes from, as a note. */
static int note_avail(const struct bc_rule_ctx *ctx, struct bc_diag *d,
		      const struct bc_kfunc_avail *a)
{
	if (a->from_btf)
		return bc_diag_note(d, NULL, NULL, "the target kernel's BTF (%s) %s "
				    BC_KFUNC_MAP_SUM_ELEM_COUNT, a->btf_name,
				    a->has ? "has" : "has no");
	return bc_diag_note(d, NULL, NULL, "the target kernel is Linux %s; "
			    BC_KFUNC_MAP_SUM_ELEM_COUNT " is in Linux 6.6 and later (no BTF for the "
			    "target: give --btf to decide from its BTF)", ctx->target->kernel_str);
}

static int check_script(struct bc_rule_ctx *ctx, const struct bc_sema *sema)
{
	int v = bc_sema_version(sema);
	struct bc_kfunc_avail a;
	bool looked = false;
	char ver[16];

	if (v < BC_BTV(0, 20, 0))
		return 0;
	bc_btv_str(v, ver);
	for (size_t i = 0; i < bc_sema_nr_maps(sema); i++) {
		const struct bc_sema_map *m = bc_sema_map_at(sema, i);

		if (array_backed(m) || !bc_sema_map_uses(m, BC_MAP_USE_LEN, NULL))
			continue;
		/* 0.24+ refuse len() of a keyless map (map_sugar checkCall; stdlib is_scalar) */
		if (v >= BC_BTV(0, 24, 0) && bc_sema_map_keyless(m))
			continue;
		if (!looked) {
			int err = bc_map_sum_elem_count_avail(ctx->target, &a);

			if (err)
				return err;
			looked = true;
		}
		/* 0.20-0.21 iterate whatever the kernel has; 0.22+ only without the kfunc */
		if (v >= BC_BTV(0, 22, 0) ? a.has : !a.has)
			continue;
		for (size_t k = 0; k < m->nr_uses; k++) {
			const struct bc_sema_map_use *u = &m->uses[k];
			struct bc_diag *d;

			if (u->kind != BC_MAP_USE_LEN)
				continue;
			if (v >= BC_BTV(0, 22, 0))
				d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path,
						&u->stmt_span,
						"len(@%s) will count @%s by visiting every element "
						"(bpf_for_each_map_elem): the target kernel lacks the "
						BC_KFUNC_MAP_SUM_ELEM_COUNT " kfunc (Linux 6.6+) that "
						"bpftrace %s calls to count in O(1)", m->name, m->name, ver);
			else
				d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path,
						&u->stmt_span,
						"len(@%s) counts @%s by visiting every element "
						"(bpf_for_each_map_elem) in bpftrace %s; the target kernel "
						"has " BC_KFUNC_MAP_SUM_ELEM_COUNT ", which bpftrace 0.22 "
						"and later call instead to count in O(1)", m->name, m->name,
						ver);
			if (!d)
				return -errno;
			if (note_avail(ctx, d, &a))
				return -ENOMEM;
		}
	}
	return 0;
}

/* Where a loop's function is: the IR line, else its source from the facts. */
static void loop_location(const struct bc_rule_ctx *ctx, const struct bc_count_loop *l,
			  const char **path, struct bc_span *span)
{
	const struct bc_facts *f = &ctx->unit->facts;

	*path = ctx->unit->display_path;
	*span = l->span;
	if (span->line)
		return;
	for (size_t i = 0; i < f->nr_funcs; i++)
		if (f->funcs[i].name && !strcmp(f->funcs[i].name, l->func) &&
		    f->funcs[i].src_span.line) {
			*path = f->funcs[i].src_path ? f->funcs[i].src_path : *path;
			*span = f->funcs[i].src_span;
			return;
		}
}

static int report_loop(struct bc_rule_ctx *ctx, const struct bc_count_loop *l,
		       const struct bc_kfunc_avail *a)
{
	struct bc_span span;
	const char *path;
	struct bc_diag *d;

	loop_location(ctx, l, &path, &span);
	d = bc_diag_add(ctx->diags, ctx->rule->id, path, &span,
			"'%s' counts the elements of map '%s' by visiting each one "
			"(bpf_for_each_map_elem with the counting callback '%s'); "
			BC_KFUNC_MAP_SUM_ELEM_COUNT " returns the count in O(1)%s",
			l->func, l->map, l->callback,
			a->has ? " on the target kernel" : " on Linux 6.6 and later");
	if (!d)
		return -errno;
	if (bc_diag_note(d, NULL, NULL, "call the kfunc through a weak ksym and keep the loop "
			 "as the fallback: extern s64 " BC_KFUNC_MAP_SUM_ELEM_COUNT
			 "(const struct bpf_map *) __ksym __weak; ... n = bpf_ksym_exists("
			 BC_KFUNC_MAP_SUM_ELEM_COUNT ") ? " BC_KFUNC_MAP_SUM_ELEM_COUNT
			 "((const struct bpf_map *)&%s) : %s", l->map,
			 l->counter ? "(the loop as now)" : "bpf_for_each_map_elem(...)"))
		return -ENOMEM;
	return note_avail(ctx, d, a);
}

static int check_loops(struct bc_rule_ctx *ctx)
{
	const struct bc_count_loop *v = ctx->unit->facts.count_loops;
	size_t n = ctx->unit->facts.nr_count_loops;
	struct bc_kfunc_avail a;
	int err;

	err = n ? bc_map_sum_elem_count_avail(ctx->target, &a) : 0;
	for (size_t i = 0; i < n && !err; i++)
		if (v[i].map && bc_map_type_has_elem_count(v[i].map_type))
			err = report_loop(ctx, &v[i], &a);
	return err;
}

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_sema *sema;

	if (ctx->unit->kind != BC_KIND_SCRIPT)
		return ctx->unit->status ? 0 : check_loops(ctx);
	sema = bc_map_rule_sema(ctx);
	return sema ? check_script(ctx, sema) : 0;
}

const struct bc_rule bc_rule_len_kfunc = {
	.id = BC_RULE_LEN_KFUNC,
	.code = "BC301",
	.name = "len-kfunc",
	.summary = "len() or a counting loop visits every map element where "
		   "bpf_map_sum_elem_count counts in O(1), or will on a kernel without it",
	.kinds = BC_RULE_ON_SCRIPT | BC_RULE_ON_IR | BC_RULE_ON_OBJECT,
	.check = check,
};
