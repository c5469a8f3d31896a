// SPDX-License-Identifier: Apache-2.0
/*
 * BPF object analysis on the built fixtures (fixtures/objects/):
 * per-function verifier depths, callees, entries and callbacks, source
 * lines, and the call-chain verdicts for several kernel profiles.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyzer/core/facts.h"
#include "analyzer/object/object.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"
#include "support/object_fixtures.h"

struct fx {
	struct bc_unit u;
	struct bc_target t;
};

static const struct bc_facts *analyze(struct fx *x, const char *name, const char *kernel, bool jit,
				      const char *arch)
{
	memset(x, 0, sizeof(*x));
	bc_test_target(&x->t, kernel, jit, arch);
	assert_int_equal(bc_test_analyze_fixture(&x->u, name, &x->t), 0);
	assert_int_equal(x->u.status, 0);
	return &x->u.facts;
}

static void done(struct fx *x)
{
	bc_unit_free(&x->u);
	bc_target_free(&x->t);
}

static const struct bc_func *func(const struct bc_facts *f, const char *name)
{
	const struct bc_func *fn = bc_test_func(f, name);

	if (!fn)
		fail_msg("no function '%s'", name);
	return fn;
}

/* Asserts that F's chain is exactly the functions named in NAMES (NULL-terminated). */
static void assert_chain(const struct bc_facts *f, const size_t *chain, size_t n, ...)
{
	va_list ap;
	size_t i = 0;
	const char *name;

	va_start(ap, n);
	while ((name = va_arg(ap, const char *))) {
		assert_true(i < n);
		assert_string_equal(f->funcs[chain[i]].name, name);
		i++;
	}
	va_end(ap);
	assert_int_equal(i, n);
}

static void assert_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	if (a < b || strcmp(s + a - b, suffix))
		fail_msg("'%s' does not end with '%s'", s, suffix);
}

static void test_frame_over_limit(void **state)
{
	struct fx x;
	const struct bc_facts *f = analyze(&x, "frame_1024", "6.18", true, "x86_64");
	const struct bc_func *fn;

	assert_int_equal(f->nr_funcs, 1);
	fn = func(f, "frame_1024");
	assert_true(fn->is_entry);
	assert_false(fn->is_callback);
	assert_string_equal(fn->section, "tracepoint/syscalls/sys_enter_getpid");
	assert_string_equal(fn->prog_type, "tracepoint");
	assert_int_equal(fn->frame_bytes, 1024);
	assert_int_equal(fn->insn_off, 0);
	assert_true(fn->insn_cnt > 4);
	/* the deepest access: *(u8 *)(r10 - 1024) */
	assert_true(fn->deepest_insn < fn->insn_cnt);
	assert_non_null(fn->src_path);
	assert_ends_with(fn->src_path, "fixtures/objects/frame_1024.bpf.c");
	assert_int_equal(fn->src_span.line, 7);
	/* on a private-stack target the frame is checked on its own */
	assert_int_equal(fn->nr_issues, 1);
	assert_int_equal(fn->issues[0].kind, BC_CHAIN_PRIV_STACK_TOO_LARGE);
	assert_int_equal(fn->issues[0].bytes, 1024);
	done(&x);

	f = analyze(&x, "frame_1024", "6.8", true, "x86_64");
	fn = func(f, "frame_1024");
	assert_int_equal(fn->nr_issues, 1);
	assert_int_equal(fn->issues[0].kind, BC_CHAIN_COMBINED_TOO_LARGE);
	assert_int_equal(fn->issues[0].bytes, 1024);
	assert_int_equal(fn->chain_bytes, 1024);
	done(&x);
}

