// SPDX-License-Identifier: Apache-2.0
/* Target profiles: version parsing and the kernel-model decisions. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "analyzer/base/version.h"
#include "analyzer/core/kernel_limits.h"
#include "analyzer/core/target.h"

static void test_kernel_versions(void **state)
{
	int kv;

	assert_int_equal(bc_kernel_version_parse("6.6", &kv), 0);
	assert_int_equal(kv, BC_KV(6, 6));
	assert_int_equal(bc_kernel_version_parse("6.13.2", &kv), 0);
	assert_int_equal(kv, BC_KV(6, 13));
	assert_int_equal(bc_kernel_version_parse("5.15.0-91-generic", &kv), 0);
	assert_int_equal(kv, BC_KV(5, 15));
	assert_int_equal(bc_kernel_version_parse("6", &kv), 0);
	assert_int_equal(kv, BC_KV(6, 0));
	assert_int_equal(bc_kernel_version_parse("", &kv), -EINVAL);
	assert_int_equal(bc_kernel_version_parse("v6.1", &kv), -EINVAL);
	assert_int_equal(bc_kernel_version_parse("6.x", &kv), -EINVAL);
	assert_int_equal(bc_kernel_version_parse("6.1abc", &kv), -EINVAL);
	assert_int_equal(bc_kernel_version_parse("1.0", &kv), -EINVAL);
}

static void test_bpftrace_versions(void **state)
{
	int v;

	assert_int_equal(bc_bpftrace_version_parse("0.17", &v), 0);
	assert_int_equal(v, 1700);
	assert_int_equal(bc_bpftrace_version_parse("v0.22.1", &v), 0);
	assert_int_equal(v, 2201);
	assert_int_equal(bc_bpftrace_version_parse("0.26.1-dirty", &v), 0);
	assert_int_equal(v, 2601);
	assert_int_equal(bc_bpftrace_version_parse("head", &v), 0);
	assert_int_equal(v, BC_BT_HEAD);
	assert_int_equal(bc_bpftrace_version_parse("heads", &v), -EINVAL);
	assert_int_equal(bc_bpftrace_version_parse("17", &v), -EINVAL);
	assert_int_equal(bc_bpftrace_version_parse("0.", &v), -EINVAL);
	assert_int_equal(bc_bpftrace_version_parse("0.17x", &v), -EINVAL);
}

/* --bpftrace takes the modelled versions only (BC_BT_SUPPORTED). */
static void test_bpftrace_supported(void **state)
{
	static const char *const ok[] = { "0.17", "0.17.1", "0.22", "0.26.1", "0.26.99" };
	static const char *const refused[] = { "0.16", "0.16.9", "1.5", "0.27", "0.27.0" };
	struct bc_target t;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		bc_target_init(&t);
		assert_int_equal(bc_target_set_bpftrace(&t, ok[i]), 0);
		bc_target_free(&t);
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		bc_target_init(&t);
		t.bpftrace = 1900;
		assert_int_equal(bc_target_set_bpftrace(&t, refused[i]), -ERANGE);
		assert_int_equal(t.bpftrace, 1900);	/* unchanged */
		bc_target_free(&t);
	}
	bc_target_init(&t);
	assert_int_equal(bc_target_set_bpftrace(&t, "zero"), -EINVAL);
	bc_target_free(&t);
}

static struct bc_target target(const char *kernel, bool jit, const char *arch)
{
	struct bc_target t;

	bc_target_init(&t);
	bc_target_set_kernel(&t, kernel);
	t.jit = jit;
	snprintf(t.arch, sizeof(t.arch), "%s", arch);
	return t;
}

static void test_rounding(void **state)
{
	struct bc_target old = target("6.1", true, "x86_64");
	struct bc_target jit = target("6.9", true, "x86_64");
	struct bc_target interp = target("6.9", false, "x86_64");

	/* < 6.9: 32-byte rounding and a 0-byte subprog still costs 32 */
	assert_int_equal(bc_target_round(&old, 0), 32);
	assert_int_equal(bc_target_round(&old, 24), 32);
	assert_int_equal(bc_target_round(&old, 440), 448);
	/* the selftest vector 24+440+0+32: 544 before, 512 with JIT rounding */
	assert_int_equal(bc_target_round(&old, 24) + bc_target_round(&old, 440) +
			 bc_target_round(&old, 0) + bc_target_round(&old, 32), 544);
	assert_int_equal(bc_target_round(&jit, 24) + bc_target_round(&jit, 440) +
			 bc_target_round(&jit, 0) + bc_target_round(&jit, 32), 512);
	assert_int_equal(bc_target_round(&interp, 0), 32);
	assert_int_equal(bc_target_round(&jit, 240), 240);
	assert_int_equal(bc_target_round(&old, 240), 256);
	bc_target_free(&old);
	bc_target_free(&jit);
	bc_target_free(&interp);
}

