// SPDX-License-Identifier: Apache-2.0
/*
 * bpfcheck emit (see emit.h): script or IR -> a module libbpf can load ->
 * the rewrites -> the object, measured before and after by the object
 * analysis.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>
#include <llvm-c/Analysis.h>
#include <llvm-c/BitWriter.h>

#include "../base/array.h"
#include "../codegen/codegen.h"
#include "../frontend/c_compile.h"
#include "../core/analysis.h"
#include "../core/kernel_limits.h"
#include "../core/target.h"
#include "../core/unit.h"
#include "../llvm/backend.h"
#include "../llvm/dbg_vars.h"
#include "../llvm/ir_load.h"
#include "../llvm/opt_state.h"
#include "../maps/map_kfunc.h"
#include "../object/object.h"
#include "../script/ast.h"
#include "../script/sema.h"
#include "../stack/liveness.h"
#include "../stack/prov.h"
#include "../stack/prov_slots.h"
#include "../../rules/slot_origins.h"
#include "emit.h"
#include "emit_dbg.h"
#include "emit_len.h"
#include "emit_maps.h"
#include "emit_scratch.h"
#include "emit_sections.h"

/* The scratch map every rewritten program shares. */
#define SCRATCH_MAP "bc_scratch"

struct prog {
	LLVMValueRef fn;
	char *orig;		/* the function's name as generated */
	const char *name;	/* the symbol (owned by the dbg table, or orig) */
	char *section;
	struct bc_span span;
	struct bc_liveness L;
	bool has_L;
	struct bc_slot *slots;	/* L's stack slots first (bc_prov_slots) */
	size_t nr_slots;
	uint32_t before, after;
	struct bc_emit_scratch_slot *sel;
	struct bc_emit_moved *moved;
	size_t nr_sel, cap_sel, cap_moved;
	uint32_t scratch_bytes;
};

struct emit {
	struct bc_unit *u;
	const struct bc_target *t;
	const struct bc_emit_opts *o;
	struct bc_emit_result *r;
	struct bc_ir_module *m;
	struct bc_prov_table *prov;
	struct bc_emit_dbg dbg;
	bool script;
	bool has_kfunc;		/* the target kernel has bpf_map_sum_elem_count */
	int version;
	struct prog *progs;
	size_t nr_progs, cap_progs;
	struct bc_facts loops;	/* IR: the counting loops of the module's object */
};

static int fail(struct emit *e, int err, const struct bc_span *sp, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct emit *e, int err, const struct bc_span *sp, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (err == -ENOMEM || !msg)
		err = bc_unit_fail(e->u, -ENOMEM, NULL, "out of memory");
	else
		err = bc_unit_fail(e->u, err, sp && sp->line ? sp : NULL, "%s", msg);
	free(msg);
	return err;
}

static struct prog *add_prog(struct emit *e, LLVMValueRef fn)
{
	struct prog *p;
	size_t len;
	const char *name;

	if (BC_GROW(e->progs, e->cap_progs, e->nr_progs + 1))
		return NULL;
	p = &e->progs[e->nr_progs];
	memset(p, 0, sizeof(*p));
	name = LLVMGetValueName2(fn, &len);
	p->orig = strndup(name, len);
	if (!p->orig)
		return NULL;
	p->fn = fn;
	p->name = p->orig;
	e->nr_progs++;
	return p;
}

/* ---- scripts: the module as bpftrace's, made loadable ---- */

static int add_license(struct emit *e)
{
	LLVMContextRef ctx = LLVMGetModuleContext(e->m->mod);
	LLVMValueRef s = LLVMConstStringInContext(ctx, "GPL", 3, 0);
	LLVMValueRef g = LLVMAddGlobal(e->m->mod, LLVMTypeOf(s), "LICENSE");

	if (!g)
		return -ENOMEM;
	LLVMSetInitializer(g, s);
	LLVMSetSection(g, "license");
	LLVMSetAlignment(g, 1);
	return 0;
}

