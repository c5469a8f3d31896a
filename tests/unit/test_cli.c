// SPDX-License-Identifier: Apache-2.0
/*
 * The end-to-end runner: every case that runs the bpfcheck executable, from
 * the source tree, compared through the one comparer (support/golden.h;
 * BC_UPDATE_GOLDEN=1 rewrites the expectations). tests/rules/README.md
 * describes both layouts:
 *
 * - tests/rules/BCnnn/<case>: one input per case with its expectations in
 *   comments (support/rule_case.h), run as `bpfcheck check --no-config
 *   -f json --kernel 6.18 RUN-ARGS INPUT`; a BPF C case (.bpf.c) runs on the
 *   object the Makefile builds from it, $BUILD/rules/BCnnn/<case>.bpf.o, a
 *   C case (.c) on the source through the in-process C front end.
 *   One more test checks that every rule of `bpfcheck rules` has a folder
 *   with a positive and a negative case.
 * - tests/golden/cli/<case>.cmd: the arguments of one run (shell words;
 *   $BUILD is the build dir), run with stderr merged into stdout; the output
 *   must equal <case>.out and the exit code <case>.code. A .cmd starting with
 *   "# needs: FILE" is skipped when FILE does not exist.
 *
 * Both run with NO_COLOR=1 and BPFCHECK_BPFTRACE=0.17, and write the build
 * dir as "$BUILD" in what they compare (it differs between builds).
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/shell.h"
#include "support/golden.h"
#include "support/rule_case.h"
#include "support/script_support.h"

#define GOLDEN_DIR "tests/golden/cli"
#define RULES_DIR "tests/rules"

static const char *build_dir(void)
{
	const char *b = getenv("BC_BUILD");

	return b && *b ? b : "build";
}

/* Output names files under the build dir, which differs between builds
 * (build, build-san): it is compared as "$BUILD/". */
static char *normalise_build(char *out, const char *build)
{
	size_t bl = strlen(build), n = 0, cap = strlen(out) * 2 + 16;
	char *res = malloc(cap), *p = out;

	assert_non_null(res);
	while (*p) {
		if (!strncmp(p, build, bl) && p[bl] == '/' && (p == out || p[-1] == ' ' ||
							       p[-1] == '"' || p[-1] == '\n' ||
							       p[-1] == '=')) {
			memcpy(res + n, "$BUILD", 6);
			n += 6;
			p += bl;
			continue;
		}
		res[n++] = *p++;
	}
	res[n] = 0;
	free(out);
	return res;
}

/* Runs `sh -c "cd SRCDIR && export ... && $BUILD/bpfcheck ARGS"`; returns
 * its stdout and sets *CODE to the exit code. */
static char *run_bpfcheck(const char *args, int *code)
{
	const char *build = build_dir();
	char *shell, *out = NULL;

	assert_true(asprintf(&shell, "cd \"${BC_SRCDIR:-.}\" && export BUILD=%s NO_COLOR=1 "
				     "BPFCHECK_BPFTRACE=0.17 && %s/bpfcheck %s",
			     build, build, args) > 0);
	*code = bc_test_shell(shell, &out);
	free(shell);
	return out;
}

/* ---- tests/golden/cli ---- */

static void run_cli_case(void **state)
{
	const char *name = *state, *build = build_dir();
	char path[512], *cmd, *args, *out, *shell, num[16];
	int code;
	bool ok;

	snprintf(path, sizeof(path), GOLDEN_DIR "/%s.cmd", name);
	cmd = bc_test_read_file(path, NULL);
	assert_non_null(cmd);
	args = cmd;
	if (!strncmp(args, "# needs: ", 9)) {
		char *nl = strchr(args, '\n'), *need = args + 9, *file;
		bool missing;

		assert_non_null(nl);
		*nl = 0;
		args = nl + 1;
		if (!strncmp(need, "$BUILD/", 7))
			assert_true(asprintf(&file, "%s/%s", build, need + 7) > 0);
		else
			file = strdup(need);
		missing = access(file, F_OK) != 0;
		free(file);
		if (missing) {
			free(cmd);
			skip();
		}
	}
	args[strcspn(args, "\n")] = 0;
	assert_true(asprintf(&shell, "%s 2>&1", args) > 0);
	out = normalise_build(run_bpfcheck(shell, &code), build);
	snprintf(num, sizeof(num), "%d\n", code);
	snprintf(path, sizeof(path), GOLDEN_DIR "/%s.out", name);
	ok = bc_test_golden(path, out);
	snprintf(path, sizeof(path), GOLDEN_DIR "/%s.code", name);
	ok &= bc_test_golden(path, num);
	free(shell);
	free(out);
	free(cmd);
	assert_true(ok);
}

/* ---- tests/rules ---- */

