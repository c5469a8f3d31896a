/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DWARF uprobe args: a small C program is compiled with `cc -g` into a
 * temporary directory at test time, and its functions are read back.
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

#include "analyzer/types/dwarf_types.h"

#define V17 BC_BTV(0, 17, 0)
#define V25 BC_BTV(0, 25, 0)

static const char program[] =
	"#include <stdbool.h>\n"
	"struct point { int x; long y; char tag[8]; unsigned flag : 3; unsigned kind : 5;\n"
	"               union { int i; short s; }; };\n"
	"enum color { RED, GREEN };\n"
	"typedef unsigned long ulong_t;\n"
	"int target(int a, const char *name, struct point *p, unsigned char buf[16],\n"
	"           ulong_t u, enum color c, double d, struct point byval, bool ok)\n"
	"{ return a + name[0] + p->x + buf[0] + (int)u + c + (int)d + byval.x + ok; }\n"
	"void nothing(void) { }\n"
	"int main(void) { struct point pt = { 0 }; unsigned char b[16] = { 0 };\n"
	"  nothing(); return target(1, \"x\", &pt, b, 2, GREEN, 1.0, pt, true); }\n";

static char g_dir[64], g_bin[128], g_nodebug[128], g_src[128];
static bool g_have_cc;

static int setup(void **state)
{
	char cmd[1024];
	FILE *f;

	(void)state;
	strcpy(g_dir, "/tmp/bc_dwarf_XXXXXX");
	if (!mkdtemp(g_dir))
		return -1;
	snprintf(g_src, sizeof(g_src), "%s/prog.c", g_dir);
	snprintf(g_bin, sizeof(g_bin), "%s/prog", g_dir);
	snprintf(g_nodebug, sizeof(g_nodebug), "%s/prog_nodebug", g_dir);
	f = fopen(g_src, "w");
	if (!f)
		return -1;
	fputs(program, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cc -g -O0 -o %s %s 2>/dev/null && cc -g0 -O0 -o %s %s 2>/dev/null",
		 g_bin, g_src, g_nodebug, g_src);
	g_have_cc = system(cmd) == 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(g_bin);
	unlink(g_nodebug);
	unlink(g_src);
	rmdir(g_dir);
	return 0;
}

#define NEED_CC()                                                                        \
	do {                                                                             \
		if (!g_have_cc)                                                          \
			skip();                                                          \
	} while (0)

static void test_params(void **state)
{
	struct bc_dwarf *d;
	struct bc_dwarf_func f;
	char *n;

	(void)state;
	NEED_CC();
	d = bc_dwarf_open(g_bin);
	assert_non_null(d);
	assert_int_equal(bc_dwarf_func(d, "target", V17, &f), 0);
	assert_int_equal(f.nr_params, 9);
	assert_string_equal(f.params[0].name, "a");
	assert_int_equal(f.params[0].type->kind, BC_ST_INT);
	assert_int_equal(f.params[0].type->size, 4);
	assert_true(f.params[0].type->is_signed);
	/* const char * */
	assert_int_equal(f.params[1].type->kind, BC_ST_POINTER);
	assert_int_equal(f.params[1].type->elem->size, 1);
	assert_int_equal(f.params[1].type->as, BC_AS_USER);
	/* struct point * */
	n = bc_stype_name(f.params[2].type, V17);
	assert_string_equal(n, "struct point *");
	free(n);
	assert_int_equal(f.params[2].type->elem->size, 32);
	/* an array parameter is a pointer */
	assert_int_equal(f.params[3].type->kind, BC_ST_POINTER);
	/* the typedef is peeled */
	assert_int_equal(f.params[4].type->size, 8);
	assert_false(f.params[4].type->is_signed);
	/* enums are unsigned */
	assert_int_equal(f.params[5].type->size, 4);
	assert_false(f.params[5].type->is_signed);
	/* double has no bpftrace type: flagged, not fatal */
	assert_true(f.params[6].unresolved);
	assert_int_equal(f.params[6].type->kind, BC_ST_NONE);
	assert_false(f.params[7].unresolved);
	assert_int_equal(f.params[7].type->kind, BC_ST_CSTRUCT);
	assert_int_equal(f.params[7].type->size, 32);
	/* bool: uint8 before 0.24 */
	assert_int_equal(f.params[8].type->kind, BC_ST_INT);
	assert_int_equal(f.ret->size, 4);
	bc_dwarf_func_free(&f);
	assert_int_equal(bc_dwarf_func(d, "target", V25, &f), 0);
	assert_int_equal(f.params[8].type->kind, BC_ST_BOOL);
	bc_dwarf_func_free(&f);
	assert_int_equal(bc_dwarf_func(d, "nothing", V25, &f), 0);
	assert_int_equal(f.nr_params, 0);
	assert_int_equal(f.ret->kind, BC_ST_VOID);
	bc_dwarf_func_free(&f);
	assert_int_equal(bc_dwarf_func(d, "no_such_function", V17, &f), -ENOENT);
	bc_dwarf_close(d);
}

