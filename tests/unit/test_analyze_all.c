// SPDX-License-Identifier: Apache-2.0
/*
 * Several files at once and --timeout (analyzer/driver/analyze_all.h): with
 * analyses of our own (quick, slow, stuck ignoring the cancel flag, stopping
 * at it) the results stay in place, a unit past its deadline is replaced by
 * a failed copy while the others finish, and a thread given up is counted
 * until it ends; then the executable: --timeout's error and exit code, and
 * the report of -j 4 byte for byte that of -j 1 over the test corpus.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyzer/core/analysis.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"
#include "analyzer/driver/analyze_all.h"
#include "support/shell.h"

#define N 6

static atomic_bool release;	/* lets the stuck analysis end */
static atomic_int running, most;

static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* What an analysis leaves: the unit's first byte as the kernel gap count,
 * so each result can be matched to its input. */
static int fake(struct bc_unit *u, const struct bc_analysis *a)
{
	int now = atomic_fetch_add(&running, 1) + 1, m = atomic_load(&most);
	char c = (char)u->data[0];

	while (now > m && !atomic_compare_exchange_weak(&most, &m, now))
		;
	if (c == 's') {			/* stuck: ignores the cancel flag */
		while (!atomic_load(&release))
			nap(5);
	} else if (c == 'c') {		/* stops when told to */
		while (!bc_analysis_cancelled(a))
			nap(5);
		atomic_fetch_sub(&running, 1);
		return bc_unit_fail(u, -ECANCELED, NULL, "analysis cancelled");
	} else if (c != 'q') {		/* 'q': ends at once */
		nap(20 + 10 * (c - '0'));	/* later files end sooner */
	}
	u->kernel_gaps = (unsigned)c;
	atomic_fetch_sub(&running, 1);
	return 0;
}

static void load(struct bc_unit **v, const char *const *texts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char name[32];

		v[i] = calloc(1, sizeof(*v[i]));
		assert_non_null(v[i]);
		snprintf(name, sizeof(name), "f%zu.bt", i);
		assert_int_equal(bc_unit_load_mem(v[i], name, texts[i], strlen(texts[i])), 0);
	}
}

static void unload(struct bc_unit **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bc_unit_free(v[i]);
		free(v[i]);
	}
}

static void run(struct bc_unit **v, size_t n, unsigned files, double timeout)
{
	struct bc_target t;
	struct bc_analysis a;
	const struct bc_analysis *per[N];
	struct bc_analyze_all_opts o = { .files = files, .timeout = timeout, .analyze = fake };

	bc_target_init_defaults(&t);
	bc_analysis_init(&a, &t);
	for (size_t i = 0; i < n; i++)
		per[i] = &a;
	atomic_store(&running, 0);
	atomic_store(&most, 0);
	assert_int_equal(bc_analyze_all(v, per, n, &o), 0);
	bc_target_free(&t);
}

static void test_parallel_keeps_order(void **state)
{
	static const char *const texts[N] = { "5", "4", "3", "2", "1", "0" };
	struct bc_unit *v[N], *orig[N];

	(void)state;
	load(v, texts, N);
	memcpy(orig, v, sizeof(v));
	run(v, N, 3, 0);
	for (size_t i = 0; i < N; i++) {
		assert_ptr_equal(v[i], orig[i]);
		assert_int_equal(v[i]->status, 0);
		assert_int_equal(v[i]->kernel_gaps, texts[i][0]);
	}
	assert_true(atomic_load(&most) > 1);	/* they did run at once */
	assert_true(atomic_load(&most) <= 3);
	unload(v, N);
}

/* Jobs that end at once, two at a time: the last one may end while the
 * caller joins the other, and its wake-up must not be lost (a lost one left
 * the caller waiting for ever; SIGALRM fails the test instead of hanging
 * the suite). The race is at the end of a run, so: many short runs. */
static void test_quick_jobs_never_hang(void **state)
{
	static const char *const texts[] = { "q", "q", "q" };
	struct bc_unit *v[3];
	const struct bc_analysis *per[3];
	struct bc_target t;
	struct bc_analysis a;

	(void)state;
	load(v, texts, 3);
	bc_target_init_defaults(&t);
	bc_analysis_init(&a, &t);
	for (size_t i = 0; i < 3; i++)
		per[i] = &a;
	alarm(120);
	for (int r = 0; r < 3000; r++) {
		struct bc_analyze_all_opts o = { .files = 2, .timeout = r % 2 ? 60 : 0,
						 .analyze = fake };
		size_t n = 2 + (size_t)(r % 3 == 0);

		for (size_t i = 0; i < n; i++)
			v[i]->kernel_gaps = 0;
		assert_int_equal(bc_analyze_all(v, per, n, &o), 0);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(v[i]->kernel_gaps, 'q');
	}
	alarm(0);
	bc_target_free(&t);
	unload(v, 3);
}

