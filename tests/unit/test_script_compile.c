// SPDX-License-Identifier: Apache-2.0
/*
 * The script compile step (analyzer/frontend/script_compile.h) on real
 * scripts: parse, semantic analysis, code generation, the in-process
 * backend and the object analysis. Each function is mapped back to its
 * probe's attach points; a probe whose constructs are not modelled gets a
 * BC205 note and no figure while the others keep theirs; a script with
 * semantic errors is not compiled at all.
 */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer/script/parser.h"
#include "analyzer/script/printer.h"
#include "analyzer/frontend/script_compile.h"
#include "analyzer/script/sema.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"
#include "rules/registry.h"
#include "support/script_support.h"

static const struct bc_func *func(const struct bc_test_compiled *x, const char *name)
{
	for (size_t i = 0; i < x->u.facts.nr_funcs; i++)
		if (!strcmp(x->u.facts.funcs[i].name, name))
			return &x->u.facts.funcs[i];
	return NULL;
}

static size_t count_rule(const struct bc_test_compiled *x, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < x->u.diags.n; i++)
		n += !strcmp(bc_rule_get(x->u.diags.v[i].rule_id)->code, code);
	return n;
}

static const char two_probes[] =
	"BEGIN { printf(\"hi\\n\"); }\n"
	"kprobe:vfs_read, kprobe:vfs_write { @[comm] = count(); }\n";

static void test_probes_mapped(void **state)
{
	struct bc_test_compiled x;
	const struct bc_func *b, *k;

	(void)state;
	assert_int_equal(bc_test_compile(&x, two_probes, "0.17"), 0);
	b = func(&x, "BEGIN");
	k = func(&x, "kprobe:vfs_read,kprobe:vfs_write");
	assert_non_null(b);
	assert_non_null(k);
	/* the probe's attach points, as written */
	assert_int_equal(b->src_span.line, 1);
	assert_int_equal(b->src_span.col, 1);
	assert_int_equal(k->src_span.line, 2);
	assert_int_equal(k->src_span.col, 1);
	assert_int_equal(k->src_span.end_col, strlen("kprobe:vfs_read, kprobe:vfs_write"));
	assert_null(k->src_path);
	/* slots with the spans of their constructs */
	assert_true(k->has_attribution);
	for (size_t i = 0; i < k->nr_slots; i++)
		if (!strcmp(k->slots[i].construct, "comm")) {
			const char *l2 = strchr(two_probes, '\n') + 1;

			assert_int_equal(k->slots[i].span.line, 2);
			assert_int_equal(k->slots[i].span.col, strstr(l2, "comm") - l2 + 1);
		}
	assert_true(k->frame_bytes > 0 && k->frame_bytes < 512);
	assert_int_equal(count_rule(&x, "BC205"), 0);
	bc_test_compiled_free(&x);
}

/* A USDT probe reading arguments of a binary this machine does not have:
 * that probe has no figure and says why; the others are compiled one by
 * one and keep theirs. */
static void test_unmodelled_probe(void **state)
{
	static const char text[] =
		"BEGIN { printf(\"hi\\n\"); }\n"
		"usdt:/nonexistent/bc-test-bin:prov:function__entry { @u[str(arg1)] = count(); }\n"
		"kprobe:vfs_read { @[comm] = count(); }\n";
	struct bc_test_compiled x;
	const struct bc_diag *d = NULL;

	(void)state;
	assert_int_equal(bc_test_compile(&x, text, "0.17"), 0);
	assert_int_equal(x.u.status, 0);
	assert_non_null(func(&x, "BEGIN"));
	assert_non_null(func(&x, "kprobe:vfs_read"));
	for (size_t i = 0; i < x.u.facts.nr_funcs; i++)
		assert_null(strstr(x.u.facts.funcs[i].name, "usdt"));
	assert_int_equal(count_rule(&x, "BC205"), 1);
	for (size_t i = 0; i < x.u.diags.n; i++)
		if (!strcmp(bc_rule_get(x.u.diags.v[i].rule_id)->code, "BC205"))
			d = &x.u.diags.v[i];
	assert_int_equal(d->span.line, 2);
	assert_non_null(strstr(d->message, "no stack figure"));
	assert_non_null(strstr(d->message, "/nonexistent/bc-test-bin"));
	bc_test_compiled_free(&x);
}

