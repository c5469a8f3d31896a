/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer/base/version.h"
#include "analyzer/script/builtins.h"
#include "analyzer/script/profile.h"


static const int versions[] = { BC_BT(17), BC_BT(18), BC_BT(19), BC_BT(20), BC_BT(21), BC_BT(22), BC_BT(23),
				BC_BT(24), BC_BT(25), BC_BT(26), BC_BT_HEAD };
#define NVERSIONS (sizeof(versions) / sizeof(versions[0]))

static struct bc_bt_profile prof(int v)
{
	struct bc_bt_profile p;

	assert_int_equal(bc_bt_profile_init(&p, v), 0);
	return p;
}

static struct bc_stype *result(const char *name, enum bc_builtin_kind kind,
			       const struct bc_bt_profile *p, const struct bc_builtin_use *u)
{
	const struct bc_builtin *b = bc_builtin_find(name, kind, p->version);

	assert_non_null(b);
	return bc_builtin_result(b, p, u);
}

/* ---- availability per version ---- */

static void test_len_added_in_020(void **state)
{
	const struct bc_builtin *b;

	(void)state;
	assert_null(bc_builtin_find("len", BC_BI_FUNC, BC_BT(17)));
	assert_null(bc_builtin_find("len", BC_BI_FUNC, BC_BTV(0, 19, 1)));
	b = bc_builtin_find_any("len", BC_BI_FUNC, BC_BT(17));
	assert_non_null(b);
	assert_int_equal(b->since, BC_BT(20));
	for (int v = BC_BT(20); v <= BC_BT(26); v += 100)
		assert_non_null(bc_builtin_find("len", BC_BI_FUNC, v));
}

static void test_keywords_are_not_builtins(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVERSIONS; i++) {
		assert_null(bc_builtin_find("for", BC_BI_FUNC, versions[i]));
		assert_null(bc_builtin_find("for", BC_BI_VAR, versions[i]));
		assert_null(bc_builtin_find("if", BC_BI_FUNC, versions[i]));
	}
	assert_null(bc_builtin_find_any("for", BC_BI_FUNC, BC_BT(17)));
	assert_null(bc_builtin_find("nosuchfn", BC_BI_FUNC, BC_BT(24)));
}

static void test_core_set_in_every_version(void **state)
{
	static const char *const funcs[] = { "printf", "count", "sum", "hist", "lhist", "str",
					     "buf", "ksym", "clear", "delete", "print", "exit",
					     "kstack", "ntop", "strftime", "cgroup_path" };
	static const char *const vars[] = { "pid", "tid", "comm", "nsecs", "cpu", "uid",
					    "curtask", "retval", "args", "arg0", "kstack" };

	(void)state;
	for (size_t i = 0; i < NVERSIONS; i++) {
		for (size_t k = 0; k < sizeof(funcs) / sizeof(funcs[0]); k++)
			assert_non_null(bc_builtin_find(funcs[k], BC_BI_FUNC, versions[i]));
		for (size_t k = 0; k < sizeof(vars) / sizeof(vars[0]); k++)
			assert_non_null(bc_builtin_find(vars[k], BC_BI_VAR, versions[i]));
	}
}

static void test_version_gates(void **state)
{
	const struct bc_builtin *b;

	(void)state;
	assert_null(bc_builtin_find("has_key", BC_BI_FUNC, BC_BT(21)));
	assert_non_null(bc_builtin_find("has_key", BC_BI_FUNC, BC_BT(22)));
	assert_null(bc_builtin_find("jiffies", BC_BI_VAR, BC_BT(19)));
	assert_non_null(bc_builtin_find("jiffies", BC_BI_VAR, BC_BT(20)));
	assert_null(bc_builtin_find("offsetof", BC_BI_FUNC, BC_BT(17)));
	assert_non_null(bc_builtin_find("offsetof", BC_BI_FUNC, BC_BT(18)));
	assert_null(bc_builtin_find("errorf", BC_BI_FUNC, BC_BT(23)));
	assert_non_null(bc_builtin_find("errorf", BC_BI_FUNC, BC_BT(24)));
	assert_null(bc_builtin_find("nsecs", BC_BI_FUNC, BC_BT(18)));
	assert_non_null(bc_builtin_find("nsecs", BC_BI_FUNC, BC_BT(19)));
	/* sizeof: a call in 0.17, a keyword from 0.18 */
	b = bc_builtin_find("sizeof", BC_BI_FUNC, BC_BT(17));
	assert_false(b->flags & BC_BIF_KEYWORD);
	b = bc_builtin_find("sizeof", BC_BI_FUNC, BC_BT(18));
	assert_true(b->flags & BC_BIF_KEYWORD);
	/* sarg: deprecated in 0.21, gone in 0.25 */
	b = bc_builtin_find("sarg3", BC_BI_VAR, BC_BT(24));
	assert_non_null(b);
	assert_int_equal(b->deprecated_since, BC_BT(21));
	assert_null(bc_builtin_find("sarg3", BC_BI_VAR, BC_BT(25)));
	b = bc_builtin_find_any("sarg3", BC_BI_VAR, BC_BT(25));
	assert_non_null(b);
	assert_int_equal(b->until, BC_BT(25));
}

