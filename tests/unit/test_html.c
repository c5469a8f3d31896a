// SPDX-License-Identifier: Apache-2.0
/*
 * -f html and -f svg end to end, on a real over-limit script
 * (examples/big-strings.bt, bpftrace 0.17) and an object with a call chain
 * (examples/chain.bpf.c, kernel 6.6: the chain counts on the program stack):
 *
 * - the page is self-contained (no external script, style or URL) and has
 *   one SVG <rect class="block"> per block the JSON report's figures call
 *   for, with data-offset, data-bytes and data-construct;
 * - `stack -f svg` writes one standalone SVG; with several programs it
 *   refuses (exit 2) and says so;
 * - in Debian's chromium (playwright-core, tests/browser/html.mjs) the
 *   blocks' count, offsets, bytes and drawn heights match the JSON report,
 *   hovering a block shows its tooltip, and a screenshot is saved to
 *   $BC_BUILD/test-output/html-report.png. Skipped when chromium, node or
 *   tests/browser/node_modules is missing (tests/install-deps.sh).
 */
#include <errno.h>
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

static const char *build_dir(void)
{
	const char *b = getenv("BC_BUILD");

	return b && *b ? b : "build";
}

/* bpfcheck ARGS, its stdout; *RC its exit code. */
static char *bpfcheck(int *rc, const char *fmt, ...)
{
	char args[2048], cmd[4096], *out;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "BPFCHECK_BPFTRACE=0.17 %s/bpfcheck stack --no-config %s",
		 build_dir(), args);
	*rc = bc_test_shell(cmd, &out);
	return out;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The blocks the JSON report's figures call for (tests/browser/html.mjs
 * checks them one by one; here: how many). */
static size_t blocks_of(const char *json)
{
	json_error_t e;
	json_t *r = json_loads(json, 0, &e), *f, *p, *s;
	size_t n = 0, i, k, j;

	assert_non_null(r);
	json_array_foreach(json_object_get(r, "files"), i, f) {
		json_array_foreach(json_object_get(f, "programs"), k, p) {
			json_t *st = json_object_get(p, "stack"), *un = json_object_get(st, "unattributed_bytes");
			json_t *frames = json_object_get(st, "chain_frames");

			json_array_foreach(json_object_get(st, "slots"), j, s)
				n += !strcmp(json_string_value(json_object_get(s, "placement")), "stack") &&
				     json_integer_value(json_object_get(s, "bytes")) > 0;
			n += json_is_null(un) ? json_integer_value(json_object_get(st, "bytes")) > 0
					      : json_integer_value(un) > 0;
			if (json_integer_value(json_object_get(st, "chain_bytes")))
				for (j = 1; j < json_array_size(frames); j++)
					n += json_integer_value(json_array_get(frames, j)) > 0;
		}
	}
	json_decref(r);
	return n;
}

#define SCRIPT_ARGS "--bpftrace 0.17 examples/big-strings.bt"
#define CHAIN_ARGS "--kernel 6.6 %s/examples/chain.bpf.o"

static void test_html_self_contained(void **state)
{
	int rc;
	char *html = bpfcheck(&rc, "-f html " SCRIPT_ARGS " " CHAIN_ARGS, build_dir());
	char *json = bpfcheck(&rc, "-f json " SCRIPT_ARGS " " CHAIN_ARGS, build_dir());

	(void)state;
	assert_int_equal(rc, 1);	/* over the limit */
	assert_non_null(strstr(html, "<!DOCTYPE html>"));
	assert_null(strstr(html, "<script src"));
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "http://"));
	assert_null(strstr(html, "https://"));
	assert_int_equal(count(html, "<svg class=\"frame\""), 2);
	assert_int_equal(count(html, "<rect class=\"block\""), blocks_of(json));
	assert_true(count(html, "data-construct=\"call-frame\"") == 2);
	assert_non_null(strstr(html, "data-offset=\"-152\" data-bytes=\"152\" "
				     "data-construct=\"printf-args\""));
	/* the findings link to highlighted source lines */
	assert_non_null(strstr(html, "<a href=\"#f0-L8\">examples/big-strings.bt:8:1</a>"));
	assert_non_null(strstr(html, "id=\"f0-L8\""));
	assert_non_null(strstr(html, "<span class=\"line hit sev-error\" id=\"f0-L8\">"));
	free(html);
	free(json);
}

static void test_svg(void **state)
{
	int rc;
	char *svg = bpfcheck(&rc, "-f svg " SCRIPT_ARGS);
	char *json = bpfcheck(&rc, "-f json " SCRIPT_ARGS);
	char *two;

	(void)state;
	assert_true(!strncmp(svg, "<?xml", 5));
	assert_non_null(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_int_equal(count(svg, "<svg"), 1);
	assert_int_equal(count(svg, "<rect class=\"block\""), blocks_of(json));
	assert_non_null(strstr(svg, "<line class=\"limit\""));
	free(svg);
	free(json);
	two = bpfcheck(&rc, "-f svg " SCRIPT_ARGS " " CHAIN_ARGS " 2>&1", build_dir());
	assert_int_equal(rc, 2);
	assert_non_null(strstr(two, "-f svg draws one program; the input has 2"));
	free(two);
}

static bool have(const char *what)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "%s >/dev/null 2>&1", what);
	return system(cmd) == 0;
}

static void test_browser(void **state)
{
	char dir[2 * PATH_MAX + 32], cmd[8 * PATH_MAX], cwd[PATH_MAX], *out;
	const char *b = build_dir();
	int rc;

	(void)state;
	if (!have("command -v chromium") || !have("command -v node") ||
	    !have("test -d tests/browser/node_modules/playwright-core")) {
		fprintf(stderr, "chromium, node or playwright-core (tests/install-deps.sh) missing: "
				"skipped\n");
		skip();
	}
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(dir, sizeof(dir), "%s%s%s/test-output", b[0] == '/' ? "" : cwd,
		 b[0] == '/' ? "" : "/", b);
	mkdir(dir, 0755);
	free(bpfcheck(&rc, "-f html -o %s/html-report.html " SCRIPT_ARGS " " CHAIN_ARGS, dir, b));
	assert_int_equal(rc, 1);
	free(bpfcheck(&rc, "-f json -o %s/html-report.json " SCRIPT_ARGS " " CHAIN_ARGS, dir, b));
	assert_int_equal(rc, 1);
	snprintf(cmd, sizeof(cmd), "cd tests/browser && timeout 180 node html.mjs "
		 "%s/html-report.html %s/html-report.json %s/html-report.png 2>&1", dir, dir, dir);
	rc = bc_test_shell(cmd, &out);
	fprintf(stderr, "%s", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\nok"));
	free(out);
}

int main(void)
{
	const char *src = getenv("BC_SRCDIR");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_self_contained),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_browser),
	};

	if (src && chdir(src)) {
		fprintf(stderr, "cannot enter %s: %s\n", src, strerror(errno));
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
