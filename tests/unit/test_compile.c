// SPDX-License-Identifier: Apache-2.0
/*
 * The compile step (analyzer/llvm/compile.h): a module built with the IR
 * builder the way the script code generator builds one, with provenance,
 * through O3, the BPF backend and the object analysis into facts whose
 * functions carry the slots of their LLVM functions. Frames come from the
 * object (never the sum of slots); slots keep their constructs, spans and
 * chains of copies; the live sets give the peak; unattributed bytes are the
 * frame minus the peak when the frame is larger.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <llvm-c/Core.h>

#include "analyzer/llvm/backend.h"
#include "analyzer/llvm/compile.h"
#include "analyzer/llvm/fn_slots.h"
#include "analyzer/llvm/ir_load.h"
#include "analyzer/codegen/irbuilder.h"
#include "analyzer/stack/prov.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"

#define PROBE "kprobe:f"
#define X86_64_ARG1 13	/* pt_regs word of %rsi */

static const char script[] =
	"kprobe:f { $s = str(arg1); @k[comm, $s] = count(); printf(\"%s %s\\n\", $s, comm); }\n";

/* The span of the first occurrence of NEEDLE in the script (line 1). */
static struct bc_span at(const char *needle)
{
	const char *p = strstr(script, needle);
	struct bc_span s = { 0 };

	assert_non_null(p);
	s.start = (uint32_t)(p - script);
	s.end = s.start + (uint32_t)strlen(needle);
	s.line = s.end_line = 1;
	s.col = s.start + 1;
	s.end_col = s.end;
	return s;
}

/* kprobe:f as bpftrace 0.17 generates it, strings of STRLEN bytes. */
static struct bc_ir_module *build(uint32_t strlen_, struct bc_prov_table **prov)
{
	struct bc_irb *irb = bc_irb_new(NULL);
	struct bc_prov p_len = { .construct = BC_PROV_STRLEN, .span = at("str(arg1)") };
	struct bc_prov p_str = { .construct = BC_PROV_STR, .span = at("str(arg1)"),
				 .script_dependent = true };
	struct bc_prov p_var = { .construct = BC_PROV_VARIABLE, .name = "$s", .span = at("$s"),
				 .script_dependent = true };
	struct bc_prov p_comm = { .construct = BC_PROV_COMM, .span = at("comm") };
	struct bc_prov p_key = { .construct = BC_PROV_MAP_KEY, .name = "@k",
				 .span = at("[comm, $s]"), .script_dependent = true };
	struct bc_prov p_look = { .construct = BC_PROV_LOOKUP_VALUE, .name = "@k",
				  .span = at("count()") };
	struct bc_prov p_val = { .construct = BC_PROV_MAP_VALUE, .name = "@k",
				 .span = at("@k[comm, $s] = count()") };
	struct bc_prov p_comm2 = { .construct = BC_PROV_COMM, .span = at("comm);") };
	struct bc_prov p_fmt = { .construct = BC_PROV_PRINTF_ARGS, .name = "printf",
				 .span = at("printf("), .script_dependent = true };
	struct bc_ir_module *m = NULL;
	LLVMTypeRef str_ty, key_ty, comm_ty, sty, fmt_args[2];
	LLVMValueRef len, str, s, comm, key, old, nv, args, off;
	uint32_t from[2];
	int map, perf;

	assert_non_null(irb);
	str_ty = LLVMArrayType2(irb->i8, strlen_);
	comm_ty = LLVMArrayType2(irb->i8, 16);
	key_ty = LLVMArrayType2(irb->i8, 16 + strlen_);
	assert_non_null(bc_irb_probe_begin(irb, PROBE, NULL));
	map = bc_irb_map_id(irb, "@k");
	perf = bc_irb_map_id(irb, "perf_event");

