/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BTF layer against this machine's kernel BTF (skipped when
 * /sys/kernel/btf/vmlinux is absent). Expected offsets are read back from the
 * raw BTF with a separate, naive member walk in this file.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyzer/types/btf_types.h"

#define V17 BC_BTV(0, 17, 0)
#define V25 BC_BTV(0, 25, 0)

static struct bc_btf *g_btf;
static struct btf *g_raw;

static int setup(void **state)
{
	(void)state;
	if (access(BC_BTF_VMLINUX, R_OK) != 0)
		return 0;
	g_btf = bc_btf_open(NULL);
	g_raw = btf__parse(BC_BTF_VMLINUX, NULL);
	return g_btf && g_raw ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	bc_btf_close(g_btf);
	btf__free(g_raw);
	return 0;
}

#define NEED_BTF()                                                                       \
	do {                                                                             \
		if (!g_raw)                                                              \
			skip();                                                          \
	} while (0)

/* Naive walk: bit offset and bitfield size of MEMBER in composite ID, through anonymous members. */
static bool raw_member(uint32_t id, const char *member, uint32_t base, uint32_t *bit,
		       uint32_t *bitsize)
{
	const struct btf_type *t = btf__type_by_id(g_raw, id);
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *n = btf__name_by_offset(g_raw, m->name_off);
		uint32_t off = base + btf_member_bit_offset(t, i);

		if (n && !strcmp(n, member)) {
			*bit = off;
			*bitsize = btf_member_bitfield_size(t, i);
			return true;
		}
		if (!n || !*n) {
			const struct btf_type *mt = btf__type_by_id(g_raw, m->type);

			while (mt && (btf_is_mod(mt) || btf_is_typedef(mt)))
				mt = btf__type_by_id(g_raw, mt->type);
			if (mt && btf_is_composite(mt)) {
				uint32_t mid = m->type;

				while (!btf_is_composite(btf__type_by_id(g_raw, mid)))
					mid = btf__type_by_id(g_raw, mid)->type;
				if (raw_member(mid, member, off, bit, bitsize))
					return true;
			}
		}
	}
	return false;
}

static void expect_member(const struct bc_stype *s, const char *sname, const char *member)
{
	int32_t id = btf__find_by_name_kind(g_raw, sname, BTF_KIND_STRUCT);
	const struct bc_field *f = bc_stype_field(s, member);
	uint32_t bit = 0, bitsize = 0;

	assert_true(id > 0);
	assert_true(raw_member((uint32_t)id, member, 0, &bit, &bitsize));
	assert_non_null(f);
	assert_int_equal(f->offset, bit / 8);
	assert_int_equal(f->bit_width, bitsize);
	if (bitsize)
		assert_int_equal(f->bit_offset, bit % 8);
}

static void test_task_struct(void **state)
{
	struct bc_stype *t;
	const struct bc_field *comm, *pid;
	int32_t id;

	(void)state;
	NEED_BTF();
	t = bc_btf_struct(g_btf, "struct task_struct", V17);
	assert_non_null(t);
	id = btf__find_by_name_kind(g_raw, "task_struct", BTF_KIND_STRUCT);
	assert_int_equal(t->size, btf__resolve_size(g_raw, (uint32_t)id));
	assert_non_null(t->layout);
	expect_member(t, "task_struct", "pid");
	expect_member(t, "task_struct", "tgid");
	expect_member(t, "task_struct", "comm");
	expect_member(t, "task_struct", "sched_reset_on_fork");	/* a 1-bit field */
	pid = bc_stype_field(t, "pid");
	assert_int_equal(pid->type->kind, BC_ST_INT);
	assert_int_equal(pid->type->size, 4);
	assert_true(pid->type->is_signed);
	comm = bc_stype_field(t, "comm");
	assert_int_equal(comm->type->kind, BC_ST_STRING);
	assert_int_equal(comm->type->size, 16);
	assert_int_equal(bc_stype_field(t, "sched_reset_on_fork")->bit_width, 1);
	/* pointers to structs are by name, without recursion */
	const struct bc_field *parent = bc_stype_field(t, "real_parent");
	assert_int_equal(parent->type->kind, BC_ST_POINTER);
	assert_string_equal(parent->type->elem->name, "struct task_struct");
	assert_null(parent->type->elem->layout);
	bc_stype_put(t);
}

