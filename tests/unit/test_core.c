// SPDX-License-Identifier: Apache-2.0
/* Core: diagnostics sink, unit loading and kind detection, line lookup. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyzer/core/diag.h"
#include "analyzer/core/unit.h"
#include "rules/registry.h"

static void test_diag_add_note_fix(void **state)
{
	struct bc_diags d = { 0 };
	struct bc_span sp = { .start = 3, .end = 9, .line = 2, .col = 4 };
	struct bc_diag *diag;
	struct bc_fix *fix;

	diag = bc_diag_add(&d, BC_RULE_STACK_LIMIT_EXCEEDED, "a.bt", &sp, "needs %d bytes", 600);
	assert_non_null(diag);
	assert_string_equal(diag->message, "needs 600 bytes");
	assert_string_equal(bc_rule_get(diag->rule_id)->code, "BC201");
	assert_int_equal(diag->severity, BC_SEV_ERROR);
	assert_int_equal(bc_diag_note(diag, NULL, &sp, "slot %s", "@a_key"), 0);
	assert_int_equal(diag->nr_notes, 1);
	fix = bc_diag_fix(diag, BC_FIX_UNSAFE, "move it");
	assert_non_null(fix);
	assert_ptr_equal(bc_diag_fix(diag, BC_FIX_SAFE, "other"), fix);
	assert_int_equal(bc_fix_edit(fix, &sp, "x"), 0);
	assert_int_equal(fix->nr_edits, 1);
	/* each rule's default severity; ids out of range are refused */
	diag = bc_diag_add(&d, BC_RULE_STACK_NEAR_LIMIT, "a.bt", NULL, "m");
	assert_non_null(diag);
	assert_int_equal(diag->severity, BC_SEV_WARNING);
	errno = 0;
	assert_null(bc_diag_add(&d, BC_NR_RULE_IDS, "a.bt", NULL, "m"));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(d.n, 2);
	bc_diags_free(&d);
	assert_int_equal(d.n, 0);
}

static void test_diag_sort(void **state)
{
	struct bc_diags d = { 0 };
	struct bc_span l5 = { .line = 5, .col = 1 }, l2 = { .line = 2, .col = 9 },
		       l2b = { .line = 2, .col = 3 };

	bc_diag_add(&d, BC_RULE_STACK_NEAR_LIMIT, "b.bt", &l2, "x");
	bc_diag_add(&d, BC_RULE_STACK_LIMIT_EXCEEDED, "a.bt", &l5, "y");
	bc_diag_add(&d, BC_RULE_CALL_CHAIN_TOO_DEEP, "a.bt", &l2, "z");
	bc_diag_add(&d, BC_RULE_STACK_LIMIT_EXCEEDED, "a.bt", &l2b, "w");
	bc_diags_sort(&d);
	assert_string_equal(d.v[0].message, "w");
	assert_string_equal(d.v[1].message, "z");
	assert_string_equal(d.v[2].message, "y");
	assert_string_equal(d.v[3].message, "x");
	bc_diags_free(&d);
}

static void test_severity(void **state)
{
	enum bc_severity s;

	assert_int_equal(bc_severity_parse("warning", &s), 0);
	assert_int_equal(s, BC_SEV_WARNING);
	assert_int_equal(bc_severity_parse("never", &s), 0);
	assert_int_equal(s, BC_SEV_NONE);
	assert_int_equal(bc_severity_parse("fatal", &s), -EINVAL);
	assert_string_equal(bc_severity_name(BC_SEV_NOTE), "note");
}

static enum bc_kind kind_of(const char *s)
{
	return bc_detect_kind((const unsigned char *)s, strlen(s));
}