	/* $s = str(arg1) */
	len = bc_irb_alloca(irb, irb->i64, "strlen", &p_len);
	LLVMBuildStore(irb->b, LLVMConstInt(irb->i64, strlen_, 0), len);
	str = bc_irb_alloca(irb, str_ty, "str", &p_str);
	bc_irb_memset(irb, str, 0, strlen_, 1);
	bc_irb_probe_read_str(irb, str, LLVMBuildLoad2(irb->b, irb->i64, len, ""),
			      bc_irb_register_read(irb, X86_64_ARG1, "arg1"), BC_AS_KERNEL);
	bc_irb_lifetime_end(irb, len);
	from[0] = bc_irb_prov_id(irb, str);
	p_var.from = from;
	p_var.nr_from = 1;
	s = bc_irb_alloca_init(irb, str_ty, "$s", &p_var);
	bc_irb_memcpy(irb, s, str, strlen_, 1);
	bc_irb_lifetime_end(irb, str);

	/* @k[comm, $s] = count(): the key is comm and a copy of $s */
	comm = bc_irb_alloca(irb, comm_ty, "comm", &p_comm);
	bc_irb_memset(irb, comm, 0, 16, 1);
	bc_irb_get_current_comm(irb, comm, 16);
	from[0] = bc_irb_prov_id(irb, comm);
	from[1] = bc_irb_prov_id(irb, s);
	p_key.from = from;
	p_key.nr_from = 2;
	key = bc_irb_alloca(irb, key_ty, "@k_key", &p_key);
	bc_irb_memcpy(irb, key, comm, 16, 1);
	bc_irb_lifetime_end(irb, comm);
	off = LLVMConstInt(irb->i64, 16, 0);
	bc_irb_memcpy(irb, LLVMBuildGEP2(irb->b, irb->i8, key, &off, 1, ""), s, strlen_, 1);
	old = bc_irb_map_lookup_elem(irb, map, key, irb->i64, &p_look);
	nv = bc_irb_alloca(irb, irb->i64, "@k_val", &p_val);
	LLVMBuildStore(irb->b, LLVMBuildAdd(irb->b, old, LLVMConstInt(irb->i64, 1, 0), ""), nv);
	bc_irb_map_update(irb, map, key, nv);
	bc_irb_lifetime_end(irb, nv);
	bc_irb_lifetime_end(irb, key);

	/* printf("%s %s\n", $s, comm) */
	comm = bc_irb_alloca(irb, comm_ty, "comm", &p_comm2);
	bc_irb_memset(irb, comm, 0, 16, 1);
	bc_irb_get_current_comm(irb, comm, 16);
	from[0] = bc_irb_prov_id(irb, s);
	from[1] = bc_irb_prov_id(irb, comm);
	p_fmt.from = from;
	p_fmt.nr_from = 2;
	fmt_args[0] = str_ty;
	fmt_args[1] = comm_ty;
	args = bc_irb_fmt_args(irb, "printf", 0, fmt_args, 2, &p_fmt, &sty);
	assert_non_null(args);
	bc_irb_memcpy(irb, bc_irb_field_ptr(irb, sty, args, 1), s, strlen_, 1);
	bc_irb_memcpy(irb, bc_irb_field_ptr(irb, sty, args, 2), comm, 16, 1);
	bc_irb_lifetime_end(irb, comm);
	bc_irb_perf_event_output(irb, perf, args, bc_irb_sizeof(irb, sty));
	bc_irb_lifetime_end(irb, args);
	bc_irb_ret(irb, 0);

	/* BEGIN { } */
	assert_non_null(bc_irb_probe_begin(irb, "BEGIN", NULL));
	bc_irb_ret(irb, 0);
	assert_int_equal(bc_irb_finish(irb, &m, prov), 0);
	bc_irb_free(irb);
	return m;
}

struct run {
	struct bc_unit u;
	struct bc_target t;
	struct bc_compile_stats st;
	int ret;
};

static void compile(struct run *r, uint32_t strlen_)
{
	struct bc_prov_table *prov = NULL;
	struct bc_ir_module *m = build(strlen_, &prov);

	memset(r, 0, sizeof(*r));
	assert_int_equal(bc_target_init(&r->t), 0);
	assert_int_equal(bc_unit_load_mem(&r->u, "f.bt", script, strlen(script)), 0);
	r->ret = bc_compile_module(&r->u, &r->t, m, prov, NULL, &r->st);
	bc_prov_table_free(prov);
	bc_ir_module_free(m);
}

static void done(struct run *r)
{
	bc_unit_free(&r->u);
	bc_target_free(&r->t);
}

