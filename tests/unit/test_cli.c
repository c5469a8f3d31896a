// SPDX-License-Identifier: Apache-2.0
/*
 * End-to-end golden tests: each tests/golden/cli/<case>.cmd holds the
 * arguments of one bpfcheck run (shell words; $BUILD is the build dir), run
 * from the source tree with NO_COLOR=1 and stderr merged into stdout. The
 * output must equal <case>.out and the exit code <case>.code. A case whose
 * .cmd starts with "# needs: FILE" is skipped when FILE does not exist.
 * BC_UPDATE_GOLDEN=1 rewrites the expectations.
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

#define GOLDEN_DIR "tests/golden/cli"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = (cap + 4096) * 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		r = fread(buf + n, 1, 4096, f);
		n += r;
	} while (r);
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

static void spit(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(data, f);
	fclose(f);
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

static void run_case(void **state)
{
	const char *name = *state, *build = getenv("BC_BUILD");
	char path[512], *cmd, *args, *out = NULL, *expect, *shell;
	size_t outlen = 0;
	int status, code;
	FILE *p;

	snprintf(path, sizeof(path), GOLDEN_DIR "/%s.cmd", name);
	cmd = slurp(path, NULL);
	assert_non_null(cmd);
	args = cmd;
	if (!strncmp(args, "# needs: ", 9)) {
		char *nl = strchr(args, '\n'), *need = args + 9, *file;
		bool missing;

		assert_non_null(nl);
		*nl = 0;
		args = nl + 1;
		if (!strncmp(need, "$BUILD/", 7))
			assert_true(asprintf(&file, "%s/%s", build ? build : "build", need + 7) > 0);
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
	assert_true(asprintf(&shell, "cd \"${BC_SRCDIR:-.}\" && export BUILD=%s NO_COLOR=1 "
				     "BPFCHECK_BPFTRACE=0.17 && %s/bpfcheck %s 2>&1",
			     build ? build : "build", build ? build : "build", args) > 0);
	p = popen(shell, "r");
	assert_non_null(p);
	{
		size_t cap = 0, r;

		do {
			if (outlen + 4097 > cap) {
				cap = (cap + 4096) * 2;
				out = realloc(out, cap);
				assert_non_null(out);
			}
			r = fread(out + outlen, 1, 4096, p);
			outlen += r;
		} while (r);
		out[outlen] = 0;
	}
	status = pclose(p);
	out = normalise_build(out, build ? build : "build");
	assert_true(WIFEXITED(status));
	code = WEXITSTATUS(status);

	snprintf(path, sizeof(path), GOLDEN_DIR "/%s.out", name);
	if (getenv("BC_UPDATE_GOLDEN")) {
		char num[16];

		spit(path, out);
		snprintf(path, sizeof(path), GOLDEN_DIR "/%s.code", name);
		snprintf(num, sizeof(num), "%d\n", code);
		spit(path, num);
	} else {
		expect = slurp(path, NULL);
		assert_non_null(expect);
		if (strcmp(expect, out))
			fprintf(stderr, "--- expected (%s)\n%s--- got\n%s---\n", path, expect, out);
		assert_string_equal(out, expect);
		free(expect);
		snprintf(path, sizeof(path), GOLDEN_DIR "/%s.code", name);
		expect = slurp(path, NULL);
		assert_non_null(expect);
		assert_int_equal(code, atoi(expect));
		free(expect);
	}
	free(shell);
	free(out);
	free(cmd);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	const char *src = getenv("BC_SRCDIR");
	struct CMUnitTest *tests = NULL;
	char **names = NULL, dir[512];
	size_t n = 0;
	struct dirent *e;
	DIR *d;
	int ret;

	snprintf(dir, sizeof(dir), "%s/" GOLDEN_DIR, src ? src : ".");
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "cannot open %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (src && chdir(src))
		return 1;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l > 4 && !strcmp(e->d_name + l - 4, ".cmd")) {
			names = realloc(names, (n + 1) * sizeof(*names));
			names[n++] = strndup(e->d_name, l - 4);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	tests = calloc(n + 1, sizeof(*tests));
	for (size_t i = 0; i < n; i++) {
		tests[i].name = names[i];
		tests[i].test_func = run_case;
		tests[i].initial_state = names[i];
	}
	ret = _cmocka_run_group_tests("cli golden", tests, n, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(tests);
	return ret;
}