static int script_maps(struct emit *e, const struct bc_codegen_maps *cm)
{
	const struct bc_sema *sema = bc_sema_of(e->u);
	LLVMValueRef *globals = calloc(cm->nr ? cm->nr : 1, sizeof(*globals));
	int err = 0;

	if (!globals)
		return -ENOMEM;
	e->r->maps = calloc(cm->nr ? cm->nr : 1, sizeof(*e->r->maps));
	if (!e->r->maps) {
		free(globals);
		return -ENOMEM;
	}
	e->r->cap_maps = cm->nr ? cm->nr : 1;
	for (size_t i = 0; i < cm->nr && !err; i++) {
		struct bc_emit_map *m = &e->r->maps[e->r->nr_maps];

		if (!cm->names[i])
			continue;
		err = bc_emit_bt_map_layout(cm->names[i], sema, e->version, m);
		if (err == -ENOENT) {
			err = fail(e, -EOPNOTSUPP, NULL,
				   "cannot emit map %s: no layout for its type is known", cm->names[i]);
			break;
		}
		if (err)
			break;
		e->r->nr_maps++;
		globals[i] = bc_emit_map_global(&e->dbg, m);
		if (!globals[i])
			err = -ENOMEM;
	}
	if (!err)
		err = bc_emit_replace_pseudo(e->m->mod, globals, cm->nr);
	free(globals);
	if (err == -EINVAL)
		err = fail(e, err, NULL, "cannot emit: a map reference of the generated code names no map");
	return err;
}

static void codegen_opts(struct emit *e, struct bc_codegen_opts *co, struct bc_codegen_status *st,
			 struct bc_codegen_maps *cm)
{
	const struct bc_target *t = e->t;
	struct bc_kfunc_avail ka = { 0 };

	memset(co, 0, sizeof(*co));
	co->bpftrace = t->bpftrace;
	co->no_probe_read_kernel = t->kernel && t->kernel < BC_KV_PROBE_READ_KERNEL;
	co->no_ktime_get_boot_ns = t->kernel && t->kernel < BC_KV_KTIME_GET_BOOT_NS;
	co->has_map_sum_elem_count = e->has_kfunc = !bc_map_sum_elem_count_avail(t, &ka) && ka.has;
	co->tracefs = e->o->tracefs;
	co->status = st;
	co->expand_all = true;
	co->exact_load_values = true;
	co->at_span = bc_emit_dbg_at;
	co->at_span_ctx = &e->dbg;
	co->maps = cm;
}

static int script_programs(struct emit *e)
{
	for (LLVMValueRef fn = LLVMGetFirstFunction(e->m->mod); fn; fn = LLVMGetNextFunction(fn)) {
		const char *sec = LLVMGetSection(fn), *why = NULL;
		struct prog *p;

		if (LLVMIsDeclaration(fn) || !sec || strncmp(sec, "s_", 2))
			continue;
		p = add_prog(e, fn);
		if (!p)
			return -ENOMEM;
		p->name = bc_emit_dbg_fn_name(&e->dbg, fn, 0);
		if (!p->name)
			return -ENOMEM;
		for (size_t i = 0; i < e->dbg.nr_fns; i++)
			if (e->dbg.fns[i].fn == fn)
				p->span.line = e->dbg.fns[i].line, p->span.col = 1;
		p->section = bc_emit_section(p->orig, e->version, &why);
		if (!p->section && errno == ENOMEM)
			return -ENOMEM;
		if (!p->section)
			return fail(e, -EOPNOTSUPP, &p->span, "cannot emit probe '%s': %s", p->orig,
				    why ? why : "no section for it");
	}
	return 0;
}