static const struct bc_func *func(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->u.facts.nr_funcs; i++)
		if (!strcmp(r->u.facts.funcs[i].name, name))
			return &r->u.facts.funcs[i];
	fail_msg("no function %s", name);
	return NULL;
}

static const struct bc_slot *slot(const struct bc_func *f, const char *construct,
				  const char *name)
{
	for (size_t i = 0; i < f->nr_slots; i++)
		if (!strcmp(f->slots[i].construct, construct) &&
		    (!name || !strcmp(f->slots[i].name, name)))
			return &f->slots[i];
	return NULL;
}

/* The frame the backend alone reports for the same module (no facts). */
static int64_t backend_frame(uint32_t strlen_)
{
	struct bc_prov_table *prov = NULL;
	struct bc_ir_module *m = build(strlen_, &prov);
	struct bc_backend be;
	struct bc_backend_result res;
	int64_t bytes;

	assert_int_equal(bc_backend_init(&be, m, NULL), 0);
	assert_int_equal(bc_backend_optimize(&be, m, NULL), 0);
	assert_int_equal(bc_backend_emit(&be, m, &res), 0);
	bytes = bc_backend_frame_bytes(&res, PROBE);
	bc_backend_result_free(&res);
	bc_backend_fini(&be);
	bc_prov_table_free(prov);
	bc_ir_module_free(m);
	return bytes;
}

static uint64_t set_bytes(const struct bc_func *f, const struct bc_live_set *ls)
{
	uint64_t sum = 0;

	for (size_t k = 0; k < ls->nr; k++) {
		assert_true(ls->slots[k] < f->nr_slots);
		sum += f->slots[ls->slots[k]].bytes;
	}
	return sum;
}

static void test_small_probe(void **state)
{
	struct run r;
	const struct bc_func *f, *b;
	const struct bc_slot *s, *key, *fmt;
	uint64_t max = 0;

	(void)state;
	compile(&r, 64);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.u.status, 0);
	assert_int_equal(r.st.nr_functions, 2);
	assert_int_equal(r.st.nr_attached, 2);
	f = func(&r, PROBE);
	b = func(&r, "BEGIN");
	assert_true(f->is_entry);
	assert_string_equal(f->section, "s_kprobe:f_1");
	/* the frame is the object's, and the backend's own report agrees */
	assert_int_equal(f->frame_bytes, backend_frame(64));
	assert_true(f->frame_bytes > 0 && f->frame_bytes <= 512);
	assert_true(f->has_attribution);
	assert_true(b->has_attribution);
	assert_int_equal(b->nr_slots, 0);
	assert_int_equal(b->frame_bytes, 0);

	/* $s is live for the whole probe: at the peak, with its origin */
	s = slot(f, BC_PROV_VARIABLE, "$s");
	assert_non_null(s);
	assert_int_equal(s->bytes, 64);
	assert_true(s->live_at_peak);
	assert_true(s->script_dependent);
	assert_int_equal(s->span.col, at("$s").col);
	assert_int_equal(s->nr_origin, 2);
	assert_string_equal(s->origin[0], "str at 1:17");
	assert_string_equal(s->origin[1], "variable $s at 1:12");
	assert_int_equal(s->nr_sources, 1);
	assert_int_equal(s->sources[0].start, at("str(arg1)").start);
	/* the key copies comm and $s: its chain names both, comm first */
	key = slot(f, BC_PROV_MAP_KEY, "@k");
	assert_non_null(key);
	assert_int_equal(key->bytes, 80);
	assert_string_equal(key->origin[0], "comm at 1:31");
	assert_string_equal(key->origin[key->nr_origin - 1], "map-key @k at 1:30");
	/* its source is the str(), not the comm beside it (not script-sized) */
	assert_int_equal(key->nr_sources, 1);
	assert_int_equal(key->sources[0].start, at("str(arg1)").start);
	fmt = slot(f, BC_PROV_PRINTF_ARGS, "printf");
	assert_non_null(fmt);
	assert_int_equal(fmt->bytes, 8 + 64 + 16);
	assert_int_equal(fmt->placement, BC_PLACE_STACK);

	/* the live sets: the largest is the peak, and every set fits in it */
	assert_true(f->nr_live_sets > 0);
	for (size_t i = 0; i < f->nr_live_sets; i++) {
		uint64_t n = set_bytes(f, &f->live_sets[i]);

		max = n > max ? n : max;
	}
	assert_int_equal((max + 7) / 8 * 8, f->slot_peak_bytes);
	if (f->frame_bytes > f->slot_peak_bytes)
		assert_int_equal(f->unattributed_bytes, f->frame_bytes - f->slot_peak_bytes);
	else
		assert_int_equal(f->unattributed_bytes, 0);
	done(&r);
}

