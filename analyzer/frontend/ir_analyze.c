// SPDX-License-Identifier: Apache-2.0
/* LLVM IR units: slots and liveness from the IR, frames from the object. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <llvm-c/Target.h>

#include "../object/object.h"
#include "../stack/liveness.h"
#include "../core/target.h"
#include "../core/unit.h"
#include "../stack/attribution.h"
#include "../llvm/backend.h"
#include "../llvm/bpf_unsupported.h"
#include "../llvm/fn_slots.h"
#include "ir_analyze.h"
#include "../llvm/compile.h"
#include "../llvm/dbg_vars.h"
#include "../core/paths.h"
#include "../llvm/ir_load.h"
#include "../llvm/ir_locate.h"
#include "../llvm/opt_state.h"
#include "../stack/scratch.h"
#include "../base/array.h"

struct fn_infos {
	struct bc_fn_slots *v;
	size_t n;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void infos_free(struct fn_infos *fi)
{
	bc_fn_slots_free(fi->v, fi->n);
	memset(fi, 0, sizeof(*fi));
}

/* bpftrace names its module "bpftrace" (Module("bpftrace", ctx)), which
 * becomes the source file name. */
static bool from_bpftrace(LLVMModuleRef m)
{
	size_t len;
	const char *src = LLVMGetSourceFileName(m, &len);

	return src && len == 8 && !memcmp(src, "bpftrace", 8);
}

static int attr_to_slot(struct bc_ir_attr *a, uint32_t bytes, struct bc_slot *s)
{
	memset(s, 0, sizeof(*s));
	s->construct = strdup(a->construct);
	if (!s->construct)
		return -ENOMEM;
	s->name = a->name;	/* moved */
	a->name = NULL;
	s->bytes = bytes;
	s->script_dependent = a->script_dependent;
	s->placement = a->placement;
	return 0;
}

/* A slot of a C variable: named, typed and placed by its debug info. */
static int name_from_dbg(struct bc_slot *s, struct bc_dbg_var *v)
{
	char *c;

	if (!v->name)
		return 0;
	c = strdup("variable");
	if (!c)
		return -ENOMEM;
	free(s->construct);
	s->construct = c;
	free(s->name);
	s->name = v->name;
	s->type = v->type;
	s->helper = v->helper;
	v->name = v->type = v->helper = NULL;
	s->declared_in_helper = v->declared_in_helper;
	s->call_span.line = v->call_line;
	s->call_span.col = v->call_col;
	memset(&s->span, 0, sizeof(s->span));
	s->span.line = v->line;
	if (v->file && !(s->path = bc_path_display(v->file)))
		return -ENOMEM;
	return 0;
}

static int stack_slots(struct bc_unit *u, struct bc_fn_slots *fi, const struct bc_liveness *L,
		       bool bpftrace, LLVMValueRef fn)
{
	const char **names = calloc(L->nr_slots ? L->nr_slots : 1, sizeof(*names));
	LLVMValueRef *allocas = calloc(L->nr_slots ? L->nr_slots : 1, sizeof(*allocas));
	struct bc_dbg_var *vars = calloc(L->nr_slots ? L->nr_slots : 1, sizeof(*vars));
	int err = 0;

	if (!names || !allocas || !vars) {
		free(names);
		free(allocas);
		free(vars);
		return -ENOMEM;
	}
	for (size_t i = 0; i < L->nr_slots; i++) {
		names[i] = L->slots[i].name;
		allocas[i] = L->slots[i].alloca;
	}
	/* bpftrace's IR carries no variable debug info: its names say it all */
	if (!bpftrace)
		err = bc_dbg_vars(LLVMGetGlobalParent(fn), fn, allocas, L->nr_slots, vars);
	for (size_t i = 0; i < L->nr_slots && !err; i++) {
		const struct bc_live_slot *ls = &L->slots[i];
		struct bc_slot *s = &fi->slots[fi->nr_slots];
		struct bc_ir_attr a;

		err = bpftrace ? bc_ir_attribute(ls->name, ls->bytes, names, L->nr_slots, &a) :
				 bc_ir_attribute_plain(ls->name, ls->bytes, &a);
		if (!err)
			err = attr_to_slot(&a, ls->bytes, s);
		bc_ir_attr_free(&a);
		if (err)
			break;
		fi->nr_slots++;
		s->live_at_peak = ls->live_at_peak;
		if (fi->span.line && bc_ir_locate_alloca(u, &fi->span, ls->name, &s->span) == -ENOMEM)
			err = -ENOMEM;
		if (!err)
			err = name_from_dbg(s, &vars[i]);
	}
	for (size_t i = 0; i < L->nr_slots; i++)
		bc_dbg_var_free(&vars[i]);
	free(vars);
	free(allocas);
	free(names);
	return err;
}

