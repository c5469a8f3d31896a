// SPDX-License-Identifier: Apache-2.0
/*
 * Stack figures per bpftrace version: every script of
 * fixtures/scripts/frames/ states the frame each probe function gets at a
 * profile, in lines
 *
 *     // FRAME(0.21) kprobe:vfs_read 32
 *
 * and is compiled at each profile it names (kernel 6.18, the script front
 * end's whole path: parse, semantic analysis, the code generation model,
 * O3 and the BPF backend). The figures are derived from how that version
 * allocates (docs/bpftrace-codegen.md) and were checked against the IR
 * bpftrace's own codegen tests record (tools/bt-codegen-reference.py,
 * docs/bpftrace-versions.md); a change of the model that moves one fails
 * here.
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

#include "support/script_support.h"

#include "analyzer/script/parser.h"
#include "analyzer/frontend/script_compile.h"
#include "analyzer/script/sema.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"
#include "rules/registry.h"

#define FRAMES_DIR "fixtures/scripts/frames"

/* TEXT (named PATH) compiled at bpftrace VERSION for kernel 6.18. */
static int compile(struct bc_test_compiled *x, const char *path, const char *text,
		   const char *version)
{
	bc_test_analyse(x, path, text, version, "6.18");
	return bc_script_compile_unit(&x->u, &x->t);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return text;
}

/* One FRAME line: the profile, the function, the bytes. */
static int check_line(const char *path, const char *text, const char *line, size_t *checked)
{
	char version[16], fn[256];
	unsigned bytes;
	const struct bc_func *got = NULL;
	struct bc_test_compiled x;
	int ok;

	if (sscanf(line, "// FRAME(%15[^)]) %255s %u", version, fn, &bytes) != 3) {
		print_error("%s: unreadable FRAME line: %.60s\n", path, line);
		return -1;
	}
	assert_int_equal(compile(&x, path, text, version), 0);
	for (size_t i = 0; i < x.u.facts.nr_funcs; i++)
		if (!strcmp(x.u.facts.funcs[i].name, fn))
			got = &x.u.facts.funcs[i];
	if (!got) {
		print_error("%s at %s: no function %s (no stack figure?)\n", path, version, fn);
		ok = -1;
	} else if (got->frame_bytes != bytes) {
		print_error("%s at %s: %s has a frame of %u bytes, expected %u\n", path, version,
			    fn, (unsigned)got->frame_bytes, bytes);
		ok = -1;
	} else {
		ok = 0;
	}
	(*checked)++;
	bc_test_compiled_free(&x);
	return ok;
}

static void test_frames(void **state)
{
	glob_t g;
	size_t checked = 0;
	int bad = 0;

	(void)state;
	assert_int_equal(glob(FRAMES_DIR "/*.bt", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *text = slurp(g.gl_pathv[i]);
		size_t here = checked;

		for (const char *l = strstr(text, "// FRAME("); l; l = strstr(l + 1, "// FRAME("))
			bad |= check_line(g.gl_pathv[i], text, l, &checked);
		if (checked == here) {
			print_error("%s: no FRAME line\n", g.gl_pathv[i]);
			bad = -1;
		}
		free(text);
	}
	globfree(&g);
	assert_true(checked > 0);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
