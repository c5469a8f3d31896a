/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tracepoint format files: the samples in fixtures/tracefs were copied from
 * this machine's /sys/kernel/tracing/events (kernel 6.18); malformed ones
 * are hand-written.
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

#include <cmocka.h>

#include "analyzer/target/source.h"
#include "analyzer/types/tracepoint.h"

#define V17 BC_BTV(0, 17, 0)
#define V24 BC_BTV(0, 24, 0)
#define V25 BC_BTV(0, 25, 0)

static char g_tracefs[1024], g_synth[1024], g_bad[1024];
/* the fixture tracefs and the malformed one, as the analyzer reads them */
static struct bc_source *g_src, *g_bad_src;

static int setup(void **state)
{
	const char *src = getenv("BC_SRCDIR");

	(void)state;
	if (!src)
		src = ".";
	snprintf(g_tracefs, sizeof(g_tracefs), "%s/fixtures/tracefs", src);
	snprintf(g_synth, sizeof(g_synth), "%s/fixtures/tracefs/synthetic", src);
	snprintf(g_bad, sizeof(g_bad), "%s/fixtures/tracefs/malformed", src);
	g_src = bc_source_live(g_tracefs);
	g_bad_src = bc_source_live(g_bad);
	return access(g_tracefs, R_OK) == 0 && g_src && g_bad_src ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	bc_source_free(g_src);
	bc_source_free(g_bad_src);
	return 0;
}

static const struct bc_field *field(const struct bc_stype *s, const char *name)
{
	const struct bc_field *f = bc_stype_field(s, name);

	if (!f)
		fail_msg("no field %s", name);
	return f;
}

static void test_parse_openat(void **state)
{
	struct bc_tp_format f;
	struct bc_tp_error err;
	static const char *const listed[] = { "__syscall_nr", "dfd", "filename", "flags",
					      "mode" };
	size_t k = 0;

	(void)state;
	assert_int_equal(bc_tp_format_load(g_tracefs, "syscalls", "sys_enter_openat", &f, &err),
			 0);
	assert_string_equal(f.name, "sys_enter_openat");
	assert_true(f.has_id);
	assert_int_equal(f.nr_fields, 9);
	assert_string_equal(f.fields[0].name, "common_type");
	assert_true(f.fields[0].is_common);
	assert_string_equal(f.fields[3].type, "int");
	assert_true(f.fields[3].is_signed);
	/* what `bpftrace -lv` lists: everything after the common header */
	for (size_t i = 0; i < f.nr_fields; i++) {
		if (f.fields[i].is_common)
			continue;
		assert_true(k < 5);
		assert_string_equal(f.fields[i].name, listed[k++]);
	}
	assert_int_equal(k, 5);
	assert_string_equal(f.fields[6].type, "const char *");
	assert_int_equal(f.fields[6].offset, 24);
	assert_int_equal(f.fields[6].size, 8);
	bc_tp_format_free(&f);
}

static void test_openat_types_per_version(void **state)
{
	struct bc_tp_format f;
	struct bc_stype *a17, *a25;
	size_t unresolved = 99;
	char *n;

	(void)state;
	assert_int_equal(bc_tp_format_load(g_tracefs, "syscalls", "sys_enter_openat", &f, NULL),
			 0);
	a17 = bc_tp_args_type(&f, "syscalls", "sys_enter_openat", V17, NULL, &unresolved);
	assert_non_null(a17);
	assert_int_equal(unresolved, 0);
	assert_string_equal(a17->name, "struct _tracepoint_syscalls_sys_enter_openat");
	assert_int_equal(a17->size, 48);
	/* 0.17: "int dfd" of size 8 is s64 (adjust_integer_types); umode_t stays 2 bytes */
	assert_int_equal(field(a17, "dfd")->type->size, 8);
	assert_true(field(a17, "dfd")->type->is_signed);
	assert_int_equal(field(a17, "mode")->type->size, 2);
	assert_int_equal(field(a17, "mode")->offset, 40);
	assert_int_equal(field(a17, "__syscall_nr")->type->size, 4);
	assert_true(field(a17, "common_pid")->is_common);
	n = bc_stype_name(field(a17, "filename")->type, V17);
	assert_string_equal(n, "int8 *");
	free(n);
	/* 0.25+: the file's size and sign */
	a25 = bc_tp_args_type(&f, "syscalls", "sys_enter_openat", V25, NULL, NULL);
	assert_int_equal(field(a25, "dfd")->type->size, 8);
	assert_false(field(a25, "dfd")->type->is_signed);
	assert_int_equal(field(a25, "mode")->type->size, 8);
	assert_int_equal(field(a25, "filename")->type->kind, BC_ST_POINTER);
	assert_int_equal(field(a25, "filename")->type->as, BC_AS_KERNEL);
	bc_stype_put(a17);
	bc_stype_put(a25);
	bc_tp_format_free(&f);
}

