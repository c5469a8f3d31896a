/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Code generation, construct by construct: each .bt script of tests/golden/codegen
 * is generated for bpftrace 0.17 and 0.22 (a "// versions: 0.17" line
 * restricts it), optimised and laid out by the BPF backend, and its slots
 * (construct, name, bytes, span, placement, copies) and frames compared
 * with the .slots file beside it (BC_UPDATE_GOLDEN=1 rewrites them).
 * Tracepoint formats come from fixtures/tracefs; "// btf: system" uses
 * this machine's kernel BTF (skipped without it).
 *
 * Then: bpftrace 0.17's own IR for the scripts of fixtures/ir (captured
 * with `bpftrace -dd`) against ours, frame by frame; what is not modelled
 * fails with -EOPNOTSUPP, a construct and a span; the module is a real
 * program (verifies, maps and helpers where bpftrace puts them).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>

#include "analyzer/core/facts.h"
#include "analyzer/llvm/backend.h"
#include "analyzer/codegen/codegen.h"
#include "analyzer/llvm/ir_load.h"
#include "analyzer/stack/prov.h"
#include "analyzer/stack/prov_slots.h"
#include "analyzer/script/parser.h"
#include "analyzer/base/sbuf.h"
#include "analyzer/script/sema.h"
#include "analyzer/stack/liveness.h"
#include "analyzer/types/btf_types.h"
#include "analyzer/core/unit.h"
#include "support/golden.h"
#include "support/script_support.h"

/* ---- running the pipeline ---- */

struct run {
	struct bc_unit u;
	struct bc_script *s;
	struct bc_sema *sema;
	struct bc_ir_module *m;
	struct bc_prov_table *prov;
	struct bc_codegen_status st;
	int err;		/* bc_codegen's */
};

/* Parse, analyse (fixtures/tracefs; BTF when asked) and generate TEXT for
 * VERSION. -ENOENT when the script needs BTF this machine lacks. */
static int run_script(struct run *r, const char *path, const char *text, int version)
{
	struct bc_parse_opts po = { .bpftrace = version };
	struct bc_sema_opts so = { .bpftrace = version, .no_env = true };
	struct bc_codegen_opts co = { .status = &r->st };
	char *tracefs = bc_test_src_path("fixtures/tracefs");
	int err;

	memset(r, 0, sizeof(*r));
	if (strstr(text, "// btf: system")) {
		if (access(BC_BTF_VMLINUX, R_OK)) {
			free(tracefs);
			return -ENOENT;
		}
		so.btf_path = BC_BTF_VMLINUX;
	}
	so.tracefs = tracefs;
	co.tracefs = tracefs;
	bc_unit_load_mem(&r->u, path, text, strlen(text));
	err = bc_script_parse(&r->u, &po, &r->s);
	assert_int_equal(err, 0);
	err = bc_sema_run(&r->u, r->s, &so, &r->sema);
	assert_int_equal(err, 0);
	if (bc_sema_nr_errors(r->sema)) {
		for (size_t i = 0; i < r->u.diags.n; i++)
			fprintf(stderr, "%s:%u:%u: %s\n", path, r->u.diags.v[i].span.line,
				r->u.diags.v[i].span.col, r->u.diags.v[i].message);
		fail_msg("%s: semantic errors", path);
	}
	r->err = bc_codegen(r->s, r->sema, &co, &r->m, &r->prov);
	free(tracefs);
	return 0;
}

static void run_done(struct run *r)
{
	bc_prov_table_free(r->prov);
	bc_ir_module_free(r->m);
	bc_sema_free(r->sema);
	bc_unit_free(&r->u);
	bc_script_free(r->s);
	memset(r, 0, sizeof(*r));
}

/* The frames and slots of every probe function, as text. Liveness reads
 * the optimised IR before code generation (which rewrites it in place). */
