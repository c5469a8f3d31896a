// SPDX-License-Identifier: Apache-2.0
/*
 * The kernel's call-chain model (analyzer/stack/chain.c) on hand-built
 * facts, for every target profile: the kernel's own test vectors, rounding,
 * the frame limit, the tail-call rule, private stacks, async callbacks,
 * recursion, de-duplication and large graphs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "analyzer/core/facts.h"
#include "analyzer/core/kernel_limits.h"
#include "analyzer/stack/chain.h"
#include "analyzer/core/target.h"
#include "support/object_fixtures.h"

static size_t add(struct bc_facts *f, const char *name, uint32_t frame, bool entry,
		  const char *prog_type)
{
	struct bc_func *fn;

	f->funcs = realloc(f->funcs, (f->nr_funcs + 1) * sizeof(*f->funcs));
	assert_non_null(f->funcs);
	fn = &f->funcs[f->nr_funcs];
	memset(fn, 0, sizeof(*fn));
	fn->name = strdup(name);
	fn->section = strdup(entry ? "prog" : ".text");
	fn->prog_type = prog_type ? strdup(prog_type) : NULL;
	fn->frame_bytes = frame;
	fn->is_entry = entry;
	return f->nr_funcs++;
}

static void call(struct bc_facts *f, size_t from, size_t to)
{
	struct bc_func *fn = &f->funcs[from];

	fn->callees = realloc(fn->callees, (fn->nr_callees + 1) * sizeof(*fn->callees));
	assert_non_null(fn->callees);
	fn->callees[fn->nr_callees++] = to;
}

/* Runs the model for kernel K, JIT J, ARCH. */
static void run(struct bc_facts *f, const char *k, bool jit, const char *arch)
{
	struct bc_target t;

	bc_test_target(&t, k, jit, arch);
	assert_int_equal(bc_stack_chains(f, &t), 0);
	bc_target_free(&t);
}

static void assert_path(const struct bc_facts *f, const size_t *chain, size_t n, ...)
{
	va_list ap;
	const char *name;
	size_t i = 0;

	va_start(ap, n);
	while ((name = va_arg(ap, const char *))) {
		assert_true(i < n);
		assert_string_equal(f->funcs[chain[i]].name, name);
		i++;
	}
	va_end(ap);
	assert_int_equal(i, n);
}

/* selftests verifier/calls.c: main 32 -> A 256 -> B 64 = 352, accepted */
static void test_vector_352(void **state)
{
	static const char *const kernels[] = { "6.1", "6.8", "6.9", "6.13", "6.18" };
	struct bc_facts f = { 0 };
	size_t m = add(&f, "main", 32, true, "sched_cls"), a = add(&f, "A", 256, false, NULL),
	       b = add(&f, "B", 64, false, NULL);

	call(&f, m, a);
	call(&f, a, b);
	for (size_t k = 0; k < 5; k++) {
		for (int jit = 0; jit <= 1; jit++) {
			run(&f, kernels[k], jit, "x86_64");
			assert_int_equal(f.funcs[m].chain_bytes, 352);
			assert_int_equal(f.funcs[m].nr_issues, 0);
			assert_path(&f, f.funcs[m].chain, f.funcs[m].nr_chain, "main", "A", "B", NULL);
		}
	}
	/* subprograms are no roots */
	assert_int_equal(f.funcs[a].nr_chain, 0);
	bc_facts_free(&f);
}

/* 24+440+0+32: 544 with 32-byte rounding, 512 with 16-byte JIT rounding */
static void test_vector_rounding(void **state)
{
	static const struct {
		const char *kernel;
		bool jit;
		const char *arch;
		uint32_t bytes;
		bool refused;
	} cases[] = {
		{ "6.1", true, "x86_64", 544, true },
		{ "6.8", true, "x86_64", 544, true },
		{ "6.9", true, "x86_64", 512, false },
		{ "6.9", false, "x86_64", 544, true },
		{ "6.13", false, "x86_64", 544, true },
		{ "6.13", true, "aarch64", 512, false },
		/* arm64's JIT has private stacks from 6.17 */
		{ "6.17", true, "aarch64", 64, false },
		/* private stacks: A (448) leaves the sum: 32 + 0 + 32 */
		{ "6.13", true, "x86_64", 64, false },
		/* not for kprobe programs on 6.18 (core/priv_stack.c): 32 + 448 + 0 + 32 */
		{ "6.18", true, "x86_64", 512, false },
	};
	struct bc_facts f = { 0 };
	size_t m = add(&f, "main", 24, true, "kprobe"), a = add(&f, "A", 440, false, NULL),
	       b = add(&f, "B", 0, false, NULL), c = add(&f, "C", 32, false, NULL);

	call(&f, m, a);
	call(&f, a, b);
	call(&f, b, c);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bc_func *fm = &f.funcs[m];

		run(&f, cases[i].kernel, cases[i].jit, cases[i].arch);
		assert_int_equal(fm->chain_bytes, cases[i].bytes);
		assert_int_equal(fm->nr_issues, cases[i].refused);
		if (cases[i].refused) {
			assert_int_equal(fm->issues[0].kind, BC_CHAIN_COMBINED_TOO_LARGE);
			assert_int_equal(fm->issues[0].bytes, 544);
			assert_int_equal(fm->issues[0].frames, 4);
			assert_path(&f, fm->issues[0].chain, fm->issues[0].nr_chain, "main", "A", "B",
				    "C", NULL);
		}
	}
	bc_facts_free(&f);
}