static void test_stuck_file_is_given_up(void **state)
{
	static const char *const texts[] = { "1", "s", "2" };
	struct bc_unit *v[3], *stuck;

	(void)state;
	atomic_store(&release, false);
	load(v, texts, 3);
	stuck = v[1];
	run(v, 3, 1, 0.2);
	assert_int_equal(v[0]->kernel_gaps, '1');
	assert_int_equal(v[2]->kernel_gaps, '2');	/* the next file still ran */
	assert_ptr_not_equal(v[1], stuck);		/* the failed copy */
	assert_int_equal(v[1]->status, -ETIMEDOUT);
	assert_non_null(strstr(v[1]->error, "--timeout 0.2 s"));
	assert_string_equal(v[1]->display_path, "f1.bt");
	assert_int_equal(v[1]->size, 1);
	assert_int_equal(bc_analyze_stuck(), 1);
	assert_int_equal(bc_analyze_wait_stuck(0.05), 1);
	atomic_store(&release, true);			/* it ends and frees its unit */
	assert_int_equal(bc_analyze_wait_stuck(10), 0);
	unload(v, 3);
}

static void test_cancelled_file_stops(void **state)
{
	static const char *const texts[] = { "c", "1" };
	struct bc_unit *v[2];

	(void)state;
	load(v, texts, 2);
	run(v, 2, 2, 0.1);
	assert_int_equal(v[0]->status, -ETIMEDOUT);
	assert_int_equal(v[1]->kernel_gaps, '1');
	assert_int_equal(bc_analyze_wait_stuck(10), 0);	/* it saw the flag */
	unload(v, 2);
}

/* ---- the executable ---- */

static const char *build_dir(void)
{
	const char *b = getenv("BC_BUILD");

	return b && *b ? b : "build";
}

static int sh(char **out, const char *fmt, ...)
{
	char *cmd;
	va_list ap;
	int code, r;

	va_start(ap, fmt);
	r = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	assert_true(r > 0);
	code = bc_test_shell(cmd, out);
	free(cmd);
	return code;
}

static void test_cli_timeout(void **state)
{
	char *out = NULL, big[] = "/tmp/bc-timeout-XXXXXX";
	int fd = mkstemp(big), code;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	/* several seconds of CPU anywhere (4,000 probes and their maps), while
	 * the small file takes milliseconds: a limit of 2 s, so that a loaded
	 * machine still checks the small one in time */
	for (int i = 1; i <= 4000; i++)
		fprintf(f, "kprobe:vfs_read { @c%d = count(); }\n", i);
	fclose(f);
	code = sh(&out, "cd \"${BC_SRCDIR:-.}\" && %s/bpfcheck check --no-config --no-cache "
			"--bpftrace 0.17 --kernel 6.18 -j1 --timeout 2 %s "
			"fixtures/ir/bt017_count.bt 2>&1", build_dir(), big);
	unlink(big);
	assert_int_equal(code, 2);
	assert_non_null(strstr(out, ": error: no result within the time limit "
				    "(--timeout 2 s): the analysis was stopped"));
	assert_non_null(strstr(out, big));
	assert_non_null(strstr(out, "in 1 file; 1 file could not be checked"));
	free(out);
	code = sh(&out, "%s/bpfcheck check --no-config --timeout -1 x.bt 2>&1", build_dir());
	assert_int_equal(code, 3);
	assert_non_null(strstr(out, "timeout takes seconds"));
	free(out);
}

/* The report of several files at once is the report of one at a time. */
static void test_cli_jobs_same_report(void **state)
{
	static const char *const formats[] = { "json", "text", "sarif" };
	char *one = NULL, *four = NULL;
	const char *b = build_dir();

	(void)state;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		static const char cmd[] =
			"cd \"${BC_SRCDIR:-.}\" && %s/bpfcheck check --no-config --no-cache "
			"--bpftrace 0.17 --kernel 6.18 --fail-on never -f %s -j%d "
			"fixtures/ir fixtures/scripts bench/scripts tests/rules %s/rules 2>&1";
		int c1 = sh(&one, cmd, b, formats[i], 1, b);
		int c4 = sh(&four, cmd, b, formats[i], 4, b);

		assert_int_equal(c1, c4);
		assert_true(strlen(one) > 10000);	/* the corpus was checked */
		assert_string_equal(one, four);
		free(one);
		free(four);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parallel_keeps_order),
		cmocka_unit_test(test_quick_jobs_never_hang),
		cmocka_unit_test(test_stuck_file_is_given_up),
		cmocka_unit_test(test_cancelled_file_stops),
		cmocka_unit_test(test_cli_timeout),
		cmocka_unit_test(test_cli_jobs_same_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
