/* SPDX-License-Identifier: Apache-2.0 */
/* The bpftrace parser: golden ASTs, golden syntax errors, real scripts,
 * exact spans, feature uses, limits. */
#include <errno.h>
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
#include "analyzer/core/unit.h"
#include "rules/registry.h"
#include "support/golden.h"
#include "support/script_support.h"

/* Parses TEXT (latest syntax unless BPFTRACE); the caller frees. */
static struct bc_script *parse(struct bc_unit *u, const char *text, int bpftrace)
{
	struct bc_script *s = bc_test_parse(u, "test.bt", text, bpftrace, NULL);

	assert_non_null(s);
	return s;
}

static void done(struct bc_unit *u, struct bc_script *s)
{
	bc_script_free(s);
	bc_unit_free(u);
}

/* The text a span covers in U. */
static char *span_text(const struct bc_unit *u, const struct bc_span *sp)
{
	return strndup((const char *)u->data + sp->start, sp->end - sp->start);
}

static void assert_span(const struct bc_unit *u, const struct bc_span *sp, const char *text,
			unsigned line, unsigned col, unsigned end_line, unsigned end_col)
{
	char *t = span_text(u, sp);

	assert_string_equal(t, text);
	free(t);
	assert_int_equal(sp->line, line);
	assert_int_equal(sp->col, col);
	assert_int_equal(sp->end_line, end_line);
	assert_int_equal(sp->end_col, end_col);
}

/* ---- golden ASTs: tests/golden/parser/NAME.bt -> NAME.ast beside it ---- */

static void test_golden_syntax(void **state)
{
	char *dir = bc_test_src_path("tests/golden/parser");
	char **names = bc_test_list_dir(dir, ".bt");
	int count = 0, bad = 0;

	(void)state;
	assert_non_null(names);
	for (size_t i = 0; names[i]; i++) {
		char path[4096], golden[512];
		struct bc_unit u;
		struct bc_script *s;
		char *text, *dump, *diags;
		int ret;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		text = bc_test_read_file(path, NULL);
		assert_non_null(text);
		s = bc_test_parse(&u, names[i], text, bc_test_profile(text), &ret);
		assert_non_null(s);
		diags = bc_test_diags_text(&u);
		if (ret != 0 || u.diags.n) {
			fprintf(stderr, "%s: unexpected diagnostics:\n%s", names[i], diags);
			bad++;
		}
		dump = bc_ast_dump(s, true);
		snprintf(golden, sizeof(golden), "tests/golden/parser/%.*s.ast",
			 (int)(strlen(names[i]) - 3), names[i]);
		if (!bc_test_golden(golden, dump))
			bad++;
		count++;
		free(dump);
		free(diags);
		free(text);
		done(&u, s);
	}
	assert_true(count >= 40);
	assert_int_equal(bad, 0);
	bc_test_free_names(names);
	free(dir);
}

/* ---- golden errors: tests/golden/parser/errors/NAME.bt -> NAME.err beside it ---- */

static void test_golden_errors(void **state)
{
	char *dir = bc_test_src_path("tests/golden/parser/errors");
	char **names = bc_test_list_dir(dir, ".bt");
	int count = 0, bad = 0;

	(void)state;
	assert_non_null(names);
	for (size_t i = 0; names[i]; i++) {
		char path[4096], golden[512];
		struct bc_unit u;
		struct bc_script *s;
		char *text, *diags;
		int ret;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		text = bc_test_read_file(path, NULL);
		assert_non_null(text);
		s = bc_test_parse(&u, names[i], text, bc_test_profile(text), &ret);
		assert_non_null(s);
		/* every negative fixture reports at least one error */
		if (ret != -EINVAL || (!u.diags.n && !u.status)) {
			fprintf(stderr, "%s: expected syntax errors (ret %d)\n", names[i], ret);
			bad++;
		}
		for (size_t k = 0; k < u.diags.n; k++)
			assert_string_equal(bc_rule_get(u.diags.v[k].rule_id)->code, "BC100");
		diags = bc_test_diags_text(&u);
		if (u.status) {	/* a parser limit: the unit failed */
			char *t = NULL;

			assert_true(asprintf(&t, "%s%u:%u: unit failed: %s\n", diags,
					     u.error_span.line, u.error_span.col, u.error) > 0);
			free(diags);
			diags = t;
		}
		snprintf(golden, sizeof(golden), "tests/golden/parser/errors/%.*s.err",
			 (int)(strlen(names[i]) - 3), names[i]);
		if (!bc_test_golden(golden, diags))
			bad++;
		count++;
		free(diags);
		free(text);
		done(&u, s);
	}
	assert_true(count >= 20);
	assert_int_equal(bad, 0);
	bc_test_free_names(names);
	free(dir);
}

