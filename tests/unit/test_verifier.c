// SPDX-License-Identifier: Apache-2.0
/*
 * bpfcheck against the running kernel's verifier. Each fixture program is
 * loaded through libbpf with verifier statistics (log level 4):
 *  - when our model says the kernel refuses it, the verifier must refuse it
 *    with the matching message ("combined stack size of 2 calls is 528",
 *    "invalid write to stack R10 off=-520", ...);
 *  - when our model accepts it, the verifier must accept it and its
 *    "stack depth A+B+C" line must equal our per-subprogram depths, in
 *    libbpf's subprogram order.
 * The expectations come from bc_object_analyze() for the running kernel
 * (bc_target_init), not from a table. Skips without the privilege to load.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <bpf/libbpf.h>

#include "analyzer/core/facts.h"
#include "analyzer/object/object.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"
#include "support/object_fixtures.h"

#define LOG_SIZE (1 << 20)

/* Bytes the verifier adds to a frame after its stack check when it inlines
 * bpf_loop (three spill slots, optimize_bpf_loop()); the stats include them. */
#define BPF_LOOP_INLINE_BYTES 24

struct prog_case {
	const char *fixture, *program;
	const char *loop_inliner;	/* a function whose bpf_loop call the kernel inlines */
};

static const struct prog_case cases[] = {
	{ "frame_512", "frame_512", NULL },
	{ "frame_520", "frame_520", NULL },
	{ "frame_1024", "frame_1024", NULL },
	{ "chain_528", "chain_tc", NULL },
	{ "chain_528", "chain_tp", NULL },
	{ "vec_352", "vec_352", NULL },
	{ "vec_544", "vec_544", NULL },
	{ "tail_call", "tail_deep", NULL },
	{ "tail_call", "tail_ok", NULL },
	{ "callbacks", "with_loops", "with_loops" },
	{ "callbacks", "with_timer", NULL },
	{ "helper_ptr", "helper_ptr", NULL },
	{ "recursion", "recursion", NULL },
};

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

/* libbpf's subprogram order: the program, then subprograms appended as first
 * referenced, each followed at once by its own (depth-first preorder). */
static void order(const struct bc_facts *f, size_t fn, size_t *out, size_t *n, bool *seen)
{
	if (seen[fn])
		return;
	seen[fn] = true;
	out[(*n)++] = fn;
	for (size_t i = 0; i < f->funcs[fn].nr_callees; i++)
		order(f, f->funcs[fn].callees[i], out, n, seen);
}

/* The message the verifier gives for our first finding on program P, or NULL. */
static char *expected_refusal(const struct bc_facts *f, size_t p, const struct bc_target *t)
{
	const struct bc_func *fn = &f->funcs[p];
	size_t seq[64], n = 0;
	bool seen[64] = { 0 };
	char *msg = NULL;

	assert_true(f->nr_funcs <= 64);
	order(f, p, seq, &n, seen);
	/* a frame over the limit fails at its deepest access, before any chain check */
	for (size_t i = 0; i < n; i++)
		if ((int)f->funcs[seq[i]].frame_bytes > t->stack_limit) {
			assert_true(asprintf(&msg, "R10 off=-%u", f->funcs[seq[i]].frame_bytes) > 0);
			return msg;
		}
	if (!fn->nr_issues)
		return NULL;
	switch (fn->issues[0].kind) {
	case BC_CHAIN_COMBINED_TOO_LARGE:
		assert_true(asprintf(&msg, "combined stack size of %u calls is %u. Too large",
				     fn->issues[0].frames, fn->issues[0].bytes) > 0);
		break;
	case BC_CHAIN_TAIL_CALL_FRAME:
		assert_true(asprintf(&msg,
				     "tail_calls are not allowed when call stack of previous frames is %u bytes",
				     fn->issues[0].bytes) > 0);
		break;
	case BC_CHAIN_PRIV_STACK_TOO_LARGE:
		msg = strdup("Too large");
		break;
	case BC_CHAIN_TOO_DEEP:
	case BC_CHAIN_RECURSION:
		/* recursion fails on the frame limit, found while walking paths
		 * ("the call stack of 9 frames is too deep") or statically */
		msg = strdup("frames is too deep");
		break;
	}
	return msg;
}

static char *our_depths(const struct bc_facts *f, size_t p, const char *loop_inliner)
{
	size_t seq[64], n = 0;
	bool seen[64] = { 0 };
	char *s = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&s, &len);

	order(f, p, seq, &n, seen);
	fputs("stack depth ", m);
	for (size_t i = 0; i < n; i++) {
		const struct bc_func *fn = &f->funcs[seq[i]];
		unsigned d = fn->frame_bytes;

		if (loop_inliner && !strcmp(fn->name, loop_inliner))
			d += BPF_LOOP_INLINE_BYTES;
		fprintf(m, "%s%u", i ? "+" : "", d);
	}
	fputc('\n', m);
	fclose(m);
	return s;
}