static void test_sock_common_anonymous_and_bitfields(void **state)
{
	struct bc_stype *s;
	const struct bc_field *reuse, *reuseport, *family;
	int32_t id;

	(void)state;
	NEED_BTF();
	s = bc_btf_struct(g_btf, "struct sock_common", V17);
	assert_non_null(s);
	id = btf__find_by_name_kind(g_raw, "sock_common", BTF_KIND_STRUCT);
	assert_int_equal(s->size, btf__resolve_size(g_raw, (uint32_t)id));
	/* members of anonymous unions/structs are flattened */
	expect_member(s, "sock_common", "skc_daddr");
	expect_member(s, "sock_common", "skc_rcv_saddr");
	expect_member(s, "sock_common", "skc_hash");
	expect_member(s, "sock_common", "skc_dport");
	expect_member(s, "sock_common", "skc_family");
	expect_member(s, "sock_common", "skc_reuse");
	expect_member(s, "sock_common", "skc_reuseport");
	assert_int_equal(bc_stype_field(s, "skc_daddr")->offset, 0);
	assert_int_equal(bc_stype_field(s, "skc_rcv_saddr")->offset, 4);
	family = bc_stype_field(s, "skc_family");
	assert_int_equal(family->type->size, 2);
	reuse = bc_stype_field(s, "skc_reuse");
	reuseport = bc_stype_field(s, "skc_reuseport");
	assert_int_equal(reuse->bit_width, 4);
	assert_int_equal(reuseport->bit_width, 1);
	/* skc_reuseport follows the 4 bits of skc_reuse */
	assert_int_equal(reuse->offset * 8 + reuse->bit_offset + 4,
			 reuseport->offset * 8 + reuseport->bit_offset);
	bc_stype_put(s);
}

static void test_known_sizes_and_cache(void **state)
{
	struct bc_stype *l, *l2, *u;
	const struct bc_field *next;

	(void)state;
	NEED_BTF();
	l = bc_btf_struct(g_btf, "struct list_head", V17);
	assert_int_equal(l->size, 16);
	next = bc_stype_field(l, "prev");
	assert_int_equal(next->offset, 8);
	assert_int_equal(next->type->kind, BC_ST_POINTER);
	/* cached: the same object comes back */
	l2 = bc_btf_struct(g_btf, "list_head", V17);
	assert_ptr_equal(l, l2);
	bc_stype_put(l2);
	bc_stype_put(l);
	u = bc_btf_struct(g_btf, "union bpf_attr", V17);
	assert_non_null(u);
	assert_true(u->size > 0);
	bc_stype_put(u);
	errno = 0;
	assert_null(bc_btf_struct(g_btf, "struct no_such_struct_bpfcheck", V17));
	assert_int_equal(errno, ENOENT);
	assert_null(bc_btf_struct(g_btf, "union list_head", V17));
}

static void test_type_names(void **state)
{
	struct bc_stype *t;
	int32_t id;

	(void)state;
	NEED_BTF();
	t = bc_btf_type_by_name(g_btf, "unsigned int", V17);
	assert_int_equal(t->kind, BC_ST_INT);
	assert_int_equal(t->size, 4);
	assert_false(t->is_signed);
	bc_stype_put(t);
	t = bc_btf_type_by_name(g_btf, "pid_t", V17);
	assert_int_equal(t->size, 4);
	assert_true(t->is_signed);
	bc_stype_put(t);
	t = bc_btf_type_by_name(g_btf, "unsigned long", V17);
	assert_int_equal(t->size, 8);
	bc_stype_put(t);
	t = bc_btf_type_by_name(g_btf, "u8", V17);
	assert_int_equal(t->size, 1);
	assert_false(t->is_signed);
	bc_stype_put(t);
	t = bc_btf_type_by_name(g_btf, "const char *", V17);
	assert_int_equal(t->kind, BC_ST_POINTER);
	assert_int_equal(t->elem->size, 1);
	bc_stype_put(t);
	t = bc_btf_type_by_name(g_btf, "const char __user *", V17);
	assert_int_equal(t->as, BC_AS_USER);
	bc_stype_put(t);
	t = bc_btf_type_by_name(g_btf, "struct sock **", V17);
	assert_int_equal(t->kind, BC_ST_POINTER);
	assert_int_equal(t->elem->kind, BC_ST_POINTER);
	id = btf__find_by_name_kind(g_raw, "sock", BTF_KIND_STRUCT);
	assert_int_equal(t->elem->elem->size, btf__resolve_size(g_raw, (uint32_t)id));
	bc_stype_put(t);
	t = bc_btf_type_by_name(g_btf, "bool", V17);
	assert_int_equal(t->kind, BC_ST_INT);	/* uint8 before 0.24 */
	bc_stype_put(t);
	t = bc_btf_type_by_name(g_btf, "bool", V25);
	assert_int_equal(t->kind, BC_ST_BOOL);
	bc_stype_put(t);
	errno = 0;
	assert_null(bc_btf_type_by_name(g_btf, "no_such_type_t", V17));
	assert_int_equal(errno, ENOENT);
	assert_null(bc_btf_type_by_name(g_btf, "int * x", V17));
	assert_null(bc_btf_type_by_name(g_btf, "", V17));
}

