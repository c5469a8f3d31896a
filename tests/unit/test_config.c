// SPDX-License-Identifier: Apache-2.0
/*
 * Settings and .bpfcheckrc: discovery (common folder of the inputs, stop at
 * the repository root), parsing (comments, lists, booleans, severity keys),
 * origins, and severity overrides on diagnostics.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

/* paths here are short temporary folders; snprintf truncation cannot happen */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include "analyzer/core/diag.h"
#include "cli/config.h"
#include "cli/options.h"
#include "rules/registry.h"

static char root[PATH_MAX], outer[PATH_MAX], cwd[PATH_MAX];

static void mk(const char *rel, const char *text)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", outer, rel);
	if (!text) {
		assert_int_equal(mkdir(p, 0755), 0);
		return;
	}
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* outer/.bpfcheckrc
 * outer/repo/.git/  outer/repo/.bpfcheckrc
 * outer/repo/a/.bpfcheckrc  outer/repo/a/x.bt  outer/repo/a/c/z.bt
 * outer/repo/b/y.bt  outer/repo/ab/w.bt */
static int setup(void **state)
{
	char tmpl[] = "/tmp/bc-test-config-XXXXXX";

	if (!mkdtemp(tmpl) || !realpath(tmpl, outer) || !getcwd(cwd, sizeof(cwd)))
		return -1;
	snprintf(root, sizeof(root), "%s/repo", outer);
	mk(".bpfcheckrc", "kernel = 4.0\n");
	mk("repo", NULL);
	mk("repo/.git", NULL);
	mk("repo/.bpfcheckrc", "kernel = 6.1\n");
	mk("repo/a", NULL);
	mk("repo/a/.bpfcheckrc", "kernel = 6.6\n");
	mk("repo/a/x.bt", "BEGIN {}\n");
	mk("repo/a/c", NULL);
	mk("repo/a/c/z.bt", "BEGIN {}\n");
	mk("repo/b", NULL);
	mk("repo/b/y.bt", "BEGIN {}\n");
	mk("repo/ab", NULL);
	mk("repo/ab/w.bt", "BEGIN {}\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	if (chdir(cwd))
		return -1;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", outer);
	return system(cmd) ? -1 : 0;
}

static void expect_found(const char *const *paths, size_t n, const char *want_rel)
{
	char *found = NULL, want[PATH_MAX];

	assert_int_equal(bc_config_find((char *const *)paths, n, &found), 0);
	if (!want_rel) {
		assert_null(found);
		return;
	}
	assert_non_null(found);
	snprintf(want, sizeof(want), "%s/%s", root, want_rel);
	if (strcmp(found, want))
		fprintf(stderr, "found %s, want %s\n", found, want);
	assert_string_equal(found, want);
	free(found);
}

static void test_discovery(void **state)
{
	char x[PATH_MAX], z[PATH_MAX], y[PATH_MAX], w[PATH_MAX], a[PATH_MAX], missing[PATH_MAX];

	snprintf(x, sizeof(x), "%s/a/x.bt", root);
	snprintf(z, sizeof(z), "%s/a/c/z.bt", root);
	snprintf(y, sizeof(y), "%s/b/y.bt", root);
	snprintf(w, sizeof(w), "%s/ab/w.bt", root);
	snprintf(a, sizeof(a), "%s/a", root);
	snprintf(missing, sizeof(missing), "%s/a/c/not-there.bt", root);
	{
		const char *p[] = { x };

		expect_found(p, 1, "a/.bpfcheckrc");	/* the file's own folder */
	}
	{
		const char *p[] = { z };

		expect_found(p, 1, "a/.bpfcheckrc");	/* a parent */
	}
	{
		const char *p[] = { a };

		expect_found(p, 1, "a/.bpfcheckrc");	/* a directory input */
	}
	{
		const char *p[] = { missing };

		expect_found(p, 1, "a/.bpfcheckrc");	/* reported later; folder still counts */
	}
	{
		const char *p[] = { z, x };

		expect_found(p, 2, "a/.bpfcheckrc");
	}
	{
		const char *p[] = { x, y };

		expect_found(p, 2, ".bpfcheckrc");	/* common folder: the root */
	}
	{
		/* "a" and "ab" share a prefix but not a folder */
		const char *p[] = { x, w };

		expect_found(p, 2, ".bpfcheckrc");
	}
	{
		const char *p[] = { y };

		expect_found(p, 1, ".bpfcheckrc");
	}
	/* the search stops at the repository root: outer's file is not used */
	{
		char rc[PATH_MAX];
		const char *p[] = { y };

		snprintf(rc, sizeof(rc), "%s/.bpfcheckrc", root);
		assert_int_equal(rename(rc, "/tmp/bc-test-config-moved"), 0);
		expect_found(p, 1, NULL);
		assert_int_equal(rename("/tmp/bc-test-config-moved", rc), 0);
	}
	/* stdin and no inputs: the current folder; shown relative to it */
	{
		const char *p[] = { "-" };
		char *found = NULL;

		assert_int_equal(chdir(a), 0);
		assert_int_equal(bc_config_find((char *const *)p, 1, &found), 0);
		assert_string_equal(found, ".bpfcheckrc");
		free(found);
		assert_int_equal(chdir("c"), 0);
		assert_int_equal(bc_config_find(NULL, 0, &found), 0);
		/* above the current folder: shown absolute */
		assert_non_null(found);
		assert_true(!strncmp(found, root, strlen(root)));
		assert_string_equal(found + strlen(root), "/a/.bpfcheckrc");
		free(found);
		assert_int_equal(chdir(cwd), 0);
	}
}

static char *write_rc(const char *text)
{
	static char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/test.rc", outer);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_parse_values_and_origins(void **state)
{
	struct bc_options o;
	char origin[PATH_MAX + 16];
	char *rc = write_rc("# comment\n"
			    "\n"
			    "  select = BC2* , stack-limit-exceeded   # trailing comment\n"
			    "select=BC103\n"
			    "ignore = BC204\n"
			    "ignore =\n"
			    "jit = off\n"
			    "unsafe-fixes = YES\n"
			    "severity.BC2* = note\n"
			    "severity.BC201 = error\n"
			    "btf = /path/with#hash\n"
			    "stack-limit = 1024\r\n");
	FILE *errs = tmpfile();

	assert_int_equal(bc_options_init(&o), 0);
	assert_int_equal(bc_config_load(&o, rc, errs), 0);
	assert_int_equal(o.nr_select, 3);
	assert_string_equal(o.select[0], "BC2*");
	assert_string_equal(o.select[1], "stack-limit-exceeded");
	assert_string_equal(o.select[2], "BC103");
	assert_int_equal(o.nr_ignore, 0);	/* emptied */
	assert_false(o.target.jit);
	assert_true(o.unsafe_fixes);
	assert_string_equal(o.target.btf_path, "/path/with#hash");
	assert_int_equal(o.target.stack_limit, 1024);
	snprintf(origin, sizeof(origin), "%s:12", rc);
	assert_string_equal(o.origin[BC_SET_STACK_LIMIT], origin);
	assert_null(o.origin[BC_SET_FAIL_ON]);	/* default */
	assert_int_equal(o.nr_severity, 2);
	snprintf(origin, sizeof(origin), "%s:9", rc);
	assert_string_equal(o.severity[0].origin, origin);

	/* the overrides: last match wins */
	{
		struct bc_diags d = { 0 };
		struct bc_analysis a;

		bc_diag_add(&d, BC_RULE_STACK_LIMIT_EXCEEDED, "x", NULL, "a");
		bc_diag_add(&d, BC_RULE_STACK_NEAR_LIMIT, "x", NULL, "b");
		bc_diag_add(&d, BC_RULE_UNUSED_SUPPRESSION, "x", NULL, "c");
		assert_int_equal(bc_options_analysis(&o, &a), 0);
		bc_analysis_apply_severity(&a, &d);
		assert_int_equal(d.v[0].severity, BC_SEV_ERROR);
		assert_int_equal(d.v[1].severity, BC_SEV_NOTE);
		assert_int_equal(d.v[2].severity, BC_SEV_WARNING);	/* untouched */
		bc_diags_free(&d);
	}
	/* a list set again replaces after a clear (what the command line does) */
	bc_setting_clear(&o, BC_SET_SELECT);
	{
		char *err = NULL;

		assert_int_equal(bc_setting_set(&o, BC_SET_SELECT, "BC201", "command line",
						"--select", &err), 0);
	}
	assert_int_equal(o.nr_select, 1);
	assert_string_equal(o.origin[BC_SET_SELECT], "command line");
	/* what the analysis is told: BC201 runs, BC204 does not */
	{
		struct bc_analysis a;

		assert_int_equal(bc_options_analysis(&o, &a), 0);
		assert_true(bc_analysis_rule_enabled(&a, BC_RULE_STACK_LIMIT_EXCEEDED));
		assert_false(bc_analysis_rule_enabled(&a, BC_RULE_STACK_NEAR_LIMIT));
	}
	bc_options_free_settings(&o);
	fclose(errs);
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
		{ "jit = maybe\n", ":1: error: jit takes true or false, not 'maybe'\n" },
		{ "\n\ncolor = blue\n", ":3: error: color takes auto, always or never, not 'blue'\n" },
		{ "kernel =\n", ":1: error: 'kernel' needs a value\n" },
		{ "output = x\n", ":1: error: unknown key 'output'" },
		{ "severity.BC9* = error\n", ":1: error: severity.BC9*: unknown rule 'BC9*'" },
		{ "severity. = error\n", ":1: error: unknown key 'severity.'" },
		{ "format = xml\n", ":1: error: format: unknown format 'xml'" },
		{ "fail-on = warn\n", ":1: error: fail-on takes error, warning, note or never" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bc_options o;
		char *rc = write_rc(cases[i].text), *buf = NULL;
		size_t len = 0;
		FILE *errs = open_memstream(&buf, &len);

		assert_int_equal(bc_options_init(&o), 0);
		assert_int_equal(bc_config_load(&o, rc, errs), -EINVAL);
		fclose(errs);
		assert_true(!strncmp(buf, rc, strlen(rc)));
		if (!strstr(buf + strlen(rc), cases[i].message))
			fprintf(stderr, "got: %s", buf);
		assert_non_null(strstr(buf + strlen(rc), cases[i].message));
		free(buf);
		bc_options_free_settings(&o);
	}
}

/* cli/settings.def: each setting is found by its key, a command-line-only
 * option is not a key, and the key list follows the table's order */
static void test_settings_table(void **state)
{
	char *keys = bc_setting_keys();

	for (int i = 0; i < BC_NR_SETTINGS; i++) {
		const struct bc_option_desc *d = &bc_option_descs[i];
		enum bc_setting id = BC_NR_SETTINGS;
		const char *arg = NULL;
		char key[64];

		assert_non_null(d->name);
		assert_string_equal(d->dashed + 2, d->name);
		assert_non_null(d->help);
		if (d->kind == BC_OPT_CLI) {
			assert_int_equal(bc_setting_find(d->name, &id, &arg), -ENOENT);
			assert_false(bc_setting_in_file(i));
			continue;
		}
		assert_true(bc_setting_in_file(i));
		snprintf(key, sizeof(key), d->kind == BC_OPT_RULE_LIST ? "%s.BC201" : "%s", d->name);
		assert_int_equal(bc_setting_find(key, &id, &arg), 0);
		assert_int_equal(id, i);
		if (d->kind == BC_OPT_RULE_LIST)
			assert_string_equal(arg, "BC201");
		else
			assert_null(arg);
	}
	assert_non_null(keys);
	assert_string_equal(keys, "format, select, ignore, severity.RULE, per-file-ignores, "
				  "fail-on, kernel, btf, bpftrace, target, allow-missing-kernel, "
				  "stack-limit, jit, aot, color, exclude, extend-exclude, unsafe-fixes, "
				  "exit-non-zero-on-fix, jobs, timeout, baseline");
	free(keys);
	assert_true(bc_setting_is_list(BC_SET_SEVERITY));
	assert_false(bc_setting_is_list(BC_SET_FORMAT));
	assert_false(bc_setting_in_file(BC_SET_OUTPUT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_parse_values_and_origins),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_settings_table),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
