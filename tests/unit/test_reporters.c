// SPDX-License-Identifier: Apache-2.0
/*
 * Reporters: every format against golden files (tests/golden/reporters/,
 * BC_UPDATE_GOLDEN=1 rewrites them), and structural checks of the JSON and
 * SARIF output parsed back with jansson.
 *
 * The run is built by hand: a script unit (with a tab, a non-ASCII string,
 * an invalid UTF-8 byte and an escape sequence in its text), an object unit
 * whose line info points at tests/golden/reporters/src/probe.bpf.c, and a
 * manifest that could not be processed.
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
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "analyzer/core/kernel_limits.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"
#include "reporters/fingerprint.h"
#include "reporters/report_common.h"
#include "reporters/reporter.h"
#include "reporters/rule_docs.h"
#include "reporters/source.h"
#include "reporters/utf8.h"
#include "rules/registry.h"
#include "support/golden.h"

#define GOLDEN_DIR "tests/golden/reporters/"
#define C_SOURCE GOLDEN_DIR "src/probe.bpf.c"

/* The script: line 3 starts with a tab; line 5 has "é", an invalid byte
 * (\xff) and a tab before `$s`; line 6 hides an escape sequence. */
static const char script_text[] =
	"// stack-heavy probe\n"
	"kprobe:do_sys_openat2 {\n"
	"\t$s = str(arg1);\n"
	"  @a[comm, $s] = count();\n"
	"  printf(\"\xc3\xa9\xff\t%s\\n\",\t$s);\n"
	"  // \x1b[31mred\x1b[0m\n"
	"}\n";

struct fixture {
	struct bc_unit units[3];
	struct bc_unit *uv[3];
	struct bc_target target;
	struct bc_run run;
};

/* The span of the OCC-th (0-based) occurrence of NEEDLE in U's text. */
static struct bc_span span_of(const struct bc_unit *u, const char *needle, int occ)
{
	const char *p = (const char *)u->data;
	struct bc_span s = { 0 };

	for (;;) {
		p = strstr(p, needle);
		assert_non_null(p);
		if (!occ--)
			break;
		p++;
	}
	s.start = p - (const char *)u->data;
	s.end = s.start + strlen(needle);
	bc_unit_locate(u, &s);
	return s;
}

static struct bc_span line_span(uint32_t line, uint32_t col, uint32_t end_line, uint32_t end_col)
{
	struct bc_span s = { .line = line, .col = col, .end_line = end_line, .end_col = end_col };

	return s;
}

static void set_target(struct bc_target *t)
{
	memset(t, 0, sizeof(*t));
	t->kernel = BC_KV(6, 18);
	snprintf(t->kernel_str, sizeof(t->kernel_str), "6.18");
	t->jit = true;
	snprintf(t->arch, sizeof(t->arch), "x86_64");
	t->stack_limit = BC_MAX_BPF_STACK;
	t->bpftrace = 1700;
	snprintf(t->bpftrace_str, sizeof(t->bpftrace_str), "0.17.0");
	t->bpftrace_explicit = true;
}

static char *xstrdup(const char *s)
{
	char *r = strdup(s);

	assert_non_null(r);
	return r;
}

static void add_slot(struct bc_func *f, const char *construct, const char *name, uint32_t bytes,
		     const struct bc_span *span, bool live, bool dep, enum bc_placement place,
		     uint64_t scratch_bytes, const char *origin)
{
	struct bc_slot *s;

	f->slots = realloc(f->slots, (f->nr_slots + 1) * sizeof(*f->slots));
	assert_non_null(f->slots);
	s = &f->slots[f->nr_slots++];
	memset(s, 0, sizeof(*s));
	s->construct = xstrdup(construct);
	s->name = name ? xstrdup(name) : NULL;
	s->bytes = bytes;
	if (span)
		s->span = *span;
	s->live_at_peak = live;
	s->script_dependent = dep;
	s->placement = place;
	s->scratch_bytes = scratch_bytes;
	if (origin) {
		s->origin = calloc(1, sizeof(*s->origin));
		assert_non_null(s->origin);
		s->origin[0] = xstrdup(origin);
		s->nr_origin = 1;
	}
}

static struct bc_func *add_func(struct bc_facts *facts, const char *name, const char *section,
				bool entry, uint32_t frame)
{
	struct bc_func *f;

	facts->funcs = realloc(facts->funcs, (facts->nr_funcs + 1) * sizeof(*facts->funcs));
	assert_non_null(facts->funcs);
	f = &facts->funcs[facts->nr_funcs++];
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(name);
	f->section = section ? xstrdup(section) : NULL;
	f->is_entry = entry;
	f->frame_bytes = frame;
	return f;
}

static void set_chain(struct bc_func *f, uint32_t bytes, size_t n, ...)
{
	va_list ap;

	f->chain = calloc(n, sizeof(*f->chain));
	assert_non_null(f->chain);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		f->chain[i] = va_arg(ap, int);
	va_end(ap);
	f->nr_chain = n;
	f->chain_bytes = bytes;
}

/* Script unit: facts for three probes and five findings (one suppressed).
 * LEAD is prepended to the text (to move every line down for the
 * fingerprint test). */