static void test_func_proto(void **state)
{
	struct bc_btf_func f;
	struct bc_stype *args;
	const struct bc_field *rv;

	(void)state;
	NEED_BTF();
	assert_int_equal(bc_btf_func(g_btf, "vfs_read", V17, &f), 0);
	assert_int_equal(f.nr_params, 4);
	assert_string_equal(f.params[0].name, "file");
	assert_int_equal(f.params[0].type->kind, BC_ST_POINTER);
	assert_string_equal(f.params[0].type->elem->name, "struct file");
	assert_string_equal(f.params[2].name, "count");
	assert_int_equal(f.ret->size, 8);
	assert_true(f.ret->is_signed);
	bc_btf_func_free(&f);
	args = bc_btf_func_args(g_btf, "vfs_read", true, V17);
	assert_non_null(args);
	assert_int_equal(bc_stype_field(args, "buf")->offset, 8);
	rv = bc_stype_field(args, "$retval");
	assert_non_null(rv);
	assert_int_equal(rv->offset, 32);
	bc_stype_put(args);
	assert_int_equal(bc_btf_func(g_btf, "no_such_function_bpfcheck", V17, &f), -ENOENT);
}

static void test_has_func(void **state)
{
	(void)state;
	NEED_BTF();
	assert_int_equal(bc_btf_has_func(g_btf, "bpf_map_sum_elem_count"),
			 btf__find_by_name_kind(g_raw, "bpf_map_sum_elem_count", BTF_KIND_FUNC) > 0);
	assert_true(bc_btf_has_func(g_btf, "vfs_read"));
	assert_false(bc_btf_has_func(g_btf, "no_such_function_bpfcheck"));
	assert_false(bc_btf_has_func(g_btf, "task_struct"));	/* a struct, not a FUNC */
}

static void test_tracepoint_struct(void **state)
{
	struct bc_stype *t;
	const struct bc_field *f;

	(void)state;
	NEED_BTF();
	t = bc_btf_tracepoint_struct(g_btf, "sched", "sched_switch", V17);
	assert_non_null(t);
	assert_string_equal(t->name, "struct _tracepoint_sched_sched_switch");
	f = bc_stype_field(t, "common_pid");
	assert_non_null(f);
	assert_true(f->is_common);
	assert_int_equal(f->offset, 4);
	f = bc_stype_field(t, "prev_comm");
	assert_non_null(f);
	assert_false(f->is_common);
	assert_int_equal(f->type->kind, BC_ST_STRING);
	assert_int_equal(f->type->size, 16);
	assert_null(bc_stype_field(t, "ent"));
	bc_stype_put(t);
	/* __data_loc members lose their prefix */
	t = bc_btf_tracepoint_struct(g_btf, "sched", "sched_process_exec", V17);
	assert_non_null(t);
	f = bc_stype_field(t, "filename");
	assert_non_null(f);
	assert_true(f->is_data_loc);
	assert_int_equal(f->type->size, 8);
	assert_null(bc_stype_field(t, "__data"));
	bc_stype_put(t);
	errno = 0;
	assert_null(bc_btf_tracepoint_struct(g_btf, "syscalls", "sys_enter_openat", V17));
	assert_int_equal(errno, ENOENT);
}

static void test_lazy_and_bad_files(void **state)
{
	char path[] = "/tmp/bc_btf_bad_XXXXXX";
	struct bc_btf *b;
	int fd;

	(void)state;
	/* opening reads nothing: a missing file fails only when used */
	b = bc_btf_open("/nonexistent/bpfcheck.btf");
	assert_non_null(b);
	assert_string_equal(bc_btf_path(b), "/nonexistent/bpfcheck.btf");
	assert_true(bc_btf_load(b) < 0);
	assert_null(bc_btf_struct(b, "struct task_struct", V17));
	assert_false(bc_btf_has_func(b, "vfs_read"));
	bc_btf_close(b);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "garbage, not BTF at all\n", 24), 24);
	close(fd);
	b = bc_btf_open(path);
	assert_true(bc_btf_load(b) < 0);
	assert_null(bc_btf_type_by_name(b, "int", V17));
	bc_btf_close(b);
	unlink(path);
}

/* The vmlinux BTF is parsed once per handle; later queries are cheap. */
static void test_load_once(void **state)
{
	struct timespec a, c;
	struct bc_stype *t;
	double ms;

	(void)state;
	NEED_BTF();
	assert_int_equal(bc_btf_load(g_btf), 0);
	const struct btf *raw = bc_btf_raw(g_btf);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 200; i++) {
		t = bc_btf_struct(g_btf, "struct task_struct", V17);
		bc_stype_put(t);
	}
	clock_gettime(CLOCK_MONOTONIC, &c);
	ms = (c.tv_sec - a.tv_sec) * 1e3 + (c.tv_nsec - a.tv_nsec) / 1e6;
	assert_ptr_equal(raw, bc_btf_raw(g_btf));
	assert_true(ms < 50.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_task_struct),
		cmocka_unit_test(test_sock_common_anonymous_and_bitfields),
		cmocka_unit_test(test_known_sizes_and_cache),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_func_proto),
		cmocka_unit_test(test_has_func),
		cmocka_unit_test(test_tracepoint_struct),
		cmocka_unit_test(test_lazy_and_bad_files),
		cmocka_unit_test(test_load_once),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