static void test_priv_stack_and_kfunc(void **state)
{
	struct bc_target t613 = target("6.13", true, "x86_64");
	struct bc_target arm = target("6.13", true, "aarch64");
	struct bc_target t612 = target("6.12", true, "x86_64");
	struct bc_target t66 = target("6.6", true, "x86_64");
	struct bc_target t65 = target("6.5", true, "x86_64");

	struct bc_target t618 = target("6.18", true, "x86_64");
	struct bc_target t617 = target("6.17", true, "x86_64");
	struct bc_target arm617 = target("6.17", true, "aarch64");
	struct bc_target arm616 = target("6.16", true, "aarch64");

	assert_true(bc_target_priv_stack(&t613, "kprobe", "kprobe/f"));
	assert_true(bc_target_priv_stack(&t613, "tracepoint", "tracepoint/a/b"));
	assert_false(bc_target_priv_stack(&t613, "socket", "socket"));
	assert_false(bc_target_priv_stack(&t613, NULL, NULL));
	assert_false(bc_target_priv_stack(&arm, "kprobe", "kprobe/f"));
	assert_false(bc_target_priv_stack(&t612, "kprobe", "kprobe/f"));
	/* arm64's JIT from 6.17 (6c17a882d380) */
	assert_true(bc_target_priv_stack(&arm617, "kprobe", "kprobe/f"));
	assert_false(bc_target_priv_stack(&arm616, "kprobe", "kprobe/f"));
	assert_false(bc_target_priv_stack(&arm617, "xdp", "xdp"));
	/* 6.13 to 6.17 (source): every kprobe-type program, multi or not */
	assert_true(bc_target_priv_stack(&t617, "kprobe", "uprobe"));
	assert_true(bc_target_priv_stack(&t617, "kprobe", "kprobe.multi/f"));
	/* 6.18 (measured): kprobe-type programs that may be preempted lost it,
	 * kprobe.multi and kprobe.session keep it; tp_btf has it, iterators not */
	assert_false(bc_target_priv_stack(&t618, "kprobe", "uprobe"));
	assert_false(bc_target_priv_stack(&t618, "kprobe", "kprobe/f"));
	assert_false(bc_target_priv_stack(&t618, "kprobe", "uprobe.multi/x:y"));
	assert_false(bc_target_priv_stack(&t618, "kprobe", "usdt"));
	assert_true(bc_target_priv_stack(&t618, "kprobe", "kprobe.multi/f"));
	assert_true(bc_target_priv_stack(&t618, "kprobe", "kretprobe.multi/f"));
	assert_true(bc_target_priv_stack(&t618, "kprobe", "kprobe.session/f"));
	assert_false(bc_target_priv_stack(&t618, "kprobe", "kprobe.multix/f"));
	assert_true(bc_target_priv_stack(&t618, "tracepoint", "tracepoint/a/b"));
	assert_true(bc_target_priv_stack(&t618, "tracing", "tp_btf/sys_enter"));
	assert_true(bc_target_priv_stack(&t618, "tracing", "fentry/f"));
	assert_false(bc_target_priv_stack(&t618, "tracing", "iter/task"));
	assert_false(bc_target_priv_stack(&t618, "tracing", "iter.s/task"));
	assert_true(bc_target_priv_stack(&t618, "tracing", "iterator/x"));
	assert_false(bc_target_priv_stack(&t618, "lsm", "lsm/file_open"));
	assert_false(bc_target_priv_stack(&t618, "xdp", "xdp"));
	bc_target_free(&t618);
	bc_target_free(&t617);
	bc_target_free(&arm617);
	bc_target_free(&arm616);
	assert_true(bc_target_has_map_sum_elem_count(&t66));
	assert_false(bc_target_has_map_sum_elem_count(&t65));
	t613.jit = false;
	assert_false(bc_target_priv_stack(&t613, "kprobe", "kprobe/f"));
	bc_target_free(&t613);
	bc_target_free(&arm);
	bc_target_free(&t612);
	bc_target_free(&t66);
	bc_target_free(&t65);
}

static void test_defaults(void **state)
{
	struct bc_target t;

	unsetenv("BPFCHECK_BPFTRACE");
	assert_int_equal(bc_target_init(&t), 0);
	assert_int_equal(t.stack_limit, BC_MAX_BPF_STACK);
	assert_true(t.jit);
	assert_true(t.kernel >= BC_KV(3, 0));
	assert_int_equal(t.bpftrace, 1700);
	assert_false(t.bpftrace_explicit);
	assert_int_equal(bc_target_set_bpftrace(&t, "0.22"), 0);
	assert_string_equal(t.bpftrace_str, "0.22.0");
	assert_true(t.bpftrace_explicit);
	assert_int_equal(bc_target_set_kernel(&t, "6.6"), 0);
	assert_string_equal(t.kernel_str, "6.6");
	assert_false(t.kernel_from_host);
	bc_target_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_versions),
		cmocka_unit_test(test_bpftrace_versions),
		cmocka_unit_test(test_bpftrace_supported),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_priv_stack_and_kfunc),
		cmocka_unit_test(test_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