static void test_numbered_args(void **state)
{
	(void)state;
	assert_non_null(bc_builtin_find("arg0", BC_BI_VAR, BC_BT(17)));
	assert_non_null(bc_builtin_find("arg9", BC_BI_VAR, BC_BT(17)));
	assert_null(bc_builtin_find("arg10", BC_BI_VAR, BC_BT(17)));
	assert_non_null(bc_builtin_find("arg10", BC_BI_VAR, BC_BT(24)));
	assert_null(bc_builtin_find("arg", BC_BI_VAR, BC_BT(24)));
	assert_null(bc_builtin_find("arg1x", BC_BI_VAR, BC_BT(24)));
	assert_null(bc_builtin_find("sarg10", BC_BI_VAR, BC_BT(24)));
}

static void test_vars_callable_from_024(void **state)
{
	const struct bc_builtin *b;

	(void)state;
	assert_null(bc_builtin_find("cpu", BC_BI_FUNC, BC_BT(17)));
	b = bc_builtin_find("cpu", BC_BI_FUNC, BC_BT(24));
	assert_non_null(b);
	assert_int_equal(b->kind, BC_BI_VAR);
	/* pid(curr_ns) has its own row with an argument */
	b = bc_builtin_find("pid", BC_BI_FUNC, BC_BT(24));
	assert_int_equal(b->kind, BC_BI_FUNC);
	assert_int_equal(bc_builtin_check_nargs(b, 1), 0);
}

/* ---- table sanity ---- */

static void test_table_consistent(void **state)
{
	(void)state;
	assert_true(bc_builtins_count() > 100);
	for (size_t i = 0; i < bc_builtins_count(); i++) {
		const struct bc_builtin *a = bc_builtin_at(i);

		assert_non_null(a->name);
		assert_true(a->name[0]);
		assert_true(a->since >= BC_BT(17));
		if (a->until)
			assert_true(a->until > a->since);
		assert_true(a->min_args <= a->max_args);
		assert_true(a->summary && a->summary[0]);
		assert_int_equal(!!(a->flags & BC_BIF_AGGREGATION), a->result == BC_RES_AGG);
		if (a->result == BC_RES_AGG)
			assert_true(a->agg >= BC_ST_COUNT && a->agg <= BC_ST_TSERIES);
		/* rows for one name and kind never overlap */
		for (size_t j = i + 1; j < bc_builtins_count(); j++) {
			const struct bc_builtin *b = bc_builtin_at(j);

			if (strcmp(a->name, b->name) || a->kind != b->kind)
				continue;
			bool disjoint = (a->until && a->until <= b->since) ||
					(b->until && b->until <= a->since);
			if (!disjoint)
				fail_msg("overlapping rows for %s", a->name);
		}
	}
	assert_null(bc_builtin_at(bc_builtins_count()));
}

