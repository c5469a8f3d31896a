// SPDX-License-Identifier: Apache-2.0
/*
 * The result cache (analyzer/driver/result_cache.h): a warm run reports
 * byte for byte what a cold one does, in every format, on every installed
 * bpftrace tool; the cache is really used (an entry changed by hand shows);
 * --no-cache bypasses it; damaged, foreign or malformed entries are ignored
 * and replaced; and the JSON form of results reads back as written.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "support/dirs.h"
#include "analyzer/core/analysis.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"
#include "analyzer/driver/driver.h"
#include "analyzer/driver/result_json.h"

static const char *const formats[] = {
	"text", "gcc", "json", "sarif", "github", "gitlab", "table", "diff",
};

static char *bpfcheck(void)
{
	const char *build = getenv("BC_BUILD"), *src = getenv("BC_SRCDIR");
	char *bin;

	assert_true(asprintf(&bin, "%s/%s/bpfcheck", src ? src : ".", build ? build : "build") > 0);
	return bin;
}

/* stdout and stderr of CMD, then its exit status as "\nexit N". */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *out = NULL, buf[4096];
	size_t len = 0, n;
	FILE *m = open_memstream(&out, &len);
	int st;

	assert_non_null(p);
	assert_non_null(m);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, m);
	st = pclose(p);
	fprintf(m, "\nexit %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	fclose(m);
	return out;
}

static char *temp_dir(void)
{
	return bc_test_temp_dir("bc-result-cache");
}

static size_t count_entries(const char *cache)
{
	return bc_test_cache_count(cache, "result-");
}

/* The one result entry in CACHE. */
static char *entry_of(const char *cache)
{
	return bc_test_cache_entry(cache, "result-");
}

/* ---- every format, every tool ---- */

static void test_tools_every_format(void **state)
{
	char *bin = bpfcheck(), *dir, cmd[1024];
	const char *tools = "/usr/sbin/*.bt";
	size_t entries = 0;

	(void)state;
	/* the tools read tracepoint formats: without them most are refused
	 * and few results are stored */
	if (access(bin, X_OK) || access("/usr/sbin/opensnoop.bt", R_OK) ||
	    !bc_test_live_tracefs()) {
		free(bin);
		skip();
	}
	dir = temp_dir();
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		char *plain, *cached;

		snprintf(cmd, sizeof(cmd), "%s check -f %s --no-config --bpftrace 0.17 --no-cache %s 2>&1",
			 bin, formats[i], tools);
		plain = run(cmd);
		/* the first format fills the cache, every later one reads it */
		snprintf(cmd, sizeof(cmd), "BPFCHECK_CACHE_DIR=%s/c %s check -f %s --no-config "
			 "--bpftrace 0.17 %s 2>&1", dir, bin, formats[i], tools);
		cached = run(cmd);
		if (strcmp(plain, cached)) {
			print_error("-f %s: the report differs with the result cache (%s)\n",
				    formats[i], i ? "warm" : "cold");
			fail();
		}
		if (!i) {
			entries = count_entries(strcat(strcpy(cmd, dir), "/c"));
			assert_true(entries >= 30);
		}
		free(plain);
		free(cached);
	}
	/* `bpfcheck stack` reads the same entries */
	snprintf(cmd, sizeof(cmd), "%s stack --no-config --bpftrace 0.17 --no-cache %s 2>&1", bin,
		 tools);
	{
		char *plain = run(cmd), *cached;

		snprintf(cmd, sizeof(cmd), "BPFCHECK_CACHE_DIR=%s/c %s stack --no-config "
			 "--bpftrace 0.17 %s 2>&1", dir, bin, tools);
		cached = run(cmd);
		assert_string_equal(plain, cached);
		free(plain);
		free(cached);
	}
	free(bin);
	bc_test_remove_tree(dir);
	free(dir);
}

/* ---- the entry is what is reported, and only a good one ---- */

#define SCRIPT "kprobe:vfs_read { @x = count(); clear(@x); printf(\"%s\\n\", str(arg0)); }\n"

struct fixture {
	char *bin, *dir, *script, *cache, *cmd, *nocache_cmd, *reference;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	FILE *s;

