// SPDX-License-Identifier: Apache-2.0
/*
 * Sized types to JSON and back (stype_json.h): every kind round-trips to a
 * type equal field by field (a deep comparison of this file, stricter than
 * bc_stype_equal), the output leaves defaults out, kernel structs and
 * prototypes from this machine's BTF round-trip (skipped without
 * /sys/kernel/btf/vmlinux), and malformed input of every sort is refused
 * with EINVAL (the ASan build checks nothing leaks on the way out).
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
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "analyzer/types/btf_types.h"
#include "analyzer/types/stype.h"
#include "analyzer/types/stype_json.h"

#define V17 BC_BTV(0, 17, 0)
#define V19 BC_BTV(0, 19, 0)
#define V21 BC_BTV(0, 21, 0)
#define V23 BC_BTV(0, 23, 0)
#define V25 BC_BTV(0, 25, 0)

/* ---- deep comparison ---- */

static void assert_same_str(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void assert_same_type(const struct bc_stype *a, const struct bc_stype *b);

static void assert_same_layout(const struct bc_layout *a, const struct bc_layout *b)
{
	if (!a || !b) {
		assert_ptr_equal(a, b);
		return;
	}
	assert_int_equal(b->refs, 1);
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->align, b->align);
	assert_int_equal(a->is_union, b->is_union);
	assert_int_equal(a->padded, b->padded);
	assert_int_equal(a->nr_fields, b->nr_fields);
	for (size_t i = 0; i < a->nr_fields; i++) {
		const struct bc_field *fa = &a->fields[i], *fb = &b->fields[i];

		assert_same_str(fa->name, fb->name);
		assert_int_equal(fa->offset, fb->offset);
		assert_int_equal(fa->bit_offset, fb->bit_offset);
		assert_int_equal(fa->bit_width, fb->bit_width);
		assert_int_equal(fa->is_data_loc, fb->is_data_loc);
		assert_int_equal(fa->is_common, fb->is_common);
		assert_same_type(fa->type, fb->type);
	}
}

/* A is the original, B the type read back (a tree of new references). */
static void assert_same_type(const struct bc_stype *a, const struct bc_stype *b)
{
	if (!a || !b) {
		assert_ptr_equal(a, b);
		return;
	}
	assert_ptr_not_equal(a, b);
	assert_int_equal(b->refs, 1);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->align, b->align);
	assert_int_equal(a->is_signed, b->is_signed);
	assert_int_equal(a->script_dependent, b->script_dependent);
	assert_int_equal(a->as, b->as);
	assert_same_str(a->name, b->name);
	assert_int_equal(a->nelems, b->nelems);
	assert_int_equal(a->stack_limit, b->stack_limit);
	assert_int_equal(a->stack_mode, b->stack_mode);
	assert_same_type(a->elem, b->elem);
	assert_same_layout(a->layout, b->layout);
}

/* Writes T, dumps and reloads the text, reads it back and compares; returns the JSON. */
static json_t *roundtrip_json(const struct bc_stype *t)
{
	json_t *j, *loaded, *again;
	struct bc_stype *u;
	char *text;

	assert_non_null(t);
	j = bc_stype_to_json(t);
	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT);
	assert_non_null(text);
	loaded = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(loaded);
	assert_true(json_equal(j, loaded));
	u = bc_stype_from_json(loaded);
	json_decref(loaded);
	assert_non_null(u);
	assert_true(bc_stype_equal(t, u));
	assert_true(bc_stype_equal(u, t));
	assert_same_type(t, u);
	again = bc_stype_to_json(u);
	assert_non_null(again);
	assert_true(json_equal(j, again));
	json_decref(again);
	bc_stype_put(u);
	return j;
}

/* Round-trips T and drops it (consumed). */
static void roundtrip(struct bc_stype *t)
{
	json_decref(roundtrip_json(t));
	bc_stype_put(t);
}

/* Round-trips T (consumed) and checks its JSON text, keys sorted, is WANT. */
static void roundtrip_text(struct bc_stype *t, const char *want)
{
	json_t *j = roundtrip_json(t);
	char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	assert_non_null(text);
	assert_string_equal(text, want);
	free(text);
	json_decref(j);
	bc_stype_put(t);
}

/* ---- kinds ---- */