/* ---- every bpftrace tool shipped with the system ---- */

static void check_real_script(const char *path, int bpftrace, int *n)
{
	struct bc_unit u, u2;
	struct bc_script *s, *s2;
	struct bc_parse_opts o = { .bpftrace = bpftrace };
	char *printed, *d1, *d2;
	int ret;

	assert_int_equal(bc_unit_load(&u, path), 0);
	ret = bc_script_parse(&u, &o, &s);
	if (ret || u.diags.n) {
		char *t = bc_test_diags_text(&u);

		fprintf(stderr, "%s:\n%s", path, t);
		free(t);
	}
	assert_int_equal(ret, 0);
	assert_int_equal(u.diags.n, 0);
	assert_true(s->nr_items > 0);
	printed = bc_script_print(s);
	assert_non_null(printed);
	s2 = bc_test_parse(&u2, "printed.bt", printed, bpftrace, &ret);
	assert_int_equal(ret, 0);
	d1 = bc_ast_dump(s, false);
	d2 = bc_ast_dump(s2, false);
	if (strcmp(d1, d2))
		fprintf(stderr, "%s: re-parsed AST differs\n", path);
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);
	free(printed);
	done(&u2, s2);
	done(&u, s);
	(*n)++;
}

static void test_system_tools(void **state)
{
	char **names = bc_test_list_dir("/usr/sbin", ".bt");
	int n = 0;

	(void)state;
	if (!names || !names[0]) {
		bc_test_free_names(names);
		skip();
	}
	for (size_t i = 0; names[i]; i++) {
		char path[512];

		snprintf(path, sizeof(path), "/usr/sbin/%s", names[i]);
		check_real_script(path, 0, &n);
		check_real_script(path, 1700, &n);
	}
	bc_test_free_names(names);
	assert_true(n >= 2);
}

/* ---- exact spans ---- */

static void test_spans_probe_and_statements(void **state)
{
	const char *text =
		"kprobe:vfs_read,\n"
		"  kprobe:vfs_write\n"
		"/pid == 1/\n"
		"{\n"
		"  @bytes[comm] = sum(arg2);\n"
		"  if (arg2 > 10) {\n"
		"    $x = \"multi\";\n"
		"  } else {\n"
		"    $x++;\n"
		"  }\n"
		"}\n";
	struct bc_unit u;
	struct bc_script *s = parse(&u, text, 0);
	const struct bc_probe *p;
	const struct bc_stmt *st, *iff;

	(void)state;
	assert_int_equal(s->nr_items, 1);
	p = s->items[0].u.probe;
	assert_int_equal(p->nr_aps, 2);
	assert_span(&u, &p->aps[0]->span, "kprobe:vfs_read", 1, 1, 1, 15);
	assert_span(&u, &p->aps[1]->span, "kprobe:vfs_write", 2, 3, 2, 18);
	assert_span(&u, &p->pred_span, "/pid == 1/", 3, 1, 3, 10);
	assert_span(&u, &p->pred->span, "pid == 1", 3, 2, 3, 9);
	assert_span(&u, &p->pred->u.binop.op_span, "==", 3, 6, 3, 7);
	assert_int_equal(p->span.start, 0);
	assert_int_equal(p->span.end, strlen(text) - 1);
	assert_int_equal(p->span.end_line, 11);
	assert_int_equal(p->body->span.line, 4);

	st = p->body->stmts[0];
	assert_span(&u, &st->span, "@bytes[comm] = sum(arg2);", 5, 3, 5, 27);
	assert_span(&u, &st->u.assign.target->span, "@bytes[comm]", 5, 3, 5, 14);
	assert_span(&u, &st->u.assign.target->u.map.keys.v[0]->span, "comm", 5, 10, 5, 13);
	assert_span(&u, &st->u.assign.value->span, "sum(arg2)", 5, 18, 5, 26);
	assert_span(&u, &st->u.assign.op_span, "=", 5, 16, 5, 16);

	iff = p->body->stmts[1];
	assert_int_equal(iff->kind, BC_STMT_IF);
	assert_span(&u, &iff->span,
		    "if (arg2 > 10) {\n    $x = \"multi\";\n  } else {\n    $x++;\n  }", 6, 3, 10,
		    3);
	assert_span(&u, &iff->u.if_.then->stmts[0]->u.assign.value->span, "\"multi\"", 7, 10, 7,
		    16);
	assert_span(&u, &iff->u.if_.els->span, "{\n    $x++;\n  }", 8, 10, 10, 3);
	assert_span(&u, &iff->u.if_.els->stmts[0]->u.expr->span, "$x++", 9, 5, 9, 8);
	done(&u, s);
}