static void test_nargs_and_arg_kinds(void **state)
{
	const struct bc_builtin *p = bc_builtin_find("printf", BC_BI_FUNC, BC_BT(17));
	const struct bc_builtin *l = bc_builtin_find("lhist", BC_BI_FUNC, BC_BT(17));
	const struct bc_builtin *d17 = bc_builtin_find("delete", BC_BI_FUNC, BC_BT(17));
	const struct bc_builtin *d24 = bc_builtin_find("delete", BC_BI_FUNC, BC_BT(24));

	(void)state;
	assert_int_equal(bc_builtin_check_nargs(p, 0), -EINVAL);
	assert_int_equal(bc_builtin_check_nargs(p, 1), 0);
	assert_int_equal(bc_builtin_check_nargs(p, 128), 0);
	assert_int_equal(bc_builtin_check_nargs(p, 129), -EINVAL);
	assert_int_equal(bc_builtin_arg_kind(p, 0), BC_ARG_FMT);
	assert_int_equal(bc_builtin_arg_kind(p, 100), BC_ARG_ANY);
	assert_true(bc_builtin_arg_literal(p, 0));
	assert_false(bc_builtin_arg_literal(p, 1));
	assert_int_equal(bc_builtin_check_nargs(l, 4), 0);
	assert_int_equal(bc_builtin_check_nargs(l, 3), -EINVAL);
	assert_false(bc_builtin_arg_literal(l, 0));
	assert_true(bc_builtin_arg_literal(l, 3));
	assert_int_equal(bc_builtin_check_nargs(d17, 2), -EINVAL);
	assert_int_equal(bc_builtin_check_nargs(d24, 2), 0);
	assert_int_equal(bc_builtin_arg_kind(d24, 1), BC_ARG_MAP_KEY);
	assert_true(bc_builtin_find("count", BC_BI_FUNC, BC_BT(17))->flags & BC_BIF_AGGREGATION);
	assert_true(p->flags & BC_BIF_ASYNC);
	assert_true(bc_builtin_find("system", BC_BI_FUNC, BC_BT(17))->flags & BC_BIF_UNSAFE);
	assert_false(bc_builtin_find("str", BC_BI_FUNC, BC_BT(17))->flags & BC_BIF_ASYNC);
}

/* ---- probes ---- */

static void test_probe_restrictions(void **state)
{
	const struct bc_builtin *retval = bc_builtin_find("retval", BC_BI_VAR, BC_BT(17));
	const struct bc_builtin *ovr = bc_builtin_find("override", BC_BI_FUNC, BC_BT(17));
	const struct bc_builtin *reg = bc_builtin_find("reg", BC_BI_FUNC, BC_BT(17));
	const struct bc_builtin *f17 = bc_builtin_find("func", BC_BI_VAR, BC_BT(17));
	const struct bc_builtin *f19 = bc_builtin_find("func", BC_BI_VAR, BC_BT(19));

	(void)state;
	assert_true(bc_builtin_probe_allowed(retval, BC_PROBE_KRETPROBE));
	assert_true(bc_builtin_probe_allowed(retval, BC_PROBE_URETPROBE));
	assert_true(bc_builtin_probe_allowed(retval, BC_PROBE_KRETFUNC));
	assert_false(bc_builtin_probe_allowed(retval, BC_PROBE_KPROBE));
	assert_false(bc_builtin_probe_allowed(retval, BC_PROBE_TRACEPOINT));
	assert_true(bc_builtin_probe_allowed(ovr, BC_PROBE_KPROBE));
	assert_false(bc_builtin_probe_allowed(ovr, BC_PROBE_KRETPROBE));
	assert_false(bc_builtin_probe_allowed(reg, BC_PROBE_TRACEPOINT));
	assert_false(bc_builtin_probe_allowed(reg, BC_PROBE_BEGIN));
	assert_true(bc_builtin_probe_allowed(reg, BC_PROBE_PROFILE));
	assert_false(bc_builtin_probe_allowed(f17, BC_PROBE_KFUNC));
	assert_true(bc_builtin_probe_allowed(f19, BC_PROBE_KFUNC));
	/* unrestricted rows accept any valid probe, never an invalid one */
	assert_true(bc_builtin_probe_allowed(bc_builtin_find("pid", BC_BI_VAR, BC_BT(17)),
					     BC_PROBE_ITER));
	assert_false(bc_builtin_probe_allowed(bc_builtin_find("pid", BC_BI_VAR, BC_BT(17)),
					      BC_PROBE_INVALID));
}

