// SPDX-License-Identifier: Apache-2.0
/*
 * The map rules (BC301-BC305) through the whole pipeline: a script is
 * linted for a target bpftrace, the findings of one rule are counted and
 * their messages checked, fixes go through the fix loop (the fixed text
 * re-lints clean of what was fixed), and the BC302 fix is proven by running
 * the original and the fixed script with the installed bpftrace.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyzer/driver/driver.h"
#include "analyzer/fix/fix_loop.h"
#include "analyzer/core/unit.h"
#include "analyzer/core/analysis.h"
#include "rules/registry.h"
#include "analyzer/core/kernel_limits.h"
#include "support/shell.h"
#include "support/script_support.h"

struct lint {
	struct bc_target t;
	struct bc_analysis a;	/* every rule, against T */
	struct bc_unit u;
};

static void lint_opts(struct bc_target *t, struct bc_analysis *a, const char *bpftrace,
		      const char *kernel)
{
	assert_int_equal(bc_target_init(t), 0);
	assert_int_equal(bc_target_set_bpftrace(t, bpftrace), 0);
	if (kernel)
		assert_int_equal(bc_target_set_kernel(t, kernel), 0);
	bc_analysis_init(a, t);
}

/* Lints TEXT for bpftrace BPFTRACE (and kernel KERNEL when not NULL). */
static void lint_ex(struct lint *l, const char *text, const char *bpftrace, const char *kernel,
		    const char *btf)
{
	memset(l, 0, sizeof(*l));
	lint_opts(&l->t, &l->a, bpftrace, kernel);
	if (btf) {
		free(l->t.btf_path);
		l->t.btf_path = *btf ? strdup(btf) : NULL;
		l->t.btf_none = !*btf;
	}
	assert_int_equal(bc_unit_load_mem(&l->u, "t.bt", text, strlen(text)), 0);
	assert_int_equal(bc_analyze_unit(&l->u, &l->a), 0);
}

static void lint(struct lint *l, const char *text, const char *bpftrace)
{
	lint_ex(l, text, bpftrace, NULL, NULL);
}

static void lint_done(struct lint *l)
{
	bc_unit_free(&l->u);
	bc_target_free(&l->t);
}

static size_t count(const struct bc_unit *u, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < u->diags.n; i++)
		if (!strcmp(bc_rule_get(u->diags.v[i].rule_id)->code, code))
			n++;
	return n;
}

/* The I-th diagnostic of CODE. */
static const struct bc_diag *nth(const struct bc_unit *u, const char *code, size_t i)
{
	for (size_t k = 0; k < u->diags.n; k++)
		if (!strcmp(bc_rule_get(u->diags.v[k].rule_id)->code, code) && !i--)
			return &u->diags.v[k];
	fail_msg("no diagnostic %s", code);
	return NULL;
}

static bool has_note(const struct bc_diag *d, const char *needle)
{
	for (size_t i = 0; i < d->nr_notes; i++)
		if (strstr(d->notes[i].message, needle))
			return true;
	return false;
}

static int reanalyze(struct bc_unit *u, void *arg)
{
	return bc_analyze_unit(u, arg);
}

/* Runs the fix loop; returns the fixed text (heap) and leaves the analysed
 * result in *OUT (caller frees), or NULL when nothing changed. */
static char *fix(struct lint *l, bool unsafe, struct bc_unit *out)
{
	struct bc_fix_stats st;

	memset(out, 0, sizeof(*out));
	assert_int_equal(bc_fix_loop(&l->u, unsafe, reanalyze, &l->a, out, &st), 0);
	if (!st.changed)
		return NULL;
	assert_true(st.converged);
	assert_false(st.reverted);
	return strndup((const char *)out->data, out->size);
}

/* ---- BC302 clear-keyless-map ---- */

static const char clear_script[] =
	"BEGIN {\n"
	"  @e = count();\n"
	"  @e = count();\n"
	"  clear(@e);\n"
	"  @n = 5;\n"
	"  clear(@n);\n"
	"  @k[1] = count();\n"
	"  clear(@k);\n"
	"  @d = count();\n"
	"  delete(@d);\n"
	"  @kept = count();\n"
	"  @z = count();\n"
	"  zero(@z);\n"
	"  printf(\"hello\\n\");\n"
	"  exit();\n"
	"}\n";