static void test_spans_expressions(void **state)
{
	const char *text = "BEGIN { $a = (struct task_struct *)curtask->parent; "
			   "$b = $t.1 + -(2 * 3); $c = (1, \"x\"); $d = a ? b : c; }";
	struct bc_unit u;
	struct bc_script *s = parse(&u, text, 0);
	const struct bc_block *b;
	const struct bc_expr *e;

	(void)state;
	b = s->items[0].u.probe->body;
	e = b->stmts[0]->u.assign.value;
	assert_int_equal(e->kind, BC_EXPR_CAST);
	assert_span(&u, &e->span, "(struct task_struct *)curtask->parent", 1, 14, 1, 50);
	assert_span(&u, &e->u.cast.type->span, "struct task_struct *", 1, 15, 1, 34);
	assert_span(&u, &e->u.cast.type->inner->span, "struct task_struct", 1, 15, 1, 32);
	assert_span(&u, &e->u.cast.operand->span, "curtask->parent", 1, 36, 1, 50);
	assert_span(&u, &e->u.cast.operand->u.field.name_span, "parent", 1, 45, 1, 50);
	e = b->stmts[1]->u.assign.value;
	assert_span(&u, &e->span, "$t.1 + -(2 * 3)", 1, 58, 1, 72);
	assert_span(&u, &e->u.binop.left->span, "$t.1", 1, 58, 1, 61);
	/* a parenthesised expression's node spans its parentheses */
	assert_span(&u, &e->u.binop.right->span, "-(2 * 3)", 1, 65, 1, 72);
	assert_span(&u, &e->u.binop.right->u.unop.operand->span, "(2 * 3)", 1, 66, 1, 72);
	e = b->stmts[2]->u.assign.value;
	assert_span(&u, &e->span, "(1, \"x\")", 1, 80, 1, 87);
	e = b->stmts[3]->u.assign.value;
	assert_span(&u, &e->span, "a ? b : c", 1, 95, 1, 103);
	done(&u, s);
}

static void test_spans_macro_uses(void **state)
{
	const char *text = "#define LIMIT 100\n"
			   "#define TWICE(x) ((x) * 2)\n"
			   "kprobe:f { if (arg0 > LIMIT) { @m = TWICE(arg1 + 1); } }\n";
	struct bc_unit u;
	struct bc_script *s = parse(&u, text, 0);
	const struct bc_stmt *iff;
	const struct bc_expr *e;
	size_t uses = 0;

	(void)state;
	assert_int_equal(s->nr_defines, 2);
	assert_string_equal(s->defines[0].name, "LIMIT");
	assert_false(s->defines[0].function_like);
	assert_true(s->defines[1].function_like);
	assert_int_equal(s->defines[1].nr_params, 1);
	iff = s->items[0].u.probe->body->stmts[0];
	e = iff->u.if_.cond->u.binop.right;
	assert_int_equal(e->kind, BC_EXPR_INT);
	assert_int_equal(e->u.num.value, 100);
	/* an expanded token's span is the macro use */
	assert_span(&u, &e->span, "LIMIT", 3, 23, 3, 27);
	assert_span(&u, &iff->u.if_.cond->span, "arg0 > LIMIT", 3, 16, 3, 27);
	e = iff->u.if_.then->stmts[0]->u.assign.value;
	assert_int_equal(e->kind, BC_EXPR_BINOP);
	assert_int_equal(e->u.binop.op, BC_OP_MUL);
	assert_span(&u, &e->span, "TWICE(arg1 + 1)", 3, 37, 3, 51);
	assert_span(&u, &e->u.binop.left->span, "TWICE(arg1 + 1)", 3, 37, 3, 51);
	for (size_t i = 0; i < s->nr_features; i++)
		if (s->features[i].feature == BC_FEAT_MACRO_EXPANSION)
			uses++;
	assert_int_equal(uses, 2);
	done(&u, s);
}