static void test_probe_providers(void **state)
{
	(void)state;
	assert_int_equal(bc_probe_type_parse("kprobe", BC_BT(17)), BC_PROBE_KPROBE);
	assert_int_equal(bc_probe_type_parse("k", BC_BT(17)), BC_PROBE_KPROBE);
	assert_int_equal(bc_probe_type_parse("f", BC_BT(17)), BC_PROBE_KFUNC);
	assert_int_equal(bc_probe_type_parse("fentry", BC_BT(17)), BC_PROBE_INVALID);
	assert_int_equal(bc_probe_type_parse("fentry", BC_BT(20)), BC_PROBE_KFUNC);
	assert_int_equal(bc_probe_type_parse("kretfunc", BC_BT(24)), BC_PROBE_KRETFUNC);
	assert_int_equal(bc_probe_type_parse("rt", BC_BT(17)), BC_PROBE_INVALID);
	assert_int_equal(bc_probe_type_parse("rt", BC_BT(18)), BC_PROBE_RAWTRACEPOINT);
	assert_int_equal(bc_probe_type_parse("BEGIN", BC_BT(17)), BC_PROBE_BEGIN);
	assert_int_equal(bc_probe_type_parse("begin", BC_BT(17)), BC_PROBE_INVALID);
	assert_int_equal(bc_probe_type_parse("begin", BC_BT(24)), BC_PROBE_BEGIN);
	assert_int_equal(bc_probe_type_parse("BEGIN", BC_BT(24)), BC_PROBE_BEGIN);
	assert_int_equal(bc_probe_type_parse("KPROBE", BC_BT(17)), BC_PROBE_INVALID);
	assert_int_equal(bc_probe_type_parse("KPROBE", BC_BT(24)), BC_PROBE_KPROBE);
	assert_int_equal(bc_probe_type_parse("U", BC_BT(24)), BC_PROBE_USDT);
	assert_int_equal(bc_probe_type_parse("u", BC_BT(24)), BC_PROBE_UPROBE);
	assert_int_equal(bc_probe_type_parse("aw", BC_BT(24)), BC_PROBE_ASYNCWATCHPOINT);
	assert_int_equal(bc_probe_type_parse("aw", BC_BT(25)), BC_PROBE_INVALID);
	assert_int_equal(bc_probe_type_parse("self", BC_BT(21)), BC_PROBE_INVALID);
	assert_int_equal(bc_probe_type_parse(NULL, BC_BT(21)), BC_PROBE_INVALID);
	assert_string_equal(bc_probe_type_name(BC_PROBE_KFUNC, BC_BT(17)), "kfunc");
	assert_string_equal(bc_probe_type_name(BC_PROBE_KFUNC, BC_BT(22)), "fentry");
	assert_string_equal(bc_probe_type_name(BC_PROBE_END, BC_BT(26)), "end");
}

/* ---- result types ---- */

static void test_str_sizes(void **state)
{
	struct bc_builtin_arg args[2] = { { 0 }, { .is_literal = true, .has_int = true, .ival = 16 } };
	struct bc_builtin_use one = { .probe = BC_PROBE_KPROBE, .args = args, .nargs = 1 };
	struct bc_builtin_use two = { .probe = BC_PROBE_KPROBE, .args = args, .nargs = 2 };
	struct bc_bt_profile p17 = prof(BC_BT(17)), p22 = prof(BC_BT(22)), p23 = prof(BC_BT(23));
	struct bc_bt_profile head = prof(BC_BT_HEAD);
	struct bc_stype *t;

	(void)state;
	t = result("str", BC_BI_FUNC, &p17, &one);
	assert_int_equal(t->kind, BC_ST_STRING);
	assert_int_equal(t->size, 64);
	assert_true(t->script_dependent);
	bc_stype_put(t);
	/* 0.17 ignores a literal length for the type */
	t = result("str", BC_BI_FUNC, &p17, &two);
	assert_int_equal(t->size, 64);
	bc_stype_put(t);
	t = result("str", BC_BI_FUNC, &p22, &two);
	assert_int_equal(t->size, 16);
	bc_stype_put(t);
	t = result("str", BC_BI_FUNC, &p23, &one);
	assert_int_equal(t->size, 1024);
	bc_stype_put(t);
	/* HEAD pads below 1024 (Config::pad_max_strlen) */
	assert_int_equal(bc_bt_profile_set_config(&head, "max_strlen", "64"), 0);
	t = result("str", BC_BI_FUNC, &head, &one);
	assert_int_equal(t->size, 65);
	bc_stype_put(t);
	t = result("path", BC_BI_FUNC, &p17, &one);
	assert_int_equal(t->size, 64);
	bc_stype_put(t);
}