static const char clear_fixed[] =
	"BEGIN {\n"
	"  @e = sum(1);\n"
	"  @e = sum(1);\n"
	"  clear(@e);\n"
	"  @n = 5;\n"
	"  clear(@n);\n"
	"  @k[1] = count();\n"
	"  clear(@k);\n"
	"  @d = sum(1);\n"
	"  delete(@d);\n"
	"  @kept = count();\n"
	"  @z = count();\n"
	"  zero(@z);\n"
	"  printf(\"hello\\n\");\n"
	"  exit();\n"
	"}\n";

static void test_clear_versions(void **state)
{
	static const struct {
		const char *v;
		size_t n;
		bool exit_note;
	} cases[] = {
		{ "0.17", 2, false }, { "0.20", 2, false }, { "0.21", 2, false },
		{ "0.22", 2, true },  { "0.24", 2, true },  { "0.25", 0, false },
		{ "0.26", 0, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lint l;

		lint(&l, clear_script, cases[i].v);
		assert_int_equal(count(&l.u, "BC302"), cases[i].n);
		if (cases[i].n) {
			const struct bc_diag *d = nth(&l.u, "BC302", 0);
			char want[256];

			snprintf(want, sizeof(want),
				 "clear(@e) does not remove the keyless count() map @e: bpftrace %s "
				 "keeps it in a per-CPU array, which cannot drop its only element, so "
				 "it is zeroed and printed at exit as '@e: 0'", cases[i].v);
			assert_string_equal(d->message, want);
			assert_int_equal(d->span.line, 4);
			assert_true(has_note(d, "@e is made a count() map without keys here"));
			assert_int_equal(has_note(d, "print_maps_on_exit = 0"), cases[i].exit_note);
			assert_non_null(d->fix);
			assert_int_equal(d->fix->applicability, BC_FIX_SAFE);
			assert_int_equal(d->fix->nr_edits, 2);	/* both count() writes of @e */
			d = nth(&l.u, "BC302", 1);
			assert_int_equal(d->span.line, 10);
			assert_non_null(strstr(d->message, "delete(@d) does not remove"));
		}
		lint_done(&l);
	}
}

static void test_clear_fix_loop(void **state)
{
	struct bc_unit out, again;
	struct bc_fix_stats st;
	struct lint l;
	char *fixed;

	(void)state;
	lint(&l, clear_script, "0.17");
	fixed = fix(&l, false, &out);
	assert_non_null(fixed);
	assert_string_equal(fixed, clear_fixed);
	/* the fixed text re-lints clean of BC302, and fixing it again changes nothing */
	assert_int_equal(count(&out, "BC302"), 0);
	memset(&again, 0, sizeof(again));
	assert_int_equal(bc_fix_loop(&out, true, reanalyze, &l.a, &again, &st), 0);
	assert_false(st.changed);
	free(fixed);
	bc_unit_free(&out);
	lint_done(&l);
}

static void test_clear_unsafe_when_printed(void **state)
{
	static const char text[] =
		"BEGIN { @x = count(); }\n"
		"interval:s:1 { print(@x); clear(@x); }\n";
	struct bc_unit out;
	struct lint l;
	const struct bc_diag *d;
	char *fixed;

	(void)state;
	lint(&l, text, "0.17");
	assert_int_equal(count(&l.u, "BC302"), 1);
	d = nth(&l.u, "BC302", 0);
	assert_int_equal(d->fix->applicability, BC_FIX_UNSAFE);
	assert_true(has_note(d, "the fix may change output: after clear(), print() of a sum() map"));
	/* --fix leaves it; --unsafe-fixes applies it */
	assert_null(fix(&l, false, &out));
	fixed = fix(&l, true, &out);
	assert_non_null(fixed);
	assert_non_null(strstr(fixed, "@x = sum(1);"));
	assert_int_equal(count(&out, "BC302"), 0);
	free(fixed);
	bc_unit_free(&out);
	lint_done(&l);
}

static void test_clear_exit_printing_off(void **state)
{
	static const char off[] =
		"config = { print_maps_on_exit = 0 }\n"
		"BEGIN { @x = count(); clear(@x); exit(); }\n";
	static const char off_printed[] =
		"config = { print_maps_on_exit = 0 }\n"
		"BEGIN { @x = count(); clear(@x); print(@x); exit(); }\n";
	struct lint l;

	(void)state;
	lint(&l, off, "0.22");
	assert_int_equal(count(&l.u, "BC302"), 0);
	lint_done(&l);
	lint(&l, off_printed, "0.22");
	assert_int_equal(count(&l.u, "BC302"), 1);
	assert_non_null(strstr(nth(&l.u, "BC302", 0)->message, "print() still shows '@x: 0'"));
	lint_done(&l);
}

static void test_clear_no_fix(void **state)
{
	/* a keyed delete is not a keyless clear; a declared percpuarray has no fix */
	static const char keyed[] = "BEGIN { @x[1] = count(); delete(@x[1]); exit(); }\n";
	struct lint l;

	(void)state;
	lint(&l, keyed, "0.17");
	assert_int_equal(count(&l.u, "BC302"), 0);
	lint_done(&l);
}

/* ---- the BC302 fix, proven with the installed bpftrace ---- */

static char *run_out(const char *cmd)
{
	char *buf;

	if (bc_test_shell(cmd, &buf)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Output of `bpftrace FILE` for TEXT (stdout only), or NULL when it failed. */
static char *bpftrace_run(const char *text)
{
	char path[] = "/tmp/bc-map-rules-XXXXXX.bt", cmd[256];
	int fd = mkstemps(path, 3);
	char *out;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof(cmd), "timeout 60 bpftrace %s 2>/dev/null", path);
	out = run_out(cmd);
	unlink(path);
	return out;
}

/* The installed bpftrace's version ("0.17.0"), or NULL when it cannot run BPF here. */
static char *usable_bpftrace(void)
{
	char *v, *ok;

	if (geteuid() != 0)
		return NULL;
	v = run_out("bpftrace --version 2>/dev/null");
	if (!v)
		return NULL;
	ok = run_out("timeout 60 bpftrace -e 'BEGIN { exit(); }' 2>/dev/null");
	if (!ok || strncmp(v, "bpftrace v", 10)) {
		free(ok);
		free(v);
		return NULL;
	}
	free(ok);
	memmove(v, v + 10, strlen(v + 10) + 1);
	v[strcspn(v, " \n-")] = 0;
	return v;
}

/* Replaces each line equal to LINE in TEXT by an empty line (in place). */
static void blank_line(char *text, const char *line)
{
	size_t ll = strlen(line);

	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len == ll && !memcmp(p, line, ll)) {
			memmove(p, p + len, strlen(p + len) + 1);
			p++;
		} else {
			p += len + (nl ? 1 : 0);
		}
	}
}