static void test_kind_words_unique(void **state)
{
	(void)state;
	for (int k = 0; k < BC_ST__COUNT; k++) {
		const char *w = bc_stype_json_kind_name((enum bc_stype_kind)k);

		assert_non_null(w);
		for (int m = 0; m < k; m++)
			assert_string_not_equal(w, bc_stype_json_kind_name((enum bc_stype_kind)m));
	}
	assert_null(bc_stype_json_kind_name(BC_ST__COUNT));
	assert_null(bc_stype_json_kind_name((enum bc_stype_kind)-1));
	/* the reason for a table of our own: stype.c names both "record" */
	assert_string_equal(bc_stype_kind_name(BC_ST_RECORD), bc_stype_kind_name(BC_ST_CSTRUCT));
	assert_string_not_equal(bc_stype_json_kind_name(BC_ST_RECORD),
				bc_stype_json_kind_name(BC_ST_CSTRUCT));
}

static void test_ints_and_scalars(void **state)
{
	static const uint32_t sizes[] = { 1, 2, 4, 8, 16 };
	struct bc_stype *t;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		roundtrip(bc_stype_int(sizes[i], true));
		roundtrip(bc_stype_int(sizes[i], false));
		roundtrip(bc_stype_enum(sizes[i], "pid_type"));
		roundtrip(bc_stype_enum(sizes[i], NULL));
	}
	roundtrip(bc_stype_none());
	roundtrip(bc_stype_void());
	roundtrip(bc_stype_bool());
	roundtrip(bc_stype_string(64));
	roundtrip(bc_stype_string(0));
	roundtrip(bc_stype_string(UINT32_MAX));
	roundtrip(bc_stype_buffer(72));
	roundtrip(bc_stype_inet(24));
	roundtrip(bc_stype_usym());
	roundtrip(bc_stype_ksym());
	roundtrip(bc_stype_timestamp());
	roundtrip(bc_stype_cgroup_path());
	roundtrip(bc_stype_macaddr());
	roundtrip(bc_stype_probe());
	roundtrip(bc_stype_username());
	roundtrip(bc_stype_strerror());
	roundtrip(bc_stype_stack_mode());
	roundtrip(bc_stype_timestamp_mode());
	/* with an address space, script dependence, flipped sign */
	roundtrip(bc_stype_with_as(bc_stype_int(8, false), BC_AS_USER));
	roundtrip(bc_stype_with_as(bc_stype_int(4, true), BC_AS_KERNEL));
	roundtrip(bc_stype_with_script_dependent(bc_stype_string(100), true));
	roundtrip(bc_stype_with_script_dependent(bc_stype_buffer(9), true));
	roundtrip(bc_stype_with_sign(bc_stype_bool(), true));
	/* sema's guessed integer carries a name ("?") */
	t = bc_stype_int(8, true);
	assert_non_null(t);
	t->name = strdup("?");
	assert_non_null(t->name);
	roundtrip(t);
}

static void test_exact_text(void **state)
{
	(void)state;
	roundtrip_text(bc_stype_int(4, false), "{\"align\":4,\"kind\":\"int\",\"size\":4}");
	roundtrip_text(bc_stype_bool(), "{\"kind\":\"bool\",\"size\":1}");
	roundtrip_text(bc_stype_none(), "{\"kind\":\"none\"}");
	roundtrip_text(bc_stype_pointer(bc_stype_int(8, true), BC_AS_KERNEL),
		       "{\"align\":8,\"as\":\"kernel\",\"elem\":{\"align\":8,\"is_signed\":true,"
		       "\"kind\":\"int\",\"size\":8},\"kind\":\"pointer\",\"size\":8}");
	roundtrip_text(bc_stype_cstruct("struct task_struct", 0, false, NULL),
		       "{\"kind\":\"cstruct\",\"name\":\"struct task_struct\"}");
	roundtrip_text(bc_stype_stack(true, V25, 5, BC_STACK_RAW),
		       "{\"align\":8,\"kind\":\"kstack\",\"size\":48,\"stack_limit\":5,"
		       "\"stack_mode\":\"raw\"}");
	roundtrip_text(bc_stype_enum(4, "pid_type"),
		       "{\"align\":4,\"kind\":\"enum\",\"name\":\"pid_type\",\"size\":4}");
}

static void test_stacks(void **state)
{
	static const int versions[] = { V17, V19, V21, V23, V25 };
	static const enum bc_stack_mode modes[] = { BC_STACK_BPFTRACE, BC_STACK_PERF, BC_STACK_RAW,
						    BC_STACK_BUILD_ID };
	static const uint32_t limits[] = { 0, 1, 5, 127, 1000 };

	(void)state;
	for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++)
		for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
			for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
				roundtrip(bc_stype_stack(true, versions[v], limits[l], modes[m]));
				roundtrip(bc_stype_stack(false, versions[v], limits[l], modes[m]));
			}
}

static void test_aggregations(void **state)
{
	(void)state;
	for (int k = BC_ST_COUNT; k <= BC_ST_TSERIES; k++) {
		roundtrip(bc_stype_agg((enum bc_stype_kind)k, true));
		roundtrip(bc_stype_agg((enum bc_stype_kind)k, false));
	}
}

