// SPDX-License-Identifier: Apache-2.0
/*
 * The persistent cache of BTF answers (analyzer/types/btf_cache.h and its
 * use in btf_types.c): records are written whole and read back only for the
 * same BTF file; damaged or foreign records are ignored; with the kernel's
 * BTF, a warm cache gives exactly the answers the BTF gives, without
 * reading it; and the CLI reports the same findings on every installed
 * bpftrace tool with no cache, a cold one and a warm one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "support/dirs.h"
#include "support/shell.h"
#include "analyzer/types/btf_cache.h"
#include "analyzer/types/btf_types.h"
#include "analyzer/types/stype_json.h"
#include "support/script_support.h"

#define V17 BC_BTV(0, 17, 0)

static char *temp_dir(void)
{
	return bc_test_temp_dir("bc-btf-cache");
}

static char *write_file(const char *dir, const char *name, const char *text)
{
	char *path;
	FILE *f;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_record_round_trip(void **state)
{
	char *dir = temp_dir(), *cache, *btf = write_file(dir, "fake.btf", "not really BTF");
	struct bc_btf_cache *c;

	(void)state;
	assert_true(asprintf(&cache, "%s/a/b/cache", dir) > 0);	/* created on write */
	c = bc_btf_cache_open(cache, btf);
	assert_non_null(c);
	assert_false(bc_btf_cache_warm(c));
	assert_null(bc_btf_cache_get(c, "S|1700|struct x"));
	bc_btf_cache_put(c, "S|1700|struct x", json_pack("{s:i}", "e", ENOENT));
	bc_btf_cache_put(c, "E|0|FOO", json_pack("{s:i}", "v", 42));
	assert_int_equal(bc_btf_cache_close(c), 0);

	c = bc_btf_cache_open(cache, btf);
	assert_non_null(c);
	assert_true(bc_btf_cache_warm(c));
	assert_int_equal(json_integer_value(json_object_get(bc_btf_cache_get(c, "E|0|FOO"), "v")), 42);
	assert_int_equal(json_integer_value(json_object_get(bc_btf_cache_get(c, "S|1700|struct x"),
							    "e")), ENOENT);
	assert_null(bc_btf_cache_get(c, "S|1700|struct y"));
	assert_int_equal(bc_btf_cache_close(c), 0);	/* nothing new: not rewritten */
	free(btf);
	free(cache);
	bc_test_remove_tree(dir);
	free(dir);
}

/* Two handles on one record (sema's and the kfunc check's, or two runs at
 * once): what each adds survives the other's write. */
static void test_two_writers(void **state)
{
	char *dir = temp_dir(), *cache, *btf = write_file(dir, "k.btf", "x");
	struct bc_btf_cache *a, *b, *c;

	(void)state;
	assert_true(asprintf(&cache, "%s/cache", dir) > 0);
	a = bc_btf_cache_open(cache, btf);
	b = bc_btf_cache_open(cache, btf);
	assert_null(bc_btf_cache_get(a, "H|0|x"));
	assert_null(bc_btf_cache_get(b, "H|0|x"));
	bc_btf_cache_put(a, "H|0|a", json_pack("{s:i}", "v", 1));
	bc_btf_cache_put(b, "H|0|b", json_pack("{s:i}", "v", 0));
	assert_int_equal(bc_btf_cache_close(b), 0);
	assert_int_equal(bc_btf_cache_close(a), 0);
	c = bc_btf_cache_open(cache, btf);
	assert_true(bc_btf_cache_warm(c));
	assert_non_null(bc_btf_cache_get(c, "H|0|a"));
	assert_non_null(bc_btf_cache_get(c, "H|0|b"));
	bc_btf_cache_close(c);
	free(btf);
	free(cache);
	bc_test_remove_tree(dir);
	free(dir);
}

