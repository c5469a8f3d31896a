/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Semantic analysis: golden type dumps and diagnostics for the scripts of
 * tests/golden/sema and tests/golden/sema/errors, each compared with the
 * NAME.out beside it (each script names its target with "// bpftrace: X.Y";
 * "// btf: system" uses this machine's kernel BTF and is skipped without it;
 * "// env: NAME=VALUE" sets a BPFTRACE_* variable; tracepoint formats always
 * come from fixtures/tracefs), and the map/variable/probe tables through the
 * public accessors.
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
#include <linux/bpf.h>

#include "analyzer/base/sbuf.h"
#include "analyzer/script/parser.h"
#include "analyzer/script/sema.h"
#include "analyzer/types/btf_types.h"
#include "analyzer/core/unit.h"
#include "rules/registry.h"
#include "support/golden.h"
#include "support/script_support.h"
#include "support/sema_support.h"

/* ---- golden fixtures ---- */

static void run_dir(const char *rel_dir)
{
	char *dir = bc_test_src_path(rel_dir);
	char **names = bc_test_list_dir(dir, ".bt");
	unsigned failed = 0, run = 0, skipped = 0;

	assert_non_null(names);
	for (size_t i = 0; names[i]; i++) {
		char path[4096], golden[4096];
		struct bc_test_sema ts;
		char *text, *out;
		size_t len;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		text = bc_test_read_file(path, &len);
		assert_non_null(text);
		if (bc_test_sema_run(&ts, names[i], text, NULL) == -ENOENT) {
			skipped++;	/* needs kernel BTF this machine lacks */
			free(text);
			continue;
		}
		out = bc_test_sema_report(&ts);
		assert_non_null(out);
		snprintf(golden, sizeof(golden), "%s/%.*s.out", rel_dir,
			 (int)(strlen(names[i]) - 3), names[i]);
		if (!bc_test_golden(golden, out))
			failed++;
		run++;
		free(out);
		bc_test_sema_done(&ts);
		free(text);
	}
	fprintf(stderr, "%s: %u fixtures, %u skipped\n", rel_dir, run, skipped);
	bc_test_free_names(names);
	free(dir);
	assert_int_equal(failed, 0);
	assert_true(run > 0);
}

static void test_golden_types(void **state)
{
	(void)state;
	run_dir("tests/golden/sema");
}

static void test_golden_errors(void **state)
{
	(void)state;
	run_dir("tests/golden/sema/errors");
}

/* Every negative fixture reports at least one BC101 or BC102 and no BC100:
 * the fixtures test semantic messages, not the parser. */
static void test_error_fixtures_report(void **state)
{
	char *dir = bc_test_src_path("tests/golden/sema/errors");
	char **names = bc_test_list_dir(dir, ".bt");

	(void)state;
	for (size_t i = 0; names && names[i]; i++) {
		char path[4096];
		struct bc_test_sema ts;
		char *text;
		size_t len;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		text = bc_test_read_file(path, &len);
		if (bc_test_sema_run(&ts, names[i], text, NULL) == 0) {
			if (!bc_test_count(&ts.u, "BC102") && !bc_test_count(&ts.u, "BC101"))
				fail_msg("%s reports nothing", names[i]);
			if (bc_test_count(&ts.u, "BC100"))
				fail_msg("%s does not parse", names[i]);
			bc_test_sema_done(&ts);
		}
		free(text);
	}
	bc_test_free_names(names);
	free(dir);
}

/* ---- uprobe args from DWARF: this test binary is built with -g ---- */

struct sema_test_pair {
	int a;
	long b;
};

/* The uprobe target (never called: only its debug info is read). */
int sema_uprobe_target(int count, const char *name, struct sema_test_pair *pair);
__attribute__((noinline, used)) int sema_uprobe_target(int count, const char *name,
						       struct sema_test_pair *pair)
{
	return count + (name ? name[0] : 0) + (pair ? pair->a : 0);
}