static char *report(struct run *r)
{
	struct bc_sbuf b = { 0 };
	struct bc_backend be;
	struct bc_backend_result res;
	LLVMTargetDataRef td;
	char *texts[64], *names[64];
	size_t nf = 0;

	if (r->err) {
		bc_sbuf_printf(&b, "codegen: %s at %u:%u: %s [%s]\n", strerror(-r->err),
			       r->st.span.line, r->st.span.col, r->st.message, r->st.construct);
		return bc_sbuf_finish(&b);
	}
	assert_int_equal(bc_backend_init(&be, r->m, NULL), 0);
	assert_int_equal(bc_backend_optimize(&be, r->m, NULL), 0);
	td = LLVMGetModuleDataLayout(r->m->mod);
	for (LLVMValueRef fn = LLVMGetFirstFunction(r->m->mod); fn; fn = LLVMGetNextFunction(fn)) {
		struct bc_sbuf fb = { 0 };
		struct bc_liveness L;
		struct bc_slot *slots;
		size_t n, len;
		const char *name = LLVMGetValueName2(fn, &len);

		if (LLVMIsDeclaration(fn))
			continue;
		assert_true(nf < 64);
		assert_int_equal(bc_liveness_compute(fn, td, &L), 0);
		assert_int_equal(bc_prov_slots(r->prov, fn, &L, &slots, &n), 0);
		bc_sbuf_printf(&fb, ", peak %llu\n", (unsigned long long)L.peak_bytes);
		for (size_t i = 0; i < n; i++) {
			const struct bc_slot *s = &slots[i];

			bc_sbuf_printf(&fb, "  %-14s %-22s %4u", s->construct, s->name, s->bytes);
			if (s->span.line)
				bc_sbuf_printf(&fb, " %u:%u", s->span.line, s->span.col);
			if (s->placement == BC_PLACE_SCRATCH)
				bc_sbuf_printf(&fb, " scratch %llu", (unsigned long long)s->scratch_bytes);
			if (s->live_at_peak)
				bc_sbuf_puts(&fb, " live");
			if (s->script_dependent)
				bc_sbuf_puts(&fb, " script-dependent");
			if (s->nr_origin > 1) {
				bc_sbuf_puts(&fb, " <-");
				for (size_t k = 0; k + 1 < s->nr_origin; k++)
					bc_sbuf_printf(&fb, " [%s]", s->origin[k]);
			}
			bc_sbuf_puts(&fb, "\n");
			bc_slot_free(&slots[i]);
		}
		free(slots);
		bc_liveness_free(&L);
		names[nf] = strndup(name, len);
		texts[nf++] = bc_sbuf_finish(&fb);
	}
	assert_int_equal(bc_backend_emit(&be, r->m, &res), 0);
	assert_int_equal(res.nr_errors, 0);
	for (size_t i = 0; i < nf; i++) {
		bc_sbuf_printf(&b, "%s: frame %lld%s", names[i],
			       (long long)bc_backend_frame_bytes(&res, names[i]), texts[i]);
		free(names[i]);
		free(texts[i]);
	}
	bc_backend_result_free(&res);
	bc_backend_fini(&be);
	return bc_sbuf_finish(&b);
}

/* ---- golden construct scripts ---- */

/* The later ones run only for a script whose "// versions:" names them. */
static const struct {
	const char *label;
	int version;
	bool opt_in;
} versions[] = {
	{ "0.17", 1700, false },
	{ "0.22", 2200, false },
	{ "0.24", 2400, true },
	{ "head", 2699, true },
};