/* Loads only program NAME of the object; returns libbpf's error, log in LOG. */
static int load_one(const unsigned char *data, size_t size, const char *name, char *log)
{
	struct bpf_object *obj = bpf_object__open_mem(data, size, NULL);
	struct bpf_program *prog, *target = NULL;
	int err;

	if (!obj)
		return -errno;
	bpf_object__for_each_program(prog, obj) {
		bool me = !strcmp(bpf_program__name(prog), name);

		bpf_program__set_autoload(prog, me);
		if (me)
			target = prog;
	}
	assert_non_null(target);
	log[0] = '\0';
	bpf_program__set_log_buf(target, log, LOG_SIZE);
	bpf_program__set_log_level(target, 4);
	err = bpf_object__load(obj);
	bpf_object__close(obj);
	return err;
}

/* Whether programs can be loaded here: a trivially valid fixture program. */
static bool may_load(char *log)
{
	struct bc_unit u;
	char *path = bc_test_fixture_object("vec_352");
	int err;

	assert_int_equal(bc_unit_load(&u, path), 0);
	free(path);
	err = load_one(u.data, u.size, "vec_352", log);
	bc_unit_free(&u);
	return err != -EPERM && err != -EACCES;
}

static void test_fixtures_against_verifier(void **state)
{
	char *log = malloc(LOG_SIZE);
	size_t checked = 0, refused = 0;

	assert_non_null(log);
	libbpf_set_print(quiet);
	if (!may_load(log)) {
		free(log);
		skip();		/* no privilege (root or CAP_BPF) to load programs here */
	}
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct bc_target t;
		struct bc_unit u;
		size_t p;
		char *want, *depths;
		int err;

		bc_target_init(&t);
		assert_int_equal(bc_test_analyze_fixture(&u, cases[c].fixture, &t), 0);
		p = bc_test_func_index(&u.facts, cases[c].program);
		assert_true(p != (size_t)-1);
		err = load_one(u.data, u.size, cases[c].program, log);
		want = expected_refusal(&u.facts, p, &t);
		if (want) {
			if (!err || !strstr(log, want))
				fail_msg("%s/%s: expected the verifier to refuse with '%s'; got %d:\n%s",
					 cases[c].fixture, cases[c].program, want, err, log);
			refused++;
		} else {
			if (err)
				fail_msg("%s/%s: we accept it but the verifier refused (%d):\n%s",
					 cases[c].fixture, cases[c].program, err, log);
			depths = our_depths(&u.facts, p, cases[c].loop_inliner);
			if (cases[c].loop_inliner && !strstr(log, depths)) {
				/* kernels before 5.19 do not inline bpf_loop */
				free(depths);
				depths = our_depths(&u.facts, p, NULL);
			}
			if (!strstr(log, depths))
				fail_msg("%s/%s: expected '%s' in the verifier log:\n%s",
					 cases[c].fixture, cases[c].program, depths, log);
			free(depths);
		}
		free(want);
		checked++;
		bc_unit_free(&u);
		bc_target_free(&t);
	}
	assert_int_equal(checked, sizeof(cases) / sizeof(cases[0]));
	assert_true(refused >= 5);
	printf("%zu programs checked against the verifier, %zu refused as predicted\n", checked,
	       refused);
	free(log);
}

/*
 * chain_types: the same 256 + 264 chain as every program type. Where the
 * kernel loads the type here, bpfcheck's over/fits verdict must be the
 * verifier's. A type the machine does not let load (EPERM for trampolines
 * in a sandbox, no attach target) is listed as unverified, not failed;
 * docs/kernel-stack.md records which.
 */
static void test_chain_per_program_type(void **state)
{
	char *log = malloc(LOG_SIZE);
	size_t agreed = 0, unloadable = 0;
	struct bc_target t;
	struct bc_unit u;

	(void)state;
	assert_non_null(log);
	libbpf_set_print(quiet);
	if (!may_load(log)) {
		free(log);
		skip();
	}
	bc_target_init(&t);
	assert_int_equal(bc_test_analyze_fixture(&u, "chain_types", &t), 0);
	for (size_t p = 0; p < u.facts.nr_funcs; p++) {
		const struct bc_func *fn = &u.facts.funcs[p];
		char *want;
		bool refused;
		int err;

		if (!fn->is_entry)
			continue;
		err = load_one(u.data, u.size, fn->name, log);
		refused = err && strstr(log, "combined stack size");
		if (err && !refused) {
			printf("  %-20s %-18s could not load here (%d): unverified\n", fn->section,
			       fn->prog_type, err);
			unloadable++;
			continue;
		}
		want = expected_refusal(&u.facts, p, &t);
		if (!!want != refused)
			fail_msg("%s (%s): bpfcheck says %s, the verifier %s:\n%s", fn->section,
				 fn->prog_type, want ? "over" : "fits",
				 refused ? "refuses" : "accepts", log);
		if (want && !strstr(log, want))
			fail_msg("%s: expected '%s' in the verifier log:\n%s", fn->section, want, log);
		printf("  %-20s %-18s %s, as the verifier\n", fn->section, fn->prog_type,
		       refused ? "over" : "fits");
		free(want);
		agreed++;
	}
	printf("%zu program types agree with the verifier; %zu could not load here\n", agreed,
	       unloadable);
	assert_true(agreed >= 10);
	bc_unit_free(&u);
	bc_target_free(&t);
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_against_verifier),
		cmocka_unit_test(test_chain_per_program_type),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