static void build_script(struct bc_unit *u, const char *lead)
{
	struct bc_span sp, probe, str1, amap, dollar_s, lastline;
	struct bc_func *f;
	struct bc_diag *d;
	struct bc_fix *fix;
	char *text;
	int nl = 0;

	for (const char *p = lead; *p; p++)
		nl += *p == '\n';
	text = bc_strdup_printf("%s%s", lead, script_text);
	assert_non_null(text);
	assert_int_equal(bc_unit_load_mem(u, "scripts/probe.bt", text, strlen(text)), 0);
	free(text);
	assert_int_equal(u->kind, BC_KIND_SCRIPT);

	probe = span_of(u, "kprobe:do_sys_openat2", 0);
	str1 = span_of(u, "str(arg1)", 0);
	amap = span_of(u, "@a[comm, $s]", 0);
	dollar_s = span_of(u, "$s", 2);	/* the printf argument, after the tab */
	lastline = span_of(u, "}", 0);

	/* facts: the heavy probe, a probe near the limit, a small BEGIN */
	f = add_func(&u->facts, "kprobe:do_sys_openat2", "s_kprobe:do_sys_openat2_1", true, 520);
	set_chain(f, 528, 1, 0);
	f->has_attribution = true;
	f->unattributed_bytes = 96;
	f->src_span = probe;
	sp = span_of(u, "$s", 0);
	add_slot(f, "variable", "$s", 64, &sp, true, true, BC_PLACE_STACK, 0, "str() at 3:7");
	add_slot(f, "map-key", "@a", 80, &amap, true, true, BC_PLACE_STACK, 0, NULL);
	add_slot(f, "str", NULL, 64, &str1, true, true, BC_PLACE_STACK, 0, NULL);
	add_slot(f, "printf-args", NULL, 152, NULL, false, true, BC_PLACE_STACK, 0, NULL);
	add_slot(f, "tuple", NULL, 144, &amap, false, true, BC_PLACE_SCRATCH, 144 * 128, NULL);
	f = add_func(&u->facts, "kprobe:vfs_read", "s_kprobe:vfs_read_2", true, 440);
	set_chain(f, 448, 1, 1);
	f = add_func(&u->facts, "BEGIN", "s_BEGIN_1", true, 16);
	set_chain(f, 16, 1, 2);

	/* BC201 on the probe, with slot notes, a note without a span and an
	 * unsafe fix */
	d = bc_diag_add(&u->diags, BC_RULE_STACK_LIMIT_EXCEEDED, u->display_path, &probe,
			"program '%s' needs %u bytes of stack, more than the %d-byte limit",
			"kprobe:do_sys_openat2", 520, 512);
	assert_non_null(d);
	assert_int_equal(bc_diag_note(d, NULL, &amap, "80 bytes: map-key @a (size depends on the script)"), 0);
	sp = span_of(u, "$s", 0);
	assert_int_equal(bc_diag_note(d, NULL, &sp, "64 bytes: variable $s (size depends on the script)"), 0);
	assert_int_equal(bc_diag_note(d, NULL, NULL, "96 bytes not attributed to a construct (spills, backend temporaries)"), 0);
	fix = bc_diag_fix(d, BC_FIX_UNSAFE, "limit the string to 32 bytes");
	assert_non_null(fix);
	assert_int_equal(bc_fix_edit(fix, &str1, "str(arg1, 32)"), 0);

	/* BC204 after the non-ASCII text and the tab, with a safe insertion */
	d = bc_diag_add(&u->diags, BC_RULE_STACK_NEAR_LIMIT, u->display_path, &dollar_s,
			"program '%s' uses %u of %d bytes of stack (%u%%); little room is left",
			"kprobe:vfs_read", 440, 512, 85);
	assert_non_null(d);
	fix = bc_diag_fix(d, BC_FIX_SAFE, "print the variable once");
	assert_non_null(fix);
	sp = dollar_s;
	sp.end = sp.start;	/* an insertion */
	assert_int_equal(bc_fix_edit(fix, &sp, "/* once */ "), 0);

	/* BC202 over several lines (the caret goes to the end of the first) */
	sp = probe;
	sp.end = lastline.end;
	bc_unit_locate(u, &sp);
	assert_int_equal(sp.end_line, 7 + nl);
	d = bc_diag_add(&u->diags, BC_RULE_CALL_CHAIN_TOO_DEEP, u->display_path, &sp,
			"combined stack size of %u calls is %u bytes, more than the %d-byte limit", 2, 528, 512);
	assert_non_null(d);
	assert_int_equal(bc_diag_note(d, NULL, NULL, "chain: kprobe:do_sys_openat2 -> helper (256+272) (kernel 6.18, JIT)"), 0);

	/* two findings of one rule on one line: distinct fingerprints */
	sp = span_of(u, "count()", 0);
	d = bc_diag_add(&u->diags, BC_RULE_STACK_NEAR_LIMIT, u->display_path, &sp, "first finding on this line");
	assert_non_null(d);
	sp = span_of(u, "comm", 0);
	d = bc_diag_add(&u->diags, BC_RULE_STACK_NEAR_LIMIT, u->display_path, &sp, "second finding on this line");
	assert_non_null(d);

	/* suppressed: reported nowhere */
	d = bc_diag_add(&u->diags, BC_RULE_TAIL_CALL_FRAME, u->display_path, &probe, "suppressed finding");
	assert_non_null(d);
	d->suppressed = true;
}

/* Object unit: a chain over the limit whose line info points at a C file
 * on disk, and a finding without any location. */
static void build_object(struct bc_unit *u)
{
	static const unsigned char elf[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0 };
	struct bc_span sp;
	struct bc_func *f;
	struct bc_diag *d;

	assert_int_equal(bc_unit_load_mem(u, "build/probe.bpf.o", elf, sizeof(elf)), 0);
	assert_int_equal(u->kind, BC_KIND_OBJECT);
	f = add_func(&u->facts, "outer", "socket", true, 256);
	set_chain(f, 528, 2, 0, 1);
	f->src_path = xstrdup(C_SOURCE);
	f->src_span = line_span(12, 1, 0, 0);
	f->nr_issues = 1;
	f->issues = calloc(1, sizeof(*f->issues));
	assert_non_null(f->issues);
	f->issues[0].kind = BC_CHAIN_COMBINED_TOO_LARGE;
	f->issues[0].bytes = 528;
	f->issues[0].frames = 2;
	f = add_func(&u->facts, "inner", ".text", false, 264);
	f->src_path = xstrdup(C_SOURCE);
	f->src_span = line_span(4, 1, 0, 0);
	f = add_func(&u->facts, "noline", "tc", true, 24);

	sp = line_span(12, 5, 12, 9);
	d = bc_diag_add(&u->diags, BC_RULE_CALL_CHAIN_TOO_DEEP, C_SOURCE, &sp,
			"combined stack size of %u calls is %u bytes, more than the %d-byte limit", 2, 528, 512);
	assert_non_null(d);
	sp = line_span(17, 9, 17, 13);
	assert_int_equal(bc_diag_note(d, C_SOURCE, &sp, "calls 'inner' (264 bytes, 272 rounded)"), 0);
	d = bc_diag_add(&u->diags, BC_RULE_STACK_LIMIT_EXCEEDED, u->display_path, NULL,
			"program '%s' needs %u bytes of stack, more than the %d-byte limit", "noline", 600, 512);
	assert_non_null(d);
	assert_int_equal(bc_diag_note(d, NULL, NULL, "in section 'tc', instruction 7 reaches the deepest offset"), 0);
}

static void build_failed(struct bc_unit *u)
{
	static const char bad[] =
		"{ \"schema\": \"bpfcheck-manifest/1\", \"types\": [\n  { \"name\": 12 ]\n";
	struct bc_span sp = line_span(2, 17, 0, 0);

	assert_int_equal(bc_unit_load_mem(u, "manifests/bad.json", bad, strlen(bad)), 0);
	assert_int_equal(bc_unit_fail(u, -EINVAL, &sp, "malformed manifest: expected ',' or '}'"), -EINVAL);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *src = getenv("BC_SRCDIR");

	if (!fx)
		return -1;
	if (src && chdir(src))
		return -1;
	build_script(&fx->units[0], "");
	build_object(&fx->units[1]);
	build_failed(&fx->units[2]);
	for (int i = 0; i < 3; i++)
		fx->uv[i] = &fx->units[i];
	set_target(&fx->target);
	fx->run.units = fx->uv;
	fx->run.nr_units = 3;
	fx->run.target = &fx->target;
	fx->run.command = "check";
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	for (int i = 0; i < 3; i++)
		bc_unit_free(&fx->units[i]);
	free(fx);
	return 0;
}

/* The output of FORMAT for RUN, as a heap string. */
static char *render(const char *format, const struct bc_run *run)
{
	const struct bc_reporter *r = bc_reporter_find(format);
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	assert_non_null(r);
	m = open_memstream(&buf, &len);
	assert_non_null(m);
	assert_int_equal(r->report(m, run), 0);
	assert_int_equal(fclose(m), 0);
	return buf;
}

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &err);

	if (!j)
		fail_msg("not JSON: %s at line %d", err.text, err.line);
	return j;
}

static void check_golden(const char *name, const char *got)
{
	char path[256];

	snprintf(path, sizeof(path), GOLDEN_DIR "%s", name);
	assert_true(bc_test_golden(path, got));
}

static void golden(void **state, const char *format, bool color, const char *file)
{
	struct fixture *fx = *state;
	char *out;

	fx->run.opts.color = color;
	fx->run.opts.doc_dir = "/nonexistent";	/* the same output where the docs are installed */
	out = render(format, &fx->run);
	fx->run.opts.color = false;
	fx->run.opts.doc_dir = NULL;
	check_golden(file, out);
	free(out);
}