static void test_golden_constructs(void **state)
{
	char *dir = bc_test_src_path("tests/golden/codegen");
	char **names = bc_test_list_dir(dir, ".bt");
	unsigned failed = 0, run = 0;

	(void)state;
	assert_non_null(names);
	for (size_t i = 0; names[i]; i++) {
		char path[4096], golden[4096];
		struct bc_sbuf out = { 0 };
		char *text, *all;
		size_t len;
		bool skipped = false;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		text = bc_test_read_file(path, &len);
		assert_non_null(text);
		for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
			const char *only = strstr(text, "// versions: ");
			struct run r;
			char *rep;

			if (only && !strstr(only, versions[v].label))
				continue;
			if (!only && versions[v].opt_in)
				continue;
			if (run_script(&r, names[i], text, versions[v].version) == -ENOENT) {
				skipped = true;
				break;
			}
			rep = report(&r);
			bc_sbuf_printf(&out, "== bpftrace %s\n%s", versions[v].label, rep);
			free(rep);
			run_done(&r);
		}
		all = bc_sbuf_finish(&out);
		if (!skipped) {
			snprintf(golden, sizeof(golden), "tests/golden/codegen/%.*s.slots",
				 (int)(strlen(names[i]) - 3), names[i]);
			if (!bc_test_golden(golden, all))
				failed++;
			run++;
		}
		free(all);
		free(text);
	}
	bc_test_free_names(names);
	free(dir);
	assert_true(run > 0);
	assert_int_equal(failed, 0);
}

/* ---- bpftrace's own IR (fixtures/ir) ---- */

static int64_t fn_frame(struct bc_ir_module *m, const char *fn, bool optimize)
{
	struct bc_backend be;
	struct bc_backend_result r;
	int64_t bytes;

	assert_int_equal(bc_backend_init(&be, m, NULL), 0);
	if (optimize)
		assert_int_equal(bc_backend_optimize(&be, m, NULL), 0);
	assert_int_equal(bc_backend_emit(&be, m, &r), 0);
	bytes = bc_backend_frame_bytes(&r, fn);
	bc_backend_result_free(&r);
	bc_backend_fini(&be);
	return bytes;
}

/* The fixtures hold bpftrace 0.17's optimised IR; both modules go through
 * the same O3 and code generation (as test_irbuilder.c measures them). */
static void compare_fixture(const char *base, const char *const *fns, const int64_t *want,
			    size_t n)
{
	char rel[256], *path, *text, *ir;
	size_t len, irlen;
	struct bc_ir_module *theirs;
	struct run r;

	snprintf(rel, sizeof(rel), "fixtures/ir/%s.ll", base);
	path = bc_test_src_path(rel);
	ir = bc_test_read_file(path, &irlen);
	free(path);
	if (!ir)
		skip();
	snprintf(rel, sizeof(rel), "fixtures/ir/%s.bt", base);
	path = bc_test_src_path(rel);
	text = bc_test_read_file(path, &len);
	free(path);
	assert_non_null(text);
	assert_int_equal(run_script(&r, rel, text, 1700), 0);
	if (r.err)
		fail_msg("%s: %s at %u:%u", base, r.st.message, r.st.span.line, r.st.span.col);
	for (size_t i = 0; i < n; i++) {
		theirs = bc_ir_parse(ir, irlen, NULL);
		assert_non_null(theirs);
		assert_int_equal(fn_frame(theirs, fns[i], true), want[i]);
		bc_ir_module_free(theirs);
	}
	/* one optimisation of ours serves every function */
	{
		struct bc_backend be;
		struct bc_backend_result res;

		assert_int_equal(bc_backend_init(&be, r.m, NULL), 0);
		assert_int_equal(bc_backend_optimize(&be, r.m, NULL), 0);
		assert_int_equal(bc_backend_emit(&be, r.m, &res), 0);
		for (size_t i = 0; i < n; i++) {
			if (bc_backend_frame_bytes(&res, fns[i]) != want[i])
				fail_msg("%s %s: ours %lld, bpftrace %lld", base, fns[i],
					 (long long)bc_backend_frame_bytes(&res, fns[i]),
					 (long long)want[i]);
		}
		bc_backend_result_free(&res);
		bc_backend_fini(&be);
	}
	run_done(&r);
	free(text);
	free(ir);
}

static void test_fixture_mixed(void **state)
{
	static const char *const fns[] = { "kprobe:vfs_read", "kretprobe:vfs_read",
					   "interval:s:1" };
	static const int64_t want[] = { 40, 120, 24 };

	(void)state;
	compare_fixture("bt017_mixed", fns, want, 3);
}