static void test_frame_512_and_520(void **state)
{
	struct fx x;
	const struct bc_facts *f = analyze(&x, "frame_512", "6.18", true, "s390x");
	const struct bc_func *fn = func(f, "frame_512");

	assert_int_equal(fn->frame_bytes, 512);
	assert_int_equal(fn->chain_bytes, 512);
	assert_int_equal(fn->nr_issues, 0);
	assert_chain(f, fn->chain, fn->nr_chain, "frame_512", NULL);
	done(&x);

	f = analyze(&x, "frame_520", "6.18", true, "s390x");
	fn = func(f, "frame_520");
	assert_int_equal(fn->frame_bytes, 520);
	assert_int_equal(fn->nr_issues, 1);
	assert_int_equal(fn->issues[0].kind, BC_CHAIN_COMBINED_TOO_LARGE);
	assert_int_equal(fn->issues[0].bytes, 528);	/* 520 rounded to 16 */
	done(&x);

	f = analyze(&x, "frame_520", "6.1", true, "x86_64");
	fn = func(f, "frame_520");
	assert_int_equal(fn->issues[0].bytes, 544);	/* 520 rounded to 32 */
	done(&x);
}

static void test_chain_over_limit(void **state)
{
	struct fx x;
	const struct bc_facts *f = analyze(&x, "chain_528", "6.18", true, "x86_64");
	const struct bc_func *tc, *tp, *sub;

	assert_int_equal(f->nr_funcs, 3);
	tc = func(f, "chain_tc");
	tp = func(f, "chain_tp");
	sub = func(f, "sub_264");
	assert_true(tc->is_entry);
	assert_true(tp->is_entry);
	assert_false(sub->is_entry);
	assert_string_equal(sub->section, ".text");
	assert_null(sub->prog_type);
	assert_string_equal(tc->prog_type, "sched_cls");
	assert_int_equal(tc->frame_bytes, 256);
	assert_int_equal(sub->frame_bytes, 264);
	assert_int_equal(tc->nr_callees, 1);
	assert_string_equal(f->funcs[tc->callees[0]].name, "sub_264");
	assert_int_equal(sub->nr_callees, 0);
	assert_int_equal(sub->src_span.line, 12);
	/* tc: no private stacks; 256 + 272 */
	assert_int_equal(tc->nr_issues, 1);
	assert_int_equal(tc->issues[0].kind, BC_CHAIN_COMBINED_TOO_LARGE);
	assert_int_equal(tc->issues[0].bytes, 528);
	assert_int_equal(tc->issues[0].frames, 2);
	assert_chain(f, tc->issues[0].chain, tc->issues[0].nr_chain, "chain_tc", "sub_264", NULL);
	assert_int_equal(tc->chain_bytes, 528);
	assert_chain(f, tc->chain, tc->nr_chain, "chain_tc", "sub_264", NULL);
	/* tracepoint on 6.13+ x86-64: both frames move to private stacks */
	assert_int_equal(tp->nr_issues, 0);
	assert_int_equal(tp->chain_bytes, 0);
	done(&x);

	/* before private stacks and the 16-byte rounding: 256 + 288 */
	f = analyze(&x, "chain_528", "6.8", true, "x86_64");
	tp = func(f, "chain_tp");
	assert_int_equal(tp->nr_issues, 1);
	assert_int_equal(tp->issues[0].bytes, 544);
	done(&x);

	/* private stacks are x86-64 only */
	f = analyze(&x, "chain_528", "6.13", true, "aarch64");
	tp = func(f, "chain_tp");
	assert_int_equal(tp->nr_issues, 1);
	assert_int_equal(tp->issues[0].bytes, 528);
	done(&x);
}

static void test_kernel_vectors(void **state)
{
	static const char *const kernels[] = { "6.1", "6.8", "6.9", "6.13", "6.18" };
	struct fx x;

	for (size_t k = 0; k < sizeof(kernels) / sizeof(kernels[0]); k++) {
		for (int jit = 0; jit <= 1; jit++) {
			const struct bc_facts *f = analyze(&x, "vec_352", kernels[k], jit, "s390x");
			const struct bc_func *m = func(f, "vec_352");

			assert_int_equal(m->frame_bytes, 32);
			assert_int_equal(func(f, "vec_a")->frame_bytes, 256);
			assert_int_equal(func(f, "vec_b")->frame_bytes, 64);
			assert_int_equal(m->chain_bytes, 352);
			assert_int_equal(m->nr_issues, 0);
			assert_chain(f, m->chain, m->nr_chain, "vec_352", "vec_a", "vec_b", NULL);
			done(&x);
		}
	}
}

