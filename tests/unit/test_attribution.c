// SPDX-License-Identifier: Apache-2.0
/*
 * bpftrace alloca names -> constructs (docs/bpftrace-codegen.md §1.2, §1.3, §5.2):
 * map keys/values with LLVM's uniquing counters, variables, field reads,
 * bases that end in digits, optimiser suffixes, async map events, unknown
 * names, script dependence, and the scratch globals of recent bpftrace.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer/stack/attribution.h"

struct row {
	const char *ir;
	uint64_t bytes;
	const char *construct;
	const char *name;
	bool dependent;
};

static void check(const struct row *r, const char *const *sib, size_t nr_sib)
{
	struct bc_ir_attr a;

	assert_int_equal(bc_ir_attribute(r->ir, r->bytes, sib, nr_sib, &a), 0);
	if (strcmp(a.construct, r->construct) || strcmp(a.name, r->name) ||
	    a.script_dependent != r->dependent)
		fail_msg("'%s' (%llu B): got %s '%s'%s, want %s '%s'%s", r->ir,
			 (unsigned long long)r->bytes, a.construct, a.name,
			 a.script_dependent ? " dep" : "", r->construct, r->name,
			 r->dependent ? " dep" : "");
	assert_int_equal(a.placement, BC_PLACE_STACK);
	assert_int_equal(a.known, strcmp(r->construct, BC_CONSTRUCT_ALLOCA) != 0);
	bc_ir_attr_free(&a);
}

static void test_v017_names(void **state)
{
	static const struct row rows[] = {
		/* maps: @<map>_{key,val,num,zero,ptr,newval} + counter */
		{ "@filename_key", 8, "map-key", "@filename", false },
		{ "@filename_key20", 8, "map-key", "@filename", false },
		{ "@a_key", 80, "map-key", "@a", true },	/* comm + str key */
		{ "@_key", 16, "map-key", "@", true },	/* the anonymous map @[comm] */
		{ "@h_val", 8, "map-value", "@h", false },
		{ "@b_val3", 144, "map-value", "@b", true },
		{ "@m_ptr", 8, "map-value", "@m", false },
		{ "@s_num", 8, "map-count", "@s", false },
		{ "@z_zero", 24, "map-zero", "@z", true },
		{ "@n_newval", 8, "map-increment", "@n", false },
		{ "@start_crypto_key", 8, "map-key", "@start_crypto", false },
		{ "@key_val", 8, "map-value", "@key", false },
		/* variables */
		{ "$s", 64, "variable", "$s", true },
		{ "$x1", 8, "variable", "$x1", false },
		{ "$daddr.sroa.7", 12, "variable", "$daddr", true },
		/* builtins and functions, with counters */
		{ "str", 64, "str", "str", true },
		{ "str5", 64, "str", "str", true },
		{ "strlen", 8, "strlen", "strlen", false },
		{ "comm", 16, "comm", "comm", false },
		{ "comm12", 16, "comm", "comm", false },
		{ "printf_args", 112, "printf-args", "printf_args", true },
		{ "printf_args1", 8, "printf-args", "printf_args", false },
		{ "lookup_elem_val15", 8, "map-read", "lookup_elem_val", false },
		{ "lookup_elem_val57.sroa.5", 16, "map-read", "lookup_elem_val", true },
		{ "tuple10", 80, "tuple", "tuple", true },
		{ "result4", 8, "ternary-result", "result", false },
		{ "result", 64, "ternary-result", "result", true },
		{ "buf5", 64, "ternary-buffer", "buf", true },
		{ "buffer", 9, "buf", "buffer", true },
		{ "&&_result", 8, "logical-and", "&&_result", false },
		{ "||_result3", 8, "logical-or", "||_result", false },
		{ "elapsed_key", 8, "elapsed", "elapsed_key", false },
		{ "time_t", 16, "time", "time_t", false },
		{ "strftime_args", 16, "strftime", "strftime_args", false },
		{ "cgroup_path_args", 16, "cgroup-path", "cgroup_path_args", false },
		{ "inet", 24, "ntop", "inet", false },
		{ "strcmp.result", 1, "strcmp", "strcmp.result", false },
		{ "perfdata", 8, "exit", "perfdata", false },
		{ "path", 64, "path", "path", true },
		/* bases that end in digits: longest known prefix, not "all digits" */
		{ "addr4", 4, "pton", "addr4", false },
		{ "addr6", 16, "pton", "addr6", false },
		{ "addr62", 16, "pton", "addr6", false },
		{ "join_r0", 8, "join", "join_r0", false },
		{ "sarg0", 8, "stack-arg", "sarg0", false },
		{ "arg1", 8, "probe-arg", "arg1", false },
		/* async events on whole maps */
		{ "clear_@filename", 16, "clear", "@filename", false },
		{ "clear_@", 16, "clear", "@", false },
		{ "zero_@x", 16, "zero", "@x", false },
		{ "print_@h", 24, "print-map", "@h", false },
		/* print(expr): the value type names it */
		{ "print_string_64_t", 80, "print-value", "string_64", true },
		{ "print_int_8_t2", 24, "print-value", "int_8", false },
		/* C field reads */
		{ "struct tcp_sock.bytes_received", 8, "field-read", "struct tcp_sock.bytes_received", false },
		{ "struct task_struct.comm", 16, "field-read", "struct task_struct.comm", true },
		{ "array_access", 4, "field-read", "array_access", false },
		/* HEAD names */
		{ "__builtin_comm", 16, "comm", "__builtin_comm", false },
		{ "mm_struct", 16, "min-max", "mm_struct", false },
		{ "kstack_perf_127", 1024, "kstack", "kstack_perf_127", true },
		{ "record3", 40, "record", "record", true },
		/* unknown: the IR name, no construct */
		{ "", 8, BC_CONSTRUCT_ALLOCA, "", false },
		{ "myvar", 32, BC_CONSTRUCT_ALLOCA, "myvar", false },
		{ "strings", 32, BC_CONSTRUCT_ALLOCA, "strings", false },
		{ "tmp.sroa.2", 8, BC_CONSTRUCT_ALLOCA, "tmp", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check(&rows[i], NULL, 0);
}

