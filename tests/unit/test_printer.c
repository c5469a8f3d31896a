/* SPDX-License-Identifier: Apache-2.0 */
/* The printer: canonical text, print -> parse -> same AST, idempotence. */
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
#include "support/script_support.h"

/* Parses TEXT, prints it, parses the print: both ASTs (no spans) must be
 * equal, and printing again gives the same text. Returns the print. */
static char *roundtrip(const char *name, const char *text, int bpftrace)
{
	struct bc_unit u1, u2;
	struct bc_script *s1, *s2;
	char *p1, *p2, *d1, *d2;
	int r1, r2;

	s1 = bc_test_parse(&u1, name, text, bpftrace, &r1);
	assert_non_null(s1);
	p1 = bc_script_print(s1);
	assert_non_null(p1);
	s2 = bc_test_parse(&u2, "printed.bt", p1, bpftrace, &r2);
	assert_non_null(s2);
	if (r2 != r1) {
		char *t = bc_test_diags_text(&u2);

		fprintf(stderr, "%s: printed text does not parse like the original:\n%s\n%s", name,
			p1, t);
		free(t);
	}
	assert_int_equal(r2, r1);
	d1 = bc_ast_dump(s1, false);
	d2 = bc_ast_dump(s2, false);
	if (strcmp(d1, d2))
		fprintf(stderr, "%s: printed:\n%s\n", name, p1);
	assert_string_equal(d1, d2);
	p2 = bc_script_print(s2);
	assert_string_equal(p1, p2);
	free(p2);
	free(d1);
	free(d2);
	bc_script_free(s1);
	bc_script_free(s2);
	bc_unit_free(&u1);
	bc_unit_free(&u2);
	return p1;
}

static void test_fixtures_roundtrip(void **state)
{
	char *dir = bc_test_src_path("tests/golden/parser");
	char **names = bc_test_list_dir(dir, ".bt");
	int n = 0;

	(void)state;
	assert_non_null(names);
	for (size_t i = 0; names[i]; i++) {
		char path[4096];
		char *text, *printed;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		text = bc_test_read_file(path, NULL);
		assert_non_null(text);
		printed = roundtrip(names[i], text, bc_test_profile(text));
		free(printed);
		free(text);
		n++;
	}
	assert_true(n >= 40);
	bc_test_free_names(names);
	free(dir);
}

/* The statement part of the print of "BEGIN { BODY }". */
static char *print_body(const char *body)
{
	char text[1024], *printed, *open, *close, *out;

	snprintf(text, sizeof(text), "BEGIN { %s }", body);
	printed = roundtrip("body.bt", text, 0);
	open = strstr(printed, "{\n    ");
	close = strrchr(printed, '}');
	assert_non_null(open);
	assert_non_null(close);
	out = strndup(open + 6, (size_t)(close - open - 6 - 1));
	free(printed);
	return out;
}

