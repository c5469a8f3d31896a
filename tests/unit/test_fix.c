// SPDX-License-Identifier: Apache-2.0
/*
 * The fix engine: choosing and applying fixes (overlaps, safety), the fix
 * loop (re-analysis, convergence, undoing a pass that breaks the text),
 * unified diffs (checked by applying them with patch(1)), and the atomic
 * write-back with every refusal the issue lists.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyzer/core/diag.h"
#include "analyzer/fix/fix_apply.h"
#include "analyzer/fix/fix_loop.h"
#include "analyzer/fix/fix_write.h"
#include "analyzer/core/unit.h"
#include "reporters/udiff.h"
#include "rules/registry.h"

/* ---- helpers ---- */

static struct bc_diag *add_fix_at(struct bc_diags *d, const char *path, const char *code,
				  enum bc_fix_applicability app, uint32_t start, uint32_t end,
				  const char *repl)
{
	struct bc_span sp = { .start = start, .end = end, .line = 1, .col = start + 1 };
	struct bc_diag *diag = bc_diag_add(d, bc_rule_find(code)->id, path, &sp, "finding at %u",
					   start);
	struct bc_fix *fix;

	assert_non_null(diag);
	fix = bc_diag_fix(diag, app, "fix it");
	assert_non_null(fix);
	assert_int_equal(bc_fix_edit(fix, &sp, repl), 0);
	return diag;
}

static struct bc_diag *add_fix(struct bc_diags *d, const char *code, enum bc_fix_applicability app,
			       uint32_t start, uint32_t end, const char *repl)
{
	return add_fix_at(d, "t.bt", code, app, start, end, repl);
}

static void add_edit(struct bc_diag *diag, uint32_t start, uint32_t end, const char *repl)
{
	struct bc_span sp = { .start = start, .end = end };

	assert_int_equal(bc_fix_edit(diag->fix, &sp, repl), 0);
}

static char *apply_str(const char *text, const struct bc_diags *d, bool unsafe,
		       struct bc_fixed *fx)
{
	assert_int_equal(bc_fix_apply((const unsigned char *)text, strlen(text), d, NULL, unsafe, fx), 0);
	assert_int_equal(strlen((char *)fx->data), fx->size);
	return (char *)fx->data;
}

static char tmpdir[256];

static int setup_dir(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bc-test-fix-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int teardown_dir(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) ? -1 : 0;
}

static void put_file(const char *path, const void *data, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static char *get_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 16);

	assert_non_null(f);
	assert_non_null(buf);
	*n = fread(buf, 1, (1 << 16) - 1, f);
	buf[*n] = 0;
	fclose(f);
	return buf;
}

