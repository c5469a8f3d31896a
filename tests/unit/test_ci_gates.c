// SPDX-License-Identifier: Apache-2.0
/*
 * CI gates end to end, through the bpfcheck binary in a scratch directory:
 *  - baselines: the Debian tools (the .bt files of /usr/sbin) shifted by three lines
 *    with one new clear() of a keyless count() map report exactly that
 *    finding; duplicates match as a multiset; the probe is part of a
 *    finding's identity; absent entries are reported and pruned; paths
 *    match whatever way the files were named; bad baselines are usage
 *    errors; `baseline =` in .bpfcheckrc;
 *  - compare: one script's reports at BPFTRACE_STRLEN=64 and =200 show the
 *    growth, --fail-on-growth gates on it, added/removed programs;
 *  - -f gitlab and -f sarif against the schemas in tests/schemas/;
 *  - the recipes of docs/ci.md: every bpfcheck command in them runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "support/shell.h"
#include "analyzer/base/str.h"

static char bin[PATH_MAX];	/* absolute path of the bpfcheck binary */
static char src[PATH_MAX];	/* absolute source tree */
static char dir[PATH_MAX];	/* this test's scratch directory */

static void put(const char *name, const char *text)
{
	char *p = bc_strdup_printf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	free(p);
}

/* Runs a shell command in the scratch dir (bpfcheck as $BPFCHECK); *OUT
 * gets stdout, stderr is appended when ERR_TOO. Returns the exit status. */