static void test_detect(void **state)
{
	static const unsigned char elf[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };
	static const unsigned char bc[] = { 'B', 'C', 0xc0, 0xde, 0x35, 0x14 };
	static const unsigned char wrap[] = { 0xde, 0xc0, 0x17, 0x0b, 0, 0 };
	static const unsigned char junk[] = { 0x12, 0x00, 0xff, 0x80 };

	assert_int_equal(bc_detect_kind(elf, sizeof(elf)), BC_KIND_OBJECT);
	assert_int_equal(bc_detect_kind(bc, sizeof(bc)), BC_KIND_LLVM_BC);
	assert_int_equal(bc_detect_kind(wrap, sizeof(wrap)), BC_KIND_LLVM_BC);
	assert_int_equal(bc_detect_kind(junk, sizeof(junk)), BC_KIND_UNKNOWN);
	assert_int_equal(kind_of(""), BC_KIND_UNKNOWN);
	assert_int_equal(kind_of(" \n\t"), BC_KIND_UNKNOWN);
	assert_int_equal(kind_of("; ModuleID = 'bpftrace'\n"), BC_KIND_LLVM_IR);
	assert_int_equal(kind_of("target triple = \"bpf-pc-linux\"\ndefine i64 @f() {\n}\n"),
			 BC_KIND_LLVM_IR);
	/* a manifest is told by its schema key, not by a leading { or [ */
	assert_int_equal(kind_of("  {\"schema\": \"bpfcheck-manifest/1\", \"types\": {}}"),
			 BC_KIND_MANIFEST);
	assert_int_equal(kind_of("{\"types\": {}, \"schema\" :\n \"bpfcheck-manifest/2\"}"),
			 BC_KIND_MANIFEST);
	assert_int_equal(kind_of("  {\"schema\": 1}"), BC_KIND_UNKNOWN);
	assert_int_equal(kind_of("{\"a\": \"schema\"}"), BC_KIND_UNKNOWN);
	assert_int_equal(kind_of("[{\"schema\": \"bpfcheck-manifest/1\"}]"), BC_KIND_UNKNOWN);
	assert_int_equal(kind_of("{\"name\": \"package.json\"}"), BC_KIND_UNKNOWN);
	assert_int_equal(kind_of("#!/usr/bin/bpftrace\nBEGIN { printf(\"hi\\n\"); }\n"),
			 BC_KIND_SCRIPT);
	assert_int_equal(kind_of("kprobe:do_sys_open { @[comm] = count(); }"), BC_KIND_SCRIPT);
	/* a script that mentions "define" inside a line is still a script */
	assert_int_equal(kind_of("BEGIN { printf(\"define x\"); }\n"), BC_KIND_SCRIPT);
	/* invalid UTF-8 without NUL bytes is text (a script with a bad comment) */
	assert_int_equal(kind_of("// \xff\xfe\nBEGIN {}\n"), BC_KIND_SCRIPT);
}

#define KIND_OF_BYTES(lit) bc_detect_kind((const unsigned char *)(lit), sizeof(lit) - 1)

/* A NUL byte inside a comment of a text script leaves it a script (the
 * lexer reports the byte); anywhere else, or in IR/JSON, it is binary. */
static void test_detect_nul_in_comment(void **state)
{
	assert_int_equal(KIND_OF_BYTES("BEGIN { exit(); } // a\0b\n"), BC_KIND_SCRIPT);
	assert_int_equal(KIND_OF_BYTES("/* x\0y */ BEGIN { }\n"), BC_KIND_SCRIPT);
	assert_int_equal(KIND_OF_BYTES("/* \"\0 */ BEGIN { }\n"), BC_KIND_SCRIPT);
	assert_int_equal(KIND_OF_BYTES("BEGIN { exit(); }\0\n"), BC_KIND_UNKNOWN);
	assert_int_equal(KIND_OF_BYTES("BEGIN { printf(\"// \0\"); }\n"), BC_KIND_UNKNOWN);
	assert_int_equal(KIND_OF_BYTES("BEGIN { printf(\"\\\0\"); }\n"), BC_KIND_UNKNOWN);
	assert_int_equal(KIND_OF_BYTES("// a\nx\0 // b\n"), BC_KIND_UNKNOWN);
	assert_int_equal(KIND_OF_BYTES("; IR // \0\n"), BC_KIND_UNKNOWN);
	assert_int_equal(KIND_OF_BYTES("{ // \0\n}"), BC_KIND_UNKNOWN);
}

static void test_unit_mem_and_lines(void **state)
{
	const char *src = "BEGIN {\r\n  @a = 1;\n}";
	struct bc_unit u;
	struct bc_span sp = { .start = 11, .end = 13 };	/* "@a" */
	const char *line;
	size_t len;

	assert_int_equal(bc_unit_load_mem(&u, "x.bt", src, strlen(src)), 0);
	assert_int_equal(u.kind, BC_KIND_SCRIPT);
	assert_int_equal(u.nr_lines, 3);
	assert_int_equal(u.data[u.size], 0);
	line = bc_unit_line(&u, 1, &len);
	assert_int_equal(len, 7);	/* CR dropped */
	assert_memory_equal(line, "BEGIN {", 7);
	line = bc_unit_line(&u, 3, &len);
	assert_int_equal(len, 1);
	assert_null(bc_unit_line(&u, 4, &len));
	assert_null(bc_unit_line(&u, 0, &len));
	bc_unit_locate(&u, &sp);
	assert_int_equal(sp.line, 2);
	assert_int_equal(sp.col, 3);
	assert_int_equal(sp.end_line, 2);
	assert_int_equal(sp.end_col, 4);
	bc_unit_free(&u);
}