static void test_canonical_expressions(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "$a = (1 + 2) * 3;", "$a = (1 + 2) * 3;" },
		{ "$a = 1 + (2 * 3);", "$a = 1 + 2 * 3;" },
		{ "$a = 10 - (3 - 2);", "$a = 10 - (3 - 2);" },
		{ "$a = (10 - 3) - 2;", "$a = 10 - 3 - 2;" },
		{ "$a = - -1;", "$a = -(-1);" },
		{ "$a = -(--$x);", "$a = -(--$x);" },
		{ "$a = !(!$x);", "$a = !!$x;" },
		{ "$a = (x ? 1 : 2) ? 3 : 4;", "$a = (x ? 1 : 2) ? 3 : 4;" },
		{ "$a = x ? 1 : (y ? 2 : 3);", "$a = x ? 1 : y ? 2 : 3;" },
		{ "$a = (x ?: y) + 1;", "$a = (x ?: y) + 1;" },
		{ "$a = (1, 2).0;", "$a = (1, 2).0;" },
		{ "$a = (1,);", "$a = (1,);" },
		{ "$a = ();", "$a = ();" },
		{ "$a = (x=1,y = 2);", "$a = (x = 1, y = 2);" },
		{ "$a = ((struct task_struct*)curtask)->pid;",
		  "$a = ((struct task_struct *)curtask)->pid;" },
		{ "$a = (uint8**)0;", "$a = (uint8 **)0;" },
		{ "$a = (string[16])\"x\";", "$a = (string[16])\"x\";" },
		{ "$a = *(uint64*)(arg0 + 8);", "$a = *(uint64 *)(arg0 + 8);" },
		{ "@m[1,2]++;", "@m[1, 2]++;" },
		{ "@ = count();", "@ = count();" },
		{ "$s = \"a\\\"b\\\\c\\n\\001\\x7f\";", "$s = \"a\\\"b\\\\c\\n\\001\\177\";" },
		{ "$x = 0x10 + 1_000 + 2e3 + 10ms;", "$x = 0x10 + 1_000 + 2e3 + 10ms;" },
		{ "$x <<= 2;", "$x <<= 2;" },
		{ "(if (1) { 2 } else { 3 }) + 4;", "(if (1) {\n        2\n    } else {\n        3\n    } + 4);" },
		{ "$a = sizeof(struct foo) + offsetof(struct foo, a.b);",
		  "$a = sizeof(struct foo) + offsetof(struct foo, a.b);" },
		{ "let $x: uint32 = 1;", "let $x: uint32 = 1;" },
		{ "for $kv : @m { }", "for ($kv : @m) {\n    }" },
		{ "if 1 { }", "if (1) {\n    }" },
		{ "unroll 2 { }", "unroll (2) {\n    }" },
		{ "return;", "return;" },
		{ "$a = &$b;", "$a = &$b;" },
		{ "$a = $1 + $#;", "$a = $1 + $#;" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = print_body(cases[i].in);

		if (strcmp(got, cases[i].out))
			fprintf(stderr, "case %zu: %s\n", i, cases[i].in);
		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

static void test_canonical_layout(void **state)
{
	const char *text = "#!/usr/bin/env bpftrace\n#include <linux/sched.h>\n"
			   "config={max_strlen=64}\n"
			   "kprobe:a,kprobe:b /pid/{@x=1}\n"
			   "fn f($a:int64):int64{return $a}\n";
	const char *want = "#!/usr/bin/env bpftrace\n"
			   "#include <linux/sched.h>\n"
			   "\n"
			   "config = {\n"
			   "    max_strlen = 64;\n"
			   "}\n"
			   "\n"
			   "kprobe:a,\n"
			   "kprobe:b\n"
			   "/pid/\n"
			   "{\n"
			   "    @x = 1;\n"
			   "}\n"
			   "\n"
			   "fn f($a: int64): int64\n"
			   "{\n"
			   "    return $a;\n"
			   "}\n";
	char *printed = roundtrip("layout.bt", text, 0);

	(void)state;
	assert_string_equal(printed, want);
	free(printed);
}

static void test_v017_profile_roundtrip(void **state)
{
	/* the canonical text parses the same under the v0.17 profile: a space
	 * after every ':' of a ternary, no hex suffixes */
	const char *text = "kprobe:f { $x = pid ? 1 : 2; $y = (uint8)3; @[kstack] = count(); }";
	char *printed = roundtrip("v017.bt", text, 1700);

	(void)state;
	assert_non_null(strstr(printed, "pid ? 1 : 2"));
	free(printed);
}

static void test_expr_and_type_print(void **state)
{
	struct bc_unit u;
	int ret;
	struct bc_script *s = bc_test_parse(&u, "e.bt",
					    "BEGIN { $x = (struct foo **)arg0 + 1; }", 0, &ret);
	const struct bc_expr *e;
	char *t;

	(void)state;
	assert_int_equal(ret, 0);
	e = s->items[0].u.probe->body->stmts[0]->u.assign.value;
	t = bc_expr_print(e);
	assert_string_equal(t, "(struct foo **)arg0 + 1");
	free(t);
	t = bc_type_print(e->u.binop.left->u.cast.type);
	assert_string_equal(t, "struct foo **");
	free(t);
	bc_script_free(s);
	bc_unit_free(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_roundtrip),
		cmocka_unit_test(test_canonical_expressions),
		cmocka_unit_test(test_canonical_layout),
		cmocka_unit_test(test_v017_profile_roundtrip),
		cmocka_unit_test(test_expr_and_type_print),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