static void test_sched_switch_and_data_loc(void **state)
{
	struct bc_stype *s, *e;

	(void)state;
	s = bc_tp_args(g_src, "sched", "sched_switch", V17, NULL, NULL);
	assert_non_null(s);
	assert_int_equal(field(s, "prev_comm")->type->kind, BC_ST_STRING);
	assert_int_equal(field(s, "prev_comm")->type->size, 16);
	assert_int_equal(field(s, "prev_pid")->type->size, 4);
	assert_true(field(s, "prev_pid")->type->is_signed);
	bc_stype_put(s);
	e = bc_tp_args(g_src, "sched", "sched_process_exec", V17, NULL, NULL);
	assert_non_null(e);
	assert_true(field(e, "filename")->is_data_loc);
	assert_int_equal(field(e, "filename")->type->size, 8);
	assert_int_equal(field(e, "filename")->offset, 8);
	bc_stype_put(e);
	/* a __data_loc among arrays: block_rq_issue cmd */
	e = bc_tp_args(g_src, "block", "block_rq_issue", V17, NULL, NULL);
	assert_non_null(e);
	assert_int_equal(field(e, "rwbs")->type->size, 10);
	assert_true(field(e, "cmd")->is_data_loc);
	assert_int_equal(field(e, "dev")->type->size, 4);	/* dev_t, known without BTF */
	bc_stype_put(e);
}

static void test_u8_arrays_are_arrays(void **state)
{
	struct bc_stype *s;
	const struct bc_field *saddr;

	(void)state;
	s = bc_tp_args(g_src, "sock", "inet_sock_set_state", V17, NULL, NULL);
	assert_non_null(s);
	saddr = field(s, "saddr");
	assert_int_equal(saddr->type->kind, BC_ST_ARRAY);
	assert_int_equal(saddr->type->nelems, 4);
	assert_int_equal(saddr->offset, 32);
	assert_int_equal(field(s, "daddr_v6")->type->nelems, 16);
	bc_stype_put(s);
}

static void test_synthetic_types(void **state)
{
	struct bc_stype *a17, *a25;
	size_t unresolved = 0;
	struct bc_tp_format f;

	(void)state;
	assert_int_equal(bc_tp_format_load(g_synth, "test", "types", &f, NULL), 0);
	a17 = bc_tp_args_type(&f, "test", "types", V17, NULL, &unresolved);
	assert_int_equal(unresolved, 1);	/* xfs_ino_t */
	assert_int_equal(field(a17, "uflags")->type->size, 8);	/* unsigned int -> u64 */
	assert_false(field(a17, "uflags")->type->is_signed);
	assert_int_equal(field(a17, "ino")->type->size, 8);	/* degraded to the file's size */
	assert_int_equal(field(a17, "skb")->type->kind, BC_ST_POINTER);
	assert_string_equal(field(a17, "skb")->type->elem->name, "struct sk_buff");
	assert_int_equal(field(a17, "comm")->type->kind, BC_ST_STRING);
	assert_int_equal(field(a17, "comm")->type->size, 16);	/* [TASK_COMM_LEN] */
	assert_int_equal(field(a17, "ok")->type->size, 1);
	assert_int_equal(field(a17, "words")->type->kind, BC_ST_ARRAY);
	assert_int_equal(field(a17, "words")->type->nelems, 2);
	assert_true(field(a17, "delta")->type->is_signed);
	assert_int_equal(a17->size, 112);
	a25 = bc_tp_args_type(&f, "test", "types", V25, NULL, NULL);
	assert_int_equal(field(a25, "mode")->type->size, 8);
	assert_int_equal(field(a25, "ok")->type->kind, BC_ST_INT);	/* no BTF: uint8 */
	bc_stype_put(a17);
	bc_stype_put(a25);
	bc_tp_format_free(&f);
}

static void test_crlf_without_newline(void **state)
{
	struct bc_tp_format f;
	FILE *fp;
	char path[1200], buf[512];
	size_t n;

	(void)state;
	snprintf(path, sizeof(path), "%s/crlf_no_newline.format", g_synth);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	assert_int_equal(bc_tp_format_parse(buf, n, &f, NULL), 0);
	assert_string_equal(f.name, "crlf");
	assert_int_equal(f.nr_fields, 2);
	assert_string_equal(f.fields[1].name, "x");
	bc_tp_format_free(&f);
}

