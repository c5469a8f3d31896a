// SPDX-License-Identifier: Apache-2.0
/*
 * The LLVM IR front end end to end: bpftrace 0.17 IR (fixtures/ir/, from
 * `bpftrace -dd`) to frames, attributed slots, peak and unattributed bytes;
 * unoptimised IR is optimised first; scratch buffers of recent bpftrace;
 * clang IR; bitcode; inputs that must fail the unit.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <llvm-c/BitWriter.h>

#include "analyzer/frontend/ir_analyze.h"
#include "analyzer/llvm/ir_load.h"
#include "analyzer/core/kernel_limits.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"
#include "support/script_support.h"

struct run {
	struct bc_unit u;
	struct bc_target t;
	struct bc_ir_stats st;
	int ret;
};

static void run_mem_opts(struct run *r, const char *path, const void *data, size_t size,
			 const struct bc_ir_options *o)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(bc_target_init(&r->t), 0);
	assert_int_equal(bc_unit_load_mem(&r->u, path, data, size), 0);
	r->ret = bc_ir_analyze_ex(&r->u, &r->t, o, &r->st);
}

static void run_mem(struct run *r, const char *path, const void *data, size_t size)
{
	run_mem_opts(r, path, data, size, NULL);
}

static void run_fixture_opts(struct run *r, const char *rel, const struct bc_ir_options *o)
{
	size_t len;
	char *path = bc_test_src_path(rel), *text = bc_test_read_file(path, &len);

	if (!text)
		fail_msg("cannot read %s", path);
	run_mem_opts(r, rel, text, len, o);
	free(text);
	free(path);
}

static void run_fixture(struct run *r, const char *rel)
{
	size_t len;
	char *path = bc_test_src_path(rel), *text = bc_test_read_file(path, &len);

	if (!text)
		fail_msg("cannot read %s", path);
	run_mem(r, rel, text, len);
	free(text);
	free(path);
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
	fail_msg("no function '%s'", name);
	return NULL;
}

static const struct bc_slot *find_slot(const struct bc_func *f, const char *construct,
				       const char *name, bool at_peak)
{
	for (size_t i = 0; i < f->nr_slots; i++)
		if (!strcmp(f->slots[i].construct, construct) && !strcmp(f->slots[i].name, name) &&
		    f->slots[i].live_at_peak == at_peak)
			return &f->slots[i];
	fail_msg("%s: no %s slot %s%s", f->name, construct, name, at_peak ? " at the peak" : "");
	return NULL;
}

/* The peak is the live-at-peak stack slots' bytes, rounded to 8. */
static void assert_peak_consistent(const struct bc_func *f)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < f->nr_slots; i++)
		if (f->slots[i].live_at_peak && f->slots[i].placement == BC_PLACE_STACK)
			sum += f->slots[i].bytes;
	assert_int_equal((sum + 7) / 8 * 8, f->slot_peak_bytes);
	assert_int_equal(f->unattributed_bytes,
			 f->frame_bytes > f->slot_peak_bytes ? f->frame_bytes - f->slot_peak_bytes : 0);
}

static void test_bpftrace_mixed(void **state)
{
	struct run r;
	const struct bc_func *f;

	(void)state;
	run_fixture(&r, "fixtures/ir/bt017_mixed.ll");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.u.status, 0);
	assert_true(r.st.bpftrace);
	assert_false(r.st.optimized);	/* already bpftrace's optimised IR */
	assert_true(r.st.codegen_ns > 0);
	/* the frames of bpftrace 0.17's own object for this script */
	assert_int_equal(func(&r, "kprobe:vfs_read")->frame_bytes, 40);
	assert_int_equal(func(&r, "interval:s:1")->frame_bytes, 24);
	f = func(&r, "kretprobe:vfs_read");
	assert_int_equal(f->frame_bytes, 120);
	assert_true(f->has_attribution);
	assert_int_equal(f->slot_peak_bytes, 96);
	assert_int_equal(f->unattributed_bytes, 24);
	assert_peak_consistent(f);
	assert_true(f->nr_live_sets > 0);
	/* @t[pid, $big] = (comm, $d): a 72-byte key and a 24-byte tuple */
	assert_int_equal(find_slot(f, "map-key", "@t", true)->bytes, 72);
	assert_true(find_slot(f, "map-key", "@t", true)->script_dependent);
	assert_int_equal(find_slot(f, "tuple", "tuple", true)->bytes, 24);
	assert_false(find_slot(f, "map-count", "@s", false)->script_dependent);
	/* every stack slot points at its alloca line; the function at its define */
	for (size_t i = 0; i < f->nr_slots; i++)
		assert_true(f->slots[i].span.line > f->src_span.line);
	assert_true(f->src_span.line > 0);
	f = func(&r, "interval:s:1");
	find_slot(f, "print-map", "@h", true);
	find_slot(f, "clear", "@l", false);
	done(&r);
}