static void test_args_record(void **state)
{
	struct bc_dwarf *d;
	struct bc_stype *r;

	(void)state;
	NEED_CC();
	d = bc_dwarf_open(g_bin);
	r = bc_dwarf_func_args(d, "target", V25);
	assert_non_null(r);
	assert_int_equal(r->kind, BC_ST_RECORD);
	assert_int_equal(r->layout->nr_fields, 9);
	assert_int_equal(bc_stype_field(r, "a")->offset, 0);
	assert_int_equal(bc_stype_field(r, "name")->offset, 8);
	assert_int_equal(bc_stype_field(r, "byval")->type->size, 32);
	bc_stype_put(r);
	errno = 0;
	assert_null(bc_dwarf_func_args(d, "no_such_function", V25));
	assert_int_equal(errno, ENOENT);
	bc_dwarf_close(d);
}

static void test_struct_layout(void **state)
{
	struct bc_dwarf *d;
	struct bc_stype *s;
	const struct bc_field *flag, *kind;

	(void)state;
	NEED_CC();
	d = bc_dwarf_open(g_bin);
	s = bc_dwarf_struct(d, "struct point", V17);
	assert_non_null(s);
	assert_int_equal(s->size, 32);
	assert_int_equal(bc_stype_field(s, "y")->offset, 8);
	assert_int_equal(bc_stype_field(s, "tag")->type->kind, BC_ST_STRING);
	assert_int_equal(bc_stype_field(s, "tag")->type->size, 8);
	assert_int_equal(bc_stype_field(s, "tag")->offset, 16);
	flag = bc_stype_field(s, "flag");
	kind = bc_stype_field(s, "kind");
	assert_int_equal(flag->offset, 24);
	assert_int_equal(flag->bit_offset, 0);
	assert_int_equal(flag->bit_width, 3);
	assert_int_equal(kind->offset, 24);
	assert_int_equal(kind->bit_offset, 3);
	assert_int_equal(kind->bit_width, 5);
	/* the anonymous union's members are flattened */
	assert_int_equal(bc_stype_field(s, "i")->offset, 28);
	assert_int_equal(bc_stype_field(s, "s")->offset, 28);
	bc_stype_put(s);
	assert_null(bc_dwarf_struct(d, "struct nosuch", V17));
	bc_dwarf_close(d);
}

static void test_open_errors(void **state)
{
	char notelf[160];
	FILE *f;

	(void)state;
	errno = 0;
	assert_null(bc_dwarf_open("/nonexistent/bpfcheck/prog"));
	assert_int_equal(errno, ENOENT);
	snprintf(notelf, sizeof(notelf), "%s/notelf", g_dir);
	f = fopen(notelf, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\necho not an ELF file\n", f);
	fclose(f);
	errno = 0;
	assert_null(bc_dwarf_open(notelf));
	assert_int_equal(errno, EINVAL);
	unlink(notelf);
	if (!g_have_cc)
		skip();
	errno = 0;
	assert_null(bc_dwarf_open(g_nodebug));
	assert_int_equal(errno, ENODATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_args_record),
		cmocka_unit_test(test_struct_layout),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