static int script_module(struct emit *e)
{
	const struct bc_sema *sema = bc_sema_of(e->u);
	const struct bc_script *s = e->u->script;
	struct bc_codegen_status st = { 0 };
	struct bc_codegen_maps cm = { 0 };
	struct bc_codegen_opts co;
	char *msg = NULL;
	int err;

	if (!s || !sema || s->nr_errors || bc_sema_nr_errors(sema))
		return fail(e, -EINVAL, NULL, "the script has errors: nothing is emitted");
	e->version = e->t->bpftrace ? e->t->bpftrace : bc_sema_version(sema);
	codegen_opts(e, &co, &st, &cm);
	err = bc_codegen(s, sema, &co, &e->m, &e->prov);
	if (err) {
		bc_codegen_maps_free(&cm);
		if (err == -ENOMEM)
			return fail(e, err, NULL, "out of memory");
		return fail(e, err, &st.span, "cannot emit %s: %s",
			    st.construct[0] ? st.construct : "the script",
			    st.message[0] ? st.message : strerror(-err));
	}
	err = e->dbg.err;
	if (!err)
		err = bc_emit_dbg_bind(&e->dbg, e->m->mod);
	if (!err)
		err = script_programs(e);
	if (!err)
		err = script_maps(e, &cm);
	bc_codegen_maps_free(&cm);
	if (!err) {
		struct bc_emit_len_in li = { .has_kfunc = e->has_kfunc, .maps = e->r->maps,
					     .nr_maps = e->r->nr_maps };

		err = bc_emit_len(e->m->mod, &li, &e->r->nr_len_kfunc, &e->r->nr_len_loop);
	}
	if (!err)
		err = bc_emit_dbg_functions(&e->dbg);
	if (!err)
		err = add_license(e);
	for (size_t i = 0; i < e->nr_progs && !err; i++)
		LLVMSetSection(e->progs[i].fn, e->progs[i].section);
	if (err)
		return e->u->status ? err : fail(e, err, NULL, "%s", strerror(-err));
	bc_emit_dbg_finalize(&e->dbg);
	if (LLVMVerifyModule(e->m->mod, LLVMReturnStatusAction, &msg)) {
		err = fail(e, -EINVAL, NULL, "the emitted module does not verify: %s", msg ? msg : "");
		LLVMDisposeMessage(msg);
		return err;
	}
	LLVMDisposeMessage(msg);
	return 0;
}

/* ---- IR and C input: the programs are the functions in sections ---- */

static int ir_programs(struct emit *e)
{
	for (LLVMValueRef fn = LLVMGetFirstFunction(e->m->mod); fn; fn = LLVMGetNextFunction(fn)) {
		const char *sec = LLVMGetSection(fn);
		struct prog *p;

		if (LLVMIsDeclaration(fn) || !sec || !*sec || !strcmp(sec, ".text"))
			continue;
		p = add_prog(e, fn);
		if (!p)
			return fail(e, -ENOMEM, NULL, "out of memory");
		p->section = strdup(sec);
		if (!p->section)
			return fail(e, -ENOMEM, NULL, "out of memory");
	}
	if (!e->nr_progs)
		return fail(e, -EINVAL, NULL, "no program: no function of the module is in a section");
	return 0;
}

static int ir_module(struct emit *e)
{
	e->m = bc_ir_load(e->u);
	if (!e->m)
		return e->u->status ? e->u->status : -EINVAL;
	return ir_programs(e);
}

/* C: compiled in process as the C front end does (the same arguments, so
 * the same module `bpfcheck check` analyses), then emitted as its IR. */
static int c_module(struct emit *e)
{
	static const struct bc_analysis none;
	struct bc_ir_error ie = { 0 };
	void *bitcode;
	size_t size;
	int err;

	err = bc_c_compile(e->u, e->o->analysis ? e->o->analysis : &none, &bitcode, &size);
	if (err)
		return err;
	e->m = bc_ir_parse(bitcode, size, &ie);
	free(bitcode);
	if (!e->m) {
		err = fail(e, errno == ENOMEM ? -ENOMEM : -EINVAL, NULL,
			   "the C front end's bitcode does not load: %s",
			   ie.message ? ie.message : "unknown error");
		bc_ir_error_free(&ie);
		return err;
	}
	return ir_programs(e);
}

/* ---- measuring ---- */

/* Frames of E's programs in the object OBJ, by symbol. Before the
 * rewrites of IR input, the counting loops found in it are kept. */