static void test_tuples_records_arrays(void **state)
{
	struct bc_stype *e[3] = { bc_stype_int(8, true), bc_stype_string(6), bc_stype_string(64) };
	struct bc_stype *r[2], *n[2], *t;
	const char *names[2] = { "a", "b" };

	(void)state;
	t = bc_stype_tuple(e, 3);
	assert_true(t->layout->padded);
	roundtrip(t);
	roundtrip(bc_stype_tuple(NULL, 0));
	/* nested, with a script-dependent member */
	n[0] = bc_stype_with_script_dependent(bc_stype_string(20), true);
	n[1] = bc_stype_int(1, false);
	e[0] = bc_stype_tuple(n, 2);
	e[1] = bc_stype_ksym();
	t = bc_stype_tuple(e, 2);
	assert_true(t->script_dependent);
	roundtrip(t);
	r[0] = bc_stype_int(8, true);
	r[1] = bc_stype_with_script_dependent(bc_stype_string(5), true);
	roundtrip(bc_stype_record(names, r, 2));
	roundtrip(bc_stype_array(bc_stype_array(bc_stype_int(2, true), 3), 4));
	roundtrip(bc_stype_array(bc_stype_int(8, false), 0));
	n[0] = bc_stype_int(4, true);
	n[1] = bc_stype_usym();
	roundtrip(bc_stype_array(bc_stype_tuple(n, 2), 7));
	roundtrip(bc_stype_array(bc_stype_pointer(bc_stype_void(), BC_AS_KERNEL), 2));
}

static void test_pointers_and_unresolved_structs(void **state)
{
	static const enum bc_addrspace spaces[] = { BC_AS_NONE, BC_AS_KERNEL, BC_AS_USER };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		roundtrip(bc_stype_pointer(bc_stype_int(1, true), spaces[i]));
		roundtrip(bc_stype_pointer(bc_stype_cstruct("struct sock", 0, false, NULL),
					   spaces[i]));
		roundtrip(bc_stype_pointer(bc_stype_pointer(bc_stype_void(), spaces[i]),
					   spaces[(i + 1) % 3]));
	}
	roundtrip(bc_stype_cstruct("struct task_struct", 9792, false, NULL));
	roundtrip(bc_stype_cstruct("union bpf_attr", 144, true, NULL));
	roundtrip(bc_stype_cstruct("", 0, false, NULL));
	roundtrip(bc_stype_with_as(bc_stype_cstruct("struct file", 232, false, NULL), BC_AS_KERNEL));
}

static struct bc_field *add(struct bc_layout *l, const char *name, struct bc_stype *t,
			    uint32_t off, uint16_t bit, uint16_t width)
{
	struct bc_field *f = bc_layout_add(l, name, t, off);

	assert_non_null(f);
	f->bit_offset = bit;
	f->bit_width = width;
	return f;
}

static void test_resolved_structs(void **state)
{
	struct bc_layout *l = bc_layout_new(24, 8, false), *u, *tp;
	struct bc_stype *e[2];

	(void)state;
	/* bitfields, an anonymous member, a pointer, an array */
	add(l, "flags", bc_stype_int(4, false), 0, 0, 3);
	add(l, "mode", bc_stype_int(4, false), 0, 3, 5);
	add(l, "wide", bc_stype_int(8, true), 1, 0, 40);
	add(l, NULL, bc_stype_int(4, false), 6, 0, 0);
	add(l, "next", bc_stype_pointer(bc_stype_cstruct("struct bits", 0, false, NULL),
					BC_AS_KERNEL), 8, 0, 0);
	add(l, "tail", bc_stype_array(bc_stype_int(2, false), 4), 16, 7, 65535);
	l->padded = true;
	roundtrip(bc_stype_cstruct("struct bits", 24, false, l));

	u = bc_layout_new(8, 8, true);
	add(u, "i", bc_stype_int(4, true), 0, 0, 0);
	add(u, "l", bc_stype_int(8, false), 0, 0, 0);
	add(u, "b", bc_stype_int(1, false), 0, 2, 1);
	roundtrip(bc_stype_cstruct("union u", 8, true, u));

	/* a tracepoint args struct: common_* header and __data_loc fields */
	tp = bc_layout_new(24, 8, false);
	add(tp, "common_type", bc_stype_int(2, false), 0, 0, 0)->is_common = true;
	add(tp, "common_pid", bc_stype_int(4, true), 4, 0, 0)->is_common = true;
	add(tp, "filename", bc_stype_int(8, true), 8, 0, 0)->is_data_loc = true;
	add(tp, "pid", bc_stype_int(4, true), 16, 0, 0);
	roundtrip(bc_stype_cstruct("struct _tracepoint_sched_sched_process_exec", 24, false, tp));

	/* one layout shared by two types: written twice, read back as two */
	l = bc_layout_new(4, 4, false);
	add(l, "x", bc_stype_int(4, true), 0, 0, 0);
	e[0] = bc_stype_cstruct("struct s", 4, false, bc_layout_get(l));
	e[1] = bc_stype_with_as(bc_stype_cstruct("struct s", 4, false, l), BC_AS_USER);
	roundtrip(bc_stype_tuple(e, 2));
	/* an empty resolved struct */
	roundtrip(bc_stype_cstruct("struct empty", 0, false, bc_layout_new(0, 1, false)));
}