static void test_buf_sizes(void **state)
{
	struct bc_builtin_arg args[2] = { { 0 }, { .is_literal = true, .has_int = true, .ival = 8 } };
	struct bc_builtin_use u = { .probe = BC_PROBE_KPROBE, .args = args, .nargs = 2 };
	struct bc_bt_profile p17 = prof(BC_BT(17)), p22 = prof(BC_BT(22));
	struct bc_stype *t;

	(void)state;
	t = result("buf", BC_BI_FUNC, &p17, &u);
	assert_int_equal(t->kind, BC_ST_BUFFER);
	assert_int_equal(t->size, 9);
	bc_stype_put(t);
	t = result("buf", BC_BI_FUNC, &p22, &u);
	assert_int_equal(t->size, 12);
	bc_stype_put(t);
	args[1].ival = 1000;	/* shortened to strlen */
	t = result("buf", BC_BI_FUNC, &p17, &u);
	assert_int_equal(t->size, 65);
	bc_stype_put(t);
	t = result("buf", BC_BI_FUNC, &p22, &u);
	assert_int_equal(t->size, 64);
	bc_stype_put(t);
	/* array argument, no length: the array's size */
	struct bc_stype *arr = bc_stype_array(bc_stype_int(1, false), 6);
	args[0].type = arr;
	u.nargs = 1;
	t = result("buf", BC_BI_FUNC, &p17, &u);
	assert_int_equal(t->size, 7);
	bc_stype_put(t);
	bc_stype_put(arr);
}

static void test_stacks(void **state)
{
	struct bc_builtin_arg args[2] = { { .is_literal = true, .sval = "perf" },
					  { .is_literal = true, .has_int = true, .ival = 10 } };
	struct bc_builtin_use u = { .probe = BC_PROBE_KPROBE, .args = args, .nargs = 2 };
	struct bc_bt_profile p17 = prof(BC_BT(17)), p20 = prof(BC_BT(20)), p25 = prof(BC_BT(25));
	struct bc_stype *t;

	(void)state;
	t = result("kstack", BC_BI_VAR, &p17, &u);
	assert_int_equal(t->size, 8);
	bc_stype_put(t);
	t = result("ustack", BC_BI_VAR, &p20, &u);
	assert_int_equal(t->size, 16);
	bc_stype_put(t);
	t = result("kstack", BC_BI_FUNC, &p25, &u);
	assert_int_equal(t->size, 88);
	assert_int_equal(t->stack_mode, BC_STACK_PERF);
	assert_int_equal(t->stack_limit, 10);
	bc_stype_put(t);
	t = result("kstack", BC_BI_VAR, &p25, &u);
	assert_int_equal(t->size, 1024);
	bc_stype_put(t);
	args[1].ival = 2000;
	errno = 0;
	assert_null(result("kstack", BC_BI_FUNC, &p25, &u));
	assert_int_equal(errno, EINVAL);
}

static void test_fixed_and_probe_dependent_results(void **state)
{
	struct bc_bt_profile p17 = prof(BC_BT(17)), p22 = prof(BC_BT(22)), p23 = prof(BC_BT(23));
	struct bc_builtin_use kp = { .probe = BC_PROBE_KPROBE };
	struct bc_builtin_use kr = { .probe = BC_PROBE_KRETPROBE };
	struct bc_builtin_use up = { .probe = BC_PROBE_UPROBE };
	struct bc_builtin_use tp = { .probe = BC_PROBE_TRACEPOINT, .probe_name = "kprobe:f" };
	struct bc_builtin_use fr = { .probe = BC_PROBE_KRETFUNC };
	struct bc_stype *t;
	char *n;

	(void)state;
	t = result("comm", BC_BI_VAR, &p17, &kp);
	assert_int_equal(t->size, 16);
	bc_stype_put(t);
	t = result("pid", BC_BI_VAR, &p17, &kp);
	assert_int_equal(t->size, 8);
	bc_stype_put(t);
	t = result("pid", BC_BI_VAR, &p22, &kp);
	assert_int_equal(t->size, 4);
	bc_stype_put(t);
	t = result("func", BC_BI_VAR, &p17, &up);
	assert_int_equal(t->kind, BC_ST_USYM);
	bc_stype_put(t);
	t = result("func", BC_BI_VAR, &p17, &kp);
	assert_int_equal(t->kind, BC_ST_KSYM);
	bc_stype_put(t);
	t = result("arg0", BC_BI_VAR, &p17, &up);
	assert_int_equal(t->as, BC_AS_USER);
	bc_stype_put(t);
	t = result("retval", BC_BI_VAR, &p17, &kr);
	assert_int_equal(t->size, 8);
	assert_int_equal(t->as, BC_AS_KERNEL);
	bc_stype_put(t);
	errno = 0;
	assert_null(result("retval", BC_BI_VAR, &p17, &fr));
	assert_int_equal(errno, ENODATA);
	assert_null(result("retval", BC_BI_VAR, &p17, &tp));
	assert_int_equal(errno, EINVAL);
	assert_null(result("args", BC_BI_VAR, &p17, &tp));
	assert_int_equal(errno, ENODATA);
	t = result("ctx", BC_BI_VAR, &p17, &kp);
	n = bc_stype_name(t, BC_BT(17));
	assert_string_equal(n, "struct pt_regs *");
	free(n);
	bc_stype_put(t);
	assert_null(result("ctx", BC_BI_VAR, &p17, &tp));
	t = result("curtask", BC_BI_VAR, &p17, &kp);
	n = bc_stype_name(t, BC_BT(17));
	assert_string_equal(n, "struct task_struct *");
	free(n);
	bc_stype_put(t);
	t = result("probe", BC_BI_VAR, &p17, &tp);
	assert_int_equal(t->kind, BC_ST_PROBE);
	bc_stype_put(t);
	t = result("probe", BC_BI_VAR, &p23, &tp);
	assert_int_equal(t->kind, BC_ST_STRING);
	assert_int_equal(t->size, 9);
	bc_stype_put(t);
	t = result("ntop", BC_BI_FUNC, &p17, &kp);
	assert_int_equal(t->size, 24);
	bc_stype_put(t);
	t = result("strftime", BC_BI_FUNC, &p17, &kp);
	assert_int_equal(t->size, 16);
	bc_stype_put(t);
	t = result("printf", BC_BI_FUNC, &p17, &kp);
	assert_int_equal(t->kind, BC_ST_NONE);
	bc_stype_put(t);
}