static int frames(struct emit *e, const void *obj, size_t size, bool after)
{
	struct bc_unit tmp = { 0 };
	int err;

	tmp.path = strdup("emitted object");
	tmp.display_path = strdup("emitted object");
	if (!tmp.path || !tmp.display_path) {
		bc_unit_free(&tmp);
		return -ENOMEM;
	}
	err = bc_object_analyze(&tmp, obj, size, e->t);
	if (err) {
		err = fail(e, err, NULL, "the emitted object cannot be analysed: %s",
			   tmp.error ? tmp.error : strerror(-err));
		bc_unit_free(&tmp);
		return err;
	}
	for (size_t i = 0; i < e->nr_progs; i++) {
		struct prog *p = &e->progs[i];

		for (size_t k = 0; k < tmp.facts.nr_funcs; k++) {
			const struct bc_func *f = &tmp.facts.funcs[k];

			if (!f->name || strcmp(f->name, p->name))
				continue;
			if (after)
				p->after = f->frame_bytes;
			else
				p->before = f->frame_bytes;
		}
	}
	if (!after && !e->script) {
		e->loops.count_loops = tmp.facts.count_loops;
		e->loops.nr_count_loops = tmp.facts.nr_count_loops;
		tmp.facts.count_loops = NULL;
		tmp.facts.nr_count_loops = 0;
	}
	bc_unit_free(&tmp);
	return 0;
}

/* The object of a copy of the module as it is now (its own context, so
 * the backend's passes leave this module alone). */
static int object_of_copy(struct emit *e, struct bc_backend_result *res)
{
	LLVMMemoryBufferRef buf = LLVMWriteBitcodeToMemoryBuffer(e->m->mod);
	struct bc_ir_module *copy;
	struct bc_backend b;
	int err;

	memset(res, 0, sizeof(*res));
	if (!buf)
		return -ENOMEM;
	copy = bc_ir_parse(LLVMGetBufferStart(buf), LLVMGetBufferSize(buf), NULL);
	LLVMDisposeMemoryBuffer(buf);
	if (!copy)
		return -errno;
	err = bc_backend_init(&b, copy, NULL);
	if (!err)
		err = bc_backend_emit(&b, copy, res);
	bc_backend_fini(&b);
	bc_ir_module_free(copy);
	return err;
}

/* ---- the scratch rewrite: which slots ---- */

static bool on_stack(const struct bc_slot *s)
{
	return s->placement == BC_PLACE_STACK && s->bytes;
}

static int slots_of(struct emit *e, struct prog *p)
{
	LLVMTargetDataRef td = LLVMGetModuleDataLayout(e->m->mod);
	struct bc_prov_table *empty = NULL;
	int err;

	err = bc_liveness_compute(p->fn, td, &p->L);
	if (err)
		return err;
	p->has_L = true;
	if (!e->prov) {
		empty = bc_prov_table_new();
		if (!empty)
			return -ENOMEM;
	}
	err = bc_prov_slots(e->prov ? e->prov : empty, p->fn, &p->L, &p->slots, &p->nr_slots);
	bc_prov_table_free(empty);
	return err;
}

/* BC211's choice: in a function above 80% of the limit, the slot groups
 * (a source and its copies) whose move lowers the peak by at least the
 * threshold. --scratch all: every script-dependent slot (IR: every slot)
 * of at least the threshold. */