static void test_uprobe_dwarf(void **state)
{
	char self[4096], text[8192];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct bc_test_sema ts;
	const struct bc_sema_probe *p;
	const struct bc_field *f;

	(void)state;
	if (n <= 0)
		skip();
	self[n] = 0;
	snprintf(text, sizeof(text),
		 "// bpftrace: 0.17\n"
		 "uprobe:%s:sema_uprobe_target { $c = args->count; $n = str(args->name); "
		 "$p = args->pair; }\n", self);
	assert_int_equal(bc_test_sema_run(&ts, "u.bt", text, NULL), 0);
	p = bc_sema_probe_at(ts.sema, 0);
	assert_non_null(p);
	if (!p->args) {
		/* a build without debug info: the guess is reported instead */
		assert_true(p->args_guessed);
		assert_true(bc_sema_nr_guesses(ts.sema) > 0);
		bc_test_sema_done(&ts);
		skip();
	}
	assert_int_equal(bc_sema_nr_errors(ts.sema), 0);
	f = bc_stype_field(p->args, "count");
	assert_non_null(f);
	assert_int_equal(f->type->kind, BC_ST_INT);
	assert_int_equal(f->type->size, 4);
	assert_true(f->type->is_signed);
	f = bc_stype_field(p->args, "pair");
	assert_non_null(f);
	assert_int_equal(f->type->kind, BC_ST_POINTER);
	for (size_t i = 0; i < bc_sema_nr_vars(ts.sema); i++) {
		const struct bc_sema_var *v = bc_sema_var_at(ts.sema, i);

		if (!strcmp(v->name, "c")) {
			assert_int_equal(v->type->size, 4);
			assert_int_equal(v->type->as, BC_AS_USER);
		}
	}
	bc_test_sema_done(&ts);
}

/* ---- the tables through the accessors ---- */

static void test_map_table(void **state)
{
	struct bc_test_sema ts;
	const struct bc_sema_map *m;
	const struct bc_sema_map_use *u;

	(void)state;
	assert_int_equal(bc_test_sema_run(&ts, "maps.bt",
		"// bpftrace: 0.17\n"
		"BEGIN { @c = count(); @n = 5; @k[1, \"a\"] = 2; @s[comm] = sum(3); }\n"
		"END { clear(@c); delete(@k[1, \"b\"]); print(@n); zero(@s); @n++; }\n", NULL), 0);
	assert_int_equal(bc_sema_nr_errors(ts.sema), 0);
	assert_int_equal(bc_sema_nr_maps(ts.sema), 4);

	m = bc_sema_map_find(ts.sema, "@c");
	assert_non_null(m);
	assert_true(bc_sema_map_keyless(m));
	assert_int_equal(m->agg, BC_ST_COUNT);
	assert_int_equal(m->bpf_map_type, BPF_MAP_TYPE_PERCPU_ARRAY);
	assert_false(m->clearable);
	assert_int_equal(bc_sema_map_uses(m, BC_MAP_USE_CLEAR, &u), 1);
	assert_int_equal(u->span.line, 3);
	assert_int_equal(u->span.col, 13);
	assert_non_null(u->call);
	assert_int_equal(bc_sema_map_uses(m, BC_MAP_USE_AGG, NULL), 1);
	assert_false(bc_sema_map_is_read(m));

	m = bc_sema_map_find(ts.sema, "k");
	assert_int_equal(m->nr_keys, 2);
	assert_int_equal(m->key_types[0]->kind, BC_ST_INT);
	assert_int_equal(m->key_types[0]->size, 8);
	assert_false(m->key_types[0]->is_signed);	/* 0.17 keys: uint64 */
	assert_int_equal(m->key_types[1]->kind, BC_ST_STRING);
	assert_int_equal(m->key_types[1]->size, 2);
	assert_int_equal(m->key->kind, BC_ST_TUPLE);
	assert_int_equal(m->bpf_map_type, BPF_MAP_TYPE_HASH);
	assert_true(m->clearable);
	assert_int_equal(bc_sema_map_uses(m, BC_MAP_USE_DELETE, &u), 1);
	assert_true(u->keyed);
	assert_int_equal(u->nr_keys, 2);

	m = bc_sema_map_find(ts.sema, "n");
	assert_int_equal(m->value->kind, BC_ST_INT);
	assert_int_equal(m->value->size, 8);
	assert_true(m->value->is_signed);
	assert_int_equal(bc_sema_map_uses(m, BC_MAP_USE_PRINT, NULL), 1);
	assert_int_equal(bc_sema_map_uses(m, BC_MAP_USE_INCDEC, NULL), 1);
	assert_true(bc_sema_map_is_read(m));

	m = bc_sema_map_find(ts.sema, "s");
	assert_int_equal(m->agg, BC_ST_SUM);
	assert_int_equal(m->bpf_map_type, BPF_MAP_TYPE_PERCPU_HASH);
	assert_int_equal(m->key_types[0]->kind, BC_ST_STRING);
	assert_int_equal(m->key_types[0]->size, 16);
	assert_int_equal(bc_sema_map_uses(m, BC_MAP_USE_ZERO, NULL), 1);

	/* the expression knows its map */
	assert_ptr_equal(bc_sema_expr_map(ts.script->items[0].u.probe->body->stmts[0]->u.assign.target),
			 bc_sema_map_find(ts.sema, "c"));
	bc_test_sema_done(&ts);
}