static int count_dir_entries(const char *dir)
{
	char cmd[400];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

/* ---- applying ---- */

static void test_apply_basic_and_order(void **state)
{
	struct bc_diags d = { 0 };
	struct bc_fixed fx;

	/* reported out of order; applied by offset; bytes between kept */
	add_fix(&d, "BC204", BC_FIX_SAFE, 10, 13, "XYZW");
	add_fix(&d, "BC201", BC_FIX_SAFE, 0, 3, "");
	assert_string_equal(apply_str("abc defghijklmnop", &d, false, &fx), " defghiXYZWmnop");
	assert_int_equal(fx.nr_applied, 2);
	assert_int_equal(fx.nr_skipped, 0);
	assert_true(fx.changed);
	bc_fixed_free(&fx);
	bc_diags_free(&d);
}

static void test_apply_overlap_rule(void **state)
{
	struct bc_diags d = { 0 };
	struct bc_fixed fx;

	/* same start: the lower rule code wins whatever the report order */
	add_fix(&d, "BC204", BC_FIX_SAFE, 2, 6, "[204]");
	add_fix(&d, "BC201", BC_FIX_SAFE, 2, 4, "[201]");
	/* starts inside an accepted edit: skipped */
	add_fix(&d, "BC202", BC_FIX_SAFE, 3, 8, "[202]");
	/* touches the end of an accepted edit: not an overlap */
	add_fix(&d, "BC203", BC_FIX_SAFE, 4, 5, "[203]");
	assert_string_equal(apply_str("0123456789", &d, false, &fx), "01[201][203]56789");
	assert_int_equal(fx.nr_applied, 2);
	assert_int_equal(fx.nr_skipped, 2);
	bc_fixed_free(&fx);
	bc_diags_free(&d);
}

static void test_apply_insertions(void **state)
{
	struct bc_diags d = { 0 };
	struct bc_fixed fx;

	add_fix(&d, "BC201", BC_FIX_SAFE, 3, 3, "<a>");
	add_fix(&d, "BC202", BC_FIX_SAFE, 3, 3, "<b>");	/* same point: skipped */
	add_fix(&d, "BC203", BC_FIX_SAFE, 3, 5, "__");	/* replacement starting there: fine */
	add_fix(&d, "BC204", BC_FIX_SAFE, 4, 4, "<c>");	/* strictly inside [3,5): skipped */
	add_fix(&d, "BC204", BC_FIX_SAFE, 5, 5, "<d>");	/* at its end: fine */
	assert_string_equal(apply_str("0123456", &d, false, &fx), "012<a>__<d>56");
	assert_int_equal(fx.nr_applied, 3);
	assert_int_equal(fx.nr_skipped, 2);
	bc_fixed_free(&fx);
	bc_diags_free(&d);
}

static void test_apply_multi_edit_atomic(void **state)
{
	struct bc_diags d = { 0 };
	struct bc_fixed fx;
	struct bc_diag *g;

	/* a two-edit fix is taken whole (its first edit starts first) ... */
	g = add_fix(&d, "BC202", BC_FIX_SAFE, 0, 1, "A");
	add_edit(g, 7, 9, "Z");
	add_fix(&d, "BC201", BC_FIX_SAFE, 6, 8, "!!");
	assert_string_equal(apply_str("abcdefghij", &d, false, &fx), "AbcdefgZj");
	assert_int_equal(fx.nr_applied, 1);
	assert_int_equal(fx.nr_skipped, 1);
	bc_fixed_free(&fx);
	bc_diags_free(&d);

	/* ... or not at all: its second edit hits a fix taken before it */
	add_fix(&d, "BC201", BC_FIX_SAFE, 1, 3, "!!");
	g = add_fix(&d, "BC202", BC_FIX_SAFE, 2, 2, "A");
	add_edit(g, 7, 9, "Z");
	assert_string_equal(apply_str("abcdefghij", &d, false, &fx), "a!!defghij");
	assert_int_equal(fx.nr_applied, 1);
	assert_int_equal(fx.nr_skipped, 1);
	bc_fixed_free(&fx);
	bc_diags_free(&d);

	/* a fix whose edits overlap each other, or run past the end, is invalid */
	g = add_fix(&d, "BC201", BC_FIX_SAFE, 0, 4, "x");
	add_edit(g, 2, 6, "y");
	add_fix(&d, "BC202", BC_FIX_SAFE, 5, 99, "z");
	add_fix(&d, "BC203", BC_FIX_SAFE, 9, 10, "J");
	assert_string_equal(apply_str("abcdefghij", &d, false, &fx), "abcdefghiJ");
	assert_int_equal(fx.nr_invalid, 2);
	assert_int_equal(fx.nr_applied, 1);
	bc_fixed_free(&fx);
	bc_diags_free(&d);
}

static void test_apply_unsafe_and_suppressed(void **state)
{
	struct bc_diags d = { 0 };
	struct bc_fixed fx;
	struct bc_diag *s;

	add_fix(&d, "BC201", BC_FIX_UNSAFE, 0, 1, "U");
	add_fix(&d, "BC202", BC_FIX_SAFE, 2, 3, "S");
	s = add_fix(&d, "BC203", BC_FIX_SAFE, 4, 5, "X");
	s->suppressed = true;
	assert_string_equal(apply_str("abcdef", &d, false, &fx), "abSdef");
	assert_int_equal(fx.nr_unsafe_hidden, 1);
	assert_false(bc_fix_eligible(&d.v[0], false));
	assert_true(bc_fix_eligible(&d.v[0], true));
	assert_false(bc_fix_eligible(&d.v[2], true));
	bc_fixed_free(&fx);
	assert_string_equal(apply_str("abcdef", &d, true, &fx), "UbSdef");
	assert_int_equal(fx.nr_unsafe_hidden, 0);
	bc_fixed_free(&fx);
	bc_diags_free(&d);

	/* nothing to do: an unchanged copy */
	assert_string_equal(apply_str("same", &d, true, &fx), "same");
	assert_false(fx.changed);
	assert_int_equal(fx.nr_applied, 0);
	bc_fixed_free(&fx);
}

static void test_apply_bytes_preserved(void **state)
{
	/* CRLF, a non-UTF-8 comment, no trailing newline: only the span changes */
	static const char text[] = "a = 1;\r\n// caf\xe9 \xff\xfe\r\nb = 2;";
	size_t n = sizeof(text) - 1;
	struct bc_diags d = { 0 };
	struct bc_fixed fx;
	const char *at = strstr(text, "2;");

	add_fix(&d, "BC201", BC_FIX_SAFE, at - text, at - text + 1, "42");
	/* a finding about another file (an object's C source): not for this text */
	{
		struct bc_span sp = { .start = 0, .end = 1 };
		struct bc_diag *other = bc_diag_add(&d, BC_RULE_CALL_CHAIN_TOO_DEEP, "src.c", &sp,
						    "elsewhere");

		assert_non_null(other);
		assert_int_equal(bc_fix_edit(bc_diag_fix(other, BC_FIX_SAFE, "x"), &sp, "X"), 0);
	}
	assert_int_equal(bc_fix_apply((const unsigned char *)text, n, &d, "t.bt", false, &fx), 0);
	assert_int_equal(fx.nr_applied, 1);
	assert_int_equal(fx.size, n + 1);
	assert_memory_equal(fx.data, text, at - text);
	assert_memory_equal(fx.data + (at - text), "42;", 3);
	bc_fixed_free(&fx);
	bc_diags_free(&d);
}

/* ---- the loop, with a stand-in analysis ---- */

/*
 * Stand-in for the driver: every "aa" is a finding fixed by "b" (so "aaa"
 * yields two overlapping fixes), every "bb" one fixed by "a" (a fix that
 * makes new findings), "ping" and "pong" turn into each other forever, "<u>"
 * has an unsafe fix to "U", "<x>" a fix to "BROKEN", and a text containing
 * "BROKEN" cannot be processed. Optionally it rewrites a file on
 * disk on its Nth call (a file that changes while bpfcheck runs).
 */
struct fake {
	int calls;
	int touch_on_call;
	const char *touch_path;
};

static int fake_analyze(struct bc_unit *u, void *arg)
{
	struct fake *f = arg;
	const char *s = (const char *)u->data, *p;

	f->calls++;
	if (f->touch_path && f->calls == f->touch_on_call)
		put_file(f->touch_path, "edited by someone else\n", 23, 0644);
	if (strstr(s, "BROKEN"))
		return bc_unit_fail(u, -EINVAL, NULL, "broken");
	for (p = s; (p = strstr(p, "aa")); p++)
		add_fix_at(&u->diags, u->display_path, "BC204", BC_FIX_SAFE, p - s, p - s + 2, "b");
	for (p = s; (p = strstr(p, "<u>")); p++)
		add_fix_at(&u->diags, u->display_path, "BC201", BC_FIX_UNSAFE, p - s, p - s + 3, "U");
	for (p = s; (p = strstr(p, "bb")); p += 2)
		add_fix_at(&u->diags, u->display_path, "BC203", BC_FIX_SAFE, p - s, p - s + 2, "a");
	for (p = s; (p = strstr(p, "ping")); p++)
		add_fix_at(&u->diags, u->display_path, "BC203", BC_FIX_SAFE, p - s, p - s + 4, "pong");
	for (p = s; (p = strstr(p, "pong")); p++)
		add_fix_at(&u->diags, u->display_path, "BC203", BC_FIX_SAFE, p - s, p - s + 4, "ping");
	for (p = s; (p = strstr(p, "<x>")); p++)
		add_fix_at(&u->diags, u->display_path, "BC202", BC_FIX_SAFE, p - s, p - s + 3, "BROKEN");
	return 0;
}

static void load_analyzed(struct bc_unit *u, const char *text, struct fake *f)
{
	assert_int_equal(bc_unit_load_mem(u, "t.bt", text, strlen(text)), 0);
	assert_int_equal(fake_analyze(u, f), 0);
}

static void test_loop_converges(void **state)
{
	struct fake f = { 0 };
	struct bc_unit u, out, again;
	struct bc_fix_stats st;

	/* pass 1: "aaaa" -> "bb" (the middle "aa" overlaps both neighbours and
	 * is skipped), "aaa" -> "ba"; pass 2: "bb" -> "a"; pass 3: stable */
	load_analyzed(&u, "x aaaa aaa <u>\n", &f);
	assert_int_equal(bc_fix_loop(&u, false, fake_analyze, &f, &out, &st), 0);
	assert_true(st.changed);
	assert_true(st.converged);
	assert_false(st.reverted);
	assert_string_equal((char *)out.data, "x a ba <u>\n");
	assert_int_equal(st.passes, 2);
	assert_int_equal(st.applied, 4);
	assert_int_equal(st.unsafe_hidden, 1);
	/* the final unit is analysed: what remains is what the report shows */
	assert_int_equal(out.diags.n, 1);
	assert_string_equal(bc_rule_get(out.diags.v[0].rule_id)->code, "BC201");
	/* idempotent: the loop on its own output changes nothing */
	assert_int_equal(bc_fix_loop(&out, false, fake_analyze, &f, &again, &st), 0);
	assert_false(st.changed);
	assert_true(st.converged);
	assert_null(again.data);
	bc_unit_free(&out);
	bc_unit_free(&u);

	/* a chain of passes: "aaaaaaaa" -> "bbbb" -> "aa" -> "b" */
	load_analyzed(&u, "aaaaaaaa", &f);
	assert_int_equal(bc_fix_loop(&u, true, fake_analyze, &f, &out, &st), 0);
	assert_string_equal((char *)out.data, "b");
	assert_int_equal(st.passes, 3);
	bc_unit_free(&out);
	bc_unit_free(&u);
}

static void test_loop_unsafe_and_cap(void **state)
{
	struct fake f = { 0 };
	struct bc_unit u, out;
	struct bc_fix_stats st;

	load_analyzed(&u, "<u>", &f);
	assert_int_equal(bc_fix_loop(&u, true, fake_analyze, &f, &out, &st), 0);
	assert_string_equal((char *)out.data, "U");
	assert_int_equal(st.unsafe_hidden, 0);
	bc_unit_free(&out);
	bc_unit_free(&u);

	/* "ping" <-> "pong" never settles: the loop stops at the cap; after an
	 * even number of passes the text is back where it started */
	load_analyzed(&u, "ping\n", &f);
	assert_int_equal(bc_fix_loop(&u, false, fake_analyze, &f, &out, &st), 0);
	assert_false(st.converged);
	assert_int_equal(st.passes, BC_FIX_MAX_PASSES);
	assert_int_equal(st.changed, BC_FIX_MAX_PASSES % 2 == 1);
	bc_unit_free(&out);
	bc_unit_free(&u);
}

static void test_loop_reverts_breaking_pass(void **state)
{
	struct fake f = { 0 };
	struct bc_unit u, out;
	struct bc_fix_stats st;

	/* pass 1 fixes "aa" and "<x>" together; the text becomes unprocessable,
	 * so the pass is undone: nothing changes */
	load_analyzed(&u, "aa <x>", &f);
	assert_int_equal(bc_fix_loop(&u, false, fake_analyze, &f, &out, &st), 0);
	assert_true(st.reverted);
	assert_false(st.changed);
	assert_null(out.data);
	bc_unit_free(&u);
}

/* ---- unified diff ---- */

static char *udiff_str(const char *path, const char *a, size_t an, const char *b, size_t bn)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(bc_udiff_write(f, path, (const unsigned char *)a, an,
					(const unsigned char *)b, bn), 0);
	fclose(f);
	return buf;
}