static void test_golden_text(void **state)
{
	golden(state, "text", false, "text.txt");
}

static void test_golden_text_color(void **state)
{
	golden(state, "text", true, "text-color.txt");
}

static void test_golden_gcc(void **state)
{
	golden(state, "gcc", false, "gcc.txt");
}

static void test_golden_concise(void **state)
{
	golden(state, "concise", false, "concise.txt");
}

static void test_golden_statistics(void **state)
{
	golden(state, "statistics", false, "statistics.txt");
}

static void test_golden_json(void **state)
{
	golden(state, "json", false, "report.json");
}

/* The SARIF golden leaves out what changes whenever a rule is added to the
 * registry (driver.rules[], each result's ruleIndex); test_sarif_structure
 * checks those against the registry itself. */
static void test_golden_sarif(void **state)
{
	struct fixture *fx = *state;
	char *out = render("sarif", &fx->run), *text;
	json_t *root = parse(out), *run, *results, *r;
	size_t i;

	run = json_array_get(json_object_get(root, "runs"), 0);
	assert_int_equal(json_object_del(json_object_get(json_object_get(run, "tool"), "driver"), "rules"), 0);
	results = json_object_get(run, "results");
	json_array_foreach(results, i, r)
		assert_int_equal(json_object_del(r, "ruleIndex"), 0);
	text = json_dumps(root, JSON_INDENT(2));
	assert_non_null(text);
	check_golden("report.sarif", text);
	free(text);
	json_decref(root);
	free(out);
}

static void test_golden_github(void **state)
{
	golden(state, "github", false, "github.txt");
}

static void test_golden_table(void **state)
{
	golden(state, "table", false, "table.txt");
}

static void test_golden_table_color(void **state)
{
	golden(state, "table", true, "table-color.txt");
}

static void test_registry(void **state)
{
	const char *names = bc_reporter_names();
	char *copy = xstrdup(names), *save = NULL;
	int n = 0;

	(void)state;
	assert_string_equal(names, "text, gcc, concise, json, sarif, github, gitlab, table, diff, "
				   "html, svg, statistics");
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save), n++) {
		assert_non_null(bc_reporter_find(t));
		assert_string_equal(bc_reporter_find(t)->name, t);
	}
	assert_int_equal(n, 12);
	/* only diff reports the fixes rather than the findings */
	assert_true(bc_reporter_find("diff")->shows_fixes);
	assert_false(bc_reporter_find("text")->shows_fixes);
	assert_null(bc_reporter_find("xml"));
	assert_null(bc_reporter_find(NULL));
	assert_null(bc_reporter_find("TEXT"));
	free(copy);
}

/* diff: one unified diff per unit the fixes change, nothing for the others
 * or when the run carries no fixed texts */
static void test_diff_report(void **state)
{
	static const char a[] = "BEGIN { @x = count(); }\nEND { clear(@x); }\n";
	static const char b[] = "BEGIN { @x = count(); }\nEND { }\n";
	struct bc_unit units[2], fixed, *uv[2] = { &units[0], &units[1] };
	struct bc_unit *fixedv[2] = { &fixed, NULL };
	struct bc_run run = { .units = uv, .nr_units = 2, .command = "check" };
	char *out;

	(void)state;
	memset(units, 0, sizeof(units));
	memset(&fixed, 0, sizeof(fixed));
	assert_int_equal(bc_unit_load_mem(&units[0], "./x.bt", a, strlen(a)), 0);
	assert_int_equal(bc_unit_load_mem(&units[1], "y.bt", a, strlen(a)), 0);
	assert_int_equal(bc_unit_load_mem(&fixed, "./x.bt", b, strlen(b)), 0);
	out = render("diff", &run);
	assert_string_equal(out, "");	/* no fixed texts: nothing to show */
	free(out);
	run.fixed = fixedv;
	out = render("diff", &run);
	assert_string_equal(out, "--- a/x.bt\n"
				 "+++ b/x.bt\n"
				 "@@ -1,2 +1,2 @@\n"
				 " BEGIN { @x = count(); }\n"
				 "-END { clear(@x); }\n"
				 "+END { }\n");
	free(out);
	if (!access("/dev/full", W_OK)) {
		FILE *f = fopen("/dev/full", "w");

		assert_non_null(f);
		setvbuf(f, NULL, _IONBF, 0);
		assert_int_equal(bc_reporter_find("diff")->report(f, &run), -EIO);
		fclose(f);
	}
	bc_unit_free(&units[0]);
	bc_unit_free(&units[1]);
	bc_unit_free(&fixed);
}

static void test_summary(void **state)
{
	struct fixture *fx = *state;
	struct bc_summary s;

	bc_run_summary(&fx->run, &s);
	assert_int_equal(s.files, 3);
	assert_int_equal(s.failed_files, 1);
	/* BC201 x2, BC202 x2 (BC203 is suppressed) */
	assert_int_equal(s.errors, 4);
	assert_int_equal(s.warnings, 3);
	assert_int_equal(s.notes, 0);
	/* a disabled rule's finding counts nowhere either */
	fx->units[0].diags.v[0].severity = BC_SEV_NONE;
	bc_run_summary(&fx->run, &s);
	assert_int_equal(s.errors, 3);
	fx->units[0].diags.v[0].severity = BC_SEV_NOTE;
	bc_run_summary(&fx->run, &s);
	assert_int_equal(s.notes, 1);
	fx->units[0].diags.v[0].severity = BC_SEV_ERROR;
}

/* The caret sits under the span even after a tab, a 2-byte character and
 * an invalid byte on the same line. */
static void test_text_caret_alignment(void **state)
{
	struct fixture *fx = *state;
	char *out = render("text", &fx->run), *src, *caret;
	const char *want_src = "    5 |   printf(\"\xc3\xa9?    %s\\n\",  $s);\n";

	src = strstr(out, want_src);
	assert_non_null(src);
	caret = strchr(src, '\n') + 1;
	assert_memory_equal(caret, "      | ", 8);
	/* "$s" (byte column 22) starts at display column 24: caret under it */
	assert_memory_equal(caret + 8, "                        ^~\n", 27);
	/* the multi-line span underlines to the end of its first line */
	assert_non_null(strstr(out, "    2 | kprobe:do_sys_openat2 {\n      | ^~~~~~~~~~~~~~~~~~~~~~~\n"));
	/* the failed input, with its position */
	assert_non_null(strstr(out, "manifests/bad.json:2:17: error: malformed manifest: expected ',' or '}'\n"));
	/* an excerpt read from disk for the object's C source */
	assert_non_null(strstr(out, "   12 | int outer(void *ctx)\n      |     ^~~~~\n"));
	/* no location: path only */
	assert_non_null(strstr(out, "build/probe.bpf.o: error: program 'noline' needs 600 bytes"));
	assert_non_null(strstr(out, "  fix available: limit the string to 32 bytes (unsafe fix: use --unsafe-fixes)\n"));
	assert_non_null(strstr(out, "  fix available: print the variable once\n"));
	assert_null(strstr(out, "suppressed finding"));
	assert_non_null(strstr(out, "4 errors, 3 warnings, 0 notes in 2 files; 1 file could not be checked\n"));
	free(out);
}

/* A long line is cut around the span, with the caret under it; notes past
 * the cap are counted, not printed. */