static void test_bpftrace_bigstring(void **state)
{
	struct run r;
	const struct bc_func *f;
	const struct bc_slot *s;

	(void)state;
	/* bpftrace 0.17 refuses this script: "BPF stack limit of 512 bytes is
	 * exceeded"; bpfcheck still lays the frame out and measures it */
	run_fixture(&r, "fixtures/ir/bt017_bigstring.ll");
	assert_int_equal(r.ret, 0);
	f = func(&r, "kprobe:do_sys_openat2");
	assert_true(f->frame_bytes > BC_MAX_BPF_STACK);
	assert_int_equal(f->frame_bytes, 560);
	assert_int_equal(f->slot_peak_bytes, 424);
	assert_peak_consistent(f);
	s = find_slot(f, "variable", "$s", true);
	assert_int_equal(s->bytes, 64);
	assert_true(s->script_dependent);
	assert_int_equal(find_slot(f, "printf-args", "printf_args", true)->bytes, 152);
	assert_int_equal(find_slot(f, "map-key", "@a", false)->bytes, 80);
	assert_int_equal(find_slot(f, "tuple", "tuple", false)->bytes, 144);
	assert_int_equal(find_slot(f, "clear", "@e", false)->bytes, 16);
	done(&r);
}

static void test_unoptimised_is_optimised(void **state)
{
	struct run r;
	const struct bc_func *f;

	(void)state;
	run_fixture(&r, "fixtures/ir/bt017_count.ll");
	assert_int_equal(r.ret, 0);
	assert_true(r.st.optimized);
	assert_true(r.st.opt_ns > 0);
	f = func(&r, "kprobe:do_sys_openat2");
	assert_int_equal(f->frame_bytes, 24);
	assert_int_equal(f->slot_peak_bytes, 24);
	find_slot(f, "comm", "comm", true);
	find_slot(f, "map-value", "@", true);
	done(&r);
}

static void test_scratch_buffers(void **state)
{
	/* the shape recent bpftrace emits: str() and the map key in per-CPU
	 * scratch slots, one small alloca left on the stack */
	static const char ir[] =
		"source_filename = \"bpftrace\"\n"
		"target triple = \"bpf-pc-linux\"\n"
		"@__bt__max_cpu_id = dso_local externally_initialized constant i64 0, section \".rodata\"\n"
		"@__bt__get_str_buf = dso_local externally_initialized global [1 x [2 x [1024 x i8]]] zeroinitializer, section \".data.get_str_buf\"\n"
		"@__bt__map_key_buf = dso_local externally_initialized global [1 x [1 x [1032 x i8]]] zeroinitializer, section \".data.map_key_buf\"\n"
		"declare void @use(ptr)\n"
		"declare void @llvm.lifetime.start.p0(i64, ptr)\n"
		"declare void @llvm.lifetime.end.p0(i64, ptr)\n"
		"define i64 @kprobe_f_1(ptr %0) section \"s_kprobe_f_1\" {\n"
		"entry:\n"
		"  %\"@x_val\" = alloca i64, align 8\n"
		"  %cpu = load i64, ptr @__bt__max_cpu_id\n"
		"  %s1 = getelementptr [1 x [2 x [1024 x i8]]], ptr @__bt__get_str_buf, i64 0, i64 %cpu, i64 1, i64 0\n"
		"  call void @use(ptr %s1)\n"
		"  %k = getelementptr [1 x [1 x [1032 x i8]]], ptr @__bt__map_key_buf, i64 0, i64 %cpu, i64 0, i64 0\n"
		"  call void @use(ptr %k)\n"
		"  call void @llvm.lifetime.start.p0(i64 -1, ptr %\"@x_val\")\n"
		"  call void @use(ptr %\"@x_val\")\n"
		"  call void @llvm.lifetime.end.p0(i64 -1, ptr %\"@x_val\")\n"
		"  ret i64 0\n"
		"}\n";
	struct run r;
	const struct bc_func *f;
	const struct bc_slot *s;

	(void)state;
	run_mem(&r, "head.ll", ir, strlen(ir));
	assert_int_equal(r.ret, 0);
	f = func(&r, "kprobe_f_1");
	assert_int_equal(f->nr_slots, 3);
	assert_int_equal(f->slot_peak_bytes, 8);
	s = find_slot(f, "str", "__bt__get_str_buf[1]", false);
	assert_int_equal(s->placement, BC_PLACE_SCRATCH);
	assert_int_equal(s->bytes, 0);
	assert_int_equal(s->scratch_bytes, 1024);
	s = find_slot(f, "map-key", "__bt__map_key_buf[0]", false);
	assert_int_equal(s->placement, BC_PLACE_SCRATCH);
	assert_int_equal(s->scratch_bytes, 1032);
	assert_int_equal(find_slot(f, "map-value", "@x", true)->placement, BC_PLACE_STACK);
	done(&r);
}