/* The "big string infection": 560 bytes, over the limit, as bpftrace. */
static void test_fixture_bigstring(void **state)
{
	static const char *const fns[] = { "kprobe:do_sys_openat2" };
	static const int64_t want[] = { 560 };

	(void)state;
	compare_fixture("bt017_bigstring", fns, want, 1);
}

static void test_fixture_opensnoop(void **state)
{
	static const char *const fns[] = {
		"BEGIN", "tracepoint:syscalls:sys_enter_open", "tracepoint:syscalls:sys_enter_openat",
		"tracepoint:syscalls:sys_exit_open", "tracepoint:syscalls:sys_exit_openat", "END",
	};
	static const int64_t want[] = { 32, 16, 16, 184, 184, 16 };

	(void)state;
	compare_fixture("bt017_opensnoop", fns, want, 6);
}

/* ---- what is not modelled ---- */

static void expect_unsupported(const char *text, int version, const char *construct,
			       unsigned line, unsigned col)
{
	struct run r;

	assert_int_equal(run_script(&r, "unsupported.bt", text, version), 0);
	if (r.err != -EOPNOTSUPP)
		fail_msg("%s: got %d, want -EOPNOTSUPP", text, r.err);
	assert_null(r.m);
	assert_string_equal(r.st.construct, construct);
	assert_int_equal(r.st.span.line, line);
	assert_int_equal(r.st.span.col, col);
	assert_true(strlen(r.st.message) > 0);
	assert_int_equal(r.st.err, -EOPNOTSUPP);
	run_done(&r);
}

static void test_unsupported(void **state)
{
	(void)state;
	/* USDT arguments of a binary this machine does not have */
	expect_unsupported("usdt:/nonexistent/bc-test-bin:p:f { @[arg0] = count(); }", 2200,
			   "usdt argument", 1, 1);
	/* a for loop over per-CPU aggregations (the per-CPU sum in the callback) */
	expect_unsupported("BEGIN { @m[1] = count(); }\nkprobe:f { for ($kv : @m) { print($kv); } }",
			   2200, "for over a per-CPU map", 2, 23);
	/* a builtin of the 0.25 stdlib reads curtask's fields: without the
	 * kernel's BTF their layout is unknown */
	expect_unsupported("kprobe:f { printf(\"%d\\n\", ppid); }", 2500, "field access", 1, 27);
}

/* ---- the module ---- */

static size_t count_calls(LLVMValueRef fn, int helper)
{
	size_t n = 0;

	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) {
			LLVMValueRef c;

			if (!LLVMIsACallInst(i))
				continue;
			c = LLVMGetCalledValue(i);
			if (LLVMIsAConstantExpr(c) &&
			    LLVMConstIntGetZExtValue(LLVMGetOperand(c, 0)) == (unsigned long long)helper)
				n++;
		}
	return n;
}

/* Sections, one function per probe (and per attach point when bpftrace
 * expands), predicates, the helpers bpftrace calls. */
