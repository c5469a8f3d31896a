// SPDX-License-Identifier: Apache-2.0
/*
 * The parallel compile (analyzer/llvm/compile_split.h): a script's probes
 * compiled on several threads give exactly the facts of the serial compile
 * (functions in the same order, frames, chains, slots with their spans,
 * live sets, unattributed bytes, findings), checked on scripts written here
 * and on every bpftrace tool installed in /usr/sbin. Modules that must not
 * be split (a function another one calls, too little work for a second
 * thread) are compiled on one thread.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer/llvm/compile_split.h"
#include "analyzer/script/parser.h"
#include "analyzer/frontend/script_compile.h"
#include "analyzer/script/sema.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"
#include "rules/registry.h"
#include "tests/unit/support/script_support.h"

struct fx {
	struct bc_unit u;
	struct bc_target t;
	struct bc_script_compile_result r;
	int err;
};

/* Parses, analyses and compiles TEXT for bpftrace 0.17 on JOBS threads. */
static void compile(struct fx *x, const char *path, const char *text, int jobs)
{
	struct bc_parse_opts po = { 0 };
	struct bc_sema_opts so;
	struct bc_sema *sema = NULL;

	memset(x, 0, sizeof(*x));
	assert_int_equal(bc_target_init(&x->t), 0);
	assert_int_equal(bc_target_set_bpftrace(&x->t, "0.17"), 0);
	x->t.jobs = jobs;
	assert_int_equal(bc_unit_load_mem(&x->u, path, text, strlen(text)), 0);
	po.bpftrace = x->t.bpftrace;
	bc_script_parse_unit(&x->u, &po);
	assert_non_null(x->u.script);
	bc_sema_opts_from_target(&so, &x->t);
	so.no_env = true;
	assert_int_equal(bc_sema_run(&x->u, x->u.script, &so, &sema), 0);
	bc_sema_attach(&x->u, sema);
	if (!((struct bc_script *)x->u.script)->nr_errors && !bc_sema_nr_errors(sema))
		x->err = bc_script_compile(&x->u, &x->t, &x->r);
}