	assert_non_null(f);
	f->bin = bpfcheck();
	f->dir = temp_dir();
	assert_true(asprintf(&f->script, "%s/t.bt", f->dir) > 0);
	assert_true(asprintf(&f->cache, "%s/c", f->dir) > 0);
	s = fopen(f->script, "w");
	assert_non_null(s);
	fputs(SCRIPT, s);
	fclose(s);
	assert_true(asprintf(&f->cmd, "BPFCHECK_CACHE_DIR=%s %s check -f json --no-config "
			     "--bpftrace 0.17 %s 2>&1", f->cache, f->bin, f->script) > 0);
	assert_true(asprintf(&f->nocache_cmd, "BPFCHECK_CACHE_DIR=%s %s check -f json --no-config "
			     "--no-cache --bpftrace 0.17 %s 2>&1", f->cache, f->bin, f->script) > 0);
	*state = f;
	if (access(f->bin, X_OK))
		return 0;
	f->reference = run(f->nocache_cmd);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	bc_test_remove_tree(f->dir);
	free(f->bin);
	free(f->dir);
	free(f->script);
	free(f->cache);
	free(f->cmd);
	free(f->nocache_cmd);
	free(f->reference);
	free(f);
	return 0;
}

static void write_text(const char *path, const char *text, size_t n)
{
	FILE *o = fopen(path, "w");

	assert_non_null(o);
	assert_int_equal(fwrite(text, 1, n, o), n);
	fclose(o);
}

/* Changes the first diagnostic's message of the entry at PATH. */
static void tamper_message(const char *path, const char *message)
{
	json_t *root = json_load_file(path, 0, NULL), *d;

	assert_non_null(root);
	d = json_array_get(json_object_get(json_object_get(root, "results"), "diags"), 0);
	assert_non_null(d);
	assert_int_equal(json_object_set_new(d, "message", json_string(message)), 0);
	assert_int_equal(json_dump_file(root, path, JSON_COMPACT), 0);
	json_decref(root);
}

static void test_entry_is_used(void **state)
{
	struct fixture *f = *state;
	char *out, *entry;

	if (!f->reference)
		skip();
	out = run(f->cmd);		/* cold: writes the entry */
	assert_string_equal(out, f->reference);
	free(out);
	entry = entry_of(f->cache);
	tamper_message(entry, "FROM THE CACHE");
	out = run(f->cmd);
	assert_non_null(strstr(out, "FROM THE CACHE"));
	free(out);
	/* --no-cache neither reads it nor replaces it */
	out = run(f->nocache_cmd);
	assert_string_equal(out, f->reference);
	free(out);
	out = run(f->cmd);
	assert_non_null(strstr(out, "FROM THE CACHE"));
	free(out);
	free(entry);
}

static void test_bad_entries_ignored(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = {
		"",
		"not json at all",
		"{\"format\": \"bpfcheck-result/1\", \"key\": \"someone else\", \"results\": {}}",
		"[1, 2, 3]",
	};
	char *out, *entry, *good;
	size_t good_len;
	json_t *root;

	if (!f->reference)
		skip();
	free(run(f->cmd));
	entry = entry_of(f->cache);
	root = json_load_file(entry, 0, NULL);
	assert_non_null(root);
	good = json_dumps(root, JSON_COMPACT);
	good_len = strlen(good);
	json_decref(root);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]) + 3; i++) {
		if (i < sizeof(bad) / sizeof(bad[0])) {
			write_text(entry, bad[i], strlen(bad[i]));
		} else if (i == sizeof(bad) / sizeof(bad[0])) {
			write_text(entry, good, good_len / 2);		/* torn */
		} else {
			/* the right key, results of the wrong shape: a message that
			 * is a number; a callee index past the functions */
			json_t *r = json_loads(good, 0, NULL), *res = json_object_get(r, "results");

			if (i == sizeof(bad) / sizeof(bad[0]) + 1)
				json_object_set_new(json_array_get(json_object_get(res, "diags"), 0),
						    "message", json_integer(7));
			else
				json_object_set_new(json_array_get(json_object_get(res, "funcs"), 0),
						    "callees", json_pack("[i]", 999));
			assert_int_equal(json_dump_file(r, entry, JSON_COMPACT), 0);
			json_decref(r);
		}
		out = run(f->cmd);
		if (strcmp(out, f->reference)) {
			print_error("bad entry %zu was trusted:\n%s\n", i, out);
			fail();
		}
		free(out);
		/* and the analysis replaced it with a good one */
		root = json_load_file(entry, 0, NULL);
		assert_non_null(root);
		assert_string_equal(json_string_value(json_object_get(root, "format")),
				    "bpfcheck-result/1");
		json_decref(root);
	}
	free(good);
	free(entry);
}