/* At most 8 frames: a ninth is "the call stack of 8 frames is too deep". */
static void test_frame_limit(void **state)
{
	struct bc_facts f = { 0 };
	size_t prev = add(&f, "f0", 8, true, NULL);

	for (int i = 1; i < BC_MAX_CALL_FRAMES; i++) {
		char name[8];
		size_t n;

		snprintf(name, sizeof(name), "f%d", i);
		n = add(&f, name, 8, false, NULL);
		call(&f, prev, n);
		prev = n;
	}
	run(&f, "6.18", true, "s390x");
	assert_int_equal(f.funcs[0].nr_issues, 0);
	assert_int_equal(f.funcs[0].nr_chain, BC_MAX_CALL_FRAMES);
	assert_int_equal(f.funcs[0].chain_bytes, 16 * BC_MAX_CALL_FRAMES);
	call(&f, prev, add(&f, "f8", 0, false, NULL));
	run(&f, "6.18", true, "s390x");
	assert_int_equal(f.funcs[0].nr_issues, 1);
	assert_int_equal(f.funcs[0].issues[0].kind, BC_CHAIN_TOO_DEEP);
	assert_int_equal(f.funcs[0].issues[0].frames, BC_MAX_CALL_FRAMES + 1);
	assert_int_equal(f.funcs[0].issues[0].nr_chain, BC_MAX_CALL_FRAMES + 1);
	bc_facts_free(&f);
}

static void test_tail_call_rule(void **state)
{
	struct bc_facts f = { 0 };
	size_t m = add(&f, "main", 240, true, "kprobe"), t = add(&f, "tail", 16, false, NULL);
	size_t m2, a;

	f.funcs[t].has_tail_call = true;
	call(&f, m, t);
	/* 240 rounds to 240 with JIT rounding (the selftest's accepted case) ... */
	run(&f, "6.18", true, "x86_64");
	assert_int_equal(f.funcs[m].nr_issues, 0);
	/* ... but to 256 with 32-byte rounding */
	run(&f, "6.8", true, "x86_64");
	assert_int_equal(f.funcs[m].nr_issues, 1);
	assert_int_equal(f.funcs[m].issues[0].kind, BC_CHAIN_TAIL_CALL_FRAME);
	assert_int_equal(f.funcs[m].issues[0].bytes, 256);
	assert_path(&f, f.funcs[m].issues[0].chain, f.funcs[m].issues[0].nr_chain, "main", "tail",
		    NULL);
	/* a tail call in the program itself is fine at any depth */
	f.funcs[m].has_tail_call = true;
	f.funcs[t].has_tail_call = false;
	f.funcs[m].frame_bytes = 480;
	run(&f, "6.8", true, "x86_64");
	assert_int_equal(f.funcs[m].nr_issues, 0);
	/* deeper: main 32 -> A 224 -> tail: 256 bytes of callers */
	m2 = add(&f, "main2", 32, true, "kprobe");
	a = add(&f, "A", 224, false, NULL);
	call(&f, m2, a);
	call(&f, a, t);
	f.funcs[t].has_tail_call = true;
	run(&f, "6.18", true, "x86_64");
	assert_int_equal(f.funcs[m2].nr_issues, 1);
	assert_int_equal(f.funcs[m2].issues[0].kind, BC_CHAIN_TAIL_CALL_FRAME);
	assert_int_equal(f.funcs[m2].issues[0].bytes, 256);
	assert_path(&f, f.funcs[m2].issues[0].chain, f.funcs[m2].issues[0].nr_chain, "main2", "A",
		    "tail", NULL);
	bc_facts_free(&f);
}