/* ---- writing errors ---- */

static void expect_write_error(const struct bc_stype *t, int want)
{
	errno = 0;
	assert_null(bc_stype_to_json(t));
	assert_int_equal(errno, want);
}

static struct bc_stype *pointer_chain(unsigned levels)
{
	struct bc_stype *t = bc_stype_int(4, true);

	for (unsigned i = 0; i < levels; i++)
		t = bc_stype_pointer(t, BC_AS_KERNEL);
	assert_non_null(t);
	return t;
}

static void test_write_errors(void **state)
{
	struct bc_stype *t;

	(void)state;
	expect_write_error(NULL, EINVAL);
	/* BC_STYPE_JSON_MAX_DEPTH levels below the root are fine, one more is not */
	t = pointer_chain(BC_STYPE_JSON_MAX_DEPTH);
	roundtrip(t);
	t = pointer_chain(BC_STYPE_JSON_MAX_DEPTH + 1);
	expect_write_error(t, ELOOP);
	bc_stype_put(t);
	/* a name JSON cannot hold */
	t = bc_stype_cstruct("struct \xff\xfe", 0, false, NULL);
	expect_write_error(t, EILSEQ);
	t = bc_stype_pointer(t, BC_AS_KERNEL);
	expect_write_error(t, EILSEQ);
	bc_stype_put(t);
	/* shapes no constructor makes */
	t = bc_stype_none();
	t->kind = BC_ST_POINTER;
	expect_write_error(t, EINVAL);
	t->kind = BC_ST_TUPLE;
	expect_write_error(t, EINVAL);
	t->kind = BC_ST_CSTRUCT;
	expect_write_error(t, EINVAL);
	t->kind = BC_ST__COUNT;
	expect_write_error(t, EINVAL);
	t->kind = BC_ST_INT;
	t->as = (enum bc_addrspace)3;
	expect_write_error(t, EINVAL);
	t->as = BC_AS_NONE;
	t->stack_mode = (enum bc_stack_mode)4;
	expect_write_error(t, EINVAL);
	t->stack_mode = BC_STACK_BPFTRACE;
	t->align = 0;
	expect_write_error(t, EINVAL);
	bc_stype_put(t);
	t = bc_stype_tuple(NULL, 0);
	t->kind = BC_ST_RECORD;
	assert_non_null(bc_layout_add(t->layout, NULL, bc_stype_int(1, true), 0));
	expect_write_error(t, EINVAL);
	bc_stype_put(t);
	assert_null(bc_stype_func_to_json(NULL, NULL, 0, t));
	assert_int_equal(errno, EINVAL);
}

/* ---- malformed input ---- */

static void expect_bad(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	struct bc_stype *t;

	if (!j)
		fail_msg("test input does not parse: %s: %s", text, jerr.text);
	errno = 0;
	t = bc_stype_from_json(j);
	if (t)
		fail_msg("accepted: %s", text);
	assert_int_equal(errno, EINVAL);
	json_decref(j);
}