static int run(char **out, bool err_too, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int run(char **out, bool err_too, const char *fmt, ...)
{
	char *cmd, *full;
	va_list ap;
	int st;

	va_start(ap, fmt);
	cmd = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	full = bc_strdup_printf("cd '%s' && export NO_COLOR=1 BPFCHECK='%s' BC_SRC='%s' && "
				"{ %s ; } %s", dir, bin, src, cmd, err_too ? "2>&1" : "2>/dev/null");
	st = bc_test_shell(full, out);
	free(cmd);
	free(full);
	return st;
}

static json_t *load_json(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	if (!j)
		fail_msg("not JSON (%s): %.400s", e.text, text);
	return j;
}

static json_t *diags_of(json_t *report)
{
	json_t *d = json_object_get(report, "diagnostics");

	assert_true(json_is_array(d));
	return d;
}

static const char *dstr(json_t *d, const char *key)
{
	const char *s = json_string_value(json_object_get(d, key));

	assert_non_null(s);
	return s;
}

static int setup(void **state)
{
	const char *b = getenv("BC_BUILD"), *s = getenv("BC_SRCDIR");
	char *t;

	if (!realpath(s ? s : ".", src))
		return -1;
	t = b && b[0] == '/' ? bc_strdup_printf("%s/bpfcheck", b)
			     : bc_strdup_printf("%s/%s/bpfcheck", src, b ? b : "build");
	if (strlen(t) >= sizeof(bin) || access(t, X_OK)) {
		fprintf(stderr, "no binary at %s\n", t);
		free(t);
		return -1;
	}
	strcpy(bin, t);
	free(t);
	snprintf(dir, sizeof(dir), "/tmp/bc-test-ci-gates-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	t = bc_strdup_printf("git init -q '%s'", dir);	/* .bpfcheckrc discovery stops here */
	b = system(t) ? NULL : t;
	free(t);
	return b ? 0 : -1;
}

static int teardown(void **state)
{
	char *cmd = bc_strdup_printf("rm -rf '%s'", dir);
	int r = system(cmd);

	free(cmd);
	return r ? -1 : 0;
}

/* A fresh subdirectory NAME of the scratch dir. */
static void fresh(const char *name)
{
	assert_int_equal(run(NULL, false, "rm -rf %s && mkdir %s", name, name), 0);
}

/* ---- baselines ---- */

/*
 * Done when: with a baseline of the Debian tools' findings, shifting every
 * file by three lines and adding one new clear() of a keyless count() map
 * reports exactly that new finding. BC302 flags it for bpftrace 0.17 - 0.24
 * (docs/rules/BC302.md), so the run pins --bpftrace 0.17; 0.25 keeps every
 * map in a hash map and reports nothing.
 */
static void test_baseline_debian_tools(void **state)
{
	json_t *base, *now, *d;
	char *out;
	int n;

	if (run(&out, false, "ls /usr/sbin/*.bt | wc -l") || atoi(out) < 10) {
		free(out);
		skip();	/* the bpftrace package's tools are not installed */
	}
	free(out);
	fresh("tools");
	assert_int_equal(run(NULL, false, "cp /usr/sbin/*.bt tools/"), 0);
	n = run(NULL, true, "cd tools && \"$BPFCHECK\" check --no-config --bpftrace 0.17 "
			    "--stack-limit 128 --write-baseline ../tools.json . >/dev/null");
	assert_int_equal(n, 0);	/* every finding is in the baseline just written */
	assert_int_equal(run(&out, false, "cat tools.json"), 0);
	base = load_json(out);
	free(out);
	/* a baseline with many real findings in it: at the default limit the
	 * tools have only a handful (BC302, BC102), so the frames are judged
	 * against 128 bytes, which gives BC201/BC204/BC211 findings whose
	 * fingerprints must survive the shift as well */
	assert_true(json_array_size(diags_of(base)) >= 20);

	/* three lines above everything, and a new probe in opensnoop.bt */
	assert_int_equal(run(NULL, false,
			     "cd tools && for f in *.bt; do { printf '// one\\n// two\\n// three\\n'; "
			     "cat \"$f\"; } > \"$f.new\" && mv \"$f.new\" \"$f\"; done && "
			     "printf '\\ninterval:s:5\\n{\\n\\t@ticks = count();\\n\\tclear(@ticks);\\n}\\n'"
			     " >> opensnoop.bt && grep -c '' opensnoop.bt"), 0);
	n = run(&out, false, "cd tools && \"$BPFCHECK\" check --no-config --bpftrace 0.17 "
			     "--stack-limit 128 --baseline ../tools.json -f json .");
	assert_int_equal(n, 1);
	now = load_json(out);
	free(out);
	assert_int_equal(json_array_size(diags_of(now)), 1);
	d = json_array_get(diags_of(now), 0);
	assert_string_equal(dstr(d, "rule"), "BC302");
	assert_string_equal(dstr(d, "path"), "./opensnoop.bt");
	assert_non_null(strstr(dstr(d, "message"), "clear(@ticks)"));
	{
		/* the last line of the file is the probe's '}': clear() is two above */
		char *lines;
		json_int_t line = json_integer_value(json_object_get(json_object_get(d, "span"), "line"));

		assert_int_equal(run(&lines, false, "grep -c '' tools/opensnoop.bt"), 0);
		assert_int_equal(line, atoi(lines) - 1);
		free(lines);
	}
	d = json_object_get(now, "baseline");
	assert_int_equal(json_integer_value(json_object_get(d, "matched")),
			 json_array_size(diags_of(base)));
	assert_int_equal(json_integer_value(json_object_get(d, "new")), 1);
	assert_int_equal(json_integer_value(json_object_get(d, "absent")), 0);
	json_decref(now);
	json_decref(base);

	/* the text report and its summary line say the same */
	n = run(&out, true, "cd tools && \"$BPFCHECK\" check --no-config --bpftrace 0.17 "
			    "--stack-limit 128 --baseline ../tools.json .");
	assert_int_equal(n, 1);
	assert_non_null(strstr(out, "opensnoop.bt"));
	assert_non_null(strstr(out, "[BC302]"));
	assert_non_null(strstr(out, ", 1 new, 0 entries no longer occur"));
	assert_null(strstr(out, "[BC101]"));
	free(out);

	/* the profile matters: bpftrace 0.25 keeps the map in a hash map */
	n = run(&out, false, "cd tools && \"$BPFCHECK\" check --no-config --bpftrace 0.25 "
			     "--select BC302 -f json opensnoop.bt");
	assert_int_equal(n, 0);
	now = load_json(out);
	free(out);
	assert_int_equal(json_array_size(diags_of(now)), 0);
	json_decref(now);
}

#define TICKS(n_clears_a, n_clears_b) \
	"interval:s:1\n{\n\t@c = count();\n" n_clears_a "}\n" \
	"END\n{\n" n_clears_b "}\n"
#define CLEAR "\tclear(@c);\n"

/* Findings of a JSON report on stdout, by rule. */
static size_t count_rule(json_t *report, const char *rule)
{
	json_t *d;
	size_t i, n = 0;

	json_array_foreach(diags_of(report), i, d)
		n += !strcmp(dstr(d, "rule"), rule);
	return n;
}

static json_t *check_json(int want_exit, const char *args)
{
	char *out;
	json_t *j;

	assert_int_equal(run(&out, false, "cd mset && \"$BPFCHECK\" check --no-config "
					  "--bpftrace 0.17 --select BC302 -f json %s", args),
			 want_exit);
	j = load_json(out);
	free(out);
	return j;
}

static json_int_t baseline_count(json_t *report, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(report, "baseline"), key));
}