static void test_spans_cdefs_and_config(void **state)
{
	const char *text = "#!/usr/bin/env bpftrace\n"
			   "#include <linux/sched.h>\n"
			   "struct foo {\n  int x;\n};\n"
			   "config = { max_strlen = 100; stack_mode = perf }\n"
			   "BEGIN { }\n";
	struct bc_unit u;
	struct bc_script *s = parse(&u, text, 0);

	(void)state;
	assert_true(s->has_shebang);
	assert_span(&u, &s->shebang, "#!/usr/bin/env bpftrace", 1, 1, 1, 23);
	assert_int_equal(s->nr_cdefs, 2);
	assert_span(&u, &s->cdefs[0]->span, "#include <linux/sched.h>", 2, 1, 2, 24);
	assert_span(&u, &s->cdefs[1]->span, "struct foo {\n  int x;\n};", 3, 1, 5, 2);
	assert_string_equal(s->cdefs[1]->text, "struct foo {\n  int x;\n};");
	assert_string_equal(s->cdefs[1]->name, "foo");
	assert_non_null(s->config);
	assert_int_equal(s->config->n, 2);
	assert_span(&u, &s->config->entries[0].span, "max_strlen = 100;", 6, 12, 6, 28);
	assert_int_equal(s->config->entries[0].value, 100);
	assert_span(&u, &s->config->entries[1].value_span, "perf", 6, 43, 6, 46);
	done(&u, s);
}

/* ---- features ---- */

static bool has_feature(const struct bc_script *s, enum bc_feature f, int version)
{
	for (size_t i = 0; i < s->nr_features; i++)
		if (s->features[i].feature == f)
			return s->features[i].min_version == version;
	return false;
}