static int select_slots(struct emit *e, struct prog *p, bool *pick)
{
	uint64_t thr = e->o->scratch_threshold ? e->o->scratch_threshold : BC_EMIT_SCRATCH_THRESHOLD;
	int near = e->t->stack_limit * BC_STACK_NEAR_LIMIT_PCT / 100;
	struct bc_func f = { .slots = p->slots, .nr_slots = p->nr_slots,
			     .live_sets = p->L.sets, .nr_live_sets = p->L.nr_sets };
	struct bc_origin_group *g = NULL;
	bool *excluded;
	int64_t peak;
	size_t n = 0;
	int err;

	if (e->o->scratch == BC_EMIT_SCRATCH_ALL) {
		for (size_t i = 0; i < p->L.nr_slots; i++)
			pick[i] = on_stack(&p->slots[i]) && p->slots[i].bytes >= thr &&
				  (!e->script || p->slots[i].script_dependent);
		return 0;
	}
	if ((int)p->before <= near)
		return 0;
	peak = bc_peak_without(&f, NULL);
	if (peak <= 0)
		return 0;
	excluded = calloc(p->nr_slots + 1, sizeof(*excluded));
	if (!excluded)
		return -ENOMEM;
	err = bc_origin_groups(&f, on_stack, &g, &n);
	for (size_t k = 0; k < n && !err; k++) {
		int64_t without;

		for (size_t j = 0; j < g[k].nr; j++)
			excluded[g[k].slots[j]] = true;
		without = bc_peak_without(&f, excluded);
		for (size_t j = 0; j < g[k].nr; j++)
			excluded[g[k].slots[j]] = false;
		if (peak - without < (int64_t)thr)
			continue;
		for (size_t j = 0; j < g[k].nr; j++)
			if (g[k].slots[j] < p->L.nr_slots)
				pick[g[k].slots[j]] = true;
	}
	bc_origin_groups_free(g, n);
	free(excluded);
	return err;
}

static char *slot_what(const struct bc_slot *s)
{
	const char *c = s->construct ? s->construct : "alloca";

	if (s->name && *s->name && strcmp(s->name, c))
		return bc_strdup_printf("%s %s", c, s->name);
	return strdup(c);
}

/* IR and C: the moved slot as its C variable (debug info), at its
 * declaration when that is in the input file itself. */
static int name_c_var(struct emit *e, struct prog *p, LLVMValueRef alloca, struct bc_emit_moved *mv)
{
	struct bc_dbg_var v;
	char in[PATH_MAX], decl[PATH_MAX], *what;
	int err = bc_dbg_vars(e->m->mod, p->fn, &alloca, 1, &v);

	if (err || !v.name) {
		bc_dbg_var_free(&v);
		return err;
	}
	if (v.helper)
		what = bc_strdup_printf("variable %s (%s, %s %s)", v.name, v.type ? v.type : "?",
					v.declared_in_helper ? "in" : "filled by", v.helper);
	else
		what = bc_strdup_printf("variable %s (%s)", v.name, v.type ? v.type : "?");
	if (what) {
		free(mv->what);
		mv->what = what;
	}
	if (v.line && v.file && realpath(e->u->path, in) && realpath(v.file, decl) &&
	    !strcmp(in, decl)) {
		memset(&mv->span, 0, sizeof(mv->span));
		mv->span.line = v.line;
		mv->span.col = 1;
	}
	bc_dbg_var_free(&v);
	return what ? 0 : -ENOMEM;
}

static int plan_scratch(struct emit *e, struct prog *p)
{
	bool *pick = calloc(p->L.nr_slots + 1, sizeof(*pick));
	uint64_t off = 0;
	int err;

	if (!pick)
		return -ENOMEM;
	err = select_slots(e, p, pick);
	for (size_t i = 0; i < p->L.nr_slots && !err; i++) {
		const struct bc_live_slot *ls = &p->L.slots[i];
		struct bc_emit_scratch_slot *sv;
		struct bc_emit_moved *mv;

		if (!pick[i] || ls->dynamic)
			continue;
		if (BC_GROW(p->sel, p->cap_sel, p->nr_sel + 1) ||
		    BC_GROW(p->moved, p->cap_moved, p->nr_sel + 1)) {
			err = -ENOMEM;
			break;
		}
		sv = p->sel;
		mv = p->moved;
		off = (off + 7) & ~7ull;
		sv[p->nr_sel] = (struct bc_emit_scratch_slot){ .alloca = ls->alloca,
							       .offset = (uint32_t)off };
		memset(&mv[p->nr_sel], 0, sizeof(*mv));
		mv[p->nr_sel].what = slot_what(&p->slots[i]);
		mv[p->nr_sel].span = p->slots[i].span;
		mv[p->nr_sel].bytes = (uint32_t)ls->alloc_bytes;
		mv[p->nr_sel].offset = (uint32_t)off;
		p->nr_sel++;
		if (!mv[p->nr_sel - 1].what)
			err = -ENOMEM;
		else if (!e->script)
			err = name_c_var(e, p, ls->alloca, &mv[p->nr_sel - 1]);
		off += ls->alloc_bytes;
	}
	p->scratch_bytes = (uint32_t)((off + 7) & ~7ull);
	free(pick);
	return err;
}