static void test_unit_failures(void **state)
{
	char dir[] = "/tmp/bc_core_XXXXXX", path[64];
	struct bc_unit u;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(bc_unit_load(&u, dir), -EISDIR);
	assert_string_equal(u.error, "is a directory");
	assert_string_equal(u.display_path, dir);
	bc_unit_free(&u);

	snprintf(path, sizeof(path), "%s/missing.bt", dir);
	assert_int_equal(bc_unit_load(&u, path), -ENOENT);
	assert_non_null(strstr(u.error, "cannot open"));
	bc_unit_free(&u);

	snprintf(path, sizeof(path), "%s/empty.bt", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(bc_unit_load(&u, path), -EINVAL);
	assert_non_null(strstr(u.error, "empty input"));
	bc_unit_free(&u);

	assert_int_equal(bc_unit_load_mem(&u, "r.bin", "\x01\x00\x02", 3), -EINVAL);
	assert_non_null(strstr(u.error, "unrecognized input"));
	bc_unit_free(&u);

	if (geteuid() != 0) {	/* root reads everything */
		snprintf(path, sizeof(path), "%s/noread.bt", dir);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs("BEGIN {}\n", f);
		fclose(f);
		chmod(path, 0);
		assert_int_equal(bc_unit_load(&u, path), -EACCES);
		bc_unit_free(&u);
		unlink(path);
	}
	/* a FIFO without a writer is refused at once, not read forever */
	snprintf(path, sizeof(path), "%s/fifo.bt", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);	/* a hang fails the test instead of the run */
	assert_int_equal(bc_unit_load(&u, path), -EINVAL);
	alarm(0);
	assert_non_null(strstr(u.error, "not a regular file (a FIFO)"));
	bc_unit_free(&u);
	unlink(path);
	assert_int_equal(bc_unit_load(&u, "/dev/zero"), -EINVAL);
	assert_non_null(strstr(u.error, "a character device"));
	bc_unit_free(&u);

	snprintf(path, sizeof(path), "%s/empty.bt", dir);
	unlink(path);
	rmdir(dir);
}

static void test_unit_fail_keeps_first(void **state)
{
	struct bc_unit u;

	assert_int_equal(bc_unit_load_mem(&u, "-", "BEGIN {}", 8), 0);
	assert_string_equal(u.display_path, "<stdin>");
	assert_int_equal(bc_unit_fail(&u, -EINVAL, NULL, "first %d", 1), -EINVAL);
	assert_int_equal(bc_unit_fail(&u, -ENOMEM, NULL, "second"), -ENOMEM);
	assert_string_equal(u.error, "first 1");
	assert_int_equal(u.status, -EINVAL);
	bc_unit_free(&u);
}

/* rules.def, the rule files and the ids agree: bc_rules[] is indexed by
 * id, in code order (diagnostics sort by id), and a finding added by id
 * gets that rule's default severity. */
static void test_rule_ids(void **state)
{
	(void)state;
	assert_int_equal(bc_rules_count(), BC_NR_RULE_IDS);
	for (size_t i = 0; i < BC_NR_RULE_IDS; i++) {
		const struct bc_rule *r = bc_rule_get((enum bc_rule_id)i);
		struct bc_diags d = { 0 };
		struct bc_diag *diag;

		assert_non_null(r);
		assert_int_equal(r->id, i);
		if (i)
			assert_true(strcmp(bc_rules[i - 1]->code, r->code) < 0);
		assert_int_not_equal(bc_rule_severity(r), BC_SEV_NONE);
		diag = bc_diag_add(&d, r->id, "a.bt", NULL, "m");
		assert_non_null(diag);
		assert_int_equal(diag->severity, bc_rule_severity(r));
		bc_diags_free(&d);
	}
	assert_null(bc_rules[BC_NR_RULE_IDS]);
}

static void test_registry(void **state)
{
	const struct bc_rule *r = bc_rule_find("bc201");

	assert_non_null(r);
	assert_string_equal(r->name, "stack-limit-exceeded");
	assert_ptr_equal(bc_rule_find("stack-limit-exceeded"), r);
	assert_null(bc_rule_find("BC999"));
	assert_true(bc_rule_matches(r, "BC2*"));
	assert_true(bc_rule_matches(r, "BC2"));
	assert_true(bc_rule_matches(r, "stack-*"));
	assert_true(bc_rule_matches(r, "all"));
	assert_false(bc_rule_matches(r, "BC3*"));
	assert_false(bc_rule_matches(r, "tail-call-frame"));
	assert_true(bc_rule_pattern_valid("BC20?"));
	assert_false(bc_rule_pattern_valid("nonsense"));
	/* codes are unique and in order; names are kebab-case slugs */
	for (size_t i = 0; bc_rules[i]; i++) {
		const char *n = bc_rules[i]->name;

		if (bc_rules[i + 1])
			assert_true(strcmp(bc_rules[i]->code, bc_rules[i + 1]->code) < 0);
		assert_int_equal(strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789-"), strlen(n));
		assert_non_null(bc_rules[i]->summary);
	}
	assert_int_equal(bc_rules_count() > 0, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diag_add_note_fix),
		cmocka_unit_test(test_diag_sort),
		cmocka_unit_test(test_severity),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_detect_nul_in_comment),
		cmocka_unit_test(test_unit_mem_and_lines),
		cmocka_unit_test(test_unit_failures),
		cmocka_unit_test(test_unit_fail_keeps_first),
		cmocka_unit_test(test_rule_ids),
		cmocka_unit_test(test_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