/* Two identical findings absorb two; the probe belongs to the identity;
 * absent entries are counted, listed and pruned, and entries of files this
 * run did not check are kept. */
static void test_baseline_multiset_and_prune(void **state)
{
	json_t *j;
	char *out;

	fresh("mset");
	put("mset/a.bt", TICKS(CLEAR CLEAR, ""));
	put("mset/b.bt", TICKS(CLEAR, ""));
	assert_int_equal(run(NULL, false, "cd mset && \"$BPFCHECK\" check --no-config --bpftrace 0.17 "
					  "--select BC302 --write-baseline base.json a.bt b.bt"), 0);
	j = check_json(0, "--baseline base.json a.bt b.bt");
	assert_int_equal(baseline_count(j, "matched"), 3);
	json_decref(j);

	/* a third identical clear() in the same probe: exactly one new */
	put("mset/a.bt", TICKS(CLEAR CLEAR CLEAR, ""));
	j = check_json(1, "--baseline base.json a.bt b.bt");
	assert_int_equal(count_rule(j, "BC302"), 1);
	assert_int_equal(baseline_count(j, "matched"), 3);
	json_decref(j);

	/* the same text in another probe is another finding */
	put("mset/a.bt", TICKS(CLEAR CLEAR, CLEAR));
	j = check_json(1, "--baseline base.json a.bt b.bt");
	assert_int_equal(count_rule(j, "BC302"), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		json_array_get(diags_of(j), 0), "span"), "line")), 9);
	json_decref(j);

	/* paths match however the file is named */
	put("mset/a.bt", TICKS(CLEAR CLEAR, ""));
	j = check_json(0, "--baseline base.json ./a.bt \"$PWD/b.bt\"");
	assert_int_equal(baseline_count(j, "matched"), 3);
	json_decref(j);

	/* one clear() gone from a.bt: one absent entry, listed */
	put("mset/a.bt", TICKS(CLEAR, ""));
	j = check_json(0, "--baseline base.json a.bt b.bt");
	assert_int_equal(baseline_count(j, "absent"), 1);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "baseline"),
							 "absent_findings")), 1);
	json_decref(j);
	/* b.bt not checked: its entry is neither matched nor absent */
	j = check_json(0, "--baseline base.json a.bt");
	assert_int_equal(baseline_count(j, "matched"), 1);
	assert_int_equal(baseline_count(j, "absent"), 1);
	json_decref(j);

	/* prune, checking only a.bt: b.bt's entry stays */
	assert_int_equal(run(&out, true, "cd mset && \"$BPFCHECK\" check --no-config --bpftrace 0.17 "
					 "--select BC302 --baseline base.json --prune-baseline a.bt"),
			 0);
	assert_non_null(strstr(out, "removed 1 entry that no longer occurs"));
	free(out);
	assert_int_equal(run(&out, false, "cat mset/base.json"), 0);
	j = load_json(out);
	free(out);
	assert_int_equal(json_array_size(diags_of(j)), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "summary"), "warnings")), 2);
	json_decref(j);
	/* after pruning, the second clear() is new again */
	put("mset/a.bt", TICKS(CLEAR CLEAR, ""));
	j = check_json(1, "--baseline base.json a.bt b.bt");
	assert_int_equal(count_rule(j, "BC302"), 1);
	assert_int_equal(baseline_count(j, "absent"), 0);
	json_decref(j);

	/* .bpfcheckrc: baseline = FILE */
	put("mset/.bpfcheckrc", "baseline = base.json\n");
	assert_int_equal(run(&out, false, "cd mset && \"$BPFCHECK\" --print-config a.bt"), 0);
	assert_non_null(strstr(out, "baseline = base.json"));
	free(out);
	assert_int_equal(run(&out, false, "cd mset && \"$BPFCHECK\" check --bpftrace 0.17 "
					  "--select BC302 -f json a.bt b.bt"), 1);
	j = load_json(out);
	free(out);
	assert_int_equal(baseline_count(j, "matched"), 2);
	json_decref(j);
	assert_int_equal(run(NULL, false, "rm mset/.bpfcheckrc"), 0);
}