static void test_clear_fix_runs_same(void **state)
{
	char *version = usable_bpftrace(), *orig, *fixed_out, *fixed;
	struct bc_unit out;
	struct lint l;

	(void)state;
	if (!version)
		skip();	/* not root, no bpftrace, or BPF not permitted */
	lint(&l, clear_script, version);
	if (!count(&l.u, "BC302")) {
		free(version);
		lint_done(&l);
		skip();	/* 0.25+: keyless maps are hash maps, nothing to fix */
	}
	fixed = fix(&l, false, &out);
	assert_non_null(fixed);
	orig = bpftrace_run(clear_script);
	fixed_out = bpftrace_run(fixed);
	assert_non_null(orig);
	assert_non_null(fixed_out);
	/* the original prints the zeroed maps; the fixed script does not */
	assert_non_null(strstr(orig, "\n@d: 0\n"));
	assert_non_null(strstr(orig, "\n@e: 0\n"));
	assert_null(strstr(fixed_out, "@d: 0"));
	assert_null(strstr(fixed_out, "@e: 0"));
	/* every other line is the same: bpftrace prints an emptied map as an
	 * empty line, so blanking the two zero lines gives the fixed output */
	blank_line(orig, "@d: 0");
	blank_line(orig, "@e: 0");
	assert_string_equal(orig, fixed_out);
	assert_non_null(strstr(fixed_out, "hello\n"));
	assert_non_null(strstr(fixed_out, "@kept: 1\n"));
	assert_non_null(strstr(fixed_out, "@z: 0\n"));
	free(orig);
	free(fixed_out);
	free(fixed);
	free(version);
	bc_unit_free(&out);
	lint_done(&l);
}


/* ---- BC303 map-never-written ---- */