static void test_features(void **state)
{
	static const struct {
		const char *text;
		enum bc_feature f;
		int version;
	} cases[] = {
		{ "config = { a = 1 } BEGIN { }", BC_FEAT_CONFIG, 2000 },
		{ "fn f(): void { } BEGIN { }", BC_FEAT_FN, 2100 },
		{ "fn f(): int64 { return 1; }", BC_FEAT_RETURN_VALUE, 2100 },
		{ "BEGIN { for ($kv : @m) { } }", BC_FEAT_FOR_MAP, 2100 },
		{ "BEGIN { for $kv : @m { } }", BC_FEAT_FOR_NO_PARENS, 2400 },
		{ "BEGIN { for ($i : 0..5) { } }", BC_FEAT_FOR_RANGE, 2400 },
		{ "BEGIN { let $x = 1; }", BC_FEAT_LET, 2200 },
		{ "let @m = hash(10); BEGIN { }", BC_FEAT_MAP_DECL, 2400 },
		{ "BEGIN { $x = offsetof(struct f, a); }", BC_FEAT_OFFSETOF, 1800 },
		{ "BEGIN { $x = (string[8])\"a\"; }", BC_FEAT_SIZED_TYPE, 1800 },
		{ "BEGIN { $x = (int8 ***)0; }", BC_FEAT_TYPE_SYNTAX, 1900 },
		{ "BEGIN { $x = true; }", BC_FEAT_BOOL, 2400 },
		{ "BEGIN { $x = &$y; }", BC_FEAT_ADDR_OF, 2400 },
		{ "BEGIN { $x = 10ms; }", BC_FEAT_DURATION, 2400 },
		{ "BEGIN { $x = { 1 }; }", BC_FEAT_BLOCK_EXPR, 2400 },
		{ "import \"a\"; BEGIN { }", BC_FEAT_IMPORT, 2400 },
		{ "macro m() { 1 } BEGIN { }", BC_FEAT_MACRO, 2400 },
		{ "begin { }", BC_FEAT_LOWERCASE_PROVIDER, 2400 },
		{ "BEGIN { $x = (a = 1); }", BC_FEAT_RECORD, 2500 },
		{ "BEGIN { $x = (1,); }", BC_FEAT_SMALL_TUPLE, 2500 },
		{ "BEGIN { _ = 1; }", BC_FEAT_DISCARD, 2500 },
		{ "BEGIN { $x = if (1) { 2 } else { 3 }; }", BC_FEAT_IF_EXPR, 2500 },
		{ "BEGIN { if 1 { } }", BC_FEAT_NO_PARENS, 2500 },
		{ "n=kprobe:f { }", BC_FEAT_PROBE_NAME, 2500 },
		{ "BEGIN { $x = typeinfo(1); }", BC_FEAT_TYPEOF, 2500 },
		{ "kprobe:a, { }", BC_FEAT_TRAILING_COMMA, 2500 },
		{ "BEGIN { $x = 1 ?: 2; }", BC_FEAT_ELVIS, 2600 },
		{ "BEGIN { if (1) { }; }", BC_FEAT_SEMI_AFTER_IF, 2600 },
		{ "rt:sched_switch { }", BC_FEAT_RAWTRACEPOINT, 1800 },
		{ "fentry:vfs_read { }", BC_FEAT_FENTRY, 2000 },
		{ "self:signal:SIGUSR1 { }", BC_FEAT_SELF_PROBE, 2200 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bc_unit u;
		int ret;
		struct bc_script *s = bc_test_parse(&u, "f.bt", cases[i].text, 0, &ret);

		if (ret || !has_feature(s, cases[i].f, cases[i].version))
			fprintf(stderr, "case %zu: %s\n", i, cases[i].text);
		assert_int_equal(ret, 0);
		assert_true(has_feature(s, cases[i].f, cases[i].version));
		assert_string_not_equal(bc_feature_name(cases[i].f), "unknown");
		done(&u, s);
	}
}

static void test_v017_script_has_no_features(void **state)
{
	const char *text = "#include <linux/sched.h>\n"
			   "kprobe:do_nanosleep /comm == \"x\"/ {\n"
			   "  @[kstack, ustack(perf)] = count(); $t = (struct task_struct *)curtask;\n"
			   "  unroll(3) { $i++; } while ($i < 5) { $i += 1; }\n"
			   "  $y = $1 ? (1, 2) : (3, 4); print($y.0); @x = 0x10 + 1_000 + 2e3;\n"
			   "}\n";
	struct bc_unit u;
	struct bc_script *s = parse(&u, text, 1700);

	(void)state;
	assert_int_equal(u.diags.n, 0);
	assert_int_equal(s->nr_features, 0);
	done(&u, s);
}

/* ---- profiles: the v0.17 quirks only apply to a v0.17 target ---- */

static void test_v017_quirks_only_for_v017(void **state)
{
	static const char *const texts[] = {
		"kprobe:f { $x = 1 ? 2 :3; }",
		"kprobe:f { $x = 0x10ULL; }",
		"kprobe:f { foo(1); }",
		"kprobe:f { $x = 10ms; }",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct bc_unit u;
		int ret;
		struct bc_script *s = bc_test_parse(&u, "q.bt", texts[i], 0, &ret);

		assert_int_equal(ret, 0);
		done(&u, s);
		s = bc_test_parse(&u, "q.bt", texts[i], 1700, &ret);
		assert_int_equal(ret, -EINVAL);
		assert_true(u.diags.n >= 1);
		done(&u, s);
		/* 0.18 and later are not v0.17 */
		s = bc_test_parse(&u, "q.bt", texts[i], 2500, &ret);
		assert_int_equal(ret, 0);
		done(&u, s);
	}
}

/* ---- limits and recovery ---- */

static void test_depth_limit(void **state)
{
	size_t n = 100000;
	char *text = malloc(n * 2 + 64);
	struct bc_unit u;
	struct bc_script *s;
	int ret;
	size_t k;

	(void)state;
	k = (size_t)sprintf(text, "BEGIN { $x = ");
	for (size_t i = 0; i < n; i++)
		text[k++] = '(';
	text[k++] = '1';
	for (size_t i = 0; i < n; i++)
		text[k++] = ')';
	strcpy(text + k, "; }");
	s = bc_test_parse(&u, "deep.bt", text, 0, &ret);
	assert_int_equal(ret, -EINVAL);
	/* a limit fails the unit (exit 2); it is no finding to suppress */
	assert_int_equal(u.diags.n, 0);
	assert_int_equal(u.status, -E2BIG);
	assert_non_null(strstr(u.error, "nesting too deep"));
	done(&u, s);

	/* statements and unary operators nest too */
	k = (size_t)sprintf(text, "BEGIN { ");
	for (size_t i = 0; i < 5000; i++)
		k += (size_t)sprintf(text + k, "if (1) { ");
	strcpy(text + k, "}");
	s = bc_test_parse(&u, "deep2.bt", text, 0, &ret);
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(u.status, -E2BIG);
	assert_non_null(strstr(u.error, "nesting too deep"));
	done(&u, s);

	memset(text, '-', n);
	memcpy(text, "BEGIN { $x = ", 13);
	strcpy(text + n, "1; }");
	s = bc_test_parse(&u, "deep3.bt", text, 0, &ret);
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(u.status, -E2BIG);
	assert_non_null(strstr(u.error, "nesting too deep"));
	done(&u, s);
	free(text);
}

static void test_size_and_error_limits(void **state)
{
	struct bc_unit u;
	struct bc_script *s;
	struct bc_parse_opts o = { .max_size = 16 };
	char text[4096];
	size_t k = 0;
	int ret;

	(void)state;
	bc_unit_load_mem(&u, "big.bt", "BEGIN { printf(\"hello\"); }", 26);
	ret = bc_script_parse(&u, &o, &s);
	assert_int_equal(ret, -EFBIG);
	assert_non_null(s);
	assert_int_equal(u.diags.n, 0);
	assert_int_equal(u.status, -EFBIG);
	assert_non_null(strstr(u.error, "too large"));
	done(&u, s);

	/* one error per probe, 200 probes: capped, the last diagnostic says so */
	for (int i = 0; i < 200; i++)
		k += (size_t)snprintf(text + k, sizeof(text) - k, "k:f{@=;}");
	s = bc_test_parse(&u, "many.bt", text, 0, &ret);
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(u.diags.n, BC_SCRIPT_MAX_ERRORS + 1);
	assert_non_null(strstr(u.diags.v[u.diags.n - 1].message, "too many errors"));
	done(&u, s);
}

static void test_macro_expansion_limits(void **state)
{
	/* exponential expansion ends in a diagnostic, not a hang */
	const char *text = "#define A0 1\n#define A1 A0 A0\n#define A2 A1 A1\n#define A3 A2 A2\n"
			   "#define A4 A3 A3\n#define A5 A4 A4\n#define A6 A5 A5\n#define A7 A6 A6\n"
			   "#define A8 A7 A7\n#define A9 A8 A8\n#define B0 A9 A9\n#define B1 B0 B0\n"
			   "#define B2 B1 B1\n#define B3 B2 B2\n#define B4 B3 B3\n#define B5 B4 B4\n"
			   "#define B6 B5 B5\n#define B7 B6 B6\n#define B8 B7 B7\n#define B9 B8 B8\n"
			   "#define C0 B9 B9\n#define C1 C0 C0\n"
			   "BEGIN { $x = C1; }\n";
	const char *mutual = "#define A B\n#define B A\n#define F(x) F(x)\n"
			     "BEGIN { $x = A; $y = F(1); }\n";
	struct bc_unit u;
	struct bc_script *s;
	int ret;

	(void)state;
	s = bc_test_parse(&u, "exp.bt", text, 0, &ret);
	assert_int_equal(ret, -EINVAL);
	assert_true(u.diags.n >= 1);
	done(&u, s);

	/* a macro used inside its own expansion is an error, as in bpftrace
	 * (not left unexpanded as in C) */
	s = bc_test_parse(&u, "mutual.bt", mutual, 0, &ret);
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(u.diags.n, 2);
	assert_string_equal(u.diags.v[0].message, "Macro recursion: A->B->A");
	assert_int_equal(u.diags.v[0].span.col, 14);
	assert_string_equal(u.diags.v[1].message, "Macro recursion: F->F");
	done(&u, s);
}

/* The fuzzer's abort: `#define SELF !SELF` left SELF unexpanded inside its
 * own expansion, so the printed program (which keeps the #define) expanded
 * it once more and re-parsed to `!!SELF`. */
static void test_macro_self_reference(void **state)
{
	static const struct {
		const char *text;
		int ret;
	} cases[] = {
		{ "#define SELF !SELF\nkprobe:f { $s = SELF; }\n", -EINVAL },
		{ "#define F(x) F(x) + 1\nkprobe:f { $s = F(1); }\n", -EINVAL },
		/* bpftrace accepts a macro that is its own name */
		{ "#define SELF SELF\nkprobe:f { $s = SELF; }\n", 0 },
		/* a function-like macro's name without '(' is no use */
		{ "#define F(x) F + x\nkprobe:f { $s = F(1); }\n", 0 },
	};
	struct bc_unit u;
	struct bc_script *s;
	int ret;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = bc_test_parse(&u, "self.bt", cases[i].text, 0, &ret);
		assert_int_equal(ret, cases[i].ret);
		if (ret) {
			assert_int_equal(u.diags.n, 1);
			assert_non_null(strstr(u.diags.v[0].message, "Macro recursion: "));
			assert_int_equal(u.diags.v[0].span.line, 2);
			assert_int_equal(u.diags.v[0].span.col, 17);
		} else {
			char *printed = bc_script_print(s);
			struct bc_unit u2;
			struct bc_script *s2;
			char *d1, *d2;

			s2 = bc_test_parse(&u2, "printed.bt", printed, 0, &ret);
			assert_int_equal(ret, 0);
			d1 = bc_ast_dump(s, false);
			d2 = bc_ast_dump(s2, false);
			assert_string_equal(d1, d2);
			free(d1);
			free(d2);
			free(printed);
			done(&u2, s2);
		}
		done(&u, s);
	}
}