static void test_clang_ir(void **state)
{
	/* not from bpftrace: the names are C variables, the construct "alloca" */
	static const char ir[] =
		"source_filename = \"prog.bpf.c\"\n"
		"target triple = \"bpf\"\n"
		"declare void @use(ptr)\n"
		"define i32 @handler(ptr %ctx) section \"kprobe/do_sys_openat2\" {\n"
		"entry:\n"
		"  %str = alloca [600 x i8], align 1\n"
		"  %key = alloca i32, align 4\n"
		"  call void @use(ptr %str)\n"
		"  call void @use(ptr %key)\n"
		"  ret i32 0\n"
		"}\n";
	struct run r;
	const struct bc_func *f;

	(void)state;
	run_mem(&r, "prog.ll", ir, strlen(ir));
	assert_int_equal(r.ret, 0);
	assert_false(r.st.bpftrace);
	f = func(&r, "handler");
	assert_true(f->frame_bytes > BC_MAX_BPF_STACK);
	assert_int_equal(find_slot(f, "alloca", "str", true)->bytes, 600);
	assert_false(find_slot(f, "alloca", "str", true)->script_dependent);
	assert_int_equal(find_slot(f, "alloca", "key", true)->bytes, 4);
	done(&r);
}

static void test_bitcode_unit(void **state)
{
	static const char ir[] =
		"target triple = \"bpf\"\n"
		"declare void @use(ptr)\n"
		"define i64 @f(ptr %ctx) section \"kprobe/f\" {\n"
		"  %a = alloca [100 x i8], align 8\n"
		"  call void @use(ptr %a)\n"
		"  ret i64 0\n"
		"}\n";
	struct bc_ir_module *m = bc_ir_parse(ir, strlen(ir), NULL);
	LLVMMemoryBufferRef buf;
	struct run r;

	(void)state;
	assert_non_null(m);
	buf = LLVMWriteBitcodeToMemoryBuffer(m->mod);
	bc_ir_module_free(m);
	run_mem(&r, "f.bc", LLVMGetBufferStart(buf), LLVMGetBufferSize(buf));
	LLVMDisposeMemoryBuffer(buf);
	assert_int_equal(r.u.kind, BC_KIND_LLVM_BC);
	assert_int_equal(r.ret, 0);
	assert_int_equal(func(&r, "f")->frame_bytes, 104);
	assert_int_equal(func(&r, "f")->slot_peak_bytes, 104);
	/* no text to point into */
	assert_int_equal(func(&r, "f")->slots[0].span.line, 0);
	done(&r);
}

/* bpftrace 0.21+ reads a probe's context through llvm.preserve.static.offset,
 * which the BPF backend cannot select: the module is taken as unoptimised
 * (no bpftrace or clang pipeline leaves the call) and the BPF target's IR
 * passes lower it, with or without the optimiser. The frame is what
 * `opt -passes='default<O3>'` (or <O0>) then llc-19 give: 16 bytes. */
static void test_static_offset(void **state)
{
	static const struct bc_ir_options never = { .optimize = 0 };
	struct run r;
	const struct bc_func *f;

	(void)state;
	run_fixture(&r, "fixtures/ir/ctx_static_offset.ll");
	assert_int_equal(r.ret, 0);
	assert_true(r.st.optimized);
	assert_true(r.st.bpftrace);
	f = func(&r, "kprobe_f_1");
	assert_int_equal(f->frame_bytes, 16);
	find_slot(f, "map-key", "@x", true);
	find_slot(f, "map-value", "@x", true);
	done(&r);

	run_fixture_opts(&r, "fixtures/ir/ctx_static_offset.ll", &never);
	assert_int_equal(r.ret, 0);
	assert_false(r.st.optimized);
	assert_int_equal(func(&r, "kprobe_f_1")->frame_bytes, 16);
	done(&r);
}