static void test_malformed(void **state)
{
	static const struct {
		const char *file;
		unsigned line;	/* expected error line; 0 = not tied to a line */
	} cases[] = {
		{ "missing_offset", 5 }, { "bad_number", 5 },	  { "huge_number", 5 },
		{ "negative_offset", 5 }, { "no_name", 5 },	  { "bad_array", 5 },
		{ "bad_array_expr", 5 },  { "duplicate", 6 },	  { "bad_signed", 5 },
		{ "bad_ident", 5 },	  { "no_fields", 0 },	  { "empty", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[1200], *buf = malloc(1 << 16);
		struct bc_tp_format f;
		struct bc_tp_error err;
		FILE *fp;
		size_t n;
		int ret;

		snprintf(path, sizeof(path), "%s/%s.format", g_bad, cases[i].file);
		fp = fopen(path, "rb");
		if (!fp)
			fail_msg("missing fixture %s", path);
		n = fread(buf, 1, 1 << 16, fp);
		fclose(fp);
		ret = bc_tp_format_parse(buf, n, &f, &err);
		if (ret != -EINVAL)
			fail_msg("%s: expected -EINVAL, got %d", cases[i].file, ret);
		assert_int_equal(err.line, cases[i].line);
		assert_true(err.msg[0]);
		assert_null(f.fields);
		free(buf);
	}
}

static void test_binary_garbage(void **state)
{
	char path[1200], buf[4096];
	struct bc_tp_format f;
	FILE *fp;
	size_t n;
	int ret;

	(void)state;
	snprintf(path, sizeof(path), "%s/binary.format", g_bad);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	ret = bc_tp_format_parse(buf, n, &f, NULL);
	assert_true(ret == -EINVAL || ret == 0);
	bc_tp_format_free(&f);
	/* every prefix of a valid file either parses or fails cleanly */
	snprintf(path, sizeof(path), "%s/events/sched/sched_switch/format", g_tracefs);
	fp = fopen(path, "rb");
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	for (size_t k = 0; k <= n; k++) {
		ret = bc_tp_format_parse(buf, k, &f, NULL);
		assert_true(ret == 0 || ret == -EINVAL);
		if (ret == 0)
			assert_true(f.nr_fields > 0);
		bc_tp_format_free(&f);
	}
}

static void test_load_errors(void **state)
{
	struct bc_tp_format f;
	struct bc_tp_error err;

	(void)state;
	assert_int_equal(bc_tp_format_load(g_tracefs, "syscalls", "no_such_event", &f, &err),
			 -ENOENT);
	assert_int_equal(bc_tp_format_load(g_tracefs, "../..", "x", &f, &err), -EINVAL);
	assert_int_equal(bc_tp_format_load(g_tracefs, "sched", "a/b", &f, &err), -EINVAL);
	assert_int_equal(bc_tp_format_load(g_tracefs, "", "x", &f, &err), -EINVAL);
	/* no format file and no BTF: no args */
	errno = 0;
	assert_null(bc_tp_args(g_src, "syscalls", "no_such_event", V17, NULL, &err));
	assert_int_equal(errno, ENOENT);
	/* a malformed file is an error, not a reason to guess */
	assert_null(bc_tp_args(g_bad_src, "x", "y", V17, NULL, &err));
}

/* BTF fallback for a tracepoint whose format file is not readable. */
static void test_btf_fallback(void **state)
{
	struct bc_btf *btf;
	struct bc_stype *s;
	struct bc_tp_error err;

	(void)state;
	if (access(BC_BTF_VMLINUX, R_OK) != 0)
		skip();
	btf = bc_btf_open(NULL);
	/* this tracefs copy has no sched_process_fork: BTF provides it */
	s = bc_tp_args(g_src, "sched", "sched_process_fork", V17, btf, &err);
	assert_non_null(s);
	assert_true(field(s, "common_pid")->is_common);
	assert_non_null(bc_stype_field(s, "child_pid"));
	bc_stype_put(s);
	assert_null(bc_tp_args(g_src, "syscalls", "sys_enter_read", V17, btf, &err));
	/* with BTF, typedef'd fields resolve through it; agrees with the file */
	s = bc_tp_args(g_src, "block", "block_rq_issue", V24, btf, &err);
	assert_non_null(s);
	assert_int_equal(field(s, "sector")->type->size, 8);
	assert_false(field(s, "sector")->type->is_signed);
	bc_stype_put(s);
	bc_btf_close(btf);
}

/* The committed samples agree with this machine's tracefs when it is mounted. */
static void test_live_tracefs_matches(void **state)
{
	struct bc_tp_format live, saved;

	(void)state;
	if (bc_tp_format_load(NULL, "sched", "sched_switch", &live, NULL) != 0)
		skip();
	assert_int_equal(bc_tp_format_load(g_tracefs, "sched", "sched_switch", &saved, NULL), 0);
	assert_int_equal(live.nr_fields, saved.nr_fields);
	for (size_t i = 0; i < live.nr_fields; i++) {
		assert_string_equal(live.fields[i].name, saved.fields[i].name);
		assert_int_equal(live.fields[i].offset, saved.fields[i].offset);
	}
	bc_tp_format_free(&live);
	bc_tp_format_free(&saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_openat),
		cmocka_unit_test(test_openat_types_per_version),
		cmocka_unit_test(test_sched_switch_and_data_loc),
		cmocka_unit_test(test_u8_arrays_are_arrays),
		cmocka_unit_test(test_synthetic_types),
		cmocka_unit_test(test_crlf_without_newline),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_binary_garbage),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_btf_fallback),
		cmocka_unit_test(test_live_tracefs_matches),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