static void test_malformed_types(void **state)
{
	static const char *const bad[] = {
		/* not a type object */
		"null", "1", "\"int\"", "[]", "[{\"kind\":\"int\"}]", "true", "1.5",
		/* kind */
		"{}", "{\"size\":4}", "{\"kind\":1}", "{\"kind\":null}", "{\"kind\":\"integer\"}",
		"{\"kind\":\"\"}", "{\"kind\":\"INT\"}", "{\"kind\":\"stack mode\"}",
		"{\"kind\":[\"int\"]}", "{\"kind\":\"int\\u0000\"}",
		/* numbers */
		"{\"kind\":\"int\",\"size\":-1}", "{\"kind\":\"int\",\"size\":4294967296}",
		"{\"kind\":\"int\",\"size\":9223372036854775807}",
		"{\"kind\":\"int\",\"size\":-9223372036854775808}",
		"{\"kind\":\"int\",\"size\":4.0}", "{\"kind\":\"int\",\"size\":\"4\"}",
		"{\"kind\":\"int\",\"size\":null}", "{\"kind\":\"int\",\"size\":true}",
		"{\"kind\":\"int\",\"align\":0}", "{\"kind\":\"int\",\"align\":-8}",
		"{\"kind\":\"array\",\"elem\":{\"kind\":\"int\"},\"nelems\":-3}",
		"{\"kind\":\"array\",\"elem\":{\"kind\":\"int\"},\"nelems\":4294967296}",
		"{\"kind\":\"kstack\",\"stack_limit\":-1}",
		"{\"kind\":\"kstack\",\"stack_limit\":1e3}",
		/* flags and words */
		"{\"kind\":\"int\",\"is_signed\":1}", "{\"kind\":\"int\",\"is_signed\":\"true\"}",
		"{\"kind\":\"int\",\"is_signed\":null}", "{\"kind\":\"string\",\"script_dependent\":0}",
		"{\"kind\":\"int\",\"as\":\"heap\"}", "{\"kind\":\"int\",\"as\":1}",
		"{\"kind\":\"int\",\"as\":null}", "{\"kind\":\"kstack\",\"stack_mode\":\"fast\"}",
		"{\"kind\":\"kstack\",\"stack_mode\":2}",
		/* names */
		"{\"kind\":\"cstruct\"}", "{\"kind\":\"cstruct\",\"name\":null}",
		"{\"kind\":\"cstruct\",\"name\":7}", "{\"kind\":\"cstruct\",\"name\":\"a\\u0000b\"}",
		"{\"kind\":\"enum\",\"name\":[]}",
		/* unknown members */
		"{\"kind\":\"int\",\"sise\":4}", "{\"kind\":\"int\",\"\":1}",
		"{\"kind\":\"int\",\"layout\":{\"size\":0,\"extra\":1}}",
		/* children */
		"{\"kind\":\"pointer\"}", "{\"kind\":\"pointer\",\"elem\":null}",
		"{\"kind\":\"pointer\",\"elem\":{}}", "{\"kind\":\"pointer\",\"elem\":\"int\"}",
		"{\"kind\":\"array\",\"nelems\":3}", "{\"kind\":\"array\",\"elem\":[]}",
		"{\"kind\":\"tuple\"}", "{\"kind\":\"record\"}", "{\"kind\":\"tuple\",\"layout\":null}",
		"{\"kind\":\"tuple\",\"layout\":[]}",
		"{\"kind\":\"tuple\",\"layout\":{\"fields\":{}}}",
		"{\"kind\":\"tuple\",\"layout\":{\"fields\":[null]}}",
		"{\"kind\":\"tuple\",\"layout\":{\"fields\":[{}]}}",
		"{\"kind\":\"tuple\",\"layout\":{\"fields\":[{\"type\":null}]}}",
		"{\"kind\":\"tuple\",\"layout\":{\"fields\":[{\"name\":\"x\"}]}}",
		"{\"kind\":\"record\",\"layout\":{\"fields\":[{\"type\":{\"kind\":\"int\"}}]}}",
		"{\"kind\":\"record\",\"layout\":{\"fields\":[{\"name\":\"a\",\"type\":{\"kind\":"
		"\"int\"}},{\"name\":null,\"type\":{\"kind\":\"int\"}}]}}",
		/* layouts and fields */
		"{\"kind\":\"cstruct\",\"name\":\"s\",\"layout\":{\"align\":0}}",
		"{\"kind\":\"cstruct\",\"name\":\"s\",\"layout\":{\"size\":-4}}",
		"{\"kind\":\"cstruct\",\"name\":\"s\",\"layout\":{\"is_union\":\"yes\"}}",
		"{\"kind\":\"cstruct\",\"name\":\"s\",\"layout\":{\"padded\":1}}",
		"{\"kind\":\"cstruct\",\"name\":\"s\",\"layout\":{\"fields\":[{\"type\":{\"kind\":"
		"\"int\"},\"offset\":4294967296}]}}",
		"{\"kind\":\"cstruct\",\"name\":\"s\",\"layout\":{\"fields\":[{\"type\":{\"kind\":"
		"\"int\"},\"bit_offset\":65536}]}}",
		"{\"kind\":\"cstruct\",\"name\":\"s\",\"layout\":{\"fields\":[{\"type\":{\"kind\":"
		"\"int\"},\"bit_width\":-1}]}}",
		"{\"kind\":\"cstruct\",\"name\":\"s\",\"layout\":{\"fields\":[{\"type\":{\"kind\":"
		"\"int\"},\"is_common\":\"no\"}]}}",
		"{\"kind\":\"cstruct\",\"name\":\"s\",\"layout\":{\"fields\":[{\"type\":{\"kind\":"
		"\"int\"},\"is_data_loc\":0}]}}",
		"{\"kind\":\"cstruct\",\"name\":\"s\",\"layout\":{\"fields\":[{\"type\":{\"kind\":"
		"\"int\"},\"nme\":\"x\"}]}}",
		"{\"kind\":\"cstruct\",\"name\":\"s\",\"layout\":{\"fields\":[{\"type\":{\"kind\":"
		"\"int\"},\"name\":\"x\\u0000\"}]}}",
		/* a bad leaf under good nodes: everything built before it is freed */
		"{\"kind\":\"tuple\",\"layout\":{\"fields\":[{\"type\":{\"kind\":\"string\",\"name\":"
		"\"s\",\"size\":8}},{\"type\":{\"kind\":\"pointer\",\"elem\":{\"kind\":\"array\","
		"\"nelems\":2,\"elem\":{\"kind\":\"cstruct\",\"name\":\"t\",\"layout\":{\"fields\":"
		"[{\"name\":\"a\",\"type\":{\"kind\":\"int\",\"size\":4}},{\"name\":\"b\",\"type\":"
		"{\"kind\":\"int\",\"size\":-4}}]}}}}}]}}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(bad[i]);
	errno = 0;
	assert_null(bc_stype_from_json(NULL));
	assert_int_equal(errno, EINVAL);
}

static void test_explicit_defaults_accepted(void **state)
{
	json_t *j = json_loads("{\"kind\":\"int\",\"size\":4,\"align\":1,\"is_signed\":false,"
			       "\"as\":\"none\",\"stack_mode\":\"bpftrace\",\"nelems\":0,"
			       "\"layout\":{\"fields\":[]}}", 0, NULL);
	struct bc_stype *t;

	(void)state;
	assert_non_null(j);
	t = bc_stype_from_json(j);
	assert_non_null(t);
	assert_int_equal(t->kind, BC_ST_INT);
	assert_int_equal(t->size, 4);
	assert_int_equal(t->align, 1);
	assert_non_null(t->layout);
	assert_int_equal(t->layout->nr_fields, 0);
	json_decref(j);
	bc_stype_put(t);
}

/* A JSON chain of LEVELS pointers (or tuples, through layouts) above an int. */
static json_t *json_chain(unsigned levels, bool tuples)
{
	json_t *j = json_pack("{s:s}", "kind", "int");

	for (unsigned i = 0; j && i < levels; i++) {
		if (tuples)
			j = json_pack("{s:s,s:{s:[{s:o}]}}", "kind", "tuple", "layout", "fields",
				      "type", j);
		else
			j = json_pack("{s:s,s:o}", "kind", "pointer", "elem", j);
	}
	assert_non_null(j);
	return j;
}

static void expect_chain(unsigned levels, bool tuples, bool ok)
{
	json_t *j = json_chain(levels, tuples);
	struct bc_stype *t;

	errno = 0;
	t = bc_stype_from_json(j);
	if (ok) {
		assert_non_null(t);
		roundtrip(t);
	} else {
		assert_null(t);
		assert_int_equal(errno, EINVAL);
	}
	json_decref(j);
}

static void test_deep_nesting(void **state)
{
	(void)state;
	expect_chain(BC_STYPE_JSON_MAX_DEPTH, false, true);
	expect_chain(BC_STYPE_JSON_MAX_DEPTH + 1, false, false);
	expect_chain(BC_STYPE_JSON_MAX_DEPTH, true, true);
	expect_chain(BC_STYPE_JSON_MAX_DEPTH + 1, true, false);
	expect_chain(10000, false, false);
	expect_chain(10000, true, false);
}

static json_t *many_fields(size_t n)
{
	json_t *leaf = json_pack("{s:{s:s}}", "type", "kind", "int"), *arr = json_array();

	assert_non_null(leaf);
	assert_non_null(arr);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(json_array_append(arr, leaf), 0);
	json_decref(leaf);
	return json_pack("{s:s,s:{s:o}}", "kind", "tuple", "layout", "fields", arr);
}

static void test_field_count_limit(void **state)
{
	json_t *j = many_fields(BC_STYPE_JSON_MAX_FIELDS);
	struct bc_stype *t = bc_stype_from_json(j);

	(void)state;
	assert_non_null(t);
	assert_int_equal(t->layout->nr_fields, BC_STYPE_JSON_MAX_FIELDS);
	bc_stype_put(t);
	json_decref(j);
	j = many_fields(BC_STYPE_JSON_MAX_FIELDS + 1);
	errno = 0;
	assert_null(bc_stype_from_json(j));
	assert_int_equal(errno, EINVAL);
	json_decref(j);
}

/* ---- function prototypes ---- */

static void assert_same_func(const struct bc_btf_func *a, const struct bc_btf_func *b)
{
	assert_same_str(a->name, b->name);
	assert_int_equal(a->nr_params, b->nr_params);
	for (size_t i = 0; i < a->nr_params; i++) {
		assert_same_str(a->params[i].name, b->params[i].name);
		assert_true(bc_stype_equal(a->params[i].type, b->params[i].type));
		assert_same_type(a->params[i].type, b->params[i].type);
	}
	assert_true(bc_stype_equal(a->ret, b->ret));
	assert_same_type(a->ret, b->ret);
}

static void func_roundtrip(const struct bc_btf_func *f)
{
	json_t *j = bc_stype_func_to_json(f->name, f->params, f->nr_params, f->ret), *again;
	struct bc_btf_func back;
	char *text;

	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT);
	assert_non_null(text);
	json_decref(j);
	j = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(j);
	assert_int_equal(bc_stype_func_from_json(j, &back), 0);
	assert_same_func(f, &back);
	if (!f->nr_params)
		assert_null(back.params);
	again = bc_stype_func_to_json(back.name, back.params, back.nr_params, back.ret);
	assert_non_null(again);
	assert_true(json_equal(j, again));
	json_decref(again);
	json_decref(j);
	bc_btf_func_free(&back);
}