/* What bpftrace would refuse (BC102) is not compiled. */
static void test_semantic_errors_not_compiled(void **state)
{
	struct bc_test_compiled x;

	(void)state;
	assert_int_equal(bc_test_compile(&x, "kprobe:f { $x = nosuchfunction(1); }\n", "0.17"), 0);
	assert_true(count_rule(&x, "BC102") > 0);
	assert_int_equal(x.u.facts.nr_funcs, 0);
	bc_test_compiled_free(&x);
}

/* 0.22: strings above on_stack_limit are scratch slots, not stack bytes. */
static void test_scratch_profile(void **state)
{
	static const char text[] = "kprobe:vfs_read { $s = str(arg1); printf(\"%s\\n\", $s); }\n";
	struct bc_test_compiled x17, x22;
	const struct bc_func *a, *b;
	size_t scratch = 0;

	(void)state;
	assert_int_equal(bc_test_compile(&x17, text, "0.17"), 0);
	assert_int_equal(bc_test_compile(&x22, text, "0.22"), 0);
	a = func(&x17, "kprobe:vfs_read");
	b = func(&x22, "kprobe:vfs_read");
	assert_non_null(a);
	assert_non_null(b);
	assert_true(b->frame_bytes < a->frame_bytes);
	for (size_t i = 0; i < b->nr_slots; i++)
		if (b->slots[i].placement == BC_PLACE_SCRATCH) {
			scratch++;
			assert_int_equal(b->slots[i].bytes, 0);
			assert_true(b->slots[i].scratch_bytes >= 64);
		}
	assert_true(scratch >= 2);	/* the str() buffer and $s */
	bc_test_compiled_free(&x17);
	bc_test_compiled_free(&x22);
}

/* A chain of N terms joined by OP, as deep as it is long. */
static char *chain(const char *head, const char *term, const char *op, size_t n, const char *tail)
{
	size_t tl = strlen(term), ol = strlen(op);
	size_t len = strlen(head) + n * (tl + ol) + strlen(tail) + 1;
	char *s = malloc(len), *p = s;

	assert_non_null(s);
	p = stpcpy(p, head);
	for (size_t i = 0; i < n; i++) {
		if (i)
			p = stpcpy(p, op);
		p = stpcpy(p, term);
	}
	strcpy(p, tail);
	return s;
}

/*
 * 200,000 terms of 1 + 1 + ... (and of curtask->parent->...): every pass
 * over the AST stops at BC_AST_MAX_DEPTH with a note instead of running off
 * the C stack, and the printer refuses with E2BIG.
 */
static void test_deep_chain(void **state)
{
	static const char *const shapes[][3] = {
		{ "BEGIN { $x = ", "1", " + " },
		{ "BEGIN { @s = ", "pid", " && " },
		{ "BEGIN { $x = curtask", "->parent", "" },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		char *text = chain(shapes[k][0], shapes[k][1], shapes[k][2], 200000, "; }\n");
		struct bc_parse_opts po = { 0 };
		struct bc_sema_opts so;
		struct bc_sema *sema = NULL;
		char *printed;
		struct bc_test_compiled x;

		/* deeper than every walk's limit (BC_AST_MAX_DEPTH): semantic
		 * analysis fails the unit with a clear error, nothing crashes,
		 * and no finding is made up for what was not checked */
		memset(&x, 0, sizeof(x));
		assert_int_equal(bc_target_init(&x.t), 0);
		assert_int_equal(bc_target_set_bpftrace(&x.t, "0.17"), 0);
		assert_int_equal(bc_unit_load_mem(&x.u, "t.bt", text, strlen(text)), 0);
		po.bpftrace = x.t.bpftrace;
		bc_script_parse_unit(&x.u, &po);
		assert_non_null(x.u.script);
		bc_sema_opts_from_target(&so, &x.t);
		so.no_env = true;
		bc_sema_run(&x.u, x.u.script, &so, &sema);
		bc_sema_attach(&x.u, sema);
		assert_int_not_equal(x.u.status, 0);
		assert_non_null(strstr(x.u.error, "nested too deeply"));
		assert_int_equal(count_rule(&x, "BC102"), 0);
		errno = 0;
		printed = bc_script_print(x.u.script);
		assert_null(printed);
		assert_int_equal(errno, E2BIG);
		printed = bc_ast_dump(x.u.script, false);
		assert_non_null(printed);
		assert_non_null(strstr(printed, "nested deeper than"));
		free(printed);
		bc_test_compiled_free(&x);
		free(text);
	}
}