static int scratch_slots(struct bc_fn_slots *fi, LLVMValueRef fn, LLVMTargetDataRef td)
{
	struct bc_scratch_use *uses;
	size_t nr;
	int err = bc_ir_scratch_uses(fn, td, &uses, &nr);

	for (size_t i = 0; i < nr && !err; i++) {
		struct bc_slot *s = &fi->slots[fi->nr_slots];
		struct bc_ir_attr a;
		char *name;

		err = bc_ir_attribute_scratch(uses[i].global, uses[i].slot_bytes, &a);
		if (err == -ENOENT) {	/* cannot happen: uses are scratch globals */
			err = 0;
			continue;
		}
		if (err)
			break;
		err = attr_to_slot(&a, 0, s);
		bc_ir_attr_free(&a);
		if (err)
			break;
		fi->nr_slots++;
		s->scratch_bytes = uses[i].slot_bytes;
		if (uses[i].slot >= 0) {
			if (asprintf(&name, "%s[%lld]", s->name, (long long)uses[i].slot) < 0) {
				err = -ENOMEM;
				break;
			}
			free(s->name);
			s->name = name;
		}
	}
	free(uses);
	return err;
}

/* Liveness and attribution for every defined function of the module as it
 * goes into code generation. */
static int analyze_functions(struct bc_unit *u, LLVMModuleRef m, bool bpftrace,
			     struct fn_infos *out)
{
	LLVMTargetDataRef td = LLVMGetModuleDataLayout(m);
	size_t cap = 0;
	int err = 0;

	for (LLVMValueRef fn = LLVMGetFirstFunction(m); fn && !err; fn = LLVMGetNextFunction(fn)) {
		struct bc_liveness L;
		struct bc_scratch_use *uses;
		struct bc_fn_slots *fi;
		size_t len, nr_uses;
		const char *name;

		if (LLVMIsDeclaration(fn))
			continue;
		if (BC_GROW(out->v, cap, out->n + 1))
			return -ENOMEM;
		fi = &out->v[out->n];
		memset(fi, 0, sizeof(*fi));
		name = LLVMGetValueName2(fn, &len);
		fi->name = strndup(name, len);
		if (!fi->name)
			return -ENOMEM;
		out->n++;
		if (u->kind == BC_KIND_LLVM_IR && bc_ir_locate_function(u, fi->name, &fi->span) == -ENOMEM)
			return -ENOMEM;
		err = bc_liveness_compute(fn, td, &L);
		if (err)
			return err;
		err = bc_ir_scratch_uses(fn, td, &uses, &nr_uses);
		free(uses);
		if (!err) {
			fi->slots = calloc(L.nr_slots + nr_uses + 1, sizeof(*fi->slots));
			if (!fi->slots)
				err = -ENOMEM;
		}
		if (!err)
			err = stack_slots(u, fi, &L, bpftrace, fn);
		if (!err)
			err = scratch_slots(fi, fn, td);
		bc_fn_slots_take_liveness(fi, &L);
		bc_liveness_free(&L);
	}
	return err;
}

/* The counting loops found in the object, at their function's `define`
 * line (when the IR is textual). */
static void locate_count_loops(struct bc_unit *u)
{
	for (size_t i = 0; i < u->facts.nr_count_loops; i++) {
		struct bc_count_loop *l = &u->facts.count_loops[i];
		struct bc_span sp;

		if (u->kind == BC_KIND_LLVM_IR && !bc_ir_locate_function(u, l->func, &sp))
			l->span = sp;
	}
}

/* What the backend would abort on, failed at the function or global it is
 * in. */
static int unsupported(struct bc_unit *u, LLVMModuleRef m)
{
	struct bc_span span = { 0 };
	LLVMValueRef at;
	const char *raw;
	char *why, *name;
	size_t len;
	int err = bc_ir_bpf_unsupported(m, &at, &why);

	if (err <= 0)
		return err;
	if (at && u->kind == BC_KIND_LLVM_IR) {
		raw = LLVMGetValueName2(at, &len);
		name = strndup(raw, len);
		if (!name) {
			free(why);
			return -ENOMEM;
		}
		if (LLVMIsAFunction(at))
			bc_ir_locate_function(u, name, &span);
		else
			bc_ir_locate_global(u, name, &span);
		free(name);
	}
	err = bc_unit_fail(u, -EINVAL, span.line ? &span : NULL, "%s", why);
	free(why);
	return err;
}

/* "Cannot select: intrinsic %NAME": the first call of NAME (or of an
 * overload of it, NAME.SUFFIX) in the IR text, which a caught fatal error of
 * the backend cannot name itself. */