/* A corrupt or foreign baseline is a usage error with a clear message. */
static void test_baseline_bad_files(void **state)
{
	static const struct {
		const char *content;	/* NULL: no file */
		const char *expect;
	} cases[] = {
		{ NULL, "cannot read baseline 'bad.json'" },
		{ "{ not json", "baseline 'bad.json' is not JSON (line 1" },
		{ "[]", "is not a bpfcheck JSON report" },
		{ "{\"version\": \"2.1.0\", \"runs\": []}", "is not a bpfcheck JSON report" },
		{ "{\"schema\": \"bpfcheck-report/9\", \"files\": [], \"diagnostics\": []}",
		  "has schema 'bpfcheck-report/9'" },
		{ "{\"schema\": \"bpfcheck-report/1\", \"files\": [], \"diagnostics\": "
		  "[{\"rule\": \"BC302\", \"path\": \"a.bt\"}]}", "diagnostics[0] has no valid \"fingerprint\"" },
	};
	char *out;

	fresh("bad");
	put("bad/a.bt", TICKS(CLEAR, ""));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(run(NULL, false, "rm -f bad/bad.json"), 0);
		if (cases[i].content)
			put("bad/bad.json", cases[i].content);
		assert_int_equal(run(&out, true, "cd bad && \"$BPFCHECK\" check --no-config "
						 "--baseline bad.json a.bt"), 3);
		if (!strstr(out, cases[i].expect))
			fail_msg("case %zu: '%s' not in: %s", i, cases[i].expect, out);
		free(out);
	}
	assert_int_equal(run(&out, true, "cd bad && \"$BPFCHECK\" check --no-config "
					 "--prune-baseline a.bt"), 3);
	assert_non_null(strstr(out, "--prune-baseline needs a baseline"));
	free(out);
	/* a SARIF log is foreign too, and so is a GitLab report */
	assert_int_equal(run(NULL, false, "cd bad && \"$BPFCHECK\" check --no-config -f sarif "
					  "-o x.sarif a.bt; \"$BPFCHECK\" check --no-config --baseline "
					  "x.sarif a.bt"), 3);
}

/* ---- compare ---- */

#define STRSCRIPT \
	"kprobe:do_sys_openat2\n{\n\tprintf(\"%s %s\\n\", str(arg1), comm);\n}\n"

/* Done when: compare on one script's reports at two string lengths shows
 * the growth, and --fail-on-growth gates on it. bpftrace 0.17 sizes str()
 * by BPFTRACE_STRLEN (README.md). */
