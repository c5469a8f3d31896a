/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bpftrace 0.17 tools shipped in /usr/sbin (*.bt) through the parser and
 * semantic analysis with this machine's kernel BTF and tracefs, as bpftrace
 * 0.17 would see them: no syntax errors, and no semantic error except where
 * the running kernel itself makes bpftrace refuse the tool (a struct field
 * the kernel renamed), which must then be reported with bpftrace's message.
 * BC101 notes (types bpftrace takes from C headers) are counted and printed.
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
#include <unistd.h>

#include <cmocka.h>

#include "analyzer/script/parser.h"
#include "analyzer/script/sema.h"
#include "analyzer/types/btf_types.h"
#include "analyzer/types/tracepoint.h"
#include "analyzer/core/unit.h"
#include "rules/registry.h"
#include "support/dirs.h"
#include "support/script_support.h"
#include "support/sema_support.h"

#define TOOLS_DIR	"/usr/sbin"

/* Does the kernel BTF have FIELD in struct NAME? */
static bool btf_has_field(struct bc_btf *b, const char *name, const char *field)
{
	struct bc_stype *t = bc_btf_struct(b, name, 1700);
	bool has = t && bc_stype_field(t, field);

	bc_stype_put(t);
	return has;
}

static void test_tools_017(void **state)
{
	struct bc_btf *btf;
	char **names;
	size_t ntools = 0, notes = 0;
	bool cfs_renamed;

	(void)state;
	if (access(BC_BTF_VMLINUX, R_OK))
		skip();
	if (!bc_test_live_tracefs())
		skip();
	names = bc_test_list_dir(TOOLS_DIR, ".bt");
	if (!names || !names[0]) {
		bc_test_free_names(names);
		skip();
	}
	btf = bc_btf_open(NULL);
	assert_non_null(btf);
	/* Linux 6.13 renamed cfs_rq.nr_running to nr_queued: runqlen.bt reads it */
	cfs_renamed = !btf_has_field(btf, "struct cfs_rq", "nr_running");
	for (size_t i = 0; names[i]; i++) {
		char path[512], *text;
		struct bc_unit u = { 0 };
		struct bc_parse_opts po = { .bpftrace = 1700 };
		struct bc_sema_opts so = { .bpftrace = 1700, .btf = btf, .no_env = true };
		struct bc_script *s = NULL;
		struct bc_sema *sema = NULL;
		size_t len, n101 = 0, n102 = 0;
		bool expect_cfs = cfs_renamed && !strcmp(names[i], "runqlen.bt");

		snprintf(path, sizeof(path), "%s/%s", TOOLS_DIR, names[i]);
		text = bc_test_read_file(path, &len);
		if (!text)
			continue;
		assert_int_equal(bc_unit_load_mem(&u, path, text, len), 0);
		assert_int_equal(bc_script_parse(&u, &po, &s), 0);
		assert_int_equal(bc_sema_run(&u, s, &so, &sema), 0);
		for (size_t k = 0; k < u.diags.n; k++) {
			const struct bc_diag *d = &u.diags.v[k];
			const char *code = bc_rule_get(d->rule_id)->code;

			if (!strcmp(code, "BC101")) {
				n101++;
				fprintf(stderr, "  %s:%u:%u: BC101 %s\n", names[i], d->span.line,
					d->span.col, d->message);
			} else if (!strcmp(code, "BC102")) {
				n102++;
				if (!expect_cfs)
					fail_msg("%s:%u:%u: unexpected BC102: %s", names[i], d->span.line,
						 d->span.col, d->message);
				/* bpftrace 0.17 -d on this kernel says exactly this */
				assert_string_equal(d->message, "Struct/union of type 'struct cfs_rq' "
					"does not contain a field named 'nr_running'");
			} else {
				fail_msg("%s: unexpected %s: %s", names[i], code, d->message);
			}
		}
		if (expect_cfs)
			assert_int_equal(n102, 1);
		assert_int_equal(bc_sema_nr_guesses(sema), n101);
		fprintf(stderr, "%-20s BC101=%zu BC102=%zu maps=%zu vars=%zu\n", names[i], n101,
			n102, bc_sema_nr_maps(sema), bc_sema_nr_vars(sema));
		notes += n101;
		ntools++;
		bc_sema_free(sema);
		bc_script_free(s);
		bc_unit_free(&u);
		free(text);
	}
	fprintf(stderr, "%zu tools, %zu BC101 notes\n", ntools, notes);
	assert_true(ntools > 0);
	bc_btf_close(btf);
	bc_test_free_names(names);
}

/* The same tools under the newer profiles (no BTF): the analysis completes
 * and every probe of the script gets its probe record. */
static void test_tools_profiles(void **state)
{
	static const int versions[] = { 1800, 2000, 2200, 2400, 2500, 2600 };
	char **names = bc_test_list_dir(TOOLS_DIR, ".bt");

	(void)state;
	if (!names || !names[0]) {
		bc_test_free_names(names);
		skip();
	}
	for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
		for (size_t i = 0; names[i]; i++) {
			char path[512], *text;
			struct bc_unit u = { 0 };
			struct bc_parse_opts po = { .bpftrace = versions[v] };
			struct bc_sema_opts so = { .bpftrace = versions[v], .no_env = true };
			struct bc_script *s = NULL;
			struct bc_sema *sema = NULL;
			size_t len;

			snprintf(path, sizeof(path), "%s/%s", TOOLS_DIR, names[i]);
			text = bc_test_read_file(path, &len);
			if (!text)
				continue;
			bc_unit_load_mem(&u, path, text, len);
			bc_script_parse(&u, &po, &s);
			assert_non_null(s);
			assert_int_equal(bc_sema_run(&u, s, &so, &sema), 0);
			assert_int_equal(bc_sema_version(sema), versions[v]);
			{
				size_t nprobes = 0;

				for (size_t k = 0; k < s->nr_items; k++)
					nprobes += s->items[k].kind == BC_ITEM_PROBE;
				assert_true(nprobes > 0);
				assert_int_equal(bc_sema_nr_probes(sema), nprobes);
			}
			bc_sema_free(sema);
			bc_script_free(s);
			bc_unit_free(&u);
			free(text);
		}
	}
	bc_test_free_names(names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tools_017),
		cmocka_unit_test(test_tools_profiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