/* A NUL byte in a comment: a script (not binary data) with a syntax error
 * at the byte, since bpftrace reads the script only up to it. */
static void test_nul_in_comment(void **state)
{
	static const char line[] = "BEGIN { exit(); } // a\0b\nEND { }\n";
	static const char block[] = "/* x\n y\0 */ BEGIN { }\n";
	struct bc_parse_opts o = { 0 };
	struct bc_script *s;
	struct bc_unit u;

	(void)state;
	assert_int_equal(bc_unit_load_mem(&u, "n.bt", line, sizeof(line) - 1), 0);
	assert_int_equal(u.kind, BC_KIND_SCRIPT);
	assert_int_equal(bc_script_parse(&u, &o, &s), -EINVAL);
	assert_int_equal(u.diags.n, 1);
	assert_int_equal(u.diags.v[0].rule_id, BC_RULE_SYNTAX_ERROR);
	assert_int_equal(u.diags.v[0].span.start, 22);
	assert_int_equal(u.diags.v[0].span.end, 23);
	assert_int_equal(u.diags.v[0].span.line, 1);
	assert_int_equal(u.diags.v[0].span.col, 23);
	assert_non_null(strstr(u.diags.v[0].message, "NUL byte in a comment"));
	assert_int_equal(s->nr_items, 2);	/* the rest is still parsed */
	done(&u, s);

	assert_int_equal(bc_unit_load_mem(&u, "n.bt", block, sizeof(block) - 1), 0);
	assert_int_equal(u.kind, BC_KIND_SCRIPT);
	assert_int_equal(bc_script_parse(&u, &o, &s), -EINVAL);
	assert_int_equal(u.diags.n, 1);
	assert_int_equal(u.diags.v[0].span.line, 2);
	assert_int_equal(u.diags.v[0].span.col, 3);
	done(&u, s);
}

