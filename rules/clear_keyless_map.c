// SPDX-License-Identifier: Apache-2.0
/*
 * BC302 clear-keyless-map: clear(@x) or delete(@x) on a keyless map that
 * the target bpftrace keeps in an array. An array map cannot drop its only
 * element, so bpftrace zeroes it instead (clear_map -> zero_map; delete
 * stores a zero value), and the map is still printed at exit as "@x: 0".
 *
 * Which maps are array-backed is decided in one place, by sema's map table
 * (bc_bpftrace_map_type / bc_bpftrace_map_clearable in
 * analyzer/script/builtins.c): a keyless count() map in 0.17-0.24, none from
 * 0.25, and `let @x = percpuarray(N)` where declared.
 *
 * zero(@x) is not reported: it keeps the entry in every map type (zero_map
 * updates each key), so "@x: 0" is what the script asked for.
 *
 * The fix turns the map's count() writes into sum(1), a per-CPU hash map in
 * those versions (so clear() removes the element) that prints the same
 * "@x: N" line. It is safe when the map is only written by count(),
 * cleared, deleted or zeroed: the exit output then differs only in the
 * "@x: 0" line (measured with bpftrace 0.17; tests/unit/test_map_rules.c).
 * Any other use (print(), reads, len()) makes it unsafe: print(@x) of an
 * emptied hash map prints an empty line where the array printed "@x: 0".
 */
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>

#include "map_common.h"
#include "../analyzer/core/unit.h"

static const char *backing(int bpf_map_type)
{
	return bpf_map_type == BPF_MAP_TYPE_PERCPU_ARRAY ? "a per-CPU array" : "an array";
}

/* The count() call a write of M assigns, or NULL (not a plain count()). */
static const struct bc_expr *count_call(const struct bc_rule_ctx *ctx, const struct bc_script *s,
					const struct bc_sema_map_use *u)
{
	const struct bc_stmt *st = bc_map_assign_of(s, u->expr);
	const struct bc_expr *v = st ? st->u.assign.value : NULL;

	if (!v || st->u.assign.op != BC_OP_NONE || v->kind != BC_EXPR_CALL ||
	    strcmp(v->u.call.name, "count") || v->u.call.args.n)
		return NULL;
	/* the text must be the call itself (not a macro that expands to it) */
	if (v->span.end > ctx->unit->size || v->span.end - v->span.start < 7 ||
	    memcmp(ctx->unit->data + v->span.start, "count", 5))
		return NULL;
	return v;
}

/* The use that makes the fix change output, or NULL when it keeps it. */
static const struct bc_sema_map_use *unsafe_use(const struct bc_sema_map *m)
{
	for (size_t i = 0; i < m->nr_uses; i++) {
		enum bc_map_use_kind k = m->uses[i].kind;

		if (k != BC_MAP_USE_AGG && k != BC_MAP_USE_CLEAR && k != BC_MAP_USE_DELETE &&
		    k != BC_MAP_USE_ZERO)
			return &m->uses[i];
	}
	return NULL;
}

/*
 * Attaches the count() -> sum(1) fix when every write of M is a count()
 * call and sum() maps are clearable in VERSION. 0, or -ENOMEM.
 */
static int add_fix(const struct bc_rule_ctx *ctx, const struct bc_script *s,
		   const struct bc_sema_map *m, int version, struct bc_diag *d)
{
	const struct bc_sema_map_use *bad = unsafe_use(m);
	struct bc_fix *fix;
	size_t nr_counts = 0;

	if (m->declared || !bc_bpftrace_map_clearable(version, true, BC_ST_SUM))
		return 0;
	for (size_t i = 0; i < m->nr_uses; i++) {
		if (!bc_map_use_writes(m->uses[i].kind))
			continue;
		if (m->uses[i].kind != BC_MAP_USE_AGG || !count_call(ctx, s, &m->uses[i]))
			return 0;
		nr_counts++;
	}
	if (!nr_counts)
		return 0;
	fix = bc_diag_fix(d, bad ? BC_FIX_UNSAFE : BC_FIX_SAFE,
			  nr_counts == 1 ? "replace count() with sum(1), a hash map that clear() empties"
					 : "replace each count() with sum(1), a hash map that clear() empties");
	if (!fix)
		return -ENOMEM;
	for (size_t i = 0; i < m->nr_uses; i++) {
		const struct bc_expr *c;

		if (m->uses[i].kind != BC_MAP_USE_AGG)
			continue;
		c = count_call(ctx, s, &m->uses[i]);
		if (bc_fix_edit(fix, &c->span, "sum(1)"))
			return -ENOMEM;
	}
	if (bad && bc_diag_note(d, NULL, &bad->stmt_span,
				"the fix may change output: after clear(), %s of a sum() map shows "
				"nothing where the count() map showed 0",
				bad->kind == BC_MAP_USE_PRINT ? "print()" : "this use"))
		return -ENOMEM;
	return 0;
}