static void test_rounding_vector(void **state)
{
	struct fx x;
	const struct bc_facts *f = analyze(&x, "vec_544", "6.8", true, "x86_64");
	const struct bc_func *m = func(f, "vec_544");

	assert_int_equal(m->frame_bytes, 24);
	assert_int_equal(func(f, "vec_a440")->frame_bytes, 440);
	assert_int_equal(func(f, "vec_b0")->frame_bytes, 0);
	assert_int_equal(func(f, "vec_c")->frame_bytes, 32);
	/* 32 + 448 + 32 + 32 */
	assert_int_equal(m->nr_issues, 1);
	assert_int_equal(m->issues[0].kind, BC_CHAIN_COMBINED_TOO_LARGE);
	assert_int_equal(m->issues[0].bytes, 544);
	assert_int_equal(m->issues[0].frames, 4);
	assert_chain(f, m->issues[0].chain, m->issues[0].nr_chain, "vec_544", "vec_a440", "vec_b0",
		     "vec_c", NULL);
	done(&x);

	/* JIT from 6.9: 32 + 448 + 0 + 32 = 512, accepted */
	f = analyze(&x, "vec_544", "6.9", true, "x86_64");
	m = func(f, "vec_544");
	assert_int_equal(m->nr_issues, 0);
	assert_int_equal(m->chain_bytes, 512);
	done(&x);

	/* the interpreter keeps 32-byte rounding */
	f = analyze(&x, "vec_544", "6.18", false, "x86_64");
	m = func(f, "vec_544");
	assert_int_equal(m->nr_issues, 1);
	assert_int_equal(m->issues[0].bytes, 544);
	done(&x);
}

static void test_tail_call(void **state)
{
	struct fx x;
	const struct bc_facts *f = analyze(&x, "tail_call", "6.18", true, "x86_64");
	const struct bc_func *deep = func(f, "tail_deep"), *ok = func(f, "tail_ok");
	const struct bc_func *sub = func(f, "do_tail");

	assert_true(sub->has_tail_call);
	assert_false(deep->has_tail_call);
	assert_int_equal(sub->frame_bytes, 0);
	assert_int_equal(deep->frame_bytes, 256);
	assert_int_equal(ok->frame_bytes, 64);
	assert_int_equal(deep->nr_issues, 1);
	assert_int_equal(deep->issues[0].kind, BC_CHAIN_TAIL_CALL_FRAME);
	assert_int_equal(deep->issues[0].bytes, 256);
	assert_chain(f, deep->issues[0].chain, deep->issues[0].nr_chain, "tail_deep", "do_tail",
		     NULL);
	/* a tail call turns private stacks off: the frames stay in the sum */
	assert_int_equal(ok->nr_issues, 0);
	assert_int_equal(ok->chain_bytes, 64);
	done(&x);
}