static void locate_fatal(struct bc_unit *u)
{
	static const char head[] = "Cannot select: intrinsic %";
	const char *p = u->error ? strstr(u->error, head) : NULL;
	char callee[256];
	size_t n;

	if (!p || u->kind != BC_KIND_LLVM_IR || !u->line_starts || u->error_span.line)
		return;
	p += sizeof(head) - 1;
	n = strcspn(p, " \n");
	if (n + 2 > sizeof(callee))
		return;
	callee[0] = '@';
	memcpy(callee + 1, p, n);
	callee[++n] = '\0';
	for (size_t l = 0; l < u->nr_lines; l++) {
		const char *line = (const char *)u->data + u->line_starts[l];
		size_t len = (l + 1 < u->nr_lines ? u->line_starts[l + 1] : u->size) -
			     u->line_starts[l];
		const char *hit = memmem(line, len, callee, n);
		struct bc_span sp = { 0 };

		if (!hit || !memmem(line, (size_t)(hit - line), "call ", 5) ||
		    (hit[n] != '(' && hit[n] != '.'))
			continue;
		sp.start = (uint32_t)(hit - (const char *)u->data);
		sp.end = sp.start + (uint32_t)n;
		bc_unit_locate(u, &sp);
		u->error_span = sp;
		return;
	}
}

static int analyze_module(struct bc_unit *u, const struct bc_target *t,
			  const struct bc_ir_options *o, struct bc_ir_module *m,
			  struct bc_ir_stats *stats, uint64_t load_ns)
{
	struct bc_backend_opts bo = { .cpu = o ? o->cpu : NULL };
	struct bc_ir_stats st = { .load_ns = load_ns };
	size_t attached = 0;
	struct bc_backend b = { 0 };
	struct fn_infos fi = { 0 };
	uint64_t t0;
	bool optimize;
	int err;

	st.bpftrace = from_bpftrace(m->mod);
	err = bc_backend_init(&b, m, &bo);
	if (err) {
		bc_unit_fail(u, err, NULL, "%s", b.error ? b.error : "cannot set up the BPF backend");
		goto out;
	}
	err = unsupported(u, m->mod);
	if (err) {
		if (err == -ENOMEM)
			bc_unit_fail(u, err, NULL, "out of memory while checking LLVM IR");
		goto out;
	}
	optimize = o && o->optimize >= 0 ? o->optimize > 0 : bc_ir_needs_optimization(m->mod);
	if (optimize) {
		err = bc_backend_optimize(&b, m, &st.opt_ns);
		if (err) {
			bc_unit_fail(u, err, NULL, "%s", b.error ? b.error : "optimisation failed");
			goto out;
		}
		st.optimized = true;
	} else if (bc_ir_pipeline_only_intrinsic(m->mod)) {
		/* never left for the backend, which cannot select them */
		err = bc_backend_lower(&b, m, &st.opt_ns);
		if (err) {
			bc_unit_fail(u, err, NULL, "%s", b.error ? b.error : "BPF IR passes failed");
			goto out;
		}
	}
	t0 = now_ns();
	err = analyze_functions(u, m->mod, st.bpftrace, &fi);
	st.analyze_ns = now_ns() - t0;
	if (err) {
		bc_unit_fail(u, err, NULL, "out of memory while analysing LLVM IR");
		goto out;
	}
	err = bc_compile_emit(u, t, &b, m, fi.v, fi.n, &st.codegen_ns, &st.object_ns, &attached);
	if (err)
		locate_fatal(u);
	locate_count_loops(u);
out:
	if (stats)
		*stats = st;
	infos_free(&fi);
	bc_backend_fini(&b);
	bc_ir_module_free(m);
	return err;
}

int bc_ir_analyze_ex(struct bc_unit *u, const struct bc_target *t,
		     const struct bc_ir_options *o, struct bc_ir_stats *stats)
{
	uint64_t t0 = now_ns();
	struct bc_ir_module *m = bc_ir_load(u);

	if (!m) {
		if (stats)
			memset(stats, 0, sizeof(*stats));
		return -errno;
	}
	return analyze_module(u, t, o, m, stats, now_ns() - t0);
}

int bc_ir_analyze_bitcode(struct bc_unit *u, const struct bc_target *t, const void *bitcode,
			  size_t size)
{
	struct bc_ir_error e;
	struct bc_ir_module *m = bc_ir_parse(bitcode, size, &e);

	if (!m) {
		int err = -errno;

		bc_unit_fail(u, err, NULL, "the C front end's bitcode does not load: %s",
			     e.message ? e.message : "unknown error");
		bc_ir_error_free(&e);
		return err;
	}
	return analyze_module(u, t, NULL, m, NULL, 0);
}

int bc_ir_analyze(struct bc_unit *u, const struct bc_target *t)
{
	struct bc_ir_options o = { .optimize = t ? t->ir_optimize : -1 };

	return bc_ir_analyze_ex(u, t, &o, NULL);
}