static void test_compare_strlen(void **state)
{
	json_t *j, *p;
	char *out;

	fresh("cmp");
	put("cmp/s.bt", STRSCRIPT);
	assert_int_equal(run(NULL, false, "cd cmp && for n in 64 200; do BPFTRACE_STRLEN=$n "
					  "\"$BPFCHECK\" check --no-config --bpftrace 0.17 --fail-on never "
					  "-f json -o s$n.json s.bt || exit 1; done"), 0);
	assert_int_equal(run(&out, false, "cd cmp && \"$BPFCHECK\" compare s64.json s200.json"), 0);
	assert_non_null(strstr(out, "kprobe:do_sys_openat2"));
	assert_non_null(strstr(out, "+272"));
	assert_non_null(strstr(out, "findings: "));
	free(out);
	assert_int_equal(run(&out, false, "cd cmp && \"$BPFCHECK\" compare -f json s64.json s200.json"), 0);
	j = load_json(out);
	free(out);
	assert_string_equal(dstr(j, "schema"), "bpfcheck-compare/1");
	assert_int_equal(json_array_size(json_object_get(j, "programs")), 1);
	p = json_array_get(json_object_get(j, "programs"), 0);
	assert_string_equal(dstr(p, "name"), "kprobe:do_sys_openat2");
	assert_int_equal(json_integer_value(json_object_get(p, "new")) -
				 json_integer_value(json_object_get(p, "old")), 272);
	assert_int_equal(json_integer_value(json_object_get(p, "delta")), 272);
	assert_string_equal(dstr(p, "status"), "grown");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "summary"), "max_growth")), 272);
	json_decref(j);

	/* the gate: more than N bytes of growth fails, N or less passes */
	assert_int_equal(run(&out, true, "cd cmp && \"$BPFCHECK\" compare --fail-on-growth 100 "
					 "s64.json s200.json"), 1);
	assert_non_null(strstr(out, "grew by 272 bytes"));
	free(out);
	assert_int_equal(run(NULL, false, "cd cmp && \"$BPFCHECK\" compare --fail-on-growth 272 "
					  "s64.json s200.json"), 0);
	/* shrinking passes any gate */
	assert_int_equal(run(NULL, false, "cd cmp && \"$BPFCHECK\" compare --fail-on-growth 0 "
					  "s200.json s64.json"), 0);

	/* a probe added: listed as added, the other one unchanged */
	put("cmp/s.bt", "BEGIN\n{\n\tprintf(\"hi\\n\");\n}\n\n" STRSCRIPT);
	assert_int_equal(run(NULL, false, "cd cmp && BPFTRACE_STRLEN=64 \"$BPFCHECK\" check "
					  "--no-config --bpftrace 0.17 --fail-on never -f json -o s2.json "
					  "s.bt"), 0);
	assert_int_equal(run(&out, false, "cd cmp && \"$BPFCHECK\" compare -f json s64.json s2.json"), 0);
	j = load_json(out);
	free(out);
	assert_int_equal(json_array_size(json_object_get(j, "programs")), 2);
	p = json_array_get(json_object_get(j, "programs"), 0);
	assert_string_equal(dstr(p, "status"), "unchanged");
	assert_int_equal(json_integer_value(json_object_get(p, "delta")), 0);
	p = json_array_get(json_object_get(j, "programs"), 1);
	assert_string_equal(dstr(p, "name"), "BEGIN");
	assert_string_equal(dstr(p, "status"), "added");
	assert_true(json_is_null(json_object_get(p, "old")));
	assert_true(json_is_null(json_object_get(p, "delta")));
	json_decref(j);

	/* bad input: not a report, or not two of them */
	put("cmp/x.json", "{\"runs\": []}");
	assert_int_equal(run(&out, true, "cd cmp && \"$BPFCHECK\" compare s64.json x.json"), 2);
	assert_non_null(strstr(out, "report 'x.json' is not a bpfcheck JSON report"));
	free(out);
	assert_int_equal(run(NULL, false, "cd cmp && \"$BPFCHECK\" compare s64.json"), 3);
	assert_int_equal(run(NULL, false, "cd cmp && \"$BPFCHECK\" compare --fail-on-growth x "
					  "s64.json s200.json"), 3);
}

/* Findings added and removed are matched like baselines: line shifts do
 * not count. */
static void test_compare_findings(void **state)
{
	json_t *j;
	char *out;

	fresh("cmpf");
	put("cmpf/a.bt", TICKS(CLEAR, ""));
	assert_int_equal(run(NULL, false, "cd cmpf && \"$BPFCHECK\" check --no-config --bpftrace 0.17 "
					  "--select BC302 -f json -o old.json a.bt"), 1);
	put("cmpf/a.bt", "// moved\n\n" TICKS(CLEAR, CLEAR));
	assert_int_equal(run(NULL, false, "cd cmpf && \"$BPFCHECK\" check --no-config --bpftrace 0.17 "
					  "--select BC302 -f json -o new.json a.bt"), 1);
	assert_int_equal(run(&out, false, "cd cmpf && \"$BPFCHECK\" compare -f json old.json new.json"), 0);
	j = load_json(out);
	free(out);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "findings"), "added")), 1);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "findings"), "removed")), 0);
	json_decref(j);
	assert_int_equal(run(&out, false, "cd cmpf && \"$BPFCHECK\" compare new.json old.json"), 0);
	assert_non_null(strstr(out, "findings: 0 added, 1 removed"));
	assert_non_null(strstr(out, "- a.bt:10:"));
	free(out);
}