static void test_callbacks(void **state)
{
	struct fx x;
	const struct bc_facts *f = analyze(&x, "callbacks", "6.18", true, "s390x");
	const struct bc_func *loops = func(f, "with_loops"), *timer = func(f, "with_timer");
	const struct bc_func *lcb = func(f, "loop_cb"), *ecb = func(f, "each_cb");
	const struct bc_func *tcb = func(f, "timer_cb");

	assert_int_equal(loops->frame_bytes, 72);
	assert_int_equal(lcb->frame_bytes, 128);
	assert_int_equal(ecb->frame_bytes, 64);
	assert_int_equal(tcb->frame_bytes, 96);
	assert_true(lcb->is_callback && !lcb->is_async_callback && !lcb->is_entry);
	assert_true(ecb->is_callback && !ecb->is_async_callback);
	assert_true(tcb->is_callback && tcb->is_async_callback);
	assert_int_equal(loops->nr_callees, 2);
	assert_string_equal(f->funcs[loops->callees[0]].name, "loop_cb");
	assert_string_equal(f->funcs[loops->callees[1]].name, "each_cb");
	/* synchronous callbacks are in the chain: 80 + 128 */
	assert_int_equal(loops->chain_bytes, 208);
	assert_chain(f, loops->chain, loops->nr_chain, "with_loops", "loop_cb", NULL);
	/* the timer callback is not in its referrer's chain, but a root of its own */
	assert_int_equal(timer->nr_callees, 1);
	assert_int_equal(timer->chain_bytes, 16);
	assert_chain(f, timer->chain, timer->nr_chain, "with_timer", NULL);
	assert_int_equal(tcb->chain_bytes, 96);
	assert_chain(f, tcb->chain, tcb->nr_chain, "timer_cb", NULL);
	done(&x);

	/* 6.18 x86-64: the tracepoint program's frames >= 64 go to private stacks */
	f = analyze(&x, "callbacks", "6.18", true, "x86_64");
	assert_int_equal(func(f, "with_loops")->chain_bytes, 0);
	done(&x);
}

static void test_helper_pointer(void **state)
{
	struct fx x;
	const struct bc_facts *f = analyze(&x, "helper_ptr", "6.18", true, "x86_64");
	const struct bc_func *fn = func(f, "helper_ptr");

	/* r1 = r10; r1 += -128; call bpf_get_current_comm */
	assert_int_equal(fn->frame_bytes, 128);
	assert_int_equal(fn->deepest_insn, 1);
	assert_string_equal(fn->prog_type, "kprobe");
	done(&x);
}

static void test_recursion(void **state)
{
	struct fx x;
	const struct bc_facts *f = analyze(&x, "recursion", "6.18", true, "x86_64");
	const struct bc_func *m = func(f, "recursion");

	assert_int_equal(func(f, "fib")->frame_bytes, 16);
	assert_int_equal(m->nr_issues, 1);
	assert_int_equal(m->issues[0].kind, BC_CHAIN_RECURSION);
	assert_chain(f, m->issues[0].chain, m->issues[0].nr_chain, "recursion", "fib", "fib", NULL);
	done(&x);
}

/* Appending to facts that already hold functions keeps indexes straight. */
static void test_append(void **state)
{
	struct fx x;
	const struct bc_facts *f = analyze(&x, "vec_352", "6.18", true, "s390x");
	const struct bc_func *m;

	assert_int_equal(bc_object_analyze(&x.u, x.u.data, x.u.size, &x.t), 0);
	assert_int_equal(f->nr_funcs, 6);
	m = &f->funcs[3];
	assert_string_equal(f->funcs[m->callees[0]].name, "vec_b");
	assert_true(m->callees[0] >= 3);
	done(&x);
}

/* Objects without symbols: one function per executable section, plus one
 * per pc-relative call target. */