static void test_func_manual(void **state)
{
	struct bc_btf_param p[3] = {
		{ strdup("buf"), bc_stype_pointer(bc_stype_int(1, true), BC_AS_USER) },
		{ NULL, bc_stype_int(8, false) },
		{ strdup(""), bc_stype_pointer(bc_stype_cstruct("struct file", 0, false, NULL),
					       BC_AS_KERNEL) },
	};
	struct bc_btf_func f = { strdup("manual"), NULL, 0, bc_stype_void() };

	(void)state;
	func_roundtrip(&f);
	f.params = p;
	f.nr_params = 3;
	bc_stype_put(f.ret);
	f.ret = bc_stype_int(8, true);
	func_roundtrip(&f);
	free(f.name);
	bc_stype_put(f.ret);
	for (size_t i = 0; i < 3; i++) {
		free(p[i].name);
		bc_stype_put(p[i].type);
	}
}

static void expect_bad_func(const char *text)
{
	json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	struct bc_btf_func f, zero;

	if (!j)
		fail_msg("test input does not parse: %s", text);
	memset(&f, 0xa5, sizeof(f));
	memset(&zero, 0, sizeof(zero));
	if (bc_stype_func_from_json(j, &f) != -EINVAL)
		fail_msg("not refused with -EINVAL: %s", text);
	assert_memory_equal(&f, &zero, sizeof(f));
	json_decref(j);
}