/* ---- formats against schemas ---- */

static bool has_target_option(void)
{
	char *out;
	bool has;

	run(&out, false, "\"$BPFCHECK\" --help");
	has = strstr(out, "--target") != NULL;
	free(out);
	return has;
}

/* validate.py (Debian's python3-jsonschema) SCHEMA DOC: exit status. */
static int validate(const char *flags, const char *schema, const char *doc)
{
	char *out;
	int rc = run(&out, true, "/usr/bin/python3 \"$BC_SRC/tests/schemas/validate.py\" %s "
				 "\"$BC_SRC/tests/schemas/%s\" %s", flags, schema, doc);

	if (rc == 2)
		fail_msg("no JSON Schema validator: install python3-jsonschema (make deps): %s", out);
	if (rc)
		fprintf(stderr, "%s against %s:\n%s", doc, schema, out);
	free(out);
	return rc;
}

/* The published schemas, when a copy was put in tests/schemas/published/
 * (tests/schemas/README.md says why they are not in the tree). */
static void validate_published(const char *flags, const char *file, const char *doc)
{
	char *p = bc_strdup_printf("%s/tests/schemas/published/%s", src, file);

	if (access(p, R_OK)) {
		printf("note: %s not present; validated against bpfcheck's own schema only\n", p);
	} else {
		free(p);
		p = bc_strdup_printf("published/%s", file);
		assert_int_equal(validate(flags, p, doc), 0);
	}
	free(p);
}

/* -f sarif and -f gitlab of a run with errors, warnings, notes, fixes,
 * related locations and a file that fails, against the schemas. */
static void test_formats_against_schemas(void **state)
{
	json_t *j;
	char *out;

	fresh("fmt");
	put("fmt/a.bt", TICKS(CLEAR, CLEAR));
	put("fmt/s.bt", STRSCRIPT);
	put("fmt/bad.bt", "kprobe:f { @x = ; }\n");
	assert_int_equal(run(NULL, false, "cd fmt && \"$BPFCHECK\" check --no-config --bpftrace 0.17 "
					  "-f sarif -o out.sarif . ; test -s out.sarif"), 0);
	assert_int_equal(run(NULL, false, "cd fmt && \"$BPFCHECK\" check --no-config --bpftrace 0.17 "
					  "-f gitlab -o out.gitlab.json . ; test -s out.gitlab.json"), 0);
	assert_int_equal(validate("", "sarif-2.1.0-subset.schema.json", "fmt/out.sarif"), 0);
	assert_int_equal(validate("", "gitlab-codequality.schema.json", "fmt/out.gitlab.json"), 0);
	validate_published("", "sarif-schema-2.1.0.json", "fmt/out.sarif");
	validate_published("--each", "codeclimate.json", "fmt/out.gitlab.json");

	/* the GitLab report: one issue per finding, unique fingerprints, the
	 * severities GitLab knows */
	assert_int_equal(run(&out, false, "cat fmt/out.gitlab.json"), 0);
	j = load_json(out);
	free(out);
	assert_true(json_array_size(j) >= 3);
	for (size_t i = 0; i < json_array_size(j); i++) {
		json_t *a = json_array_get(j, i);

		assert_string_equal(dstr(json_object_get(a, "location"), "path") + 0,
				    dstr(json_object_get(a, "location"), "path"));
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(dstr(a, "fingerprint"),
						dstr(json_array_get(j, k), "fingerprint"));
	}
	json_decref(j);

	/* the validation can fail: a severity GitLab does not know, a SARIF
	 * startLine 0 */
	assert_int_equal(run(NULL, false, "cd fmt && sed 's/\"major\"/\"warning\"/' out.gitlab.json "
					  "> broken.json && sed 's/\"startLine\": [0-9]*/\"startLine\": 0/' "
					  "out.sarif > broken.sarif"), 0);
	assert_int_equal(validate("", "gitlab-codequality.schema.json", "fmt/broken.json"), 1);
	assert_int_equal(validate("", "sarif-2.1.0-subset.schema.json", "fmt/broken.sarif"), 1);
}