/* Another BTF file, or the same file changed: the record is not used. */
static void test_identity(void **state)
{
	char *dir = temp_dir(), *cache, *btf = write_file(dir, "k.btf", "one");
	char *other = write_file(dir, "other.btf", "one");
	struct timeval tv[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct bc_btf_cache *c;

	(void)state;
	assert_true(asprintf(&cache, "%s/cache", dir) > 0);
	c = bc_btf_cache_open(cache, btf);
	bc_btf_cache_put(c, "H|0|f", json_pack("{s:i}", "v", 1));
	assert_int_equal(bc_btf_cache_close(c), 0);

	c = bc_btf_cache_open(cache, other);
	assert_false(bc_btf_cache_warm(c));
	assert_null(bc_btf_cache_get(c, "H|0|f"));
	bc_btf_cache_close(c);

	assert_int_equal(utimes(btf, tv), 0);	/* same bytes, other time */
	c = bc_btf_cache_open(cache, btf);
	assert_false(bc_btf_cache_warm(c));
	bc_btf_cache_close(c);

	/* no directory, or no BTF file: no cache, no error */
	assert_null(bc_btf_cache_open(NULL, btf));
	assert_null(bc_btf_cache_open("", btf));
	assert_null(bc_btf_cache_open(cache, "/nonexistent/vmlinux"));
	free(btf);
	free(other);
	free(cache);
	bc_test_remove_tree(dir);
	free(dir);
}

static void expect_cold_after(const char *cache, const char *btf, const char *record,
			      const char *content)
{
	struct bc_btf_cache *c;
	FILE *f = fopen(record, "w");

	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	c = bc_btf_cache_open(cache, btf);
	assert_non_null(c);
	assert_false(bc_btf_cache_warm(c));
	assert_null(bc_btf_cache_get(c, "H|0|f"));
	bc_btf_cache_close(c);
}

static void test_damaged_records(void **state)
{
	char *dir = temp_dir(), *cache, *btf = write_file(dir, "k.btf", "x"), *rec, *good, *id;
	struct bc_btf_cache *c;
	json_t *root;

	(void)state;
	assert_true(asprintf(&cache, "%s/cache", dir) > 0);
	c = bc_btf_cache_open(cache, btf);
	bc_btf_cache_put(c, "H|0|f", json_pack("{s:i}", "v", 1));
	assert_int_equal(bc_btf_cache_close(c), 0);
	rec = bc_test_cache_entry(cache, "btf-");	/* one record per BTF file */
	root = json_load_file(rec, 0, NULL);
	assert_non_null(root);
	good = json_dumps(root, JSON_COMPACT);
	id = strdup(json_string_value(json_object_get(root, "identity")));
	json_decref(root);

	expect_cold_after(cache, btf, rec, "");
	expect_cold_after(cache, btf, rec, "\xff\xfe garbage {{{");
	expect_cold_after(cache, btf, rec, "[1, 2, 3]");
	expect_cold_after(cache, btf, rec, "{\"identity\": \"someone else\", \"entries\": {}}");
	{
		char *s;

		assert_true(asprintf(&s, "{\"identity\": \"%s\", \"entries\": [1]}", id) > 0);
		expect_cold_after(cache, btf, rec, s);
		free(s);
		assert_true(asprintf(&s, "{\"identity\": \"%s\"}", id) > 0);
		expect_cold_after(cache, btf, rec, s);
		free(s);
	}
	/* and the intact record still works */
	expect_cold_after(cache, btf, rec, "{}");
	{
		FILE *f = fopen(rec, "w");

		fputs(good, f);
		fclose(f);
	}
	c = bc_btf_cache_open(cache, btf);
	assert_true(bc_btf_cache_warm(c));
	bc_btf_cache_close(c);
	free(good);
	free(id);
	free(rec);
	free(btf);
	free(cache);
	bc_test_remove_tree(dir);
	free(dir);
}

/* A cache directory that cannot be created: the write fails, nothing else. */
static void test_unwritable(void **state)
{
	char *dir = temp_dir(), *btf = write_file(dir, "k.btf", "x"), *cache;
	struct bc_btf_cache *c;

	(void)state;
	assert_true(asprintf(&cache, "%s/cache", btf) > 0);	/* under a regular file */
	c = bc_btf_cache_open(cache, btf);
	assert_non_null(c);
	bc_btf_cache_put(c, "H|0|f", json_pack("{s:i}", "v", 1));
	assert_true(bc_btf_cache_close(c) < 0);
	free(cache);
	free(btf);
	bc_test_remove_tree(dir);
	free(dir);
}

/* ---- with the kernel's BTF ---- */

struct answers {
	json_t *all;	/* query -> answer as JSON */
};

static void note(json_t *all, const char *q, json_t *answer)
{
	assert_int_equal(json_object_set_new(all, q, answer ? answer : json_null()), 0);
}

static json_t *type_answer(struct bc_stype *t)
{
	json_t *j = t ? bc_stype_to_json(t) : json_string(strerror(errno));

	bc_stype_put(t);
	return j;
}

/* The questions a script analysis asks, and every answer. */
static json_t *ask(struct bc_btf *b)
{
	static const char *const structs[] = { "struct sock", "struct task_struct", "sk_buff",
					       "union bpf_attr", "struct no_such_struct_xyz",
					       "struct file", "struct trace_event_raw_sched_switch" };
	static const char *const types[] = { "pid_t", "struct sock *", "unsigned long",
					     "const char *", "u8", "struct no_such_xyz *",
					     "enum bpf_map_type", "no_such_type_xyz" };
	static const char *const funcs[] = { "vfs_read", "tcp_sendmsg", "no_such_func_xyz" };
	static const char *const enums[] = { "BPF_MAP_TYPE_HASH", "TCP_ESTABLISHED",
					     "NO_SUCH_ENUM_XYZ" };
	json_t *all = json_object();
	char q[128];

	assert_non_null(all);
	for (size_t i = 0; i < sizeof(structs) / sizeof(*structs); i++) {
		snprintf(q, sizeof(q), "struct %s", structs[i]);
		note(all, q, type_answer(bc_btf_struct(b, structs[i], V17)));
		snprintf(q, sizeof(q), "struct %s HEAD", structs[i]);
		note(all, q, type_answer(bc_btf_struct(b, structs[i], BC_BT_HEAD)));
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		snprintf(q, sizeof(q), "type %s", types[i]);
		note(all, q, type_answer(bc_btf_type_by_name(b, types[i], V17)));
	}
	for (size_t i = 0; i < sizeof(funcs) / sizeof(*funcs); i++) {
		struct bc_btf_func f;
		int err = bc_btf_func(b, funcs[i], V17, &f);

		snprintf(q, sizeof(q), "func %s", funcs[i]);
		note(all, q, err ? json_integer(err) :
				   bc_stype_func_to_json(f.name, f.params, f.nr_params, f.ret));
		if (!err)
			bc_btf_func_free(&f);
		snprintf(q, sizeof(q), "args %s", funcs[i]);
		note(all, q, type_answer(bc_btf_func_args(b, funcs[i], true, V17)));
		snprintf(q, sizeof(q), "has %s", funcs[i]);
		note(all, q, json_integer(bc_btf_find_func(b, funcs[i])));
	}
	for (size_t i = 0; i < sizeof(enums) / sizeof(*enums); i++) {
		int64_t v = -1;
		int r = bc_btf_enum_value(b, enums[i], &v);

		snprintf(q, sizeof(q), "enum %s", enums[i]);
		note(all, q, json_pack("{s:i, s:I}", "r", r, "v", (json_int_t)(r == 1 ? v : -1)));
	}
	note(all, "tracepoint sched_switch",
	     type_answer(bc_btf_tracepoint_struct(b, "sched", "sched_switch", V17)));
	return all;
}

static void test_kernel_btf_answers(void **state)
{
	char *dir, *cache;
	struct bc_btf *b;
	json_t *plain, *cold, *warm;

	(void)state;
	if (access(BC_BTF_VMLINUX, R_OK))
		skip();
	dir = temp_dir();
	assert_true(asprintf(&cache, "%s/cache", dir) > 0);

	b = bc_btf_open(NULL);
	plain = ask(b);
	assert_true(bc_btf_is_loaded(b));
	bc_btf_close(b);

	b = bc_btf_open(NULL);
	assert_int_equal(bc_btf_set_cache(b, cache), 0);
	cold = ask(b);
	assert_true(bc_btf_is_loaded(b));
	bc_btf_close(b);	/* writes the record */

	b = bc_btf_open(NULL);
	assert_int_equal(bc_btf_set_cache(b, cache), 0);
	warm = ask(b);
	/* every answer came from the record: the BTF was never read */
	assert_false(bc_btf_is_loaded(b));
	bc_btf_close(b);

	if (!json_equal(plain, cold) || !json_equal(plain, warm)) {
		char *a = json_dumps(plain, JSON_SORT_KEYS), *w = json_dumps(warm, JSON_SORT_KEYS);

		print_error("answers differ:\nplain %.2000s\nwarm  %.2000s\n", a, w);
		free(a);
		free(w);
		fail();
	}
	/* the struct answers are real layouts, not errors */
	assert_true(json_is_object(json_object_get(plain, "struct struct sock")));
	assert_true(json_is_string(json_object_get(plain, "struct struct no_such_struct_xyz")));
	json_decref(plain);
	json_decref(cold);
	json_decref(warm);
	free(cache);
	bc_test_remove_tree(dir);
	free(dir);
}

/* ---- the CLI on every installed tool ---- */

static char *run(const char *cmd)
{
	char *out;

	bc_test_shell(cmd, &out);
	return out;
}

static void test_tools_same_findings(void **state)
{
	char *bin, *dir, cmd[2048];
	DIR *d = opendir("/usr/sbin");
	struct dirent *e;
	size_t tools = 0;

	(void)state;
	if (!d || access(BC_BTF_VMLINUX, R_OK))
		skip();
	bin = bc_test_build_path("bpfcheck");
	assert_non_null(bin);
	if (access(bin, X_OK)) {
		free(bin);
		closedir(d);
		skip();
	}
	dir = temp_dir();
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char *plain, *cold, *warm;

		if (n < 4 || strcmp(e->d_name + n - 3, ".bt"))
			continue;
		snprintf(cmd, sizeof(cmd),
			 "%s check -f json --no-config --bpftrace 0.17 --no-cache /usr/sbin/%s 2>&1",
			 bin, e->d_name);
		plain = run(cmd);
		snprintf(cmd, sizeof(cmd),
			 "BPFCHECK_CACHE_DIR=%s/c %s check -f json --no-config --bpftrace 0.17 "
			 "/usr/sbin/%s 2>&1", dir, bin, e->d_name);
		cold = run(cmd);
		warm = run(cmd);
		if (strcmp(plain, cold) || strcmp(plain, warm)) {
			print_error("%s: findings differ with the cache\n", e->d_name);
			fail();
		}
		tools++;
		free(plain);
		free(cold);
		free(warm);
	}
	closedir(d);
	free(bin);
	bc_test_remove_tree(dir);
	free(dir);
	if (!tools)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_round_trip),
		cmocka_unit_test(test_two_writers),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_damaged_records),
		cmocka_unit_test(test_unwritable),
		cmocka_unit_test(test_kernel_btf_answers),
		cmocka_unit_test(test_tools_same_findings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