static void test_recovery_reports_every_error(void **state)
{
	const char *text = "kprobe:a { @x = ; @y = 1; }\n"
			   "kprobe:b { $z = (1 + ; printf(\"ok\"); }\n"
			   "kprobe:c /pid == / { }\n"
			   "kprobe:d { @w = 1 }\n"
			   "kprobe:e { @v = 1 @u = 2; }\n";
	struct bc_unit u;
	struct bc_script *s;
	int ret;

	(void)state;
	s = bc_test_parse(&u, "r.bt", text, 0, &ret);
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(u.diags.n, 4);
	assert_int_equal(u.diags.v[0].span.line, 1);
	assert_int_equal(u.diags.v[1].span.line, 2);
	assert_int_equal(u.diags.v[2].span.line, 3);
	assert_int_equal(u.diags.v[3].span.line, 5);
	/* every probe is still in the AST, with what parsed */
	assert_int_equal(s->nr_items, 5);
	assert_int_equal(s->items[0].u.probe->body->n, 2);
	assert_int_equal(s->items[1].u.probe->body->n, 2);
	assert_int_equal(s->items[1].u.probe->body->stmts[1]->u.expr->kind, BC_EXPR_CALL);
	assert_int_equal(s->items[3].u.probe->body->n, 1);
	assert_int_equal(s->nr_errors, 4);
	done(&u, s);
}