static void test_stripped(void **state)
{
	char *src = bc_test_fixture_object("same_section"), *cmd, tmp[] = "/tmp/bc-stripped-XXXXXX";
	const struct bc_func *main_fn, *sub;
	struct bc_target t;
	struct bc_unit u;
	int fd = mkstemp(tmp);

	assert_true(fd >= 0);
	close(fd);
	assert_true(asprintf(&cmd, "llvm-objcopy-19 --strip-all %s %s 2>/dev/null", src, tmp) > 0);
	free(src);
	if (system(cmd)) {
		free(cmd);
		unlink(tmp);
		skip();
	}
	free(cmd);
	bc_test_target(&t, "6.18", true, "x86_64");
	assert_int_equal(bc_unit_load(&u, tmp), 0);
	assert_int_equal(bc_object_analyze(&u, u.data, u.size, &t), 0);
	unlink(tmp);
	assert_int_equal(u.facts.nr_funcs, 2);
	main_fn = bc_test_func(&u.facts, "tc");
	sub = bc_test_func(&u.facts, "tc+19");
	assert_non_null(main_fn);
	assert_non_null(sub);
	assert_true(main_fn->is_entry);
	assert_false(sub->is_entry);
	assert_int_equal(main_fn->frame_bytes, 128);
	assert_int_equal(sub->frame_bytes, 200);
	assert_int_equal(sub->insn_off, 19);
	assert_null(main_fn->src_path);
	assert_int_equal(main_fn->nr_callees, 1);
	assert_int_equal(main_fn->chain_bytes, 128 + 208);
	assert_chain(&u.facts, main_fn->chain, main_fn->nr_chain, "tc", "tc+19", NULL);
	bc_unit_free(&u);
	bc_target_free(&t);
}

/* bpftrace 0.17 objects: sections "s_<probe>_<n>", functions named by probe. */
static void test_bpftrace_object(void **state)
{
	char tmp[] = "/tmp/bc-bt-XXXXXX", *cmd;
	const struct bc_func *kp, *tp, *iv;
	struct bc_target t;
	struct bc_unit u;
	int fd = mkstemp(tmp);

	assert_true(fd >= 0);
	close(fd);
	if (access("/usr/sbin/bpftrace", X_OK) && access("/usr/bin/bpftrace", X_OK)) {
		unlink(tmp);
		skip();
	}
	assert_true(asprintf(&cmd,
			     "bpftrace --emit-elf %s -e 'kprobe:do_nanosleep { @[comm] = count(); } "
			     "tracepoint:syscalls:sys_enter_openat { printf(\"%%s\\n\", str(args->filename)); } "
			     "interval:s:1 { print(@); }' >/dev/null 2>&1",
			     tmp) > 0);
	if (system(cmd)) {
		free(cmd);
		unlink(tmp);
		skip();		/* bpftrace needs a kernel with BTF/tracefs to compile */
	}
	free(cmd);
	bc_test_target(&t, "6.1", true, "x86_64");
	assert_int_equal(bc_unit_load(&u, tmp), 0);
	assert_int_equal(bc_object_analyze(&u, u.data, u.size, &t), 0);
	assert_int_equal(u.facts.nr_funcs, 3);
	kp = bc_test_func(&u.facts, "kprobe:do_nanosleep");
	tp = bc_test_func(&u.facts, "tracepoint:syscalls:sys_enter_openat");
	iv = bc_test_func(&u.facts, "interval:s:1");
	assert_non_null(kp);
	assert_non_null(tp);
	assert_non_null(iv);
	assert_true(kp->is_entry && tp->is_entry && iv->is_entry);
	assert_string_equal(kp->prog_type, "kprobe");
	assert_string_equal(tp->prog_type, "tracepoint");
	assert_string_equal(iv->prog_type, "perf_event");
	assert_string_equal(kp->section, "s_kprobe:do_nanosleep_1");
	/* str() is a 64-byte buffer on 0.17's stack, plus the printf record */
	assert_true(tp->frame_bytes > 64);
	assert_true(kp->frame_bytes > 0);
	bc_unit_free(&u);
	bc_target_free(&t);
	unlink(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_over_limit),
		cmocka_unit_test(test_frame_512_and_520),
		cmocka_unit_test(test_chain_over_limit),
		cmocka_unit_test(test_kernel_vectors),
		cmocka_unit_test(test_rounding_vector),
		cmocka_unit_test(test_tail_call),
		cmocka_unit_test(test_callbacks),
		cmocka_unit_test(test_helper_pointer),
		cmocka_unit_test(test_recursion),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_stripped),
		cmocka_unit_test(test_bpftrace_object),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