static void test_big_strings_over_limit(void **state)
{
	struct run r;
	const struct bc_func *f;
	uint32_t live = 0;

	(void)state;
	compile(&r, 256);
	/* over 512 is measured, not refused: the backend's limit is lifted */
	assert_int_equal(r.ret, 0);
	f = func(&r, PROBE);
	assert_int_equal(f->frame_bytes, backend_frame(256));
	assert_true(f->frame_bytes > 512);
	for (size_t i = 0; i < f->nr_slots; i++)
		if (f->slots[i].live_at_peak)
			live += f->slots[i].bytes;
	assert_true(live > 512);
	assert_true(slot(f, BC_PROV_VARIABLE, "$s")->live_at_peak);
	done(&r);
}

/* Not a BPF module: the unit fails with the backend's reason. */
static void test_not_bpf(void **state)
{
	static const char ir[] = "target triple = \"x86_64-pc-linux-gnu\"\n"
				 "define i64 @f() {\n  ret i64 0\n}\n";
	struct bc_ir_module *m = bc_ir_parse(ir, sizeof(ir) - 1, NULL);
	struct bc_unit u;
	struct bc_target t;

	(void)state;
	assert_non_null(m);
	assert_int_equal(bc_target_init(&t), 0);
	assert_int_equal(bc_unit_load_mem(&u, "x.ll", ir, sizeof(ir) - 1), 0);
	assert_int_equal(bc_compile_module(&u, &t, m, NULL, NULL, NULL), -EINVAL);
	assert_int_not_equal(u.status, 0);
	assert_non_null(strstr(u.error, "x86_64"));
	bc_unit_free(&u);
	bc_target_free(&t);
	bc_ir_module_free(m);
}

/* Attaching: by name, replacing what a function had; unknown names ignored;
 * peak above the frame keeps the slots with 0 unattributed. */
static void test_attach(void **state)
{
	struct bc_unit u = { 0 };
	struct bc_fn_slots *v = calloc(2, sizeof(*v));

	(void)state;
	u.facts.funcs = calloc(1, sizeof(*u.facts.funcs));
	u.facts.nr_funcs = 1;
	u.facts.funcs[0].name = strdup("p");
	u.facts.funcs[0].frame_bytes = 40;
	v[0].name = strdup("nothere");
	v[1].name = strdup("p");
	v[1].slots = calloc(1, sizeof(*v[1].slots));
	v[1].slots[0].construct = strdup("str");
	v[1].slots[0].bytes = 64;
	v[1].nr_slots = 1;
	v[1].peak_bytes = 64;
	v[1].sets = calloc(1, sizeof(*v[1].sets));
	v[1].sets[0].slots = calloc(1, sizeof(uint32_t));
	v[1].sets[0].nr = 1;
	v[1].nr_sets = 1;
	assert_int_equal(bc_fn_slots_attach(&u, v, 2), 1);
	assert_true(u.facts.funcs[0].has_attribution);
	assert_int_equal(u.facts.funcs[0].nr_slots, 1);
	assert_int_equal(u.facts.funcs[0].nr_live_sets, 1);
	assert_int_equal(u.facts.funcs[0].slot_peak_bytes, 64);
	assert_int_equal(u.facts.funcs[0].unattributed_bytes, 0);
	assert_null(v[1].slots);
	bc_fn_slots_free(v, 2);
	bc_facts_free(&u.facts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_probe),
		cmocka_unit_test(test_big_strings_over_limit),
		cmocka_unit_test(test_not_bpf),
		cmocka_unit_test(test_attach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