static void test_private_stacks(void **state)
{
	struct bc_facts f = { 0 };
	size_t m = add(&f, "main", 32, true, "tracepoint"), a = add(&f, "A", 480, false, NULL),
	       b = add(&f, "B", 480, false, NULL), tc;

	call(&f, m, a);
	call(&f, a, b);
	/* x86-64 JIT 6.13+: A and B (>= 64) run on private stacks */
	run(&f, "6.13", true, "x86_64");
	assert_int_equal(f.funcs[m].nr_issues, 0);
	assert_int_equal(f.funcs[m].chain_bytes, 32);
	/* no private stacks before 6.13, without JIT, off x86-64, or for other types */
	run(&f, "6.12", true, "x86_64");
	assert_int_equal(f.funcs[m].nr_issues, 1);
	assert_int_equal(f.funcs[m].issues[0].bytes, 512 + 480);
	run(&f, "6.13", false, "x86_64");
	assert_int_equal(f.funcs[m].nr_issues, 1);
	run(&f, "6.13", true, "aarch64");
	assert_int_equal(f.funcs[m].nr_issues, 1);
	free(f.funcs[m].prog_type);
	f.funcs[m].prog_type = strdup("sched_cls");
	run(&f, "6.13", true, "x86_64");
	assert_int_equal(f.funcs[m].nr_issues, 1);
	free(f.funcs[m].prog_type);
	f.funcs[m].prog_type = strdup("perf_event");
	/* a private-stack frame must itself be within the limit */
	f.funcs[b].frame_bytes = 520;
	run(&f, "6.13", true, "x86_64");
	assert_int_equal(f.funcs[m].nr_issues, 1);
	assert_int_equal(f.funcs[m].issues[0].kind, BC_CHAIN_PRIV_STACK_TOO_LARGE);
	assert_int_equal(f.funcs[m].issues[0].bytes, 528);
	assert_path(&f, f.funcs[m].issues[0].chain, f.funcs[m].issues[0].nr_chain, "main", "A", "B",
		    NULL);
	f.funcs[b].frame_bytes = 480;
	/* any tail call in the program turns private stacks off */
	tc = add(&f, "tailer", 0, false, NULL);
	f.funcs[tc].has_tail_call = true;
	call(&f, m, tc);
	run(&f, "6.13", true, "x86_64");
	assert_int_equal(f.funcs[m].nr_issues, 1);
	assert_int_equal(f.funcs[m].issues[0].kind, BC_CHAIN_COMBINED_TOO_LARGE);
	bc_facts_free(&f);
}

/* Async callbacks are roots; what they reach stays on the normal stack. */
static void test_async_callbacks(void **state)
{
	struct bc_facts f = { 0 };
	size_t m = add(&f, "main", 32, true, "kprobe"), s = add(&f, "S", 496, false, NULL);
	size_t cb = add(&f, "timer_cb", 64, false, NULL);

	call(&f, m, s);
	run(&f, "6.13", true, "x86_64");
	assert_int_equal(f.funcs[m].nr_issues, 0);	/* S on a private stack */
	/* main references an async callback that also calls S */
	f.funcs[cb].is_callback = f.funcs[cb].is_async_callback = true;
	call(&f, m, cb);
	call(&f, cb, s);
	run(&f, "6.13", true, "x86_64");
	/* S is back on the normal stack: 32 + 496; the callback is not in main's chains */
	assert_int_equal(f.funcs[m].nr_issues, 1);
	assert_int_equal(f.funcs[m].issues[0].bytes, 528);
	assert_path(&f, f.funcs[m].issues[0].chain, f.funcs[m].issues[0].nr_chain, "main", "S",
		    NULL);
	/* the callback's own chain: 64 + 496 */
	assert_int_equal(f.funcs[cb].nr_issues, 1);
	assert_int_equal(f.funcs[cb].issues[0].bytes, 560);
	assert_path(&f, f.funcs[cb].issues[0].chain, f.funcs[cb].issues[0].nr_chain, "timer_cb",
		    "S", NULL);
	/* synchronous callbacks are part of the caller's chain */
	f.funcs[cb].is_async_callback = false;
	run(&f, "6.1", true, "x86_64");
	assert_int_equal(f.funcs[cb].nr_chain, 0);
	assert_path(&f, f.funcs[m].chain, f.funcs[m].nr_chain, "main", "timer_cb", "S", NULL);
	assert_int_equal(f.funcs[m].chain_bytes, 32 + 64 + 512);
	bc_facts_free(&f);
}