static void test_func_malformed(void **state)
{
	static const char *const bad[] = {
		"null", "[]", "{}", "{\"name\":\"f\"}", "{\"ret\":{\"kind\":\"void\"}}",
		"{\"name\":1,\"ret\":{\"kind\":\"void\"}}",
		"{\"name\":\"f\\u0000g\",\"ret\":{\"kind\":\"void\"}}",
		"{\"name\":\"f\",\"ret\":null}", "{\"name\":\"f\",\"ret\":{\"kind\":\"bogus\"}}",
		"{\"name\":\"f\",\"ret\":{\"kind\":\"void\"},\"extra\":0}",
		"{\"name\":\"f\",\"ret\":{\"kind\":\"void\"},\"params\":{}}",
		"{\"name\":\"f\",\"ret\":{\"kind\":\"void\"},\"params\":[null]}",
		"{\"name\":\"f\",\"ret\":{\"kind\":\"void\"},\"params\":[{}]}",
		"{\"name\":\"f\",\"ret\":{\"kind\":\"void\"},\"params\":[{\"name\":\"a\"}]}",
		"{\"name\":\"f\",\"ret\":{\"kind\":\"void\"},\"params\":[{\"name\":3,\"type\":"
		"{\"kind\":\"int\"}}]}",
		"{\"name\":\"f\",\"ret\":{\"kind\":\"void\"},\"params\":[{\"name\":\"a\",\"type\":"
		"{\"kind\":\"int\"},\"x\":1}]}",
		/* good parameters, then a bad one; then a bad return type after good parameters */
		"{\"name\":\"f\",\"ret\":{\"kind\":\"void\"},\"params\":[{\"name\":\"a\",\"type\":"
		"{\"kind\":\"int\",\"size\":8}},{\"name\":\"b\",\"type\":{\"kind\":\"pointer\"}}]}",
		"{\"name\":\"f\",\"ret\":{\"kind\":\"int\",\"size\":-1},\"params\":[{\"name\":\"a\","
		"\"type\":{\"kind\":\"int\",\"size\":8}}]}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad_func(bad[i]);
	assert_int_equal(bc_stype_func_from_json(NULL, NULL), -EINVAL);
}

/* ---- this machine's kernel BTF ---- */

static struct bc_btf *g_btf;

static int setup(void **state)
{
	(void)state;
	if (access(BC_BTF_VMLINUX, R_OK) != 0)
		return 0;
	g_btf = bc_btf_open(NULL);
	return g_btf && bc_btf_load(g_btf) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	bc_btf_close(g_btf);
	return 0;
}

#define NEED_BTF()                      \
	do {                            \
		if (!g_btf)             \
			skip();         \
	} while (0)

static void btf_struct_roundtrip(const char *name, int version)
{
	struct bc_stype *t = bc_btf_struct(g_btf, name, version);

	if (!t)
		fail_msg("%s: %s", name, strerror(errno));
	assert_non_null(t->layout);
	roundtrip(t);
}

static void test_btf_structs(void **state)
{
	static const char *const names[] = { "struct task_struct", "struct sock",
					     "struct sk_buff", "union bpf_attr" };
	struct bc_stype *t;

	(void)state;
	NEED_BTF();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		btf_struct_roundtrip(names[i], V17);
		btf_struct_roundtrip(names[i], V25);
	}
	/* task_struct has bitfields: make sure some survived the trip */
	t = bc_btf_struct(g_btf, "struct task_struct", V25);
	assert_non_null(t);
	{
		bool bitfield = false;

		for (size_t i = 0; i < t->layout->nr_fields; i++)
			bitfield |= t->layout->fields[i].bit_width != 0;
		assert_true(bitfield);
	}
	bc_stype_put(t);
	/* tracepoint args structs (common_* and __data_loc fields) */
	t = bc_btf_tracepoint_struct(g_btf, "sched", "sched_process_exec", V25);
	if (t) {
		bool data_loc = false, common = false;

		for (size_t i = 0; i < t->layout->nr_fields; i++) {
			data_loc |= t->layout->fields[i].is_data_loc;
			common |= t->layout->fields[i].is_common;
		}
		assert_true(data_loc && common);
		roundtrip(t);
	}
	t = bc_btf_tracepoint_struct(g_btf, "sched", "sched_switch", V17);
	if (t)
		roundtrip(t);
}