static void test_counters_need_siblings(void **state)
{
	/* a field read repeated in one probe: LLVM appends a counter; strip it
	 * only when the plain name is also there */
	static const char *const sib[] = {
		"struct sock_common.skc_family", "struct sock_common.skc_family5",
		"struct in6_addr.s6_addr32", "clear_@m", "clear_@m1",
	};
	static const struct row with[] = {
		{ "struct sock_common.skc_family5", 2, "field-read", "struct sock_common.skc_family", false },
		{ "struct in6_addr.s6_addr32", 16, "field-read", "struct in6_addr.s6_addr32", true },
		{ "clear_@m1", 16, "clear", "@m", false },
		{ "clear_@n2", 16, "clear", "@n2", false },	/* no "clear_@n" sibling: a map @n2 */
	};
	static const struct row without =
		{ "struct sock_common.skc_family5", 2, "field-read", "struct sock_common.skc_family5", false };

	(void)state;
	for (size_t i = 0; i < sizeof(with) / sizeof(with[0]); i++)
		check(&with[i], sib, sizeof(sib) / sizeof(sib[0]));
	check(&without, NULL, 0);
}

static void test_plain(void **state)
{
	struct bc_ir_attr a;

	(void)state;
	/* clang IR: names are C variables, even when bpftrace uses them too */
	assert_int_equal(bc_ir_attribute_plain("key.sroa.1", 8, &a), 0);
	assert_string_equal(a.construct, BC_CONSTRUCT_ALLOCA);
	assert_string_equal(a.name, "key");
	assert_false(a.known);
	assert_false(a.script_dependent);
	bc_ir_attr_free(&a);
}

static void test_scratch(void **state)
{
	static const struct {
		const char *global, *construct;
	} rows[] = {
		{ "__bt__get_str_buf", "str" },
		{ "@__bt__fmt_str_buf", "printf-args" },
		{ "__bt__anon_struct_buf", "tuple" },
		{ "__bt__map_key_buf", "map-key" },
		{ "__bt__var_buf", "variable" },
		{ "__bt__read_map_val_buf", "map-read" },
		{ "__bt__write_map_val_buf", "map-value" },
		{ "__bt__call_stack_buf", "kstack" },
		{ "__bt__join_buf", "join" },
	};
	struct bc_ir_attr a;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_true(bc_ir_is_scratch_global(rows[i].global));
		assert_int_equal(bc_ir_attribute_scratch(rows[i].global, 1024, &a), 0);
		assert_string_equal(a.construct, rows[i].construct);
		assert_int_equal(a.placement, BC_PLACE_SCRATCH);
		assert_true(a.script_dependent);
		assert_null(strchr(a.name, '@'));
		bc_ir_attr_free(&a);
	}
	/* other bpftrace globals are not scratch buffers */
	assert_false(bc_ir_is_scratch_global("__bt__max_cpu_id"));
	assert_false(bc_ir_is_scratch_global("__bt__num_cpus"));
	assert_int_equal(bc_ir_attribute_scratch("__bt__max_cpu_id", 8, &a), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v017_names),
		cmocka_unit_test(test_counters_need_siblings),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_scratch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