static void test_pton_bswap_kptr(void **state)
{
	struct bc_bt_profile p17 = prof(BC_BT(17));
	struct bc_builtin_arg a = { .is_literal = true, .sval = "127.0.0.1" };
	struct bc_builtin_use u = { .probe = BC_PROBE_KPROBE, .args = &a, .nargs = 1 };
	struct bc_stype *t;

	(void)state;
	t = result("pton", BC_BI_FUNC, &p17, &u);
	assert_int_equal(t->kind, BC_ST_ARRAY);
	assert_int_equal(t->size, 4);
	bc_stype_put(t);
	a.sval = "::1";
	t = result("pton", BC_BI_FUNC, &p17, &u);
	assert_int_equal(t->size, 16);
	bc_stype_put(t);
	a.sval = "localhost";
	assert_null(result("pton", BC_BI_FUNC, &p17, &u));
	a.sval = NULL;
	a.type = bc_stype_int(2, true);
	t = result("bswap", BC_BI_FUNC, &p17, &u);
	assert_int_equal(t->size, 2);
	assert_false(t->is_signed);
	bc_stype_put(t);
	t = result("uptr", BC_BI_FUNC, &p17, &u);
	assert_int_equal(t->as, BC_AS_USER);
	assert_int_equal(a.type->as, BC_AS_NONE);	/* the argument is not changed */
	bc_stype_put(t);
	bc_stype_put(a.type);
}

static void test_aggregation_results(void **state)
{
	struct bc_bt_profile p17 = prof(BC_BT(17)), p24 = prof(BC_BT(24));
	struct bc_builtin_arg a = { .type = NULL };
	struct bc_builtin_use u = { .probe = BC_PROBE_KPROBE, .args = &a, .nargs = 1 };
	struct bc_stype *t;

	(void)state;
	a.type = bc_stype_int(4, true);
	t = result("count", BC_BI_FUNC, &p17, &u);
	assert_int_equal(t->kind, BC_ST_COUNT);
	assert_true(t->is_signed);
	bc_stype_put(t);
	t = result("count", BC_BI_FUNC, &p24, &u);
	assert_false(t->is_signed);
	bc_stype_put(t);
	t = result("sum", BC_BI_FUNC, &p17, &u);
	assert_true(t->is_signed);
	assert_int_equal(t->size, 8);
	bc_stype_put(t);
	bc_stype_put(a.type);
	a.type = bc_stype_int(8, false);
	t = result("max", BC_BI_FUNC, &p17, &u);
	assert_false(t->is_signed);
	bc_stype_put(t);
	t = result("avg", BC_BI_FUNC, &p17, &u);
	assert_true(t->is_signed);	/* CreateAvg(true) in 0.17 */
	bc_stype_put(t);
	t = result("avg", BC_BI_FUNC, &p24, &u);
	assert_false(t->is_signed);
	bc_stype_put(t);
	bc_stype_put(a.type);
}

/* ---- map types (docs/bpftrace-codegen.md §4) ---- */