static void test_never_written(void **state)
{
	static const char text[] =
		"kprobe:f { @w[comm] = count(); }\n"
		"interval:s:1 { print(@r); clear(@r); printf(\"%d\\n\", @later); }\n"
		"END { @later = 1; }\n";
	const struct bc_diag *d;
	struct lint l;

	(void)state;
	lint(&l, text, "0.17");
	assert_int_equal(count(&l.u, "BC303"), 1);	/* @r only; @later is written by END */
	assert_int_equal(count(&l.u, "BC102"), 0);	/* no duplicate "Undefined map" */
	d = nth(&l.u, "BC303", 0);
	assert_string_equal(d->message, "map @r is read but never written anywhere in the script; "
					"bpftrace 0.17 refuses it: Undefined map: @r");
	assert_int_equal(d->severity, BC_SEV_ERROR);
	assert_int_equal(d->span.line, 2);
	assert_int_equal(d->span.col, 22);
	assert_true(has_note(d, "also clear() of @r here"));
	lint_done(&l);
}

static void test_never_written_cascade_is_bc102(void **state)
{
	/* @y is written, but with a value that has no type: a BC102 consequence */
	static const char text[] = "BEGIN { @y = @x; print(@y); }\n";
	struct lint l;

	(void)state;
	lint(&l, text, "0.17");
	assert_int_equal(count(&l.u, "BC303"), 1);	/* @x */
	assert_non_null(strstr(nth(&l.u, "BC303", 0)->message, "map @x is read"));
	assert_int_equal(count(&l.u, "BC102"), 1);	/* Undefined map: @y */
	assert_non_null(strstr(nth(&l.u, "BC102", 0)->message, "Undefined map: @y"));
	lint_done(&l);
}

/* ---- BC304 / BC305 ---- */

static void test_key_mismatch(void **state)
{
	static const char text[] =
		"kprobe:f { @b[pid] = sum(arg2); }\n"
		"kretprobe:f { @b[pid, comm] = sum(retval); @ok[1] = 1; @ok[tid] = 2; }\n";
	const struct bc_diag *d;
	struct lint l;

	(void)state;
	lint(&l, text, "0.17");
	assert_int_equal(count(&l.u, "BC304"), 1);
	assert_int_equal(count(&l.u, "BC102"), 0);
	d = nth(&l.u, "BC304", 0);
	assert_string_equal(d->message, "Argument mismatch for @b: trying to access with arguments: "
					"[unsigned int64, string[16]] when map expects arguments: "
					"[unsigned int64]");
	assert_int_equal(d->span.line, 2);
	assert_int_equal(d->nr_notes, 1);
	assert_int_equal(d->notes[0].span.line, 1);
	assert_string_equal(d->notes[0].message, "@b is first used here, with keys [unsigned int64]");
	lint_done(&l);
}

static void test_value_mismatch(void **state)
{
	static const char text[] =
		"BEGIN { @last = 0; @s = \"a\"; @s = \"longer\"; }\n"
		"kprobe:f { @last = str(arg1); }\n";
	const struct bc_diag *d;
	struct lint l;

	(void)state;
	lint(&l, text, "0.17");
	assert_int_equal(count(&l.u, "BC305"), 1);	/* strings of two sizes are fine */
	d = nth(&l.u, "BC305", 0);
	assert_string_equal(d->message, "Type mismatch for @last: trying to assign value of type "
					"'string[64]' when map already contains a value of type 'int64'");
	assert_int_equal(d->span.line, 2);
	assert_int_equal(d->notes[0].span.line, 1);
	assert_string_equal(d->notes[0].message, "@last first gets a value here, of type 'int64'");
	lint_done(&l);
}

/* ---- BC301 len-kfunc ---- */

static const char len_script[] =
	"kprobe:f { @m[pid] = 1; @c = count(); }\n"
	"interval:s:1 { printf(\"%d %d\\n\", len(@m), len(@c)); }\n";