static bool is_case(const char *name)
{
	size_t l = strlen(name);

	/* .c (and .bpf.c): a .bpf.c case runs on its object, a plain .c case
	 * on the source itself (the in-process C front end) */
	return (l > 3 && !strcmp(name + l - 3, ".bt")) || (l > 3 && !strcmp(name + l - 3, ".ll")) ||
	       (l > 2 && !strcmp(name + l - 2, ".c")) || (l > 5 && !strcmp(name + l - 5, ".case"));
}

/* Runs run R of case C; returns the rendered expectation lines. */
static char *run_rule_case(const struct bc_rule_case *c, size_t r)
{
	const char *build = build_dir();
	char *object = NULL, *shell, *json, *err, *actual, errpath[] = "/tmp/bc-rule-XXXXXX";
	const char *input = c->rel;
	size_t l = strlen(c->rel);
	int code, fd;

	if (l > 6 && !strcmp(c->rel + l - 6, ".bpf.c")) {
		/* tests/rules/BCnnn/x.bpf.c -> $BUILD/rules/BCnnn/x.bpf.o */
		assert_true(asprintf(&object, "%s/rules/%.*s.o", build,
				     (int)(l - strlen(RULES_DIR "/") - 2),
				     c->rel + strlen(RULES_DIR "/")) > 0);
		if (access(object, F_OK))
			fail_msg("%s: %s is not built ('make fixtures' builds it)", c->rel, object);
		input = object;
	} else if (l > 5 && !strcmp(c->rel + l - 5, ".case")) {
		/* x.json.case: the directives of the input x.json, which has no comments */
		assert_true(asprintf(&object, "%.*s", (int)(l - 5), c->rel) > 0);
		if (access(object, F_OK))
			fail_msg("%s: its input %s is missing", c->rel, object);
		input = object;
	}
	fd = mkstemp(errpath);
	assert_true(fd >= 0);
	close(fd);
	assert_true(asprintf(&shell, "check --no-config -f json --kernel 6.18 %s '%s' 2>'%s'",
			     c->runs[r].args, input, errpath) > 0);
	json = run_bpfcheck(shell, &code);
	err = bc_test_read_file(errpath, NULL);
	unlink(errpath);
	assert_non_null(err);
	err = normalise_build(err, build);
	actual = bc_rule_case_render(json, err, code, c->rel, object, build);
	if (!actual)
		fail_msg("%s: `bpfcheck %s` printed no JSON report:\n%s%s", c->rel, shell, json, err);
	free(object);
	free(shell);
	free(json);
	free(err);
	return actual;
}

/* False when a CHECK line (a finding) of ACTUAL contains a CHECK-NOT text. */
static bool check_nots_hold(const struct bc_rule_case *c, size_t r, const char *actual)
{
	const char **nots = bc_rule_case_check_nots(c, r);
	bool ok = true;

	assert_non_null(nots);
	for (const char *s = actual; *s;) {
		size_t n = strcspn(s, "\n");

		for (size_t i = 0; nots[i] && !strncmp(s, "CHECK: ", 7); i++) {
			char *line = strndup(s, n);

			if (strstr(line, nots[i])) {
				fprintf(stderr, "%s%s%s%s: CHECK-NOT: %s, but the run reported\n  %s\n",
					c->rel, c->runs[r].label ? " (" : "",
					c->runs[r].label ?: "", c->runs[r].label ? ")" : "",
					nots[i], line);
				ok = false;
			}
			free(line);
		}
		s += n + (s[n] == '\n');
	}
	free(nots);
	return ok;
}

static void test_rule_case(void **state)
{
	const char *rel = *state;
	struct bc_rule_case c;
	char *err, **actual;
	bool ok = true;

	if (bc_rule_case_load(&c, rel, &err))
		fail_msg("%s", err ? err : rel);
	actual = calloc(c.nruns, sizeof(*actual));
	assert_non_null(actual);
	for (size_t r = 0; r < c.nruns; r++) {
		actual[r] = run_rule_case(&c, r);
		ok &= check_nots_hold(&c, r, actual[r]);
		if (!bc_test_updating()) {
			char *want = bc_rule_case_expected(&c, r), *name;

			assert_true(asprintf(&name, "%s%s%s%s", rel, c.runs[r].label ? " (" : "",
					     c.runs[r].label ?: "",
					     c.runs[r].label ? ")" : "") > 0);
			ok &= bc_test_same(name, want, actual[r]);
			free(name);
			free(want);
		}
	}
	if (bc_test_updating()) {
		char *text = bc_rule_case_rewrite(&c, actual);

		assert_int_equal(bc_test_write_file(rel, text), 0);
		free(text);
	}
	for (size_t r = 0; r < c.nruns; r++)
		free(actual[r]);
	free(actual);
	bc_rule_case_free(&c);
	assert_true(ok);
}

