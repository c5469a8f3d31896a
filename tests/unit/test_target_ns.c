// SPDX-License-Identifier: Apache-2.0
/*
 * A target captured here, used where the kernel is hidden: inside a mount
 * namespace with tmpfs over tracefs, /sys/kernel/btf and debugfs (what a CI
 * container looks like), `--target FILE` gives every program of the Debian
 * bpftrace tools (/usr/sbin/ *.bt) the stack figure the live run gives, and
 * nothing of the running system is read (strace). Without the target the
 * same namespace run fails with BC105, which shows the kernel really is
 * hidden. Skips where unshare/mount are not permitted, or where this
 * system has no tracefs/BTF or no tools to compare.
 */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#define HIDE "mount -t tmpfs none /sys/kernel/tracing && mount -t tmpfs none /sys/kernel/btf && " \
	     "{ mount -t tmpfs none /sys/kernel/debug 2>/dev/null; true; }"

static char g_dir[] = "/tmp/bc-target-ns-XXXXXX";
static char g_bin[1024], g_target[1100];

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs a shell command; its exit status, or -1. */
static int run(const char *fmt, ...)
{
	char *cmd;
	va_list ap;
	int st;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		cmd = NULL;
	va_end(ap);
	if (!cmd)
		return -1;
	st = system(cmd);
	free(cmd);
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int setup(void **state)
{
	const char *build = getenv("BC_BUILD"), *src = getenv("BC_SRCDIR");

	(void)state;
	if (!mkdtemp(g_dir))
		return -1;
	if (build && build[0] == '/')
		snprintf(g_bin, sizeof(g_bin), "%s/bpfcheck", build);
	else
		snprintf(g_bin, sizeof(g_bin), "%s/%s/bpfcheck", src ? src : ".",
			 build ? build : "build");
	snprintf(g_target, sizeof(g_target), "%s/here.bct", g_dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return run("rm -rf '%s'", g_dir) == 0 ? 0 : -1;
}

/* Why the proof cannot run here, or NULL. */
static const char *cannot_run(void)
{
	glob_t g;
	bool tools;

	if (access("/sys/kernel/tracing/events", X_OK) || access("/sys/kernel/btf/vmlinux", R_OK))
		return "this system has no tracefs or no kernel BTF to capture";
	tools = glob("/usr/sbin/*.bt", 0, NULL, &g) == 0 && g.gl_pathc > 0;
	globfree(&g);
	if (!tools)
		return "no bpftrace tools in /usr/sbin";
	if (run("unshare -m sh -c '" HIDE "' >/dev/null 2>&1"))
		return "unshare -m / mount are not permitted here";
	return NULL;
}

/* Program (file, section) -> stack bytes of a JSON report, as an object. */
static json_t *figures(const char *report_path)
{
	json_t *root = json_load_file(report_path, 0, NULL), *out = json_object(), *f, *p;
	size_t i, k;

	assert_non_null(root);
	json_array_foreach(json_object_get(root, "files"), i, f) {
		json_array_foreach(json_object_get(f, "programs"), k, p) {
			json_t *stack = json_object_get(p, "stack");
			char key[1024];

			snprintf(key, sizeof(key), "%s %s",
				 json_string_value(json_object_get(f, "path")),
				 json_string_value(json_object_get(p, "section")));
			json_object_set(out, key, json_is_object(stack) ?
					json_object_get(stack, "bytes") : json_null());
		}
	}
	json_decref(root);
	return out;
}

static void test_same_figures_without_kernel(void **state)
{
	const char *why = cannot_run();
	char live[1200], hidden[1200], bare[1200];
	json_t *a, *b, *v;
	const char *key;
	size_t n = 0;

	(void)state;
	if (why) {
		fprintf(stderr, "skipped: %s\n", why);
		skip();
	}
	assert_int_equal(run("'%s' target capture -o '%s' >/dev/null", g_bin, g_target), 0);
	snprintf(live, sizeof(live), "%s/live.json", g_dir);
	snprintf(hidden, sizeof(hidden), "%s/hidden.json", g_dir);
	snprintf(bare, sizeof(bare), "%s/bare.json", g_dir);
	/* findings make the exit 1: only 2 and up are failures here */
	assert_true(run("'%s' check -f json /usr/sbin/*.bt > '%s'", g_bin, live) < 2);
	assert_true(run("unshare -m sh -c '" HIDE " && '\\''%s'\\'' check -f json --no-cache "
			"--target '\\''%s'\\'' /usr/sbin/*.bt' > '%s'", g_bin, g_target, hidden) < 2);
	a = figures(live);
	b = figures(hidden);
	json_object_foreach(a, key, v) {
		json_t *w = json_object_get(b, key);

		if (!json_equal(v, w))
			fail_msg("%s: %s bytes live, %s with the target", key,
				 json_dumps(v, JSON_ENCODE_ANY), w ? json_dumps(w, JSON_ENCODE_ANY)
								   : "no program");
		n += json_is_integer(v);
	}
	assert_int_equal(json_object_size(a), json_object_size(b));
	assert_true(n > 50);	/* 38 tools: well over a hundred programs with figures */
	json_decref(a);
	json_decref(b);

	/* the same namespace without the target: the kernel is really hidden */
	assert_int_equal(run("unshare -m sh -c '" HIDE " && '\\''%s'\\'' check -f json --no-cache "
			     "/usr/sbin/*.bt' > '%s'", g_bin, bare), 1);
	assert_int_equal(run("grep -q '\"rule\": \"BC105\"' '%s'", bare), 0);
}

/* strace of a --target run: nothing under /sys/kernel (BTF, tracefs) or
 * /proc/sys (bpf_jit_enable), no uname, no bpftrace binary. */
static void test_reads_nothing_live(void **state)
{
	const char *why = cannot_run();
	char trace[1200];

	(void)state;
	if (!why && run("command -v strace >/dev/null"))
		why = "strace is not installed";
	if (why) {
		fprintf(stderr, "skipped: %s\n", why);
		skip();
	}
	if (access(g_target, R_OK))
		assert_int_equal(run("'%s' target capture -o '%s' >/dev/null", g_bin, g_target), 0);
	snprintf(trace, sizeof(trace), "%s/strace.log", g_dir);
	assert_true(run("strace -f -o '%s' -e trace=open,openat,openat2,stat,newfstatat,statx,"
			"access,faccessat,faccessat2,uname,execve '%s' check --no-cache --target '%s' "
			"/usr/sbin/opensnoop.bt /usr/sbin/tcpaccept.bt /usr/sbin/biosnoop.bt "
			">/dev/null 2>&1", trace, g_bin, g_target) < 2);
	/* the trace itself works (it saw the target file being opened) ... */
	assert_int_equal(run("grep -q 'here.bct' '%s'", trace), 0);
	/* ... and saw nothing of the kernel or the installed bpftrace */
	if (run("grep -E '\"/sys/kernel|\"/proc/sys|uname\\(|bin/bpftrace\"' '%s' >&2", trace) == 0)
		fail_msg("a --target run read the live system (see above)");
}

/* The result cache never keeps what was computed without the kernel: a
 * run with tracefs hidden (BC105, probes without figures) followed by a
 * live run with the same cache gives the live figures. */
static void test_cache_keeps_no_degraded_results(void **state)
{
	const char *why = cannot_run();
	char cache[1200], bare[1200], live[1200], fresh[1200];
	json_t *a, *b;

	(void)state;
	if (why) {
		fprintf(stderr, "skipped: %s\n", why);
		skip();
	}
	snprintf(cache, sizeof(cache), "%s/results", g_dir);
	snprintf(bare, sizeof(bare), "%s/cache-bare.json", g_dir);
	snprintf(live, sizeof(live), "%s/cache-live.json", g_dir);
	snprintf(fresh, sizeof(fresh), "%s/cache-fresh.json", g_dir);
	assert_int_equal(run("unshare -m sh -c '" HIDE " && BPFCHECK_CACHE_DIR='\\''%s'\\'' "
			     "'\\''%s'\\'' check -f json /usr/sbin/opensnoop.bt' > '%s'",
			     cache, g_bin, bare), 1);
	assert_int_equal(run("grep -q '\"rule\": \"BC105\"' '%s'", bare), 0);
	assert_true(run("BPFCHECK_CACHE_DIR='%s' '%s' check -f json /usr/sbin/opensnoop.bt > '%s'",
			cache, g_bin, live) < 2);
	assert_true(run("'%s' check --no-cache -f json /usr/sbin/opensnoop.bt > '%s'", g_bin,
			fresh) < 2);
	assert_int_equal(run("grep -q '\"rule\": \"BC105\"' '%s'", live), 1);
	a = figures(live);
	b = figures(fresh);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_figures_without_kernel),
		cmocka_unit_test(test_cache_keeps_no_degraded_results),
		cmocka_unit_test(test_reads_nothing_live),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
