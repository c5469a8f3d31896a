// SPDX-License-Identifier: Apache-2.0
/*
 * Suppression comments: the raw scan (strings and block comments), the scope
 * of each directive form, codes/names/globs, and the BC103/BC104 reports with
 * their fixes. Diagnostics are made by hand on script units, as the rules
 * would report them, and the pass runs as the driver runs it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer/core/diag.h"
#include "analyzer/fix/fix_apply.h"
#include "analyzer/driver/suppress.h"
#include "analyzer/core/unit.h"
#include "analyzer/core/analysis.h"
#include "rules/registry.h"

static void load(struct bc_unit *u, const char *text)
{
	assert_int_equal(bc_unit_load_mem(u, "s.bt", text, strlen(text)), 0);
	assert_int_equal(u->kind, BC_KIND_SCRIPT);
}

/* A finding of CODE on LINE, as a rule would add it. */
static void finding(struct bc_unit *u, const char *code, uint32_t line)
{
	struct bc_span sp = { .start = u->line_starts[line - 1] };

	sp.end = sp.start + 1;
	bc_unit_locate(u, &sp);
	assert_int_equal(sp.line, line);
	assert_non_null(bc_rule_find(code));
	assert_non_null(bc_diag_add(&u->diags, bc_rule_find(code)->id, u->display_path, &sp,
				    "finding"));
}

static const struct bc_diag *diag_of(const struct bc_unit *u, const char *code, size_t nth)
{
	for (size_t i = 0; i < u->diags.n; i++)
		if (!strcmp(bc_rule_get(u->diags.v[i].rule_id)->code, code) && !nth--)
			return &u->diags.v[i];
	return NULL;
}

static size_t count(const struct bc_unit *u, const char *code, bool suppressed)
{
	size_t n = 0;

	for (size_t i = 0; i < u->diags.n; i++)
		n += !strcmp(bc_rule_get(u->diags.v[i].rule_id)->code, code) &&
		     u->diags.v[i].suppressed == suppressed;
	return n;
}

static void apply(struct bc_unit *u)
{
	struct bc_analysis a;

	bc_analysis_init(&a, NULL);
	assert_int_equal(bc_suppress_apply(u, &a), 0);
}

/* ---- the scan ---- */