static void test_text_long_line_and_notes(void **state)
{
	struct bc_unit u;
	struct bc_unit *uv[1] = { &u };
	struct bc_run run = { .units = uv, .nr_units = 1 };
	struct bc_excerpt x;
	struct bc_span sp;
	struct bc_diag *d;
	char *src, *out, *line, *caret;
	size_t n = 800000;

	(void)state;
	src = malloc(n + 32);
	assert_non_null(src);
	memset(src, ' ', n);
	memcpy(src, "BEGIN {", 7);
	memcpy(src + 400000, "$target = 1;", 12);
	strcpy(src + n, "}\n");
	assert_int_equal(bc_unit_load_mem(&u, "long.bt", src, strlen(src)), 0);
	sp = span_of(&u, "$target", 0);
	d = bc_diag_add(&u.diags, BC_RULE_STACK_NEAR_LIMIT, u.display_path, &sp, "m");
	assert_non_null(d);
	for (int i = 0; i < 25; i++)
		assert_int_equal(bc_diag_note(d, NULL, &sp, "note %d", i), 0);
	out = render("text", &run);
	assert_true(strlen(out) < 20000);	/* not 12 copies of 800 KB */
	line = strstr(out, "    1 | ...");
	assert_non_null(line);
	caret = strchr(line, '\n') + 1;
	assert_true(strchr(line, '\n') - line < BC_EXCERPT_MAX_BYTES + 20);
	/* the caret sits under "$target" in the cut line */
	assert_int_equal(strchr(caret, '^') - caret, strstr(line, "$target") - line);
	assert_memory_equal(strchr(caret, '^'), "^~~~~~~\n", 8);
	assert_non_null(strstr(out, "note 9\n"));
	assert_null(strstr(out, "note 10\n"));
	assert_non_null(strstr(out, "... and 15 more notes"));
	free(out);
	bc_unit_free(&u);
	free(src);

	/* windows: whole short lines, cuts at character boundaries */
	bc_excerpt_window("short", 5, 1, 2, 0, &x);
	assert_true(x.from == 0 && x.to == 5 && !x.cut_left && !x.cut_right);
	bc_excerpt_window("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8, 5, 6, 3, &x);
	assert_true(x.from % 2 == 0 && x.to % 2 == 0 && x.from <= 5 && x.to >= 6);
	bc_excerpt_window("abcdefghij", 10, 0, 10, 4, &x);	/* wide span: from its start */
	assert_true(x.from == 0 && x.to == 4 && x.cut_right);
}

/* Control bytes from the input never reach the terminal; colour only
 * when asked. */
/* Wide characters take two columns, combining marks none. */
static void test_text_wide_characters(void **state)
{
	static const char src[] = "BEGIN { printf(\"\xe6\x97\xa5\xe6\x9c\xac e\xcc\x81\"); $x = 1; }\n";
	struct bc_unit u;
	struct bc_unit *uv[1] = { &u };
	struct bc_run run = { .units = uv, .nr_units = 1 };
	struct bc_span sp;
	char *out;

	(void)state;
	assert_int_equal(bc_unit_load_mem(&u, "w.bt", src, strlen(src)), 0);
	sp = span_of(&u, "$x", 0);
	assert_non_null(bc_diag_add(&u.diags, BC_RULE_STACK_NEAR_LIMIT, u.display_path, &sp, "m"));
	sp = span_of(&u, "e\xcc\x81", 0);
	assert_non_null(bc_diag_add(&u.diags, BC_RULE_STACK_NEAR_LIMIT, u.display_path, &sp, "n"));
	out = render("text", &run);
	/* 'BEGIN { printf("' is 16 columns, the two CJK characters 4, a space
	 * 1, e + U+0301 1, '"); ' 4: $x at (1-based) display column 27 */
	assert_non_null(strstr(out, "      | " "                          ^~\n"));
	/* "e" with its combining accent is one column wide */
	assert_non_null(strstr(out, "      | " "                     ^\n"));
	assert_int_equal(bc_display_width("\xe6\x97\xa5" "e\xcc\x81"), 3);
	free(out);
	bc_unit_free(&u);
}

static void test_text_terminal_safety(void **state)
{
	struct fixture *fx = *state;
	struct bc_span sp = span_of(&fx->units[0], "red", 0);
	struct bc_diag *d;
	char *out;

	d = bc_diag_add(&fx->units[0].diags, BC_RULE_STACK_NEAR_LIMIT, fx->units[0].display_path, &sp,
			"message with \x1b]0;title\x07 in it");
	assert_non_null(d);
	out = render("text", &fx->run);
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\x07'));
	assert_non_null(strstr(out, "message with ?]0;title? in it"));
	assert_non_null(strstr(out, "  // ?[31mred?[0m\n"));
	free(out);
	out = render("gcc", &fx->run);
	assert_null(strchr(out, '\x1b'));
	free(out);
	fx->run.opts.color = true;
	fx->run.opts.doc_dir = "/nonexistent";	/* no rule pages: no links */
	out = render("text", &fx->run);
	fx->run.opts.color = false;
	fx->run.opts.doc_dir = NULL;
	assert_non_null(strstr(out, "\x1b[1;31merror:\x1b[0m"));
	assert_non_null(strstr(out, "\x1b[1;35mwarning:\x1b[0m"));
	assert_non_null(strstr(out, "\x1b[1;36mnote:\x1b[0m"));
	assert_non_null(strstr(out, "\x1b[1;32m^"));
	/* the only escapes are ours: every ESC starts an SGR sequence */
	for (char *p = strchr(out, '\x1b'); p; p = strchr(p + 1, '\x1b'))
		assert_true(p[1] == '[' && strspn(p + 2, "0123456789;") > 0 &&
			    p[2 + strspn(p + 2, "0123456789;")] == 'm');
	free(out);
}


/* With colour on, [CODE] links to the installed rule page (OSC 8) when the
 * page exists, and one line names `bpfcheck explain`; plain output has
 * neither. */
static void test_text_rule_links(void **state)
{
	struct fixture *fx = *state;
	char dir[] = "/tmp/bc-docs-XXXXXX", path[512], want[1024], *out;
	const char *code = NULL;
	FILE *f;

	for (size_t i = 0; i < fx->units[0].diags.n && !code; i++)
		if (bc_diag_reported(&fx->units[0].diags.v[i]))
			code = bc_rule_get(fx->units[0].diags.v[i].rule_id)->code;
	assert_non_null(code);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rules", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	fx->run.opts.doc_dir = dir;

	/* plain: as before */
	out = render("text", &fx->run);
	assert_null(strchr(out, '\x1b'));
	assert_null(strstr(out, "bpfcheck explain"));
	free(out);

	/* colour, no page installed: the hint, no link */
	fx->run.opts.color = true;
	out = render("text", &fx->run);
	assert_null(strstr(out, "\x1b]8;;"));
	snprintf(want, sizeof(want), "run 'bpfcheck explain %s' for", code);
	assert_non_null(strstr(out, want));
	assert_null(strstr(strstr(out, "bpfcheck explain") + 1, "bpfcheck explain"));
	free(out);

	/* colour and the page: [CODE] is a hyperlink to it */
	snprintf(path, sizeof(path), "%s/rules/%s.md", dir, code);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# page\n", f);
	fclose(f);
	out = render("text", &fx->run);
	snprintf(want, sizeof(want), " [\x1b]8;;file://%s/rules/%s.md\x1b\\%s\x1b]8;;\x1b\\]", dir,
		 code, code);
	assert_non_null(strstr(out, want));
	free(out);

	/* --quiet: no hint */
	fx->run.opts.quiet = true;
	out = render("text", &fx->run);
	assert_null(strstr(out, "bpfcheck explain"));
	free(out);
	fx->run.opts.quiet = false;
	fx->run.opts.color = false;
	fx->run.opts.doc_dir = NULL;
	unlink(path);
	snprintf(path, sizeof(path), "%s/rules", dir);
	rmdir(path);
	rmdir(dir);
}

static void test_json_structure(void **state)
{
	struct fixture *fx = *state;
	char *out = render("json", &fx->run);
	json_t *root = parse(out), *files, *diags, *f, *p, *d, *sum, *slot;
	const char *keys[] = { "schema", "tool", "target", "files", "diagnostics", "summary",
			       "baseline" };
	void *it = json_object_iter(root);
	size_t i;

	assert_true(strlen(out) > 2 && out[strlen(out) - 1] == '\n' && out[strlen(out) - 2] == '}');
	assert_non_null(strstr(out, "\n  \"tool\": {\n    \"name\": \"bpfcheck\""));
	for (i = 0; i < 7; i++, it = json_object_iter_next(root, it))
		assert_string_equal(json_object_iter_key(it), keys[i]);
	assert_null(it);
	assert_string_equal(json_string_value(json_object_get(root, "schema")), "bpfcheck-report/1");
	assert_string_equal(json_string_value(json_object_get(json_object_get(root, "tool"), "version")),
			    BC_VERSION);
	assert_string_equal(json_string_value(json_object_get(json_object_get(root, "target"), "kernel")),
			    "6.18");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "target"), "stack_limit")),
			 512);
	assert_true(json_is_true(json_object_get(json_object_get(root, "target"), "jit")));

	files = json_object_get(root, "files");
	assert_int_equal(json_array_size(files), 3);
	f = json_array_get(files, 0);
	assert_string_equal(json_string_value(json_object_get(f, "kind")), "script");
	assert_string_equal(json_string_value(json_object_get(f, "status")), "ok");
	assert_null(json_object_get(f, "error"));
	assert_int_equal(json_array_size(json_object_get(f, "programs")), 3);
	p = json_array_get(json_object_get(f, "programs"), 0);
	assert_string_equal(json_string_value(json_object_get(p, "name")), "kprobe:do_sys_openat2");
	p = json_object_get(p, "stack");
	assert_int_equal(json_integer_value(json_object_get(p, "bytes")), 520);
	assert_int_equal(json_integer_value(json_object_get(p, "chain_bytes")), 528);
	assert_int_equal(json_integer_value(json_object_get(p, "unattributed_bytes")), 96);
	assert_int_equal(json_array_size(json_object_get(p, "slots")), 5);
	slot = json_array_get(json_object_get(p, "slots"), 0);
	assert_string_equal(json_string_value(json_object_get(slot, "placement")), "stack");
	assert_string_equal(json_string_value(json_array_get(json_object_get(slot, "origin"), 0)),
			    "str() at 3:7");
	slot = json_array_get(json_object_get(p, "slots"), 4);
	assert_string_equal(json_string_value(json_object_get(slot, "placement")), "scratch");
	assert_int_equal(json_integer_value(json_object_get(slot, "scratch_bytes")), 144 * 128);
	assert_true(json_is_null(json_object_get(slot, "name")));

	/* the object: entries under programs, the subprogram apart; chain
	 * names with their rounded frames */
	f = json_array_get(files, 1);
	assert_string_equal(json_string_value(json_object_get(f, "kind")), "bpf-object");
	assert_int_equal(json_array_size(json_object_get(f, "programs")), 2);
	assert_int_equal(json_array_size(json_object_get(f, "subprograms")), 1);
	p = json_object_get(json_array_get(json_object_get(f, "programs"), 0), "stack");
	assert_string_equal(json_string_value(json_array_get(json_object_get(p, "chain"), 1)), "inner");
	assert_int_equal(json_integer_value(json_array_get(json_object_get(p, "chain_frames"), 1)), 272);
	assert_true(json_is_null(json_object_get(p, "unattributed_bytes")));

	f = json_array_get(files, 2);
	assert_string_equal(json_string_value(json_object_get(f, "status")), "error");
	assert_string_equal(json_string_value(json_object_get(f, "error")),
			    "malformed manifest: expected ',' or '}'");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(f, "error_span"), "column")), 17);

	diags = json_object_get(root, "diagnostics");
	assert_int_equal(json_array_size(diags), 7);
	json_array_foreach(diags, i, d) {
		const char *keys_d[] = { "rule", "name", "severity", "message", "path", "span",
					 "fingerprint", "notes", "fix" };
		const struct bc_rule *r = bc_rule_find(json_string_value(json_object_get(d, "rule")));

		it = json_object_iter(d);
		for (size_t k = 0; k < 9; k++, it = json_object_iter_next(d, it))
			assert_string_equal(json_object_iter_key(it), keys_d[k]);
		assert_non_null(r);
		assert_string_equal(json_string_value(json_object_get(d, "name")), r->name);
		assert_string_not_equal(json_string_value(json_object_get(d, "message")), "suppressed finding");
	}
	/* one fingerprint mechanism: SARIF's is the JSON one plus ":occurrence" */
	{
		char *sarif = render("sarif", &fx->run);
		json_t *sroot = parse(sarif), *results, *r;

		results = json_object_get(json_array_get(json_object_get(sroot, "runs"), 0), "results");
		json_array_foreach(results, i, r) {
			const char *fp = json_string_value(json_object_get(json_array_get(diags, i),
									   "fingerprint"));
			const char *sfp = json_string_value(json_object_get(
				json_object_get(r, "partialFingerprints"), "bpfcheck/v1"));

			assert_non_null(fp);
			assert_non_null(sfp);
			assert_int_equal(strlen(fp), 16);
			assert_memory_equal(sfp, fp, 16);
		}
		json_decref(sroot);
		free(sarif);
	}
	d = json_array_get(diags, 0);
	assert_string_equal(json_string_value(json_object_get(d, "rule")), "BC201");
	assert_string_equal(json_string_value(json_object_get(d, "severity")), "error");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "span"), "end_column")), 21);
	assert_int_equal(json_array_size(json_object_get(d, "notes")), 3);
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(d, "notes"), 2), "span")));
	d = json_object_get(d, "fix");
	assert_string_equal(json_string_value(json_object_get(d, "applicability")), "unsafe");
	d = json_array_get(json_object_get(d, "edits"), 0);
	assert_string_equal(json_string_value(json_object_get(d, "replacement")), "str(arg1, 32)");
	assert_int_equal(json_integer_value(json_object_get(d, "end")) -
				 json_integer_value(json_object_get(d, "start")),
			 strlen("str(arg1)"));
	/* the invalid byte of the script survives as U+FFFD, nowhere raw */
	assert_null(strstr(out, "\xff"));

	sum = json_object_get(root, "summary");
	assert_int_equal(json_integer_value(json_object_get(sum, "files")), 3);
	assert_int_equal(json_integer_value(json_object_get(sum, "errors")), 4);
	assert_int_equal(json_integer_value(json_object_get(sum, "warnings")), 3);
	assert_int_equal(json_integer_value(json_object_get(sum, "notes")), 0);
	assert_int_equal(json_integer_value(json_object_get(sum, "failed_files")), 1);
	json_decref(root);
	free(out);
}