/* Every rule `bpfcheck rules` lists has tests/rules/<code>/ with a case
 * that expects it (a CHECK line with its code) and one that must not report
 * it (CHECK-NOT: <code>). */
static void test_rules_covered(void **state)
{
	char **cases = *state, *list, *s;
	unsigned missing = 0, rules = 0;
	int code;

	list = run_bpfcheck("rules", &code);
	assert_int_equal(code, 0);
	for (s = list; *s; s += strcspn(s, "\n") + (s[strcspn(s, "\n")] == '\n')) {
		char rule[16], dir[64];
		bool pos = false, neg = false;

		if (sscanf(s, "%15s", rule) != 1 || strncmp(rule, "BC", 2))
			continue;	/* the header */
		rules++;
		snprintf(dir, sizeof(dir), RULES_DIR "/%s/", rule);
		for (size_t i = 0; cases[i]; i++) {
			struct bc_rule_case c;
			char *err;

			if (strncmp(cases[i], dir, strlen(dir)))
				continue;
			if (bc_rule_case_load(&c, cases[i], &err)) {
				free(err);
				continue;	/* its own test fails */
			}
			pos |= bc_rule_case_mentions(&c, "CHECK", rule);
			neg |= bc_rule_case_mentions(&c, "CHECK-NOT", rule);
			bc_rule_case_free(&c);
		}
		if (!pos || !neg) {
			fprintf(stderr, "%s: %s lacks a %s case\n", rule, dir,
				!pos ? (!neg ? "positive and a negative" : "positive") : "negative");
			missing++;
		}
	}
	free(list);
	assert_true(rules > 0);
	assert_int_equal(missing, 0);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void push(char ***v, size_t *n, char *s)
{
	*v = realloc(*v, (*n + 2) * sizeof(**v));
	assert_non_null(*v);
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

/* "tests/rules/BCnnn/<case>" for every case, sorted. */
static char **list_rule_cases(size_t *n)
{
	char **v = calloc(1, sizeof(*v));
	struct dirent *e;
	DIR *d = opendir(RULES_DIR);

	assert_non_null(v);
	*n = 0;
	if (!d)
		return v;
	while ((e = readdir(d))) {
		char sub[300];
		char **names;

		if (strncmp(e->d_name, "BC", 2))
			continue;
		snprintf(sub, sizeof(sub), RULES_DIR "/%s", e->d_name);
		names = bc_test_list_dir(sub, "");
		for (size_t i = 0; names && names[i]; i++) {
			char *rel;

			if (!is_case(names[i]))
				continue;
			assert_true(asprintf(&rel, "%s/%s", sub, names[i]) > 0);
			push(&v, n, rel);
		}
		bc_test_free_names(names);
	}
	closedir(d);
	qsort(v, *n, sizeof(*v), cmp_names);
	return v;
}

int main(void)
{
	const char *src = getenv("BC_SRCDIR");
	struct CMUnitTest *tests;
	char **names, **cases;
	size_t n, ncases;
	int ret;

	if (src && chdir(src)) {
		fprintf(stderr, "cannot enter %s: %s\n", src, strerror(errno));
		return 1;
	}
	names = bc_test_list_dir(GOLDEN_DIR, ".cmd");
	if (!names) {
		fprintf(stderr, "cannot open " GOLDEN_DIR ": %s\n", strerror(errno));
		return 1;
	}
	for (n = 0; names[n]; n++)
		names[n][strlen(names[n]) - 4] = 0;
	tests = calloc(n + 1, sizeof(*tests));
	for (size_t i = 0; i < n; i++) {
		tests[i].name = names[i];
		tests[i].test_func = run_cli_case;
		tests[i].initial_state = names[i];
	}
	/* tests/run-tests.sh counts the groups apart on these headers */
	printf("# group: cli goldens\n");
	fflush(stdout);
	ret = _cmocka_run_group_tests("cli golden", tests, n, NULL, NULL);
	free(tests);

	cases = list_rule_cases(&ncases);
	tests = calloc(ncases + 2, sizeof(*tests));
	for (size_t i = 0; i < ncases; i++) {
		tests[i].name = cases[i] + strlen(RULES_DIR "/");
		tests[i].test_func = test_rule_case;
		tests[i].initial_state = cases[i];
	}
	tests[ncases].name = "every rule has positive and negative cases";
	tests[ncases].test_func = test_rules_covered;
	tests[ncases].initial_state = cases;
	printf("# group: rule cases\n");
	fflush(stdout);
	ret |= _cmocka_run_group_tests("rule cases", tests, ncases + 1, NULL, NULL);
	free(tests);
	bc_test_free_names(cases);
	bc_test_free_names(names);
	return ret;
}