static int rewrite_scratch(struct emit *e)
{
	struct bc_emit_map *m;
	uint32_t size = 0;
	LLVMValueRef g;
	int err;

	for (size_t i = 0; i < e->nr_progs; i++)
		if (e->progs[i].scratch_bytes > size)
			size = e->progs[i].scratch_bytes;
	if (!size)
		return 0;
	if (!e->dbg.path && bc_emit_dbg_init(&e->dbg, e->u->path))
		return -ENOMEM;
	err = bc_emit_dbg_bind(&e->dbg, e->m->mod);
	if (err)
		return err;
	if (BC_GROW(e->r->maps, e->r->cap_maps, e->r->nr_maps + 1))
		return -ENOMEM;
	m = &e->r->maps[e->r->nr_maps];
	*m = (struct bc_emit_map){ .type = BPF_MAP_TYPE_PERCPU_ARRAY, .key_size = 4,
				   .value_size = size, .max_entries = 1 };
	m->name = strdup(SCRATCH_MAP);
	if (!m->name)
		return -ENOMEM;
	e->r->nr_maps++;
	g = bc_emit_map_global(&e->dbg, m);
	if (!g)
		return -ENOMEM;
	bc_emit_dbg_finalize(&e->dbg);
	for (size_t i = 0; i < e->nr_progs; i++) {
		struct prog *p = &e->progs[i];

		err = bc_emit_scratch_rewrite(p->fn, g, p->sel, p->nr_sel);
		if (err)
			return fail(e, err, &p->span, "the scratch rewrite of '%s' failed", p->name);
	}
	return 0;
}

/* ---- the len() rewrite of IR input ---- */

/* The counting loops the object analysis found (e->loops, what BC301
 * reports) become kfunc calls where the target kernel has it and the map
 * is hash-backed; the kfunc's prototype goes into BTF. */
static int ir_len(struct emit *e)
{
	struct bc_kfunc_avail ka = { 0 };
	struct bc_emit_len_in li = { 0 };
	int err;

	e->has_kfunc = !bc_map_sum_elem_count_avail(e->t, &ka) && ka.has;
	li.has_kfunc = e->has_kfunc;
	li.only_found = true;
	li.found = e->loops.count_loops;
	li.nr_found = e->loops.nr_count_loops;
	err = bc_emit_len(e->m->mod, &li, &e->r->nr_len_kfunc, &e->r->nr_len_loop);
	if (err || !e->r->nr_len_kfunc)
		return err;
	if (!e->dbg.path && bc_emit_dbg_init(&e->dbg, e->u->path))
		return -ENOMEM;
	err = bc_emit_dbg_bind(&e->dbg, e->m->mod);
	if (!err)
		err = bc_emit_dbg_ksyms(&e->dbg);
	bc_emit_dbg_finalize(&e->dbg);
	return err;
}

/* ---- the pipeline after the module is loadable ---- */

/* BPF has no unwinding: every function is `nounwind` and none `uwtable`,
 * as clang makes them for BPF, so that the backend writes no .eh_frame
 * (libbpf skips it: "elf: skipping unrecognized data section"). */
static void no_unwind_tables(LLVMModuleRef mod)
{
	LLVMContextRef ctx = LLVMGetModuleContext(mod);
	unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
	unsigned uwtable = LLVMGetEnumAttributeKindForName("uwtable", 7);

	for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
		if (LLVMIsDeclaration(fn))
			continue;
		LLVMRemoveEnumAttributeAtIndex(fn, LLVMAttributeFunctionIndex, uwtable);
		if (!LLVMGetEnumAttributeAtIndex(fn, LLVMAttributeFunctionIndex, nounwind))
			LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
						LLVMCreateEnumAttribute(ctx, nounwind, 0));
	}
}