/* Every region anywhere in the log has startLine >= 1 (or is a byte
 * region); counts them. */
static size_t check_regions(json_t *j)
{
	size_t n = 0, i;
	const char *k;
	json_t *v;

	if (json_is_object(j)) {
		json_object_foreach(j, k, v) {
			if (!strcmp(k, "region") || !strcmp(k, "deletedRegion")) {
				json_t *sl = json_object_get(v, "startLine");

				if (sl)
					assert_true(json_integer_value(sl) >= 1);
				else
					assert_non_null(json_object_get(v, "byteOffset"));
				if (json_object_get(v, "endColumn"))
					assert_true(json_integer_value(json_object_get(v, "endColumn")) >= 1);
				n++;
			}
			n += check_regions(v);
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			n += check_regions(v);
	}
	return n;
}

static const char *jstr(json_t *o, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = json_object_get(o, key);
		path = dot + 1;
	}
	o = json_object_get(o, path);
	if (!json_is_string(o))
		fail_msg("missing string %s", path);
	return json_string_value(o);
}

static bool fingerprint_format_ok(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n == 16 && s[16] == ':' && s[17] >= '1' && s[17] <= '9' &&
	       strspn(s + 17, "0123456789") == strlen(s + 17);
}

static void test_sarif_structure(void **state)
{
	struct fixture *fx = *state;
	char *out = render("sarif", &fx->run);
	json_t *root = parse(out), *run, *rules, *results, *r, *inv;
	size_t i, j;

	assert_string_equal(jstr(root, "version"), "2.1.0");
	assert_string_equal(jstr(root, "$schema"), "https://json.schemastore.org/sarif-2.1.0.json");
	assert_int_equal(json_array_size(json_object_get(root, "runs")), 1);
	run = json_array_get(json_object_get(root, "runs"), 0);
	assert_string_equal(jstr(run, "tool.driver.name"), "bpfcheck");
	assert_string_equal(jstr(run, "tool.driver.version"), BC_VERSION);
	/* URIs only when the build names the project's home (PROJECT_URL) */
	if (*BC_PROJECT_URL)
		assert_true(!strncmp(jstr(run, "tool.driver.informationUri"), "https://", 8));
	else
		assert_null(json_object_get(json_object_get(json_object_get(run, "tool"), "driver"),
					    "informationUri"));

	rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	assert_int_equal(json_array_size(rules), bc_rules_count());
	json_array_foreach(rules, i, r) {
		const struct bc_rule *rule = bc_rules[i];

		assert_string_equal(jstr(r, "id"), rule->code);
		assert_string_equal(jstr(r, "name"), rule->name);
		assert_string_equal(jstr(r, "shortDescription.text"), rule->summary);
		assert_true(strlen(jstr(r, "fullDescription.text")) > 0);
		assert_true(strlen(jstr(r, "help.text")) > 0);
		assert_true(strlen(jstr(r, "help.markdown")) > 0);
		/* the rule page: the project's, else the installed one */
		assert_non_null(strstr(jstr(r, "helpUri"), rule->code));
		if (!*BC_PROJECT_URL)
			assert_true(!strncmp(jstr(r, "helpUri"), "file:///", 8));
		assert_string_equal(jstr(r, "defaultConfiguration.level"), bc_severity_name(bc_rule_severity(rule)));
		if (bc_rule_docs_embedded())
			assert_true(!strncmp(jstr(r, "help.markdown"), "# ", 2));
	}

	results = json_object_get(run, "results");
	assert_int_equal(json_array_size(results), 7);
	json_array_foreach(results, i, r) {
		json_t *loc = json_array_get(json_object_get(r, "locations"), 0), *region;
		const char *uri = jstr(loc, "physicalLocation.artifactLocation.uri");
		int idx = json_integer_value(json_object_get(r, "ruleIndex"));
		const char *level = jstr(r, "level");

		assert_true(idx >= 0 && (size_t)idx < bc_rules_count());
		assert_string_equal(jstr(r, "ruleId"), bc_rules[idx]->code);
		assert_true(!strcmp(level, "error") || !strcmp(level, "warning") || !strcmp(level, "note"));
		assert_true(strlen(jstr(r, "message.text")) > 0);
		assert_true(uri[0] && strncmp(uri, "./", 2) && !strchr(uri, '\\') && uri[0] != '/');
		region = json_object_get(json_object_get(loc, "physicalLocation"), "region");
		assert_true(json_integer_value(json_object_get(region, "startLine")) >= 1);
		assert_true(fingerprint_format_ok(jstr(r, "partialFingerprints.bpfcheck/v1")));
		for (j = 0; j < i; j++)
			assert_string_not_equal(
				jstr(r, "partialFingerprints.bpfcheck/v1"),
				jstr(json_array_get(results, j), "partialFingerprints.bpfcheck/v1"));
	}
	assert_true(check_regions(root) >= 10);

	/* BC201: three notes, two with spans -> two related locations; the
	 * span-less notes are in the message */
	r = json_array_get(results, 0);
	assert_int_equal(json_array_size(json_object_get(r, "relatedLocations")), 2);
	assert_non_null(strstr(jstr(r, "message.text"), "\nnote: 96 bytes not attributed"));
	/* its unsafe fix: str(arg1) on line 3, columns 7..16 (end exclusive) */
	{
		json_t *rep = json_array_get(json_object_get(json_array_get(json_object_get(
			json_array_get(json_object_get(r, "fixes"), 0), "artifactChanges"), 0),
			"replacements"), 0);
		json_t *dr = json_object_get(rep, "deletedRegion");

		assert_int_equal(json_integer_value(json_object_get(dr, "startLine")), 3);
		assert_int_equal(json_integer_value(json_object_get(dr, "startColumn")), 7);
		assert_int_equal(json_integer_value(json_object_get(dr, "endLine")), 3);
		assert_int_equal(json_integer_value(json_object_get(dr, "endColumn")), 16);
		assert_string_equal(jstr(rep, "insertedContent.text"), "str(arg1, 32)");
	}
	/* BC204 after "é" (2 bytes, 1 UTF-16 unit) and an invalid byte: the
	 * byte column 22 is UTF-16 column 21; its insertion is an empty range */
	r = json_array_get(results, 1);
	assert_string_equal(jstr(r, "ruleId"), "BC204");
	{
		json_t *reg = json_object_get(json_object_get(json_array_get(json_object_get(r, "locations"), 0),
							      "physicalLocation"), "region");
		json_t *rep = json_array_get(json_object_get(json_array_get(json_object_get(
			json_array_get(json_object_get(r, "fixes"), 0), "artifactChanges"), 0),
			"replacements"), 0);
		json_t *dr = json_object_get(rep, "deletedRegion");

		assert_int_equal(json_integer_value(json_object_get(reg, "startLine")), 5);
		assert_int_equal(fx->units[0].diags.v[1].span.col, 22);
		assert_int_equal(json_integer_value(json_object_get(reg, "startColumn")), 21);
		assert_int_equal(json_integer_value(json_object_get(reg, "endColumn")), 23);
		assert_int_equal(json_integer_value(json_object_get(dr, "startColumn")),
				 json_integer_value(json_object_get(dr, "endColumn")));
	}
	/* no location at all still has startLine 1 */
	r = json_array_get(results, 6);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(
		json_array_get(json_object_get(r, "locations"), 0), "physicalLocation"), "region"),
		"startLine")), 1);

	inv = json_array_get(json_object_get(run, "invocations"), 0);
	assert_true(json_is_false(json_object_get(inv, "executionSuccessful")));
	assert_int_equal(json_array_size(json_object_get(inv, "toolExecutionNotifications")), 1);
	r = json_array_get(json_object_get(inv, "toolExecutionNotifications"), 0);
	assert_string_equal(jstr(r, "level"), "error");
	assert_string_equal(jstr(json_array_get(json_object_get(r, "locations"), 0),
				 "physicalLocation.artifactLocation.uri"), "manifests/bad.json");
	json_decref(root);
	free(out);
}