static void done(struct fx *x)
{
	bc_script_compile_result_free(&x->r);
	bc_unit_free(&x->u);
	bc_target_free(&x->t);
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool same_span(const struct bc_span *a, const struct bc_span *b)
{
	return a->start == b->start && a->end == b->end && a->line == b->line && a->col == b->col;
}

/* Prints the first difference; true when A and B hold the same facts. */
static bool same_facts(const char *what, const struct fx *a, const struct fx *b)
{
	const struct bc_facts *fa = &a->u.facts, *fb = &b->u.facts;

	if (a->err != b->err || a->u.status != b->u.status) {
		print_error("%s: result %d/%d vs %d/%d\n", what, a->err, a->u.status, b->err,
			    b->u.status);
		return false;
	}
	if (fa->nr_funcs != fb->nr_funcs || a->u.diags.n != b->u.diags.n) {
		print_error("%s: %zu functions, %zu findings vs %zu, %zu\n", what, fa->nr_funcs,
			    a->u.diags.n, fb->nr_funcs, b->u.diags.n);
		return false;
	}
	for (size_t i = 0; i < fa->nr_funcs; i++) {
		const struct bc_func *x = &fa->funcs[i], *y = &fb->funcs[i];

		if (!same_str(x->name, y->name) || !same_str(x->section, y->section) ||
		    x->frame_bytes != y->frame_bytes || x->chain_bytes != y->chain_bytes ||
		    x->nr_issues != y->nr_issues || x->nr_slots != y->nr_slots ||
		    x->slot_peak_bytes != y->slot_peak_bytes ||
		    x->unattributed_bytes != y->unattributed_bytes ||
		    x->nr_live_sets != y->nr_live_sets || x->is_entry != y->is_entry ||
		    !same_span(&x->src_span, &y->src_span)) {
			print_error("%s: function %zu: %s %u bytes vs %s %u bytes\n", what, i,
				    x->name, x->frame_bytes, y->name, y->frame_bytes);
			return false;
		}
		for (size_t k = 0; k < x->nr_slots; k++) {
			const struct bc_slot *s = &x->slots[k], *t = &y->slots[k];

			if (!same_str(s->construct, t->construct) || !same_str(s->name, t->name) ||
			    s->bytes != t->bytes || s->live_at_peak != t->live_at_peak ||
			    s->placement != t->placement || s->nr_origin != t->nr_origin ||
			    !same_span(&s->span, &t->span)) {
				print_error("%s: %s slot %zu: %s %s %u vs %s %s %u\n", what, x->name,
					    k, s->construct, s->name, s->bytes, t->construct,
					    t->name, t->bytes);
				return false;
			}
		}
	}
	for (size_t i = 0; i < a->u.diags.n; i++)
		if (a->u.diags.v[i].rule_id != b->u.diags.v[i].rule_id ||
		    !same_str(a->u.diags.v[i].message, b->u.diags.v[i].message)) {
			print_error("%s: finding %zu: %s vs %s\n", what, i, a->u.diags.v[i].message,
				    b->u.diags.v[i].message);
			return false;
		}
	return true;
}

/* Three probes with real work each, one far heavier than the others. */
static const char heavy[] =
	"BEGIN { printf(\"%s %s %s %s\\n\", \"a\", \"b\", \"c\", \"d\"); @start = nsecs; }\n"
	"kprobe:vfs_read { $a = str(arg1); $b = str(arg2); @r[comm, $a, $b] = count();\n"
	"  printf(\"%s %s %s %s %d\\n\", comm, $a, $b, str(arg3), pid); }\n"
	"kprobe:vfs_write { $a = str(arg1); @w[comm, $a] = sum(arg2);\n"
	"  printf(\"%s %s %s %s %s %s\\n\", comm, $a, str(arg2), str(arg3), str(arg4), str(arg5)); }\n"
	"kprobe:vfs_open { @o[str(arg0), str(arg1)] = count(); @t = (str(arg0), pid, str(arg2)); }\n"
	"END { print(@r); clear(@r); }\n";

static void test_split_equals_serial(void **state)
{
	struct fx serial, split;

	(void)state;
	compile(&serial, "heavy.bt", heavy, 1);
	compile(&split, "heavy.bt", heavy, 2);
	assert_int_equal(serial.r.threads, 1);
	assert_int_equal(split.r.threads, 2);
	assert_int_equal(split.err, 0);
	assert_true(split.u.facts.nr_funcs >= 5);
	assert_true(same_facts("heavy.bt", &serial, &split));
	/* the probes keep the script's order, whichever thread compiled them */
	assert_string_equal(split.u.facts.funcs[0].name, "BEGIN");
	assert_string_equal(split.u.facts.funcs[split.u.facts.nr_funcs - 1].name, "END");
	done(&serial);
	done(&split);
}

/* hist() calls a log2 function the module defines: its callers keep it. */
static void test_called_function_not_split(void **state)
{
	static const char text[] =
		"kprobe:vfs_read { $a = str(arg1); @r[comm, $a] = hist(arg2); printf(\"%s\\n\", $a); }\n"
		"kprobe:vfs_write { $a = str(arg1); @w[comm, $a] = hist(arg2); printf(\"%s\\n\", $a); }\n";
	struct fx serial, split;

	(void)state;
	compile(&serial, "hist.bt", text, 1);
	compile(&split, "hist.bt", text, 4);
	assert_int_equal(split.r.threads, 1);
	assert_true(same_facts("hist.bt", &serial, &split));
	done(&serial);
	done(&split);
}

/* Too little work for a second thread to pay for itself. */
static void test_small_module_not_split(void **state)
{
	static const char text[] = "BEGIN { @a = 1; }\nEND { @b = 2; }\n";
	struct fx x;

	(void)state;
	compile(&x, "small.bt", text, 4);
	assert_int_equal(x.err, 0);
	assert_int_equal(x.r.threads, 1);
	assert_int_equal(x.u.facts.nr_funcs, 2);
	done(&x);
}

static void test_jobs(void **state)
{
	(void)state;
	assert_int_equal(bc_compile_jobs(1), 1);
	assert_int_equal(bc_compile_jobs(3), 3);
	assert_int_equal(bc_compile_jobs(1024), BC_COMPILE_MAX_JOBS);
	assert_true(bc_compile_jobs(0) >= 1 && bc_compile_jobs(0) <= BC_COMPILE_MAX_JOBS);
}

/* Every installed bpftrace tool: the same facts on 1 and 2 threads. */
static void test_tools(void **state)
{
	DIR *d = opendir("/usr/sbin");
	struct dirent *e;
	size_t tools = 0, split_tools = 0;

	(void)state;
	if (!d)
		skip();
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name), len;
		struct fx serial, split;
		char path[300], *text;

		if (n < 4 || strcmp(e->d_name + n - 3, ".bt"))
			continue;
		snprintf(path, sizeof(path), "/usr/sbin/%s", e->d_name);
		text = bc_test_read_file(path, &len);
		if (!text)
			continue;
		compile(&serial, e->d_name, text, 1);
		compile(&split, e->d_name, text, 2);
		assert_true(same_facts(e->d_name, &serial, &split));
		tools++;
		split_tools += split.r.threads > 1;
		done(&serial);
		done(&split);
		free(text);
	}
	closedir(d);
	if (!tools)
		skip();
	print_message("%zu tools, %zu compiled on two threads\n", tools, split_tools);
	assert_true(split_tools > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_equals_serial),
		cmocka_unit_test(test_called_function_not_split),
		cmocka_unit_test(test_small_module_not_split),
		cmocka_unit_test(test_jobs),
		cmocka_unit_test(test_tools),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