/* ---- the recipes of docs/ci.md ---- */

/*
 * Every `bpfcheck check|compare|target` command in the YAML and shell
 * blocks of docs/ci.md, in document order, run from the root of a scratch
 * repository with scripts/, bpf/ and ci/ (GITHUB_WORKSPACE pointing at it):
 * none may be a usage error (3) or fail on its input (2) (a pre-commit
 * entry gets a script, as pre-commit calls it); the SARIF and
 * GitLab files they write are valid. A build without --target (the
 * captured-target feature) runs them without it and skips `target`
 * commands, and says so.
 */
static void test_ci_recipes_run(void **state)
{
	char *path = bc_strdup_printf("%s/docs/ci.md", src), line[4096];
	bool in_block = false, target = has_target_option();
	FILE *f = fopen(path, "r");
	int ran = 0;

	assert_non_null(f);
	fresh("repo");
	assert_int_equal(run(NULL, false, "cd repo && git init -q . && mkdir -p scripts bpf ci"), 0);
	put("repo/scripts/a.bt", TICKS(CLEAR, ""));
	put("repo/scripts/s.bt", STRSCRIPT);
	if (!target)
		printf("note: this bpfcheck has no --target yet; docs/ci.md's commands run without it\n");
	while (fgets(line, sizeof(line), f)) {
		char *cmd, *p, *nl = strchr(line, '\n');
		int rc;

		if (nl)
			*nl = 0;
		if (!strncmp(line, "```", 3) || !strncmp(line + strspn(line, " "), "```", 3)) {
			const char *lang = line + strspn(line, " ") + 3;

			in_block = !in_block && (!strcmp(lang, "yaml") || !strcmp(lang, "sh"));
			continue;
		}
		if (!in_block)
			continue;
		p = strstr(line, "bpfcheck ");
		while (p && p > line && p[-1] != ' ')	/* not "make -C bpfcheck" etc. */
			p = strstr(p + 1, "bpfcheck ");
		if (!p || (strncmp(p, "bpfcheck check ", 15) && strncmp(p, "bpfcheck compare ", 17) &&
			   strncmp(p, "bpfcheck target ", 16)))
			continue;
		if (!strncmp(p, "bpfcheck target ", 16) && !target)
			continue;
		/* a pre-commit entry gets the staged files that match */
		cmd = bc_strdup_printf("\"$BPFCHECK\"%s%s", p + 8,
				       strstr(line, "entry:") ? " scripts/a.bt" : "");
		if (!target) {
			char *t;

			/* drop "--target FILE" */
			while ((t = strstr(cmd, " --target "))) {
				char *e = strchr(t + 10, ' ');

				memmove(t, e ? e : t + strlen(t), strlen(e ? e : t + strlen(t)) + 1);
			}
		}
		rc = run(NULL, true, "cd repo && export GITHUB_WORKSPACE=\"$PWD\" && %s", cmd);
		if (rc != 0 && rc != 1)
			fail_msg("docs/ci.md: '%s' exited %d", p, rc);
		ran++;
		free(cmd);
	}
	fclose(f);
	free(path);
	assert_true(ran >= 6);
	/* what they wrote is what the CI systems read */
	assert_int_equal(validate("", "sarif-2.1.0-subset.schema.json", "repo/bpfcheck.sarif"), 0);
	assert_int_equal(validate("", "gitlab-codequality.schema.json",
				  "repo/gl-code-quality-report.json"), 0);
	assert_int_equal(run(NULL, false, "test -s repo/ci/bpfcheck-baseline.json && "
					  "test -s repo/old.json && test -s repo/new.json"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline_debian_tools),
		cmocka_unit_test(test_baseline_multiset_and_prune),
		cmocka_unit_test(test_baseline_bad_files),
		cmocka_unit_test(test_compare_strlen),
		cmocka_unit_test(test_compare_findings),
		cmocka_unit_test(test_formats_against_schemas),
		cmocka_unit_test(test_ci_recipes_run),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