/* The hash list of a SARIF log's results, in order. */
static json_t *fingerprints(const struct bc_run *run)
{
	char *out = render("sarif", run);
	json_t *root = parse(out), *results, *r, *list = json_array();
	size_t i;

	results = json_object_get(json_array_get(json_object_get(root, "runs"), 0), "results");
	json_array_foreach(results, i, r)
		json_array_append(list, json_object_get(json_object_get(r, "partialFingerprints"),
							"bpfcheck/v1"));
	json_decref(root);
	free(out);
	return list;
}

/* Same input, same fingerprints; moving every line down (a comment added
 * at the top) keeps them too, while the lines themselves change. */
static void test_sarif_fingerprints_stable(void **state)
{
	struct fixture *fx = *state;
	json_t *a = fingerprints(&fx->run), *b = fingerprints(&fx->run), *c;
	struct bc_unit moved;
	struct bc_unit *saved = fx->uv[0];

	assert_true(json_equal(a, b));
	build_script(&moved, "// added on top\n\n");
	assert_int_equal(moved.diags.v[0].span.line, fx->units[0].diags.v[0].span.line + 2);
	fx->uv[0] = &moved;
	c = fingerprints(&fx->run);
	fx->uv[0] = saved;
	assert_true(json_equal(a, c));
	bc_unit_free(&moved);
	json_decref(a);
	json_decref(b);
	json_decref(c);

	/* whitespace does not matter; the rule and the text do */
	assert_true(bc_fingerprint_hash("BC201", "  a = 1;", 8, 0) ==
		    bc_fingerprint_hash("BC201", "a=1;\t", 5, 0));
	assert_true(bc_fingerprint_hash("BC201", "a = 1;", 6, 0) !=
		    bc_fingerprint_hash("BC202", "a = 1;", 6, 0));
	assert_true(bc_fingerprint_hash("BC201", "a = 1;", 6, 0) !=
		    bc_fingerprint_hash("BC201", "a = 2;", 6, 0));
	/* without a line, byte counts in the message do not matter */
	assert_true(bc_fingerprint_hash("BC201", "needs 520 bytes", 15, 1) ==
		    bc_fingerprint_hash("BC201", "needs 600 bytes", 15, 1));
}