static void test_map_types(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVERSIONS; i++) {
		int v = versions[i];
		int want = v < BC_BT(25) ? BPF_MAP_TYPE_PERCPU_ARRAY : BPF_MAP_TYPE_PERCPU_HASH;

		assert_int_equal(bc_bpftrace_map_type(v, true, BC_ST_COUNT), want);
		assert_int_equal(bc_bpftrace_map_type(v, false, BC_ST_COUNT),
				 BPF_MAP_TYPE_PERCPU_HASH);
		assert_int_equal(bc_bpftrace_map_type(v, true, BC_ST_SUM), BPF_MAP_TYPE_PERCPU_HASH);
		assert_int_equal(bc_bpftrace_map_type(v, true, BC_ST_HIST),
				 BPF_MAP_TYPE_PERCPU_HASH);
		assert_int_equal(bc_bpftrace_map_type(v, true, BC_ST_INT), BPF_MAP_TYPE_HASH);
		assert_int_equal(bc_bpftrace_map_type(v, false, BC_ST_STRING), BPF_MAP_TYPE_HASH);
		assert_int_equal(bc_bpftrace_map_clearable(v, true, BC_ST_COUNT), v >= BC_BT(25));
		assert_true(bc_bpftrace_map_clearable(v, true, BC_ST_INT));
	}
}

/* ---- profile: strlen, on_stack_limit, env vs config ---- */

static void test_profile_defaults(void **state)
{
	struct bc_bt_profile p;

	(void)state;
	assert_int_equal(bc_bt_profile_init(&p, BC_BT(16)), -EINVAL);
	p = prof(BC_BT(17));
	assert_int_equal(p.max_strlen, 64);
	assert_int_equal(p.max_strlen_limit, 200);
	assert_false(p.has_scratch);
	assert_false(p.has_config_block);
	assert_string_equal(p.strlen_env, "BPFTRACE_STRLEN");
	assert_true(bc_bt_profile_on_stack(&p, 100000));
	p = prof(BC_BT(20));
	assert_string_equal(p.strlen_env, "BPFTRACE_MAX_STRLEN");
	assert_string_equal(p.strlen_env_old, "BPFTRACE_STRLEN");
	assert_int_equal(p.max_strlen_limit, 200);
	p = prof(BC_BT(21));
	assert_int_equal(p.max_strlen_limit, 0);
	p = prof(BC_BT(22));
	assert_int_equal(p.max_strlen, 64);
	assert_true(p.has_scratch);
	assert_int_equal(p.on_stack_limit, 32);
	assert_null(p.on_stack_env);
	assert_true(bc_bt_profile_on_stack(&p, 32));
	assert_false(bc_bt_profile_on_stack(&p, 33));
	p = prof(BC_BT(23));
	assert_int_equal(p.max_strlen, 1024);
	p = prof(BC_BT(24));
	assert_null(p.strlen_env_old);
	assert_string_equal(p.on_stack_env, "BPFTRACE_ON_STACK_LIMIT");
}

static void test_profile_env(void **state)
{
	char *env17[] = { "BPFTRACE_STRLEN=100", "BPFTRACE_MAX_STRLEN=150", NULL };
	char *env_big[] = { "BPFTRACE_STRLEN=300", NULL };
	char *env_bad[] = { "BPFTRACE_STRLEN=abc", NULL };
	char *env20[] = { "BPFTRACE_STRLEN=100", "BPFTRACE_MAX_STRLEN=150", NULL };
	char *env_stack[] = { "BPFTRACE_ON_STACK_LIMIT=0", "BPFTRACE_STRLEN=99", NULL };
	char *env_empty[] = { NULL };
	struct bc_bt_profile p;

	(void)state;
	p = prof(BC_BT(17));	/* 0.17 reads only BPFTRACE_STRLEN */
	assert_int_equal(bc_bt_profile_apply_env(&p, env17), 0);
	assert_int_equal(p.max_strlen, 100);
	assert_int_equal(p.max_strlen_source, BC_SET_ENV);
	p = prof(BC_BT(17));
	assert_int_equal(bc_bt_profile_apply_env(&p, env_big), -ERANGE);
	assert_non_null(strstr(p.error, "200"));
	p = prof(BC_BT(21));	/* no upper bound from 0.21 */
	assert_int_equal(bc_bt_profile_apply_env(&p, env_big), 0);
	assert_int_equal(p.max_strlen, 300);
	p = prof(BC_BT(17));
	assert_int_equal(bc_bt_profile_apply_env(&p, env_bad), -EINVAL);
	p = prof(BC_BT(20));	/* the new name wins over the deprecated one */
	assert_int_equal(bc_bt_profile_apply_env(&p, env20), 0);
	assert_int_equal(p.max_strlen, 150);
	p = prof(BC_BT(22));	/* no env var for on_stack_limit before 0.24 */
	assert_int_equal(bc_bt_profile_apply_env(&p, env_stack), 0);
	assert_int_equal(p.on_stack_limit, 32);
	assert_int_equal(p.max_strlen, 99);
	p = prof(BC_BT(24));	/* 0.24 reads ON_STACK_LIMIT, no longer STRLEN */
	assert_int_equal(bc_bt_profile_apply_env(&p, env_stack), 0);
	assert_int_equal(p.on_stack_limit, 0);
	assert_int_equal(p.max_strlen, 1024);
	assert_false(bc_bt_profile_on_stack(&p, 8));
	p = prof(BC_BT(24));
	assert_int_equal(bc_bt_profile_apply_env(&p, env_empty), 0);
	assert_int_equal(p.max_strlen_source, BC_SET_DEFAULT);
}