#define UDIFF(path, a, b) udiff_str(path, a, sizeof(a) - 1, b, sizeof(b) - 1)

static void test_udiff_shapes(void **state)
{
	char *s;

	s = UDIFF("x.bt", "same\n", "same\n");
	assert_string_equal(s, "");
	free(s);

	s = UDIFF("./d/x.bt", "1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nfive\n6\n7\n8\n");
	assert_string_equal(s, "--- a/d/x.bt\n+++ b/d/x.bt\n"
			       "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
	free(s);

	/* no newline at the end, on both sides */
	s = UDIFF("x", "a\nb", "a\nc");
	assert_string_equal(s, "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n"
			       "\\ No newline at end of file\n+c\n\\ No newline at end of file\n");
	free(s);

	/* only the newline differs */
	s = UDIFF("x", "a\nb", "a\nb\n");
	assert_string_equal(s, "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n"
			       "\\ No newline at end of file\n+b\n");
	free(s);

	/* CRLF kept inside the lines */
	s = UDIFF("x", "a\r\nb\r\n", "a\r\nB\r\n");
	assert_string_equal(s, "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+B\r\n");
	free(s);

	/* pure insertion at the top, pure deletion of a single line */
	s = UDIFF("x", "a\n", "new\na\n");
	assert_string_equal(s, "--- a/x\n+++ b/x\n@@ -1 +1,2 @@\n+new\n a\n");
	free(s);
	s = UDIFF("x", "", "new\n");
	assert_string_equal(s, "--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+new\n");
	free(s);
	s = UDIFF("x", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\n6\n7\n8\n9\n");
	assert_string_equal(s, "--- a/x\n+++ b/x\n@@ -2,7 +2,6 @@\n 2\n 3\n 4\n-5\n 6\n 7\n 8\n");
	free(s);

	/* changes 7 lines apart: two hunks; 6 apart: one */
	s = UDIFF("x", "a\n1\n2\n3\n4\n5\n6\n7\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\nB\n");
	assert_string_equal(s, "--- a/x\n+++ b/x\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n"
			       "@@ -6,4 +6,4 @@\n 5\n 6\n 7\n-b\n+B\n");
	free(s);
	s = UDIFF("x", "a\n1\n2\n3\n4\n5\n6\nb\n", "A\n1\n2\n3\n4\n5\n6\nB\n");
	assert_string_equal(s, "--- a/x\n+++ b/x\n@@ -1,8 +1,8 @@\n-a\n+A\n 1\n 2\n 3\n"
			       " 4\n 5\n 6\n-b\n+B\n");
	free(s);
}

/* Random texts and random line edits: patch(1) must turn A into B exactly. */
static void test_udiff_roundtrip_with_patch(void **state)
{
	static const char *const words[] = { "x\n", "y\n", "z\r\n", "\xff\n", "w\n", "" };
	char pa[300], pp[300], cmd[1200];
	unsigned seed = 12345;

	if (access("/usr/bin/patch", X_OK))
		skip();
	snprintf(pa, sizeof(pa), "%s/a.txt", tmpdir);
	snprintf(pp, sizeof(pp), "%s/d.patch", tmpdir);
	for (int iter = 0; iter < 150; iter++) {
		char a[4096] = "", b[4096] = "", *d, *got;
		int na = rand_r(&seed) % 30;
		size_t an, bn, gn;
		FILE *f;

		for (int i = 0; i < na; i++)
			strcat(a, words[rand_r(&seed) % 5]);
		/* B: A with some lines replaced, dropped or added */
		for (const char *p = a; *p;) {
			const char *nl = strchr(p, '\n');
			size_t l = nl ? (size_t)(nl - p) + 1 : strlen(p);
			int r = rand_r(&seed) % 10;

			if (r == 0)
				strcat(b, words[rand_r(&seed) % 5]);
			else if (r != 1)
				strncat(b, p, l);
			if (r == 2)
				strcat(b, words[rand_r(&seed) % 5]);
			p += l;
		}
		if (rand_r(&seed) % 4 == 0 && *b)
			b[strlen(b) - 1] = 0;	/* drop the final newline */
		if (rand_r(&seed) % 4 == 0 && *a)
			a[strlen(a) - 1] = 0;
		an = strlen(a);
		bn = strlen(b);
		d = udiff_str("a.txt", a, an, b, bn);
		put_file(pa, a, an, 0644);
		f = fopen(pp, "w");
		assert_non_null(f);
		fputs(d, f);
		fclose(f);
		if (*d) {
			snprintf(cmd, sizeof(cmd), "cd '%s' && patch -s -p1 --binary < d.patch", tmpdir);
			int rc = system(cmd);

			if (rc)
				fprintf(stderr, "patch failed on:\n%s", d);
			assert_int_equal(rc, 0);
		}
		got = get_file(pa, &gn);
		if (gn != bn || memcmp(got, b, bn))
			fprintf(stderr, "iteration %d: patched text differs\n%s", iter, d);
		assert_int_equal(gn, bn);
		assert_memory_equal(got, b, bn);
		free(got);
		free(d);
	}
	unlink(pa);
	unlink(pp);
}

/* ---- writing ---- */

struct wfile {
	char path[300];
	struct bc_file_snap snap;
	char *orig;
	size_t n;
};

static void wfile_make(struct wfile *w, const char *name, const char *text, size_t n, mode_t mode)
{
	snprintf(w->path, sizeof(w->path), "%s/%s", tmpdir, name);
	put_file(w->path, text, n, mode);
	assert_int_equal(bc_file_snap_take(w->path, &w->snap), 0);
	w->orig = get_file(w->path, &w->n);
}

static int wfile_fix(struct wfile *w, const char *newtext, char **why)
{
	return bc_fix_write(w->path, &w->snap, w->orig, w->n, newtext, strlen(newtext), why);
}

static void test_write_ok_keeps_mode_owner_bytes(void **state)
{
	static const char text[] = "a = 1;\r\n// caf\xe9 \xff\r\nb = 2;";
	static const char fixed[] = "a = 1;\r\n// caf\xe9 \xff\r\nb = 42;";
	struct wfile w;
	struct stat st;
	char *why = NULL, *got;
	size_t n;

	wfile_make(&w, "ok.bt", text, sizeof(text) - 1, 0640);
	if (geteuid() == 0)
		assert_int_equal(chown(w.path, 1234, 4321), 0);
	assert_int_equal(bc_file_snap_take(w.path, &w.snap), 0);
	assert_int_equal(wfile_fix(&w, fixed, &why), 0);
	assert_null(why);
	got = get_file(w.path, &n);
	assert_int_equal(n, sizeof(fixed) - 1);
	assert_memory_equal(got, fixed, n);
	assert_int_equal(stat(w.path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	if (geteuid() == 0) {
		assert_int_equal(st.st_uid, 1234);
		assert_int_equal(st.st_gid, 4321);
	}
	assert_int_equal(count_dir_entries(tmpdir), 1);	/* no temporary left behind */
	free(got);
	free(w.orig);
	unlink(w.path);
}

/* Extended attributes (and with them ACLs and SELinux labels) survive the
 * rename: user.* always, trusted.* when run as root. */
static void test_write_keeps_xattrs(void **state)
{
	static const char *const names[] = { "user.bpfcheck", "trusted.bpfcheck" };
	struct wfile w;
	char *why = NULL, val[64];
	ssize_t n;
	int set = 0;

	wfile_make(&w, "xattr.bt", "old\n", 4, 0644);
	for (size_t i = 0; i < 2; i++) {
		if (setxattr(w.path, names[i], "kept", 4, 0) == 0)
			set |= 1 << i;
		else if (errno != ENOTSUP && errno != EPERM)
			fail_msg("setxattr %s: %s", names[i], strerror(errno));
	}
	if (!(set & 1)) {
		free(w.orig);
		unlink(w.path);
		skip();		/* a file system without user extended attributes */
	}
	assert_int_equal(bc_file_snap_take(w.path, &w.snap), 0);
	assert_int_equal(wfile_fix(&w, "new\n", &why), 0);
	for (size_t i = 0; i < 2; i++) {
		if (!(set & (1 << i)))
			continue;
		n = getxattr(w.path, names[i], val, sizeof(val));
		assert_int_equal(n, 4);
		assert_memory_equal(val, "kept", 4);
	}
	free(w.orig);
	unlink(w.path);
}

static void test_write_refuses_read_only(void **state)
{
	struct wfile w;
	struct stat st;
	char *why = NULL, *got;
	size_t n;

	wfile_make(&w, "ro.bt", "old\n", 4, 0444);
	assert_int_equal(wfile_fix(&w, "new\n", &why), -EACCES);
	assert_non_null(why);
	assert_non_null(strstr(why, "read-only"));
	got = get_file(w.path, &n);
	assert_string_equal(got, "old\n");
	assert_int_equal(stat(w.path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0444);	/* not chmod'ed */
	assert_int_equal(count_dir_entries(tmpdir), 1);
	free(got);
	free(why);
	free(w.orig);
	unlink(w.path);
}

static void test_write_refuses_changed_file(void **state)
{
	struct timespec ts[2];
	struct wfile w;
	struct stat st;
	char *why = NULL, *got;
	size_t n;

	/* same size, same mtime, other bytes: only the content check sees it */
	wfile_make(&w, "ch.bt", "old text\n", 9, 0644);
	assert_int_equal(stat(w.path, &st), 0);
	{
		int fd = open(w.path, O_WRONLY);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, "OLD", 3), 3);
		close(fd);
	}
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, w.path, ts, 0), 0);
	assert_int_equal(wfile_fix(&w, "new text\n", &why), -ESTALE);
	assert_non_null(strstr(why, "changed since it was read"));
	got = get_file(w.path, &n);
	assert_string_equal(got, "OLD text\n");
	free(got);
	free(why);
	why = NULL;

	/* touched (mtime moved), bytes the same: refused too */
	assert_int_equal(wfile_fix(&w, "x\n", &why), -ESTALE);
	free(why);
	why = NULL;
	free(w.orig);

	/* replaced by another file (rename): refused */
	wfile_make(&w, "ch.bt", "abc\n", 4, 0644);
	{
		char other[320];

		snprintf(other, sizeof(other), "%s/other", tmpdir);
		put_file(other, "abc\n", 4, 0644);
		assert_int_equal(rename(other, w.path), 0);
	}
	assert_int_equal(wfile_fix(&w, "xyz\n", &why), -ESTALE);
	got = get_file(w.path, &n);
	assert_string_equal(got, "abc\n");
	assert_int_equal(count_dir_entries(tmpdir), 1);
	free(got);
	free(why);
	free(w.orig);
	unlink(w.path);
}

static void test_write_through_symlink(void **state)
{
	char link[320], *why = NULL, *got;
	struct wfile w;
	struct stat st;
	size_t n;

	wfile_make(&w, "target.bt", "old\n", 4, 0600);
	snprintf(link, sizeof(link), "%s/link.bt", tmpdir);
	assert_int_equal(symlink("target.bt", link), 0);
	assert_int_equal(bc_file_snap_take(link, &w.snap), 0);
	assert_int_equal(bc_fix_write(link, &w.snap, w.orig, w.n, "new\n", 4, &why), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));	/* still a link ... */
	got = get_file(w.path, &n);		/* ... and the target has the fix */
	assert_string_equal(got, "new\n");
	assert_int_equal(stat(w.path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_dir_entries(tmpdir), 2);
	free(got);
	free(w.orig);
	unlink(link);
	unlink(w.path);

	/* a dangling link is refused */
	assert_int_equal(symlink("nowhere.bt", link), 0);
	w.snap.valid = true;
	assert_true(bc_fix_write(link, &w.snap, "", 0, "x", 1, &why) < 0);
	assert_non_null(why);
	free(why);
	unlink(link);
}

static void test_write_refuses_hard_links_and_fifos(void **state)
{
	char other[320], fifo[320], *why = NULL, *got;
	struct wfile w;
	size_t n;

	wfile_make(&w, "hl.bt", "old\n", 4, 0644);
	snprintf(other, sizeof(other), "%s/hl2.bt", tmpdir);
	assert_int_equal(link(w.path, other), 0);
	assert_int_equal(bc_file_snap_take(w.path, &w.snap), 0);
	assert_int_equal(wfile_fix(&w, "new\n", &why), -EMLINK);
	got = get_file(other, &n);
	assert_string_equal(got, "old\n");
	free(got);
	free(why);
	free(w.orig);
	unlink(other);
	unlink(w.path);

	snprintf(fifo, sizeof(fifo), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_int_equal(bc_file_snap_take(fifo, &w.snap), 0);
	assert_int_equal(bc_fix_write(fifo, &w.snap, "", 0, "x", 1, &why), -EINVAL);
	free(why);
	unlink(fifo);
}

/* The whole path as bpfcheck runs it: the file changes while the fix loop
 * re-analyses it; the write is refused and the other writer's bytes stay. */
static void test_file_changes_during_run(void **state)
{
	struct fake f = { .touch_on_call = 2 };
	struct bc_unit u, out;
	struct bc_fix_stats st;
	struct bc_file_snap snap;
	char path[300], *why = NULL, *got;
	size_t n;

	snprintf(path, sizeof(path), "%s/live.bt", tmpdir);
	put_file(path, "aa aa\n", 6, 0644);
	f.touch_path = path;
	assert_int_equal(bc_file_snap_take(path, &snap), 0);
	assert_int_equal(bc_unit_load(&u, path), 0);
	assert_int_equal(fake_analyze(&u, &f), 0);
	assert_int_equal(bc_fix_loop(&u, false, fake_analyze, &f, &out, &st), 0);
	assert_true(st.changed);
	assert_string_equal((char *)out.data, "b b\n");
	assert_int_equal(bc_fix_write(path, &snap, u.data, u.size, out.data, out.size, &why),
			 -ESTALE);
	got = get_file(path, &n);
	assert_string_equal(got, "edited by someone else\n");
	assert_int_equal(count_dir_entries(tmpdir), 1);
	free(got);
	free(why);
	bc_unit_free(&out);
	bc_unit_free(&u);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_basic_and_order),
		cmocka_unit_test(test_apply_overlap_rule),
		cmocka_unit_test(test_apply_insertions),
		cmocka_unit_test(test_apply_multi_edit_atomic),
		cmocka_unit_test(test_apply_unsafe_and_suppressed),
		cmocka_unit_test(test_apply_bytes_preserved),
		cmocka_unit_test(test_loop_converges),
		cmocka_unit_test(test_loop_unsafe_and_cap),
		cmocka_unit_test(test_loop_reverts_breaking_pass),
		cmocka_unit_test(test_udiff_shapes),
		cmocka_unit_test(test_udiff_roundtrip_with_patch),
		cmocka_unit_test(test_write_ok_keeps_mode_owner_bytes),
		cmocka_unit_test(test_write_keeps_xattrs),
		cmocka_unit_test(test_write_refuses_read_only),
		cmocka_unit_test(test_write_refuses_changed_file),
		cmocka_unit_test(test_write_through_symlink),
		cmocka_unit_test(test_write_refuses_hard_links_and_fifos),
		cmocka_unit_test(test_file_changes_during_run),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