/* URIs are relative where they can be, without "./", percent-encoded. */
static void test_sarif_uris(void **state)
{
	char cwd[4096], *abs_path, *out;
	const char *paths[3] = { "./dir/a b%.bt", NULL, "/nonexistent/x,y.bt" };
	const char *want[3] = { "dir/a%20b%25.bt", "sub/abs.bt", "file:///nonexistent/x%2Cy.bt" };
	struct bc_unit units[3];
	struct bc_unit *uv[3] = { &units[0], &units[1], &units[2] };
	struct bc_run run = { .units = uv, .nr_units = 3 };
	json_t *root, *results;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	abs_path = bc_strdup_printf("%s/sub/abs.bt", cwd);
	assert_non_null(abs_path);
	paths[1] = abs_path;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(bc_unit_load_mem(&units[i], paths[i], "BEGIN { }\n", 10), 0);
		assert_non_null(bc_diag_add(&units[i].diags, BC_RULE_STACK_NEAR_LIMIT, units[i].display_path, NULL, "m"));
	}
	out = render("sarif", &run);
	root = parse(out);
	results = json_object_get(json_array_get(json_object_get(root, "runs"), 0), "results");
	for (int i = 0; i < 3; i++)
		assert_string_equal(jstr(json_array_get(json_object_get(json_array_get(results, i), "locations"), 0),
					 "physicalLocation.artifactLocation.uri"),
				    want[i]);
	json_decref(root);
	free(out);
	/* GitHub annotations take the same relative paths (escaped their way) */
	out = render("github", &run);
	assert_non_null(strstr(out, "::warning file=dir/a b%25.bt,"));
	assert_non_null(strstr(out, "::warning file=sub/abs.bt,"));
	assert_non_null(strstr(out, "::warning file=/nonexistent/x%2Cy.bt,"));
	free(out);
	free(abs_path);
	for (int i = 0; i < 3; i++)
		bc_unit_free(&units[i]);
}

static void test_github_escaping(void **state)
{
	struct bc_unit u;
	struct bc_unit *uv[1] = { &u };
	struct bc_run run = { .units = uv, .nr_units = 1 };
	struct bc_span sp = line_span(2, 3, 2, 7);
	struct bc_diag *d;
	char *out;

	(void)state;
	assert_int_equal(bc_unit_load_mem(&u, "dir,1/a:b%.bt", "x\ny\n", 4), 0);
	d = bc_diag_add(&u.diags, BC_RULE_STACK_NEAR_LIMIT, u.display_path, &sp, "50%% used: a,b\r\nnext");
	assert_non_null(d);
	assert_int_equal(bc_diag_note(d, NULL, NULL, "chain: a -> b"), 0);
	sp = line_span(1, 1, 2, 1);
	assert_non_null(bc_diag_add(&u.diags, BC_RULE_STACK_LIMIT_EXCEEDED, u.display_path, &sp, "two lines"));
	out = render("github", &run);
	assert_string_equal(out,
			    "::warning file=dir%2C1/a%3Ab%25.bt,line=2,col=3,endLine=2,endColumn=7,"
			    "title=BC204 stack-near-limit::50%25 used: a,b%0D%0Anext%0Anote: chain: a -> b\n"
			    "::error file=dir%2C1/a%3Ab%25.bt,line=1,endLine=2,"
			    "title=BC201 stack-limit-exceeded::two lines\n");
	free(out);
	bc_unit_free(&u);

	/* control bytes of a path or message never reach the runner's log
	 * (found by fuzz_reporters: an OSC sequence in a file name) */
	assert_int_equal(bc_unit_load_mem(&u, "\x1b]0;t\x07,x.bt", "x\n", 2), 0);
	sp = line_span(1, 1, 1, 1);
	assert_non_null(bc_diag_add(&u.diags, BC_RULE_STACK_NEAR_LIMIT, u.display_path, &sp,
				    "m \x1b[31mred\x1b[0m \xe2\x80\xae%%"));
	out = render("github", &run);
	assert_string_equal(out, "::warning file=?]0;t?%2Cx.bt,line=1,col=1,endLine=1,endColumn=1,"
				 "title=BC204 stack-near-limit::m ?[31mred?[0m ?%25\n");
	free(out);
	bc_unit_free(&u);
}

/* A clean run says so; an empty run is still valid JSON and SARIF. */
static void test_clean_and_empty_runs(void **state)
{
	struct bc_unit u;
	struct bc_unit *uv[1] = { &u };
	struct bc_run run = { .units = uv, .nr_units = 1 };
	struct bc_run empty = { 0 };
	char *out;
	json_t *j;

	(void)state;
	assert_int_equal(bc_unit_load_mem(&u, "ok.bt", "BEGIN { }\n", 10), 0);
	out = render("text", &run);
	assert_string_equal(out, "no issues found in 1 file\n");
	free(out);
	out = render("gcc", &run);
	assert_string_equal(out, "");
	free(out);
	out = render("text", &empty);
	assert_string_equal(out, "no issues found in 0 files\n");
	free(out);
	out = render("table", &run);
	assert_non_null(strstr(out, "ok.bt (script)\n  no programs\n"));
	free(out);
	out = render("json", &empty);
	j = parse(out);
	assert_true(json_is_null(json_object_get(j, "target")));
	assert_int_equal(json_array_size(json_object_get(j, "files")), 0);
	json_decref(j);
	free(out);
	out = render("sarif", &empty);
	j = parse(out);
	assert_true(json_is_true(json_object_get(json_array_get(json_object_get(
		json_array_get(json_object_get(j, "runs"), 0), "invocations"), 0), "executionSuccessful")));
	json_decref(j);
	free(out);
	bc_unit_free(&u);
}