/* bpftrace: a ternary whose branches are a value and a call that returns none */
static void test_ternary_none_branch(void **state)
{
	static const char *const bad[] = {
		"kprobe:vfs_read { $x = pid ? 1 : exit(); }\n",
		"kprobe:vfs_read { @m[1] = 1; $x = pid ? 1 : print(@m); }\n",
		"kprobe:vfs_read { $x = pid ? 1 : cat(\"/a\"); }\n",
		"kprobe:vfs_read { $x = pid ? 1 : time(); }\n",
		"kprobe:vfs_read { pid ? printf(\"x\\n\") : 1; }\n",
	};
	struct bc_test_compiled x;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(bc_test_compile(&x, bad[i], "0.17"), 0);
		assert_int_equal(count_rule(&x, "BC102"), 1);
		assert_non_null(strstr(x.u.diags.v[0].message, "must return the same type"));
		bc_test_compiled_free(&x);
	}
	assert_int_equal(bc_test_compile(&x, "kprobe:vfs_read { pid ? printf(\"a\") : exit(); }\n",
				 "0.17"), 0);
	assert_int_equal(count_rule(&x, "BC102"), 0);
	assert_non_null(func(&x, "kprobe:vfs_read"));
	bc_test_compiled_free(&x);
}

/*
 * A generated module that LLVM's verifier rejects, or that the BPF backend
 * cannot lower, is a bug of the model, never a finding: every script of
 * fixtures/ and examples/ compiles at every profile without a "does not
 * verify" note (the verifier runs on each module before the backend) and
 * without a backend failure.
 */
static void test_every_script_verifies(void **state)
{
	static const char *const versions[] = { "0.17", "0.18", "0.19", "0.20", "0.21", "0.22",
						"0.23", "0.24", "0.25", "0.26", "head" };
	static const char *const patterns[] = { "fixtures/scripts/*/*.bt", "fixtures/ir/*.bt",
						"examples/*.bt" };
	const char *src = getenv("BC_SRCDIR");
	size_t nr_scripts = 0, nr_modules = 0;

	(void)state;
	for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++) {
		char pat[4096];
		glob_t g;

		snprintf(pat, sizeof(pat), "%s/%s", src ? src : ".", patterns[p]);
		if (glob(pat, 0, NULL, &g))
			continue;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			FILE *f = fopen(g.gl_pathv[i], "r");
			char *text = NULL;
			size_t cap = 0;
			ssize_t n;

			assert_non_null(f);
			n = getdelim(&text, &cap, '\0', f);
			fclose(f);
			assert_true(n >= 0);
			nr_scripts++;
			for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
				struct bc_test_compiled x;

				bc_test_compile(&x, text, versions[v]);
				for (size_t d = 0; d < x.u.diags.n; d++) {
					const char *m = x.u.diags.v[d].message;

					if (m && strstr(m, "does not verify"))
						fail_msg("%s at %s: %s", g.gl_pathv[i], versions[v], m);
				}
				if (x.u.error && strstr(x.u.error, "BPF backend"))
					fail_msg("%s at %s: %s", g.gl_pathv[i], versions[v], x.u.error);
				nr_modules += x.u.facts.nr_funcs > 0;
				bc_test_compiled_free(&x);
			}
			free(text);
		}
		globfree(&g);
	}
	assert_true(nr_scripts > 0);
	print_message("verified: %zu scripts, %zu compiled modules\n", nr_scripts, nr_modules);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probes_mapped),
		cmocka_unit_test(test_unmodelled_probe),
		cmocka_unit_test(test_semantic_errors_not_compiled),
		cmocka_unit_test(test_scratch_profile),
		cmocka_unit_test(test_deep_chain),
		cmocka_unit_test(test_ternary_none_branch),
		cmocka_unit_test(test_every_script_verifies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