/* Every named struct and union of the kernel, both bpftrace generations of conversion. */
static void test_btf_every_struct(void **state)
{
	const struct btf *raw;
	size_t done = 0;

	(void)state;
	NEED_BTF();
	raw = bc_btf_raw(g_btf);
	assert_non_null(raw);
	for (uint32_t id = 1; id < btf__type_cnt(raw); id++) {
		const struct btf_type *bt = btf__type_by_id(raw, id);
		const char *n = btf__name_by_offset(raw, bt->name_off);
		char name[512];

		if (!btf_is_composite(bt) || !n || !*n)
			continue;
		snprintf(name, sizeof(name), "%s %s", btf_is_union(bt) ? "union" : "struct", n);
		btf_struct_roundtrip(name, V25);
		done++;
	}
	assert_true(done > 100);
}

static void test_btf_funcs(void **state)
{
	static const char *const names[] = { "vfs_read", "tcp_sendmsg", "do_sys_openat2",
					     "kfree", "schedule" };
	struct bc_btf_func f;
	int err;

	(void)state;
	NEED_BTF();
	assert_int_equal(bc_btf_func(g_btf, "vfs_read", V25, &f), 0);
	assert_int_equal(f.nr_params, 4);
	func_roundtrip(&f);
	bc_btf_func_free(&f);
	for (size_t i = 1; i < sizeof(names) / sizeof(names[0]); i++) {
		err = bc_btf_func(g_btf, names[i], V17, &f);
		if (err == -ENOENT)
			continue;	/* not in this kernel's BTF (inlined) */
		assert_int_equal(err, 0);
		func_roundtrip(&f);
		bc_btf_func_free(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_words_unique),
		cmocka_unit_test(test_ints_and_scalars),
		cmocka_unit_test(test_exact_text),
		cmocka_unit_test(test_stacks),
		cmocka_unit_test(test_aggregations),
		cmocka_unit_test(test_tuples_records_arrays),
		cmocka_unit_test(test_pointers_and_unresolved_structs),
		cmocka_unit_test(test_resolved_structs),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_malformed_types),
		cmocka_unit_test(test_explicit_defaults_accepted),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_field_count_limit),
		cmocka_unit_test(test_func_manual),
		cmocka_unit_test(test_func_malformed),
		cmocka_unit_test(test_btf_structs),
		cmocka_unit_test(test_btf_every_struct),
		cmocka_unit_test(test_btf_funcs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