/* A failed write is reported as -EIO by every format. */
static void test_write_error(void **state)
{
	struct fixture *fx = *state;
	const char *names[] = { "text", "gcc", "json", "sarif", "github", "table" };

	if (access("/dev/full", W_OK))
		skip();
	for (size_t i = 0; i < 6; i++) {
		FILE *f = fopen("/dev/full", "w");

		assert_non_null(f);
		setvbuf(f, NULL, _IONBF, 0);
		assert_int_equal(bc_reporter_find(names[i])->report(f, &fx->run), -EIO);
		fclose(f);
	}
}

static void test_table_content(void **state)
{
	struct fixture *fx = *state;
	char *out = render("table", &fx->run), *p, *q;

	assert_non_null(strstr(out, "target: kernel 6.18 (JIT), bpftrace 0.17.0, stack limit 512 bytes\n"));
	/* verdicts */
	p = strstr(out, "kprobe:do_sys_openat2  s_kprobe:do_sys_openat2_1");
	assert_non_null(p);
	assert_non_null(strstr(p, "OVER"));
	assert_non_null(strstr(out, "near     kprobe:vfs_read (448)"));
	assert_non_null(strstr(out, "ok       BEGIN (16)"));
	assert_non_null(strstr(out, "outer (256) -> inner (272)"));
	/* live slots, largest first; the one not live is counted apart */
	p = strstr(out, "  80  map-key");
	q = strstr(out, "  64  str");
	assert_non_null(p);
	assert_non_null(q);
	assert_true(p < q);
	assert_non_null(strstr(out, "    unattributed 96 bytes\n"));
	assert_non_null(strstr(out, "    1 more slot (152 bytes) not live at the peak\n"));
	assert_non_null(strstr(out, "    placed in scratch storage (0 stack bytes):\n"));
	assert_non_null(strstr(out, "manifests/bad.json:2:17: error: malformed manifest"));
	assert_non_null(strstr(out, "5 programs in 2 files: 2 over the limit, 1 near it; 1 file could not be checked\n"));
	/* no trailing blanks anywhere */
	assert_null(strstr(out, " \n"));
	assert_null(strstr(out, "private"));
	free(out);

	/* a frame the chain model left out of chain_bytes is on a private stack */
	{
		struct bc_func *f = &fx->units[1].facts.funcs[2];

		f->frame_bytes = 200;
		set_chain(f, 0, 1, 2);
	}
	out = render("table", &fx->run);
	assert_non_null(strstr(out, "noline (208, private)\n"));
	assert_non_null(strstr(out, "\n(private: the frame runs on a per-CPU private stack"));
	free(out);
}

static void test_utf8(void **state)
{
	uint32_t cp;
	char *s;

	(void)state;
	assert_int_equal(bc_utf8_decode((const unsigned char *)"\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(bc_utf8_decode((const unsigned char *)"\xc0\xaf", 2, &cp), 0);	/* overlong */
	assert_int_equal(bc_utf8_decode((const unsigned char *)"\xed\xa0\x80", 3, &cp), 0);	/* surrogate */
	assert_int_equal(bc_utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);
	assert_int_equal(bc_utf8_decode((const unsigned char *)"\xe2\x82", 2, &cp), 0);	/* truncated */
	assert_true(bc_codepoint_unsafe(0x202e));	/* right-to-left override */
	assert_true(bc_codepoint_unsafe(0x9b));		/* C1 CSI */
	assert_false(bc_codepoint_unsafe(0xe9));
	s = bc_utf8_clean("a\xff" "b", 3);
	assert_string_equal(s, "a\xef\xbf\xbd" "b");
	free(s);
	/* U+1F600 is 4 bytes and 2 UTF-16 units */
	assert_int_equal(bc_utf16_column("\xf0\x9f\x98\x80x", 5, 5), 3);
	assert_int_equal(bc_utf16_column("ab", 2, 5), 5);
	assert_int_equal(bc_display_width("\xc3\xa9t\xff"), 3);
}

static void test_rule_docs(void **state)
{
	char *sum;

	(void)state;
	if (!bc_rule_docs_embedded())
		fail_msg("rule pages are not embedded: the build must run tools/embed-docs.sh "
			 "into $(BUILD)/gen/rule_docs.c and add -I$(BUILD)");
	for (size_t i = 0; bc_rules[i]; i++) {
		const char *md = bc_rule_doc(bc_rules[i]->code);
		char title[64];

		assert_non_null(md);
		snprintf(title, sizeof(title), "# %s %s\n", bc_rules[i]->code, bc_rules[i]->name);
		assert_true(!strncmp(md, title, strlen(title)));
		/* the stack rules' pages (written with the reporters) follow the
		 * full template; other pages are checked by tests/check-docs.sh */
		if (strncmp(bc_rules[i]->code, "BC20", 4))
			continue;
		for (const char *sec = "## What it does\0## Why it matters\0## Example\0## How to fix\0"
				       "## Options\0## Since\0";
		     *sec; sec += strlen(sec) + 1)
			assert_non_null(strstr(md, sec));
		sum = bc_rule_doc_summary(md);
		assert_non_null(sum);
		assert_null(strchr(sum, '\n'));
		free(sum);
	}
	assert_ptr_equal(bc_rule_doc("bc201"), bc_rule_doc("BC201"));
	errno = 0;
	assert_null(bc_rule_doc("BC999"));
	assert_int_equal(errno, ENOENT);
	sum = bc_rule_doc_summary("# T\n\n## What it does\n\nFirst line\nsecond line.\n\nMore.\n");
	assert_string_equal(sum, "First line second line.");
	free(sum);
	assert_null(bc_rule_doc_summary("# T\n\n## Example\n\nx\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_golden_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_golden_text_color, setup, teardown),
		cmocka_unit_test_setup_teardown(test_golden_gcc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_golden_concise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_golden_statistics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_golden_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_golden_sarif, setup, teardown),
		cmocka_unit_test_setup_teardown(test_golden_github, setup, teardown),
		cmocka_unit_test_setup_teardown(test_golden_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_golden_table_color, setup, teardown),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_diff_report),
		cmocka_unit_test_setup_teardown(test_summary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_caret_alignment, setup, teardown),
		cmocka_unit_test(test_text_wide_characters),
		cmocka_unit_test(test_text_long_line_and_notes),
		cmocka_unit_test_setup_teardown(test_text_terminal_safety, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_structure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sarif_structure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sarif_fingerprints_stable, setup, teardown),
		cmocka_unit_test(test_sarif_uris),
		cmocka_unit_test(test_github_escaping),
		cmocka_unit_test(test_clean_and_empty_runs),
		cmocka_unit_test_setup_teardown(test_write_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_content, setup, teardown),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_rule_docs),
		cmocka_unit_test_setup_teardown(test_text_rule_links, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