static void test_recursion(void **state)
{
	struct bc_facts f = { 0 };
	size_t m = add(&f, "main", 16, true, NULL), a = add(&f, "A", 16, false, NULL),
	       b = add(&f, "B", 16, false, NULL);

	call(&f, m, a);
	call(&f, a, b);
	call(&f, b, a);
	run(&f, "6.18", true, "x86_64");
	assert_int_equal(f.funcs[m].nr_issues, 1);
	assert_int_equal(f.funcs[m].issues[0].kind, BC_CHAIN_RECURSION);
	assert_path(&f, f.funcs[m].issues[0].chain, f.funcs[m].issues[0].nr_chain, "main", "A", "B",
		    "A", NULL);
	bc_facts_free(&f);
}

/* Every violating chain once; the deepest chain is reported. */
static void test_every_violation(void **state)
{
	struct bc_facts f = { 0 };
	size_t m = add(&f, "main", 256, true, NULL), a = add(&f, "A", 8, false, NULL),
	       b = add(&f, "B", 16, false, NULL), c = add(&f, "C", 300, false, NULL);

	call(&f, m, a);
	call(&f, m, b);
	call(&f, m, a);	/* a second call site: same chain */
	call(&f, a, c);
	call(&f, b, c);
	run(&f, "6.18", true, "s390x");
	assert_int_equal(f.funcs[m].nr_issues, 2);
	assert_path(&f, f.funcs[m].issues[0].chain, f.funcs[m].issues[0].nr_chain, "main", "A", "C",
		    NULL);
	assert_int_equal(f.funcs[m].issues[0].bytes, 256 + 16 + 304);
	assert_path(&f, f.funcs[m].issues[1].chain, f.funcs[m].issues[1].nr_chain, "main", "B", "C",
		    NULL);
	assert_int_equal(f.funcs[m].chain_bytes, 256 + 16 + 304);
	/* idempotent: a second run replaces the results */
	run(&f, "6.18", true, "s390x");
	assert_int_equal(f.funcs[m].nr_issues, 2);
	bc_facts_free(&f);
}

/* The limit is the target's (--stack-limit). */
static void test_custom_limit(void **state)
{
	struct bc_facts f = { 0 };
	size_t m = add(&f, "main", 128, true, NULL), a = add(&f, "A", 160, false, NULL);
	struct bc_target t;

	call(&f, m, a);
	bc_test_target(&t, "6.18", true, "s390x");
	t.stack_limit = 256;
	assert_int_equal(bc_stack_chains(&f, &t), 0);
	assert_int_equal(f.funcs[m].nr_issues, 1);
	assert_int_equal(f.funcs[m].issues[0].bytes, 288);
	bc_target_free(&t);
	bc_facts_free(&f);
}

/* 8 layers of 200 functions, each calling all of the next layer: 200^7
 * paths, but few walk states. Must finish quickly. */
static void test_large_graph(void **state)
{
	enum { LAYERS = 8, WIDTH = 200 };
	struct bc_facts f = { 0 };
	struct timespec t0, t1;
	double secs;

	add(&f, "root", 16, true, NULL);
	for (int l = 0; l < LAYERS - 1; l++)
		for (int i = 0; i < WIDTH; i++) {
			char name[32];

			snprintf(name, sizeof(name), "l%d_%d", l, i);
			add(&f, name, (uint32_t)(8 * (i % 4)), false, NULL);
		}
	for (int i = 0; i < WIDTH; i++)
		call(&f, 0, 1 + (size_t)i);
	for (int l = 0; l < LAYERS - 2; l++)
		for (int i = 0; i < WIDTH; i++)
			for (int j = 0; j < WIDTH; j++)
				call(&f, 1 + (size_t)l * WIDTH + i, 1 + (size_t)(l + 1) * WIDTH + j);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run(&f, "6.1", true, "x86_64");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* 32 + 7 x 32 (every frame rounds to 32 on 6.1) */
	assert_int_equal(f.funcs[0].chain_bytes, 32 * LAYERS);
	assert_int_equal(f.funcs[0].nr_chain, LAYERS);
	assert_true(secs < 5.0);
	bc_facts_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_352),
		cmocka_unit_test(test_vector_rounding),
		cmocka_unit_test(test_frame_limit),
		cmocka_unit_test(test_tail_call_rule),
		cmocka_unit_test(test_private_stacks),
		cmocka_unit_test(test_async_callbacks),
		cmocka_unit_test(test_recursion),
		cmocka_unit_test(test_every_violation),
		cmocka_unit_test(test_custom_limit),
		cmocka_unit_test(test_large_graph),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