static int report(const struct bc_rule_ctx *ctx, const struct bc_sema *sema,
		  const struct bc_sema_map *m, const struct bc_sema_map_use *u, bool at_exit)
{
	const struct bc_bt_profile *p = bc_sema_profile(sema);
	int v = bc_sema_version(sema);
	const struct bc_sema_map_use *first = NULL;
	const char *fn = u->kind == BC_MAP_USE_CLEAR ? "clear" : "delete";
	const char *what = m->declared ? "declared per-CPU array map" : "keyless count() map";
	struct bc_span span = u->stmt_span;
	char ver[16];
	struct bc_diag *d;

	bc_btv_str(v, ver);
	d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path, &span,
			"%s(@%s) does not remove the %s @%s: bpftrace %s keeps it in %s, which "
			"cannot drop its only element, so it is zeroed and %s '@%s: 0'",
			fn, m->name, what, m->name, ver, backing(m->bpf_map_type),
			at_exit ? "printed at exit as" : "print() still shows", m->name);
	if (!d)
		return -errno;
	if (m->declared)
		first = m->nr_uses && m->uses[0].kind == BC_MAP_USE_DECL ? &m->uses[0] : NULL;
	else
		bc_sema_map_uses(m, BC_MAP_USE_AGG, &first);
	if (first && bc_diag_note(d, NULL, &first->stmt_span, "@%s is %s here", m->name,
				  m->declared ? "declared" : "made a count() map without keys"))
		return -ENOMEM;
	if (at_exit && p->version >= BC_BTV(0, 22, 0) &&
	    bc_diag_note(d, NULL, NULL, "bpftrace %s can leave maps out of the exit output: "
			 "config = { print_maps_on_exit = 0 }", ver))
		return -ENOMEM;
	return add_fix(ctx, bc_sema_script(sema), m, v, d);
}

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_sema *sema = bc_map_rule_sema(ctx);
	bool at_exit;

	if (!sema)
		return 0;
	at_exit = bc_sema_profile(sema)->print_maps_on_exit;
	for (size_t i = 0; i < bc_sema_nr_maps(sema); i++) {
		const struct bc_sema_map *m = bc_sema_map_at(sema, i);

		if (m->clearable || !bc_sema_map_keyless(m) || m->key_mismatch)
			continue;
		if (!at_exit && !bc_sema_map_uses(m, BC_MAP_USE_PRINT, NULL))
			continue;
		for (size_t k = 0; k < m->nr_uses; k++) {
			const struct bc_sema_map_use *u = &m->uses[k];
			int err;

			if (u->kind != BC_MAP_USE_CLEAR &&
			    !(u->kind == BC_MAP_USE_DELETE && !u->keyed))
				continue;
			err = report(ctx, sema, m, u, at_exit);
			if (err)
				return err;
		}
	}
	return 0;
}

const struct bc_rule bc_rule_clear_keyless_map = {
	.id = BC_RULE_CLEAR_KEYLESS_MAP,
	.code = "BC302",
	.name = "clear-keyless-map",
	.summary = "clear()/delete() on a keyless map that bpftrace keeps in an array: it is "
		   "zeroed, not removed, and still printed at exit",
	.kinds = BC_RULE_ON_SCRIPT,
	.fixable = true,
	.check = check,
};