static void test_profile_env_beats_config(void **state)
{
	char *env[] = { "BPFTRACE_MAX_STRLEN=128", NULL };
	struct bc_bt_profile p;

	(void)state;
	p = prof(BC_BT(22));
	assert_int_equal(bc_bt_profile_apply_env(&p, env), 0);
	assert_int_equal(bc_bt_profile_set_config(&p, "max_strlen", "256"), 0);
	assert_int_equal(p.max_strlen, 128);
	/* and in the other order */
	p = prof(BC_BT(22));
	assert_int_equal(bc_bt_profile_set_config(&p, "max_strlen", "256"), 0);
	assert_int_equal(p.max_strlen, 256);
	assert_int_equal(p.max_strlen_source, BC_SET_CONFIG);
	assert_int_equal(bc_bt_profile_apply_env(&p, env), 0);
	assert_int_equal(p.max_strlen, 128);
	/* config block keys */
	p = prof(BC_BT(22));
	assert_int_equal(bc_bt_profile_set_config(&p, "on_stack_limit", "64"), 0);
	assert_int_equal(p.on_stack_limit, 64);
	assert_int_equal(bc_bt_profile_set_config(&p, "BPFTRACE_PRINT_MAPS_ON_EXIT", "false"), 0);
	assert_false(p.print_maps_on_exit);
	assert_int_equal(bc_bt_profile_set_config(&p, "perf_rb_pages", "64"), 0);
	assert_int_equal(bc_bt_profile_set_config(&p, "no_such_key", "1"), -ENOENT);
	assert_int_equal(bc_bt_profile_set_config(&p, "max_strlen", "x"), -EINVAL);
	p = prof(BC_BT(21));
	assert_int_equal(bc_bt_profile_set_config(&p, "on_stack_limit", "64"), -ENOENT);
	p = prof(BC_BT(17));
	assert_int_equal(bc_bt_profile_set_config(&p, "max_strlen", "64"), -ENOENT);
	p = prof(BC_BT(20));
	assert_int_equal(bc_bt_profile_set_config(&p, "max_strlen", "201"), -ERANGE);
	p = prof(BC_BT(24));
	assert_int_equal(bc_bt_profile_set_config(&p, "strlen", "64"), -ENOENT);
	assert_non_null(strstr(p.error, "max_strlen"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_len_added_in_020),
		cmocka_unit_test(test_keywords_are_not_builtins),
		cmocka_unit_test(test_core_set_in_every_version),
		cmocka_unit_test(test_version_gates),
		cmocka_unit_test(test_numbered_args),
		cmocka_unit_test(test_vars_callable_from_024),
		cmocka_unit_test(test_table_consistent),
		cmocka_unit_test(test_nargs_and_arg_kinds),
		cmocka_unit_test(test_probe_restrictions),
		cmocka_unit_test(test_probe_providers),
		cmocka_unit_test(test_str_sizes),
		cmocka_unit_test(test_buf_sizes),
		cmocka_unit_test(test_stacks),
		cmocka_unit_test(test_fixed_and_probe_dependent_results),
		cmocka_unit_test(test_pton_bswap_kptr),
		cmocka_unit_test(test_aggregation_results),
		cmocka_unit_test(test_map_types),
		cmocka_unit_test(test_profile_defaults),
		cmocka_unit_test(test_profile_env),
		cmocka_unit_test(test_profile_env_beats_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