static void test_len_matrix(void **state)
{
	static const struct {
		const char *bt, *kernel;
		size_t n;
	} cases[] = {
		{ "0.20", "6.6", 1 }, { "0.20", "6.1", 0 }, { "0.21", "6.8", 1 },
		{ "0.22", "6.6", 0 }, { "0.22", "6.1", 1 }, { "0.24", "5.15", 1 },
		{ "0.25", "6.1", 1 }, { "0.25", "6.6", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lint l;

		/* --kernel without --btf: the version decides (the host BTF is not the target's) */
		lint_ex(&l, len_script, cases[i].bt, cases[i].kernel, NULL);
		if (count(&l.u, "BC301") != cases[i].n)
			fail_msg("bpftrace %s kernel %s: %zu findings", cases[i].bt, cases[i].kernel,
				 count(&l.u, "BC301"));
		/* only the hash map @m: the keyless count() map is an array (or refused) */
		if (cases[i].n)
			assert_non_null(strstr(nth(&l.u, "BC301", 0)->message, "len(@m)"));
		lint_done(&l);
	}
}

static void test_len_btf_decides(void **state)
{
	static const char vmlinux[] = "/sys/kernel/btf/vmlinux";
	struct lint l;

	(void)state;
	if (access(vmlinux, R_OK))
		skip();
	/* the running kernel with its BTF: the BTF has the kfunc from 6.6 */
	lint_ex(&l, len_script, "0.20", NULL, vmlinux);
	if (!l.t.kernel_from_host || l.t.kernel < BC_KV(6, 6)) {
		lint_done(&l);
		skip();
	}
	assert_int_equal(count(&l.u, "BC301"), 1);
	assert_true(has_note(nth(&l.u, "BC301", 0), "BTF (/sys/kernel/btf/vmlinux) has"));
	lint_done(&l);
}

/* Loads $BC_BUILD/fixtures/NAME into U as NAME; skips the test when the
 * fixture is not built (make fixtures). */
static void load_built_fixture(struct bc_unit *u, const char *name)
{
	char *path = NULL;
	size_t size;
	void *data;

	assert_true(asprintf(&path, "%s/fixtures/%s",
			     getenv("BC_BUILD") ? getenv("BC_BUILD") : "build", name) > 0);
	data = bc_test_read_file(path, &size);
	free(path);
	if (!data)
		skip();
	memset(u, 0, sizeof(*u));
	assert_int_equal(bc_unit_load_mem(u, name, data, size), 0);
	free(data);
}

static void test_len_object(void **state)
{
	struct bc_target t;
	struct bc_analysis a;
	struct bc_unit u;

	(void)state;
	load_built_fixture(&u, "count_loops.bpf.o");
	lint_opts(&t, &a, "0.17", "6.6");
	assert_int_equal(bc_analyze_unit(&u, &a), 0);
	/* count_stub (result used) and count_ctx (counter); not the array map nor the sum */
	assert_int_equal(count(&u, "BC301"), 2);
	assert_non_null(strstr(nth(&u, "BC301", 0)->message, "'count_stub' counts the elements of "
							     "map 'pids'"));
	assert_non_null(strstr(nth(&u, "BC301", 1)->message, "'count_ctx'"));
	assert_true(has_note(nth(&u, "BC301", 0), "__ksym __weak"));
	bc_unit_free(&u);
	bc_target_free(&t);
}

/* The same loops in LLVM IR: the IR front end finds them in the object it
 * compiles and places each at its function's `define` line. */
static void test_len_ir(void **state)
{
	const struct bc_diag *d;
	struct bc_target t;
	struct bc_analysis a;
	struct bc_unit u;
	const char *line;

	(void)state;
	load_built_fixture(&u, "count_loops.ll");
	lint_opts(&t, &a, "0.17", "6.6");
	assert_int_equal(u.kind, BC_KIND_LLVM_IR);
	assert_int_equal(bc_analyze_unit(&u, &a), 0);
	assert_int_equal(count(&u, "BC301"), 2);
	d = nth(&u, "BC301", 0);
	assert_non_null(strstr(d->message, "'count_stub' counts the elements of map 'pids'"));
	assert_string_equal(d->path, "count_loops.ll");
	assert_true(d->span.line > 0 && d->span.line <= u.nr_lines);
	line = (const char *)u.data + u.line_starts[d->span.line - 1];
	assert_true(!strncmp(line, "define ", 7) && strstr(line, "@count_stub("));
	bc_unit_free(&u);
	bc_target_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clear_versions),
		cmocka_unit_test(test_clear_fix_loop),
		cmocka_unit_test(test_clear_unsafe_when_printed),
		cmocka_unit_test(test_clear_exit_printing_off),
		cmocka_unit_test(test_clear_no_fix),
		cmocka_unit_test(test_clear_fix_runs_same),
		cmocka_unit_test(test_never_written),
		cmocka_unit_test(test_never_written_cascade_is_bc102),
		cmocka_unit_test(test_key_mismatch),
		cmocka_unit_test(test_value_mismatch),
		cmocka_unit_test(test_len_matrix),
		cmocka_unit_test(test_len_btf_decides),
		cmocka_unit_test(test_len_object),
		cmocka_unit_test(test_len_ir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