static int rename_programs(struct emit *e)
{
	for (size_t i = 0; i < e->nr_progs; i++)
		if (strcmp(e->progs[i].name, e->progs[i].orig))
			LLVMSetValueName2(e->progs[i].fn, e->progs[i].name, strlen(e->progs[i].name));
	return 0;
}

static int backend_fail(struct emit *e, const struct bc_backend_result *res, const char *when)
{
	return fail(e, -EINVAL, NULL, "BPF backend (%s): %s", when, res->errors[0]);
}

static int finish(struct emit *e)
{
	struct bc_backend_result before = { 0 }, after = { 0 };
	struct bc_backend b = { 0 };
	char *msg = NULL;
	int err;

	err = bc_backend_init(&b, e->m, NULL);
	if (err) {
		err = fail(e, err, NULL, "%s", b.error ? b.error : "cannot set up the BPF backend");
		goto out;
	}
	if (e->script || bc_ir_needs_optimization(e->m->mod)) {
		err = bc_backend_optimize(&b, e->m, NULL);
		if (err) {
			err = fail(e, err, NULL, "%s", b.error ? b.error : "optimisation failed");
			goto out;
		}
	}
	no_unwind_tables(e->m->mod);
	for (size_t i = 0; i < e->nr_progs && !err; i++)
		err = slots_of(e, &e->progs[i]);
	if (!err)
		err = rename_programs(e);
	if (!err)
		err = object_of_copy(e, &before);
	if (err) {
		err = fail(e, err, NULL, "%s", strerror(-err));
		goto out;
	}
	err = frames(e, before.obj, before.obj_size, false);
	if (err)
		goto out;
	if (!e->script) {
		err = ir_len(e);
		if (err) {
			err = fail(e, err, NULL, "the len() rewrite failed: %s", strerror(-err));
			goto out;
		}
	}
	if (e->o->scratch != BC_EMIT_SCRATCH_NONE) {
		for (size_t i = 0; i < e->nr_progs && !err; i++)
			err = plan_scratch(e, &e->progs[i]);
		if (!err)
			err = rewrite_scratch(e);
		if (err) {
			if (!e->u->status)
				err = fail(e, err, NULL, "%s", strerror(-err));
			goto out;
		}
	}
	if (LLVMVerifyModule(e->m->mod, LLVMReturnStatusAction, &msg)) {
		err = fail(e, -EINVAL, NULL, "the rewritten module does not verify: %s",
			   msg ? msg : "");
		LLVMDisposeMessage(msg);
		goto out;
	}
	LLVMDisposeMessage(msg);
	if (e->o->want_ir) {
		char *ir = LLVMPrintModuleToString(e->m->mod);

		e->r->ir = ir ? strdup(ir) : NULL;
		LLVMDisposeMessage(ir);
		if (!e->r->ir) {
			err = fail(e, -ENOMEM, NULL, "out of memory");
			goto out;
		}
	}
	err = bc_backend_emit(&b, e->m, &after);
	if (err) {
		err = fail(e, err, NULL, "%s", b.error ? b.error : "BPF code generation failed");
		goto out;
	}
	if (after.nr_errors) {
		err = backend_fail(e, &after, "after the rewrites");
		goto out;
	}
	err = frames(e, after.obj, after.obj_size, true);
	if (err)
		goto out;
	/* bpfcheck's backend lays out any frame (it measures them); the
	 * kernel refuses a program over the limit, so emit refuses it too */
	for (size_t i = 0; i < e->nr_progs; i++) {
		const struct prog *p = &e->progs[i];

		if ((int)p->after <= e->t->stack_limit)
			continue;
		err = fail(e, -E2BIG, &p->span,
			   "'%s' would still need %u bytes of stack, over the limit of %d bytes (%s)",
			   p->orig, p->after, e->t->stack_limit,
			   e->o->scratch == BC_EMIT_SCRATCH_NONE ? "the scratch rewrite is off" :
			   e->o->scratch == BC_EMIT_SCRATCH_ALL ? "after moving every slot it could" :
			   "try --scratch all or a lower --scratch-threshold");
		goto out;
	}
	e->r->obj = after.obj;
	e->r->obj_size = after.obj_size;
	after.obj = NULL;
out:
	bc_backend_result_free(&before);
	bc_backend_result_free(&after);
	bc_backend_fini(&b);
	return err;
}