/* Keyless count() maps are PERCPU_ARRAY up to 0.24 and PERCPU_HASH from 0.25 (#4835). */
static void test_map_type_by_version(void **state)
{
	static const struct { const char *ver; int type; bool clearable; } cases[] = {
		{ "0.17", BPF_MAP_TYPE_PERCPU_ARRAY, false },
		{ "0.22", BPF_MAP_TYPE_PERCPU_ARRAY, false },
		{ "0.24", BPF_MAP_TYPE_PERCPU_ARRAY, false },
		{ "0.25", BPF_MAP_TYPE_PERCPU_HASH, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[128];
		struct bc_test_sema ts;
		const struct bc_sema_map *m;

		snprintf(text, sizeof(text), "// bpftrace: %s\nbegin { @x = count(); }\n", cases[i].ver);
		assert_int_equal(bc_test_sema_run(&ts, "t.bt", text, NULL), 0);
		m = bc_sema_map_find(ts.sema, "x");
		assert_non_null(m);
		assert_int_equal(m->bpf_map_type, cases[i].type);
		assert_int_equal(m->clearable, cases[i].clearable);
		bc_test_sema_done(&ts);
	}
}

static void test_var_table(void **state)
{
	struct bc_test_sema ts;
	const struct bc_sema_var *v = NULL;

	(void)state;
	assert_int_equal(bc_test_sema_run(&ts, "vars.bt",
		"// bpftrace: 0.17\n"
		"kprobe:f { $a = 1; $s = comm; if ($a) { $b = $a + 1; } $c = $b; }\n", NULL), 0);
	assert_int_equal(bc_sema_nr_errors(ts.sema), 0);	/* 0.17: probe-wide */
	assert_int_equal(bc_sema_nr_vars(ts.sema), 4);
	for (size_t i = 0; i < bc_sema_nr_vars(ts.sema); i++)
		if (!strcmp(bc_sema_var_at(ts.sema, i)->name, "s"))
			v = bc_sema_var_at(ts.sema, i);
	assert_non_null(v);
	assert_int_equal(v->type->kind, BC_ST_STRING);
	assert_int_equal(v->type->size, 16);
	assert_int_equal(v->first_assign.line, 2);
	assert_int_equal(v->nr_assigns, 1);
	assert_null(v->scope);
	bc_test_sema_done(&ts);

	/* 0.22: the if block is a scope; $b is gone after it */
	assert_int_equal(bc_test_sema_run(&ts, "vars.bt",
		"// bpftrace: 0.22\n"
		"kprobe:f { $a = 1; if ($a) { $b = $a + 1; } $c = $b; }\n", NULL), 0);
	assert_int_equal(bc_sema_nr_errors(ts.sema), 1);
	assert_int_equal(bc_test_count(&ts.u, "BC102"), 1);
	assert_non_null(strstr(ts.u.diags.v[0].message, "Undefined or undeclared variable: $b"));
	bc_test_sema_done(&ts);
}

static void test_settings(void **state)
{
	char *const env[] = { "BPFTRACE_STRLEN=100", NULL };
	char *const bad[] = { "BPFTRACE_STRLEN=300", NULL };
	struct bc_test_sema ts;
	const struct bc_stype *t;

	(void)state;
	assert_int_equal(bc_test_sema_run(&ts, "env.bt",
		"// bpftrace: 0.17\nkprobe:f { $s = str(arg0); }\n", env), 0);
	assert_int_equal(bc_sema_profile(ts.sema)->max_strlen, 100);
	t = bc_sema_var_at(ts.sema, 0)->type;
	assert_int_equal(t->kind, BC_ST_STRING);
	assert_int_equal(t->size, 100);
	assert_true(t->script_dependent);
	bc_test_sema_done(&ts);

	/* 0.17 refuses more than 200 */
	assert_int_equal(bc_test_sema_run(&ts, "env.bt",
		"// bpftrace: 0.17\nkprobe:f { $s = str(arg0); }\n", bad), 0);
	assert_int_equal(bc_test_count(&ts.u, "BC102"), 1);
	bc_test_sema_done(&ts);

	/* the config block (0.20+); the environment wins over it */
	assert_int_equal(bc_test_sema_run(&ts, "cfg.bt",
		"// bpftrace: 0.22\nconfig = { max_strlen = 32; on_stack_limit = 0 }\n"
		"kprobe:f { $s = str(arg0); }\n", NULL), 0);
	assert_int_equal(bc_sema_profile(ts.sema)->max_strlen, 32);
	assert_int_equal(bc_sema_profile(ts.sema)->on_stack_limit, 0);
	assert_int_equal(bc_sema_nr_errors(ts.sema), 0);
	bc_test_sema_done(&ts);
}

/* The front end attaches the analysis to the unit; check with no findings exits clean. */
static void test_frontend(void **state)
{
	struct bc_test_sema ts;

	(void)state;
	assert_int_equal(bc_test_sema_run(&ts, "fe.bt",
		"// bpftrace: 0.17\nBEGIN { printf(\"hi\\n\"); exit(); }\n", NULL), 0);
	assert_int_equal(ts.u.diags.n, 0);
	bc_sema_attach(&ts.u, ts.sema);
	assert_ptr_equal(bc_sema_of(&ts.u), ts.sema);
	ts.sema = NULL;		/* the unit frees it now */
	bc_test_sema_done(&ts);
}

/* After syntax errors nothing semantic is reported (bpftrace stops at the parser). */
static void test_after_syntax_errors(void **state)
{
	struct bc_test_sema ts;

	(void)state;
	bc_test_sema_run(&ts, "bad.bt", "// bpftrace: 0.17\nkprobe:f { $x = $y + ; @a[1] = @b }\n",
			 NULL);
	assert_true(bc_test_count(&ts.u, "BC100") > 0);
	assert_int_equal(bc_test_count(&ts.u, "BC102"), 0);
	assert_non_null(ts.sema);
	bc_test_sema_done(&ts);
}

/* fuzz_sema: `$u=;$u=@` after a syntax error. The first `$u` was typed with
 * the variable's type of that pass, and the second assignment replaced and
 * freed it: the type dump read freed memory. Replaced types now live as
 * long as the analysis (sema_retire); under AddressSanitizer (SANITIZE=1)
 * the old code fails here. */
static void test_replaced_type_still_readable(void **state)
{
	static const char *const versions[] = { "0.17", "0.21", "0.24", "0.25", "head" };
	static const char *const bodies[] = {
		"n{$u=;$u=@",
		"kprobe:f { $u = 1; $v = $u; $u = (int64)2; $u = \"s\"; }",
		"kprobe:f { @m = 1; $v = @m; @m = (int64)2; @k[(int8)1] = 1; $w = @k[1]; @k[(int64)2] = 2; }",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		for (size_t k = 0; k < sizeof(bodies) / sizeof(bodies[0]); k++) {
			struct bc_test_sema ts;
			char text[256];
			char *out;

			snprintf(text, sizeof(text), "// bpftrace: %s\n%s\n", versions[i], bodies[k]);
			bc_test_sema_run(&ts, "t.bt", text, NULL);
			assert_non_null(ts.sema);
			out = bc_test_sema_report(&ts);
			assert_non_null(out);
			/* the dump reads every typed expression, $u or a map */
			assert_true(strstr(out, "$u") || strstr(out, "@"));
			free(out);
			bc_test_sema_done(&ts);
		}
}

/* A postfix chain is not nested for the parser, but sema recurses through
 * it: past its limit the unit fails with a clear message at the chain
 * (it used to type the chain "none" and report "Invalid expression for
 * assignment: none"); just under it, the script is analysed as usual. */
static void test_expression_depth_limit(void **state)
{
	struct bc_test_sema ts;
	struct bc_sbuf b = { 0 };
	char *text;

	(void)state;
	for (int n = 500; n <= 600; n += 100) {
		bc_sbuf_puts(&b, "// bpftrace: 0.17\nkprobe:f { $t = (struct task_struct *)curtask; "
			     "$p = $t");
		for (int i = 0; i < n; i++)
			bc_sbuf_puts(&b, "->parent");
		bc_sbuf_puts(&b, "; }\n");
		text = bc_sbuf_finish(&b);
		assert_non_null(text);
		if (n == 500) {
			assert_int_equal(bc_test_sema_run(&ts, "chain.bt", text, NULL), 0);
			assert_int_equal(ts.u.status, 0);
			assert_int_equal(bc_test_count(&ts.u, "BC102"), 0);
		} else {
			assert_int_equal(bc_test_sema_run(&ts, "chain.bt", text, NULL), -E2BIG);
			assert_int_equal(ts.u.status, -E2BIG);
			assert_non_null(strstr(ts.u.error, "expression nested too deeply"));
			assert_int_equal(ts.u.error_span.line, 2);
			assert_int_equal(bc_test_count(&ts.u, "BC102"), 0);
		}
		bc_test_sema_done(&ts);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_types),
		cmocka_unit_test(test_golden_errors),
		cmocka_unit_test(test_error_fixtures_report),
		cmocka_unit_test(test_uprobe_dwarf),
		cmocka_unit_test(test_map_table),
		cmocka_unit_test(test_map_type_by_version),
		cmocka_unit_test(test_var_table),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_frontend),
		cmocka_unit_test(test_after_syntax_errors),
		cmocka_unit_test(test_expression_depth_limit),
		cmocka_unit_test(test_replaced_type_still_readable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