/* What LLVM's BPF backend ends the process on (report_fatal_error) fails
 * the unit instead: found before the backend with the function's line, or
 * caught from the backend with LLVM's message; the process goes on and
 * compiles the next module as before. */
static void test_backend_fatal(void **state)
{
	static const char ghc[] = "target triple = \"bpf\"\n"
				  "define ghccc i64 @f(i64 %a) {\n  ret i64 %a\n}\n";
	static const char tls[] = "target triple = \"bpf\"\n"
				  "@x = thread_local global i64 0\n"
				  "define i64 @f() {\n  %v = load i64, ptr @x\n  ret i64 %v\n}\n";
	static const char ret_addr[] = "target triple = \"bpf\"\n"
				       "define ptr @f() {\n"
				       "  %r = call ptr @llvm.returnaddress(i32 0)\n"
				       "  ret ptr %r\n}\n"
				       "declare ptr @llvm.returnaddress(i32)\n";
	/* a CO-RE access without its type metadata: the pass leaves it */
	static const char core[] = "target triple = \"bpf\"\n"
				   "define i64 @f(ptr %c) {\n"
				   "  %p = call ptr @llvm.preserve.struct.access.index.p0.p0("
				   "ptr elementtype({ i64, i64 }) %c, i32 1, i32 1)\n"
				   "  %v = load i64, ptr %p\n  ret i64 %v\n}\n"
				   "declare ptr @llvm.preserve.struct.access.index.p0.p0(ptr, i32, i32)\n";
	struct run r;

	(void)state;
	run_mem(&r, "ghc.ll", ghc, strlen(ghc));
	assert_int_equal(r.ret, -EINVAL);
	assert_non_null(strstr(r.u.error, "calling convention 10 of function 'f'"));
	assert_int_equal(r.u.error_span.line, 2);
	done(&r);

	run_mem(&r, "tls.ll", tls, strlen(tls));
	assert_int_equal(r.ret, -EINVAL);
	assert_non_null(strstr(r.u.error, "thread-local global 'x'"));
	assert_int_equal(r.u.error_span.line, 2);
	done(&r);

	run_mem(&r, "ret_addr.ll", ret_addr, strlen(ret_addr));
	assert_int_equal(r.ret, -EINVAL);
	assert_non_null(strstr(r.u.error, "intrinsic llvm.returnaddress in function 'f'"));
	assert_int_equal(r.u.error_span.line, 2);
	done(&r);

	run_mem(&r, "core.ll", core, strlen(core));
	assert_int_equal(r.ret, -EIO);
	assert_non_null(strstr(r.u.error, "Cannot select: intrinsic "
				       "%llvm.preserve.struct.access.index"));
	assert_int_equal(r.u.error_span.line, 3);
	assert_int_equal(r.u.error_span.col, 17);
	done(&r);

	run_fixture(&r, "fixtures/ir/ctx_static_offset.ll");
	assert_int_equal(r.ret, 0);
	assert_int_equal(func(&r, "kprobe_f_1")->frame_bytes, 16);
	done(&r);
}

static void test_failures(void **state)
{
	static const char x86[] = "target triple = \"x86_64-pc-linux-gnu\"\n"
				  "define i64 @f() {\n  ret i64 0\n}\n";
	static const char bad[] = "define i64 @f() {\n  ret i64 %nope\n}\n";
	struct run r;

	(void)state;
	run_mem(&r, "x86.ll", x86, strlen(x86));
	assert_int_equal(r.ret, -EINVAL);
	assert_int_equal(r.u.status, -EINVAL);
	assert_non_null(strstr(r.u.error, "not BPF"));
	assert_int_equal(r.u.facts.nr_funcs, 0);
	done(&r);

	run_mem(&r, "bad.ll", bad, strlen(bad));
	assert_int_equal(r.ret, -EINVAL);
	assert_non_null(strstr(r.u.error, "cannot parse LLVM IR"));
	assert_int_equal(r.u.error_span.line, 2);
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bpftrace_mixed),
		cmocka_unit_test(test_bpftrace_bigstring),
		cmocka_unit_test(test_unoptimised_is_optimised),
		cmocka_unit_test(test_scratch_buffers),
		cmocka_unit_test(test_clang_ir),
		cmocka_unit_test(test_bitcode_unit),
		cmocka_unit_test(test_static_offset),
		cmocka_unit_test(test_backend_fatal),
		cmocka_unit_test(test_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