/* A changed file, or other settings, is another entry. */
static void test_key_changes(void **state)
{
	struct fixture *f = *state;
	char *out, *cmd;

	if (!f->reference)
		skip();
	free(run(f->cmd));
	assert_int_equal(count_entries(f->cache), 1);
	write_text(f->script, "BEGIN { @a = count(); }\n", 24);
	out = run(f->cmd);
	assert_null(strstr(out, "str(arg0)"));
	free(out);
	assert_int_equal(count_entries(f->cache), 2);
	assert_true(asprintf(&cmd, "BPFTRACE_STRLEN=32 %s", f->cmd) > 0);
	free(run(cmd));
	free(cmd);
	assert_int_equal(count_entries(f->cache), 3);
	assert_true(asprintf(&cmd, "BPFCHECK_CACHE_DIR=%s %s check -f json --no-config "
			     "--bpftrace 0.17 --select BC1 %s 2>&1", f->cache, f->bin, f->script) > 0);
	free(run(cmd));
	free(cmd);
	assert_int_equal(count_entries(f->cache), 4);
}

/* ---- the JSON form ---- */

/*
 * A script's C definitions go through the clang shim when it is there and
 * are reported as not evaluated when it is not: the same executable with
 * and without the shim beside it must not share results.
 */
static void test_clang_shim_in_key(void **state)
{
	const char *src = getenv("BC_SRCDIR") ? getenv("BC_SRCDIR") : ".";
	char *bin = bpfcheck(), *dir = temp_dir(), *cmd, *out, *shim;
	const char *script = "fixtures/scripts/headers/header_struct.bt";

	assert_true(asprintf(&shim, "%.*s/libbpfcheck-clang.so",
			     (int)(strrchr(bin, '/') - bin), bin) > 0);
	if (access(shim, R_OK))
		skip();
	assert_true(asprintf(&cmd, "cp '%s' '%s/bpfcheck' && cd '%s' && "
			     "BPFCHECK_CACHE_DIR='%s/cache' '%s/bpfcheck' check --no-config "
			     "--bpftrace 0.17 -f concise -I fixtures/scripts/headers %s 2>&1",
			     bin, dir, src, dir, dir, script) > 0);
	out = run(cmd);			/* no shim beside it: not evaluated */
	assert_non_null(strstr(out, "BC101"));
	free(out);
	free(cmd);
	assert_true(asprintf(&cmd, "cp '%s' '%s/' && cd '%s' && "
			     "BPFCHECK_CACHE_DIR='%s/cache' '%s/bpfcheck' check --no-config "
			     "--bpftrace 0.17 -f concise -I fixtures/scripts/headers %s 2>&1",
			     shim, dir, src, dir, dir, script) > 0);
	out = run(cmd);			/* the shim: clang lays the struct out */
	assert_null(strstr(out, "BC101"));
	assert_non_null(strstr(out, "Found 0 findings"));
	free(out);
	free(cmd);
	free(shim);
	free(bin);
	free(dir);
}

static void test_json_round_trip(void **state)
{
	static const char text[] = SCRIPT "kprobe:vfs_write { @y[comm, str(arg1)] = count(); }\n";
	struct bc_target t;
	struct bc_analysis a;
	struct bc_unit u = { 0 };
	struct bc_diags d;
	struct bc_facts f;
	json_t *j, *again, *chain;

	(void)state;
	assert_int_equal(bc_target_init(&t), 0);
	assert_int_equal(bc_target_set_bpftrace(&t, "0.17"), 0);
	bc_analysis_init(&a, &t);
	assert_int_equal(bc_unit_load_mem(&u, "t.bt", text, sizeof(text) - 1), 0);
	bc_analyze_unit(&u, &a);
	if (u.status || u.facts.nr_funcs < 2) {
		bc_unit_free(&u);
		bc_target_free(&t);
		skip();		/* no BTF here: nothing compiled */
	}
	assert_true(u.diags.n > 0);
	j = bc_result_to_json(&u.diags, &u.facts);
	assert_non_null(j);
	assert_int_equal(bc_result_from_json(j, &d, &f), 0);
	assert_int_equal(f.nr_funcs, u.facts.nr_funcs);
	assert_int_equal(d.n, u.diags.n);
	assert_true(f.funcs[0].nr_slots > 0);
	again = bc_result_to_json(&d, &f);
	assert_true(json_equal(j, again));
	bc_diags_free(&d);
	bc_facts_free(&f);
	/* an index past the functions is refused, and nothing kept */
	chain = json_object_get(json_array_get(json_object_get(again, "funcs"), 0), "chain");
	assert_int_equal(json_array_append_new(chain, json_integer(100000)), 0);
	assert_int_equal(bc_result_from_json(again, &d, &f), -EINVAL);
	assert_int_equal(f.nr_funcs, 0);
	assert_int_equal(d.n, 0);
	json_decref(j);
	json_decref(again);
	bc_unit_free(&u);
	bc_target_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_clang_shim_in_key),
		cmocka_unit_test_setup_teardown(test_entry_is_used, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_entries_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_changes, setup, teardown),
		cmocka_unit_test(test_tools_every_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