static int fill_result(struct emit *e)
{
	struct bc_emit_result *r = e->r;

	r->progs = calloc(e->nr_progs ? e->nr_progs : 1, sizeof(*r->progs));
	if (!r->progs)
		return -ENOMEM;
	for (size_t i = 0; i < e->nr_progs; i++) {
		struct prog *p = &e->progs[i];
		struct bc_emit_prog *o = &r->progs[r->nr_progs++];

		o->name = strdup(p->name);
		o->probe = strdup(p->orig);
		o->section = p->section;
		p->section = NULL;
		o->span = p->span;
		o->stack_before = p->before;
		o->stack_after = p->after;
		o->moved = p->moved;
		o->nr_moved = p->nr_sel;
		p->moved = NULL;
		p->cap_moved = 0;
		o->scratch_bytes = p->scratch_bytes;
		if (!o->name || !o->probe)
			return -ENOMEM;
	}
	return 0;
}

static void free_progs(struct emit *e)
{
	for (size_t i = 0; i < e->nr_progs; i++) {
		struct prog *p = &e->progs[i];

		free(p->orig);
		free(p->section);
		if (p->has_L)
			bc_liveness_free(&p->L);
		for (size_t k = 0; k < p->nr_slots; k++)
			bc_slot_free(&p->slots[k]);
		free(p->slots);
		free(p->sel);
		for (size_t k = 0; p->moved && k < p->nr_sel; k++)
			free(p->moved[k].what);
		free(p->moved);
	}
	free(e->progs);
}

int bc_emit_unit(struct bc_unit *u, const struct bc_target *t, const struct bc_emit_opts *o,
		 struct bc_emit_result *r)
{
	static const struct bc_emit_opts defaults;
	struct emit e = { .u = u, .t = t, .o = o ? o : &defaults, .r = r };
	int err;

	memset(r, 0, sizeof(*r));
	e.version = t->bpftrace;
	if (u->status)
		return u->status;
	switch (u->kind) {
	case BC_KIND_SCRIPT:
		e.script = true;
		err = bc_emit_dbg_init(&e.dbg, u->path);
		if (!err)
			err = script_module(&e);
		break;
	case BC_KIND_LLVM_IR:
	case BC_KIND_LLVM_BC:
		err = ir_module(&e);
		break;
	case BC_KIND_C_SOURCE:
		err = c_module(&e);
		break;
	default:
		err = fail(&e, -EINVAL, NULL,
			   "emit takes bpftrace scripts, LLVM IR (.ll, .bc) and BPF C (.c), not %s input",
			   bc_kind_name(u->kind));
		break;
	}
	if (!err)
		err = finish(&e);
	if (!err)
		err = fill_result(&e);
	if (err && !u->status)
		fail(&e, err, NULL, "%s", strerror(-err));
	if (err)
		bc_emit_result_free(r);
	free_progs(&e);
	bc_emit_dbg_free(&e.dbg);
	bc_prov_table_free(e.prov);
	bc_facts_free(&e.loops);
	if (e.m)
		bc_ir_module_free(e.m);
	return err;
}

void bc_emit_result_free(struct bc_emit_result *r)
{
	for (size_t i = 0; i < r->nr_progs; i++) {
		struct bc_emit_prog *p = &r->progs[i];

		free(p->name);
		free(p->probe);
		free(p->section);
		for (size_t k = 0; k < p->nr_moved; k++)
			free(p->moved[k].what);
		free(p->moved);
	}
	free(r->progs);
	for (size_t i = 0; i < r->nr_maps; i++)
		bc_emit_map_clear(&r->maps[i]);
	free(r->maps);
	free(r->obj);
	free(r->ir);
	memset(r, 0, sizeof(*r));
}