static void test_module_shape(void **state)
{
	static const char script[] =
		"kprobe:a,kprobe:b /pid == 1/ { @x[tid] = nsecs; }\n"
		"tracepoint:syscalls:sys_enter_openat,tracepoint:syscalls:sys_enter_open\n"
		"{ printf(\"%s\\n\", str(args->filename)); }\n"
		"END { clear(@x); }\n";
	struct run r;
	LLVMValueRef fn;

	(void)state;
	assert_int_equal(run_script(&r, "shape.bt", script, 1700), 0);
	assert_int_equal(r.err, 0);
	fn = LLVMGetNamedFunction(r.m->mod, "kprobe:a,kprobe:b");
	assert_non_null(fn);
	assert_string_equal(LLVMGetSection(fn), "s_kprobe:a,kprobe:b_1");
	/* the predicate: pred_false returns */
	assert_string_equal(LLVMGetBasicBlockName(LLVMGetNextBasicBlock(LLVMGetEntryBasicBlock(fn))),
			    "pred_false");
	assert_int_equal(count_calls(fn, 14), 2);	/* get_current_pid_tgid: pid, tid */
	assert_int_equal(count_calls(fn, 2), 1);	/* map_update_elem */
	assert_int_equal(count_calls(fn, 125), 1);	/* ktime_get_boot_ns */
	/* args expands the tracepoint probe, in attach point order */
	fn = LLVMGetNamedFunction(r.m->mod, "tracepoint:syscalls:sys_enter_openat");
	assert_non_null(fn);
	assert_string_equal(LLVMGetSection(fn),
			    "s_tracepoint:syscalls:sys_enter_openat_1");
	assert_int_equal(count_calls(fn, 112), 0);
	assert_int_equal(count_calls(fn, 114), 1);	/* probe_read_user_str */
	assert_int_equal(count_calls(fn, 25), 1);	/* perf_event_output */
	fn = LLVMGetNamedFunction(r.m->mod, "tracepoint:syscalls:sys_enter_open");
	assert_non_null(fn);
	assert_string_equal(LLVMGetSection(fn), "s_tracepoint:syscalls:sys_enter_open_2");
	fn = LLVMGetNamedFunction(r.m->mod, "END");
	assert_non_null(fn);
	assert_int_equal(count_calls(fn, 25), 1);
	run_done(&r);
}

/* The same script for an old kernel: bpf_probe_read_str and ktime_get_ns. */
static void test_old_kernel_helpers(void **state)
{
	struct bc_unit u;
	struct bc_parse_opts po = { .bpftrace = 1700 };
	char *tracefs = bc_test_src_path("fixtures/tracefs");
	struct bc_sema_opts so = { .bpftrace = 1700, .no_env = true, .tracefs = tracefs };
	struct bc_codegen_opts co = { .no_probe_read_kernel = true, .no_ktime_get_boot_ns = true };
	static const char text[] = "kprobe:f { @s[str(arg0)] = nsecs; }";
	struct bc_script *s = NULL;
	struct bc_sema *sema = NULL;
	struct bc_ir_module *m = NULL;
	LLVMValueRef fn;

	(void)state;
	memset(&u, 0, sizeof(u));
	bc_unit_load_mem(&u, "old.bt", text, strlen(text));
	assert_int_equal(bc_script_parse(&u, &po, &s), 0);
	assert_int_equal(bc_sema_run(&u, s, &so, &sema), 0);
	assert_int_equal(bc_codegen(s, sema, &co, &m, NULL), 0);
	fn = LLVMGetNamedFunction(m->mod, "kprobe:f");
	assert_int_equal(count_calls(fn, 45), 1);	/* probe_read_str */
	assert_int_equal(count_calls(fn, 5), 1);	/* ktime_get_ns */
	bc_ir_module_free(m);
	bc_sema_free(sema);
	bc_unit_free(&u);
	bc_script_free(s);
	free(tracefs);
}

/* Bad arguments and a script semantic analysis refused. */
static void test_refusals(void **state)
{
	struct bc_ir_module *m = (void *)1;
	struct run r;

	(void)state;
	assert_int_equal(bc_codegen(NULL, NULL, NULL, &m, NULL), -EINVAL);
	assert_null(m);
	assert_int_equal(run_script(&r, "ok.bt", "BEGIN { @x = 1; }", 1700), 0);
	assert_int_equal(r.err, 0);
	/* a sema result of another script */
	{
		struct run r2;

		assert_int_equal(run_script(&r2, "other.bt", "BEGIN { @y = 2; }", 1700), 0);
		assert_int_equal(bc_codegen(r.s, r2.sema, NULL, &m, NULL), -EINVAL);
		run_done(&r2);
	}
	run_done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_constructs),
		cmocka_unit_test(test_fixture_mixed),
		cmocka_unit_test(test_fixture_bigstring),
		cmocka_unit_test(test_fixture_opensnoop),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_module_shape),
		cmocka_unit_test(test_old_kernel_helpers),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