static void test_parse_unit_attaches_script(void **state)
{
	struct bc_unit u;
	const char *text = "BEGIN { exit(); }";

	(void)state;
	bc_unit_load_mem(&u, "x.bt", text, strlen(text));
	assert_int_equal(bc_script_parse_unit(&u, NULL), 0);
	assert_non_null(u.script);
	assert_non_null(u.script_free);
	assert_int_equal(((struct bc_script *)u.script)->nr_items, 1);
	/* bc_unit_free releases the AST through script_free */
	bc_unit_free(&u);
}

static void test_empty_and_odd_inputs(void **state)
{
	static const char *const ok[] = { "", "// only a comment\n", "#!/bin/bpftrace\n",
					  "#include <x.h>\n" };
	struct bc_unit u;
	struct bc_script *s;
	int ret;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		s = bc_test_parse(&u, "e.bt", ok[i], 0, &ret);
		assert_int_equal(ret, 0);
		assert_int_equal(s->nr_items, 0);
		done(&u, s);
	}
	/* bpftrace 0.17 needs at least one probe */
	s = bc_test_parse(&u, "e.bt", "// nothing\n", 1700, &ret);
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(u.diags.v[0].message, "syntax error, unexpected end of file");
	done(&u, s);
}

/* ---- inputs the fuzzer found (fuzz/fuzz_script.c) ---- */

#define CASE(s) { s, sizeof(s) - 1 }

static void test_fuzz_regressions(void **state)
{
	static const struct {
		const char *data;
		size_t len;
	} cases[] = {
		/* control bytes in an attach point were kept in its text */
		CASE("tracepoint:\004\000syscalls:sys_enter_openat /$1/ { }\n"),
		/* a NUL inside a C definition's comment truncated its text */
		CASE("struct baz { int x; /* } \000 */ };\nkprobe:f { }\n"),
		/* "#!" in the middle of a line, and a macro whose body is a '#' line */
		CASE("\n#define W #!/x\nW#!/;e\n"),
		CASE("#define W #include <x>\nW\nBEGIN { }\n"),
		/* the error cap reached while a token was looked at */
		CASE("k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}"
		     "k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}"
		     "k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}"
		     "k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}"
		     "k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}"
		     "k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}k:a{@=;}"
		     "k:a{@=;}k:a{for ($x : @m) { } }"),
	};
	struct bc_parse_opts o = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int v = 0; v < 2; v++) {
			struct bc_unit u, u2;
			struct bc_script *s, *s2;
			char *printed, *d1, *d2;
			int ret;

			o.bpftrace = v ? 1700 : 0;
			bc_unit_load_mem(&u, "f.bt", cases[i].data, cases[i].len);
			ret = bc_script_parse(&u, &o, &s);
			assert_non_null(s);
			printed = bc_script_print(s);
			assert_non_null(printed);
			if (ret == 0) {
				bc_unit_load_mem(&u2, "p.bt", printed, strlen(printed));
				assert_int_equal(bc_script_parse(&u2, &o, &s2), 0);
				d1 = bc_ast_dump(s, false);
				d2 = bc_ast_dump(s2, false);
				assert_string_equal(d1, d2);
				free(d1);
				free(d2);
				done(&u2, s2);
			} else {
				assert_true(u.diags.n > 0);
			}
			free(printed);
			done(&u, s);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_syntax),
		cmocka_unit_test(test_golden_errors),
		cmocka_unit_test(test_system_tools),
		cmocka_unit_test(test_spans_probe_and_statements),
		cmocka_unit_test(test_spans_expressions),
		cmocka_unit_test(test_spans_macro_uses),
		cmocka_unit_test(test_spans_cdefs_and_config),
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_v017_script_has_no_features),
		cmocka_unit_test(test_v017_quirks_only_for_v017),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_size_and_error_limits),
		cmocka_unit_test(test_macro_expansion_limits),
		cmocka_unit_test(test_macro_self_reference),
		cmocka_unit_test(test_nul_in_comment),
		cmocka_unit_test(test_recovery_reports_every_error),
		cmocka_unit_test(test_parse_unit_attaches_script),
		cmocka_unit_test(test_empty_and_odd_inputs),
		cmocka_unit_test(test_fuzz_regressions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