static void test_scan_skips_strings_and_blocks(void **state)
{
	static const char text[] =
		"BEGIN { printf(\"// bpfcheck: disable=BC204\\n\"); }\n"	/* in a string */
		"/* // bpfcheck: disable=BC201 */\n"				/* not at the start */
		"/* bpfcheck: disable=BC202 */ x\n"				/* block directive */
		"y /* multi\n line */ // bpfcheck: disable-file=BC203 why\r\n"
		"printf(\"a \\\" // b\"); // bpfcheck: disable-next-line=stack-*\n"
		"z\n";
	struct bc_unit u;
	struct bc_supps s;

	load(&u, text);
	assert_int_equal(bc_suppress_scan(u.data, u.size, u.line_starts, u.nr_lines, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.nr_bad, 0);
	assert_int_equal(s.v[0].scope, BC_SUPP_LINE);
	assert_string_equal(s.v[0].codes[0].pattern, "BC202");
	assert_int_equal(s.v[0].line, 3);
	assert_int_equal(s.v[0].target, 3);	/* code after the comment on its line */
	assert_int_equal(s.v[1].scope, BC_SUPP_FILE);
	assert_int_equal(s.v[1].line, 5);
	/* the comment ends before the CR */
	assert_int_equal(u.data[s.v[1].end], '\r');
	assert_int_equal(s.v[2].scope, BC_SUPP_NEXT_LINE);
	assert_int_equal(s.v[2].line, 6);
	assert_int_equal(s.v[2].target, 7);
	assert_string_equal(s.v[2].codes[0].pattern, "stack-*");
	assert_true(s.v[2].codes[0].known);
	bc_supps_free(&s);
	bc_unit_free(&u);
}

static void test_scan_code_lists_and_bad_directives(void **state)
{
	static const char text[] =
		"// bpfcheck: disable=BC204, stack-limit-exceeded,BC9* reason, with commas\n"
		"// bpfcheck: disable BC204\n"
		"// bpfcheck: ignore=BC204\n"
		"// bpfcheck: disable=\n"
		"// bpfcheck is great\n"		/* no colon: an ordinary comment */
		"x\n";
	struct bc_unit u;
	struct bc_supps s;

	load(&u, text);
	assert_int_equal(bc_suppress_scan(u.data, u.size, u.line_starts, u.nr_lines, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.v[0].nr_codes, 3);
	assert_string_equal(s.v[0].codes[0].pattern, "BC204");
	assert_string_equal(s.v[0].codes[1].pattern, "stack-limit-exceeded");
	assert_string_equal(s.v[0].codes[2].pattern, "BC9*");
	assert_true(s.v[0].codes[1].known);
	assert_false(s.v[0].codes[2].known);
	assert_int_equal(s.v[0].target, 6);	/* own line: the next code line */
	assert_int_equal(s.nr_bad, 3);
	bc_supps_free(&s);
	bc_unit_free(&u);
}

/* ---- scope ---- */

static void test_scope_forms(void **state)
{
	static const char text[] =
		"kprobe:a { @x = 1; } // bpfcheck: disable=BC204 trailing: this line\n"	/* 1 */
		"// bpfcheck: disable=stack-limit-exceeded own line: next code line\n"	/* 2 */
		"\n"									/* 3 */
		"// another comment\n"							/* 4 */
		"kprobe:b { }\n"							/* 5 */
		"kprobe:c { } // bpfcheck: disable-next-line=BC2*\n"			/* 6 */
		"kprobe:d { }\n"							/* 7 */
		"kprobe:e { }\n";							/* 8 */
	struct bc_unit u;

	load(&u, text);
	finding(&u, "BC204", 1);	/* suppressed (trailing) */
	finding(&u, "BC201", 1);	/* not: other rule */
	finding(&u, "BC201", 5);	/* suppressed by line 2 (name) */
	finding(&u, "BC204", 5);	/* not: line 2 names BC201 only */
	finding(&u, "BC202", 6);	/* not: disable-next-line skips its own line */
	finding(&u, "BC202", 7);	/* suppressed (glob) */
	finding(&u, "BC203", 8);	/* not */
	apply(&u);
	assert_true(u.diags.v[0].suppressed);
	assert_false(u.diags.v[1].suppressed);
	assert_true(u.diags.v[2].suppressed);
	assert_false(u.diags.v[3].suppressed);
	assert_false(u.diags.v[4].suppressed);
	assert_true(u.diags.v[5].suppressed);
	assert_false(u.diags.v[6].suppressed);
	assert_int_equal(count(&u, "BC103", false), 0);
	assert_int_equal(count(&u, "BC104", false), 0);
	bc_unit_free(&u);
}

static void test_scope_file_and_all(void **state)
{
	static const char text[] =
		"kprobe:a { }\n"
		"kprobe:b { } // bpfcheck: disable=all\n"
		"// bpfcheck: disable-file=bc204\n";	/* codes are case-insensitive */
	struct bc_unit u;
	struct bc_span nowhere = { 0 };

	load(&u, text);
	finding(&u, "BC204", 1);
	finding(&u, "BC201", 1);
	finding(&u, "BC203", 2);
	assert_non_null(bc_diag_add(&u.diags, BC_RULE_STACK_NEAR_LIMIT, u.display_path, &nowhere, "no line"));
	apply(&u);
	assert_true(u.diags.v[0].suppressed);
	assert_false(u.diags.v[1].suppressed);
	assert_true(u.diags.v[2].suppressed);
	assert_true(u.diags.v[3].suppressed);	/* no location: only file scope applies */
	assert_int_equal(count(&u, "BC103", false), 0);
	bc_unit_free(&u);
}

/* ---- BC103 / BC104 ---- */

static void test_unused_reported_with_fix(void **state)
{
	static const char text[] =
		"kprobe:a { }   // bpfcheck: disable=BC204 stale\r\n"
		"  // bpfcheck: disable-next-line=BC201 also stale\r\n"
		"kprobe:b { }\r\n"
		"// caf\xe9\r\n"
		"kprobe:c { } // bpfcheck: disable=BC202,BC203 half used\r\n"
		"kprobe:d { }";
	struct bc_unit u, v;
	struct bc_fixed fx;
	const struct bc_diag *d;

	load(&u, text);
	finding(&u, "BC203", 5);
	apply(&u);
	assert_int_equal(count(&u, "BC103", false), 3);
	d = diag_of(&u, "BC103", 0);
	assert_string_equal(d->message, "unused suppression: no BC204 finding on line 1");
	assert_int_equal(d->span.line, 1);
	assert_int_equal(d->span.col, 16);
	assert_int_equal(d->severity, BC_SEV_WARNING);
	assert_non_null(d->fix);
	assert_int_equal(d->fix->applicability, BC_FIX_SAFE);
	d = diag_of(&u, "BC103", 1);
	assert_string_equal(d->message, "unused suppression: no BC201 finding on line 3");
	d = diag_of(&u, "BC103", 2);
	assert_string_equal(d->message, "unused suppression: no BC202 finding on line 5");
	assert_string_equal(d->fix->edits[0].replacement, "BC203");

	/* the fixes leave every other byte alone, CRLF and Latin-1 included */
	assert_int_equal(bc_fix_apply(u.data, u.size, &u.diags, NULL, false, &fx), 0);
	assert_int_equal(fx.nr_applied, 3);
	assert_string_equal((char *)fx.data,
			    "kprobe:a { }\r\n"
			    "kprobe:b { }\r\n"
			    "// caf\xe9\r\n"
			    "kprobe:c { } // bpfcheck: disable=BC203 half used\r\n"
			    "kprobe:d { }");
	/* and the fixed text is clean of BC103 */
	load(&v, (char *)fx.data);
	finding(&v, "BC203", 4);
	apply(&v);
	assert_int_equal(count(&v, "BC103", false), 0);
	assert_true(v.diags.v[0].suppressed);
	bc_unit_free(&v);
	bc_fixed_free(&fx);
	bc_unit_free(&u);
}

static void test_unknown_and_malformed(void **state)
{
	static const char text[] =
		"// bpfcheck: disable-file=BC2O4\n"
		"kprobe:a { } // bpfcheck: disable=BC204,nonsense-rule\n"
		"// bpfcheck: enable=BC204\n"
		"kprobe:b { }\n";
	struct bc_unit u;
	const struct bc_diag *d;

	load(&u, text);
	finding(&u, "BC204", 2);
	apply(&u);
	assert_true(u.diags.v[0].suppressed);
	assert_int_equal(count(&u, "BC104", false), 3);
	d = diag_of(&u, "BC104", 0);
	assert_string_equal(d->message, "unknown rule 'BC2O4' in suppression (see 'bpfcheck rules')");
	assert_int_equal(d->span.line, 1);
	assert_int_equal(d->span.col, 27);
	d = diag_of(&u, "BC104", 1);
	assert_int_equal(d->span.col, 41);
	assert_null(d->fix);
	d = diag_of(&u, "BC104", 2);
	assert_non_null(strstr(d->message, "malformed bpfcheck directive"));
	assert_int_equal(d->span.line, 3);
	assert_int_equal(count(&u, "BC103", false), 0);	/* BC204 was used */
	bc_unit_free(&u);
}

static void test_unused_not_reported_when_rules_did_not_run(void **state)
{
	static const char text[] =
		"kprobe:a { } // bpfcheck: disable=BC204\n"
		"kprobe:b { } // bpfcheck: disable=BC201\n";
	struct bc_analysis a;
	struct bc_unit u;

	/* --ignore BC204: the BC204 rule did not run, so its suppression is not
	 * known to be unused; BC201's is */
	load(&u, text);
	bc_analysis_init(&a, NULL);
	a.rules[BC_RULE_STACK_NEAR_LIMIT].disabled = true;
	assert_int_equal(bc_suppress_apply(&u, &a), 0);
	assert_int_equal(count(&u, "BC103", false), 1);
	assert_string_equal(diag_of(&u, "BC103", 0)->message,
			    "unused suppression: no BC201 finding on line 2");
	bc_unit_free(&u);

	/* a syntax error: the rules saw part of the script, nothing is unused */
	load(&u, text);
	finding(&u, "BC100", 2);
	apply(&u);
	assert_int_equal(count(&u, "BC103", false), 0);
	bc_unit_free(&u);
}

static void test_self_suppression(void **state)
{
	static const char text[] =
		"// bpfcheck: disable-file=unused-suppression\n"
		"kprobe:a { } // bpfcheck: disable=BC204\n"
		"kprobe:b { } // bpfcheck: disable=BC103\n";
	struct bc_unit u;

	/* the file directive silences BC103 (and is itself not reported); the
	 * line directive naming BC103 cannot silence anything and is unused */
	load(&u, text);
	apply(&u);
	assert_int_equal(count(&u, "BC103", true), 2);
	assert_int_equal(count(&u, "BC103", false), 0);
	bc_unit_free(&u);

	load(&u, text + strlen("// bpfcheck: disable-file=unused-suppression\n"));
	apply(&u);
	assert_int_equal(count(&u, "BC103", false), 2);
	bc_unit_free(&u);
}

static void test_no_code_line_follows(void **state)
{
	static const char text[] = "kprobe:a { }\n// bpfcheck: disable-next-line=BC204\n\n";
	struct bc_unit u;
	struct bc_fixed fx;

	load(&u, text);
	apply(&u);
	assert_int_equal(count(&u, "BC103", false), 1);
	assert_string_equal(diag_of(&u, "BC103", 0)->message,
			    "unused suppression: no code line follows it");
	assert_int_equal(bc_fix_apply(u.data, u.size, &u.diags, NULL, false, &fx), 0);
	assert_string_equal((char *)fx.data, "kprobe:a { }\n\n");
	bc_fixed_free(&fx);
	bc_unit_free(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_skips_strings_and_blocks),
		cmocka_unit_test(test_scan_code_lists_and_bad_directives),
		cmocka_unit_test(test_scope_forms),
		cmocka_unit_test(test_scope_file_and_all),
		cmocka_unit_test(test_unused_reported_with_fix),
		cmocka_unit_test(test_unknown_and_malformed),
		cmocka_unit_test(test_unused_not_reported_when_rules_did_not_run),
		cmocka_unit_test(test_self_suppression),
		cmocka_unit_test(test_no_code_line_follows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
