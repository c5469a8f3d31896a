// SPDX-License-Identifier: Apache-2.0
/*
 * End to end through the bpfcheck binary, in scratch directories:
 *  - check / --diff / -f diff / --fix / fix / stdin on scripts with an unused
 *    suppression (BC103 is the rule whose safe fix deletes it), and the data
 *    safety cases: read-only file, symlink, CRLF, no trailing newline,
 *    non-UTF-8 bytes, idempotence, --exit-non-zero-on-fix;
 *  - .bpfcheckrc discovery from the inputs, and --print-config reading back;
 *  - the pre-commit hooks of .pre-commit-hooks.yaml, called the way
 *    pre-commit calls them (entry + args + the matching file names) in a
 *    scratch git repository, and through pre-commit itself when installed.
 * Script cases are skipped while the binary cannot analyse scripts yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/shell.h"
#include "analyzer/base/str.h"

static char bin[PATH_MAX];	/* absolute path of the bpfcheck binary */
static char build[PATH_MAX];	/* absolute build dir */
static char src[PATH_MAX];	/* absolute source tree */
static char dir[PATH_MAX];	/* this test's scratch directory */

/* ---- helpers ---- */

static void put(const char *name, const void *data, size_t n, mode_t mode)
{
	char *p = bc_strdup_printf("%s/%s", dir, name);
	int fd;

	unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	free(p);
}

#define PUTS(name, lit) put(name, lit, sizeof(lit) - 1, 0644)

static char *get(const char *name, size_t *n)
{
	char *p = bc_strdup_printf("%s/%s", dir, name), *buf = calloc(1, 1 << 16);
	FILE *f = fopen(p, "rb");

	assert_non_null(f);
	assert_non_null(buf);
	*n = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	free(p);
	return buf;
}

static void assert_file(const char *name, const char *want, size_t want_n)
{
	size_t n;
	char *got = get(name, &n);

	if (n != want_n || memcmp(got, want, n))
		fprintf(stderr, "%s holds:\n%.*s\n--- expected:\n%.*s\n", name, (int)n, got,
			(int)want_n, want);
	assert_int_equal(n, want_n);
	assert_memory_equal(got, want, n);
	free(got);
}

#define ASSERT_FILE(name, lit) assert_file(name, lit, sizeof(lit) - 1)

/* Runs a shell command in the scratch dir; *OUT gets stdout+stderr. */
static int sh(char **out, const char *fmt, ...)
{
	char *cmd, *full;
	va_list ap;
	int st;

	va_start(ap, fmt);
	cmd = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	full = bc_strdup_printf("cd '%s' && export NO_COLOR=1 BPFCHECK_BPFTRACE=0.17 BPFCHECK='%s' "
				"PATH='%s':\"$PATH\" && { %s ; } 2>&1", dir, bin, build, cmd);
	st = bc_test_shell(full, out);
	free(cmd);
	free(full);
	return st;
}

static bool scripts_supported(void)
{
	char *out;
	bool ok;

	PUTS("probe-support.bt", "BEGIN { exit(); }\n");
	sh(&out, "\"$BPFCHECK\" --no-config probe-support.bt");
	ok = !strstr(out, "not supported yet");
	free(out);
	return ok;
}

static int setup(void **state)
{
	const char *b = getenv("BC_BUILD"), *s = getenv("BC_SRCDIR");

	if (!realpath(s ? s : ".", src))
		return -1;
	char *t;

	t = b && b[0] == '/' ? bc_strdup_printf("%s", b)
			     : bc_strdup_printf("%s/%s", src, b ? b : "build");
	if (strlen(t) + 10 >= sizeof(build))
		return -1;
	strcpy(build, t);
	free(t);
	strcpy(bin, build);
	strcat(bin, "/bpfcheck");
	if (access(bin, X_OK)) {
		fprintf(stderr, "no binary at %s\n", bin);
		return -1;
	}
	snprintf(dir, sizeof(dir), "/tmp/bc-test-fix-cli-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	/* a repository root, so .bpfcheckrc discovery stops here */
	t = bc_strdup_printf("git init -q '%s'", dir);
	b = system(t) ? NULL : t;
	free(t);
	return b ? 0 : -1;
}

static int teardown(void **state)
{
	char *cmd = bc_strdup_printf("chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
	int r = system(cmd);

	free(cmd);
	return r ? -1 : 0;
}

/* The script every fix case starts from: BC103 on lines 1 and 3. */
#define STALE \
	"BEGIN { exit(); } // bpfcheck: disable=BC204 stale\n" \
	"// keep this comment\n" \
	"  // bpfcheck: disable-next-line=stack-limit-exceeded\n" \
	"END { }\n"
#define FIXED \
	"BEGIN { exit(); }\n" \
	"// keep this comment\n" \
	"END { }\n"

/* ---- scripts: check, diff, fix ---- */

static void test_check_and_diff_do_not_write(void **state)
{
	char *out;

	if (!scripts_supported())
		skip();
	PUTS("a.bt", STALE);
	assert_int_equal(sh(&out, "\"$BPFCHECK\" --no-config a.bt"), 1);
	assert_non_null(strstr(out, "BC103"));
	free(out);

	assert_int_equal(sh(&out, "\"$BPFCHECK\" --no-config --diff a.bt"), 1);
	assert_string_equal(out, "--- a/a.bt\n+++ b/a.bt\n"
				 "@@ -1,4 +1,3 @@\n"
				 "-BEGIN { exit(); } // bpfcheck: disable=BC204 stale\n"
				 "+BEGIN { exit(); }\n"
				 " // keep this comment\n"
				 "-  // bpfcheck: disable-next-line=stack-limit-exceeded\n"
				 " END { }\n");
	free(out);
	ASSERT_FILE("a.bt", STALE);

	/* -f diff is the same thing; the diff applies with git apply */
	assert_int_equal(sh(NULL, "\"$BPFCHECK\" --no-config -f diff a.bt > a.patch"), 1);
	assert_int_equal(sh(NULL, "git apply a.patch"), 0);
	ASSERT_FILE("a.bt", FIXED);
	/* nothing left to change: no diff, exit 0 */
	assert_int_equal(sh(&out, "\"$BPFCHECK\" --no-config --diff a.bt"), 0);
	assert_string_equal(out, "");
	free(out);
}

static void test_fix_writes_and_is_idempotent(void **state)
{
	struct stat st;
	char *out, *p;

	if (!scripts_supported())
		skip();
	PUTS("b.bt", STALE);
	p = bc_strdup_printf("%s/b.bt", dir);
	assert_int_equal(chmod(p, 0640), 0);
	assert_int_equal(sh(&out, "\"$BPFCHECK\" fix --no-config b.bt"), 0);
	assert_non_null(strstr(out, "applied 2 fixes to 1 file"));
	free(out);
	ASSERT_FILE("b.bt", FIXED);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* twice: nothing changes, nothing is reported */
	assert_int_equal(sh(&out, "\"$BPFCHECK\" check --fix --no-config b.bt"), 0);
	assert_null(strstr(out, "applied"));
	free(out);
	ASSERT_FILE("b.bt", FIXED);

	/* --exit-non-zero-on-fix: 1 when a file changed, 0 the second time */
	PUTS("b.bt", STALE);
	assert_int_equal(sh(NULL, "\"$BPFCHECK\" --fix --exit-non-zero-on-fix --no-config b.bt"), 1);
	ASSERT_FILE("b.bt", FIXED);
	assert_int_equal(sh(NULL, "\"$BPFCHECK\" --fix --exit-non-zero-on-fix --no-config b.bt"), 0);
	free(p);
}

static void test_fix_keeps_bytes(void **state)
{
	/* CRLF, no trailing newline, Latin-1 in a comment: only the directive goes */
	static const char in[] = "// caf\xe9 \xff\r\n"
				 "BEGIN { exit(); } // bpfcheck: disable=BC204\r\n"
				 "END { printf(\"// bpfcheck: disable=BC9\\n\"); }";
	static const char want[] = "// caf\xe9 \xff\r\n"
				   "BEGIN { exit(); }\r\n"
				   "END { printf(\"// bpfcheck: disable=BC9\\n\"); }";

	if (!scripts_supported())
		skip();
	put("c.bt", in, sizeof(in) - 1, 0644);
	assert_int_equal(sh(NULL, "\"$BPFCHECK\" fix --no-config c.bt"), 0);
	assert_file("c.bt", want, sizeof(want) - 1);
}

static void test_fix_refuses_read_only(void **state)
{
	char *out;

	if (!scripts_supported())
		skip();
	put("ro.bt", STALE, sizeof(STALE) - 1, 0444);
	assert_int_equal(sh(&out, "\"$BPFCHECK\" fix --no-config ro.bt"), 2);
	assert_non_null(strstr(out, "cannot fix 'ro.bt': it is read-only; the file is unchanged"));
	/* the report shows the findings of the file as it still is */
	assert_non_null(strstr(out, "BC103"));
	free(out);
	ASSERT_FILE("ro.bt", STALE);
}

static void test_fix_through_symlink(void **state)
{
	char *link = bc_strdup_printf("%s/link.bt", dir);
	struct stat st;

	if (!scripts_supported()) {
		free(link);
		skip();
	}
	PUTS("real.bt", STALE);
	unlink(link);
	assert_int_equal(symlink("real.bt", link), 0);
	assert_int_equal(sh(NULL, "\"$BPFCHECK\" fix --no-config link.bt"), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	ASSERT_FILE("real.bt", FIXED);
	/* one file under two names is checked and written once */
	PUTS("real.bt", STALE);
	assert_int_equal(sh(NULL, "\"$BPFCHECK\" fix --no-config link.bt real.bt ./real.bt"), 0);
	ASSERT_FILE("real.bt", FIXED);
	free(link);
}

static void test_fix_stdin(void **state)
{
	char *out;

	if (!scripts_supported())
		skip();
	PUTS("in.bt", STALE);
	/* the fixed text on stdout, the report on stderr */
	assert_int_equal(sh(NULL, "\"$BPFCHECK\" fix --no-config - < in.bt > out.bt 2> err.txt"), 0);
	ASSERT_FILE("out.bt", FIXED);
	ASSERT_FILE("in.bt", STALE);
	assert_int_equal(sh(&out, "cat err.txt"), 0);
	assert_non_null(strstr(out, "applied 2 fixes"));
	free(out);
}

/* An output that is one of the inputs, under any name, is refused before
 * anything is written; a report replaces an output file as a whole. */
static void test_output_is_never_an_input(void **state)
{
	char *out;

	if (!scripts_supported())
		skip();
	PUTS("o.bt", STALE);
	assert_int_equal(sh(NULL, "ln -sf o.bt o-link.bt && mkdir -p sub && ln -f o.bt sub/hard.bt"), 0);
	assert_int_equal(sh(&out, "\"$BPFCHECK\" check --no-config o.bt -o o.bt"), 3);
	assert_non_null(strstr(out, "-o 'o.bt' is the input 'o.bt'"));
	free(out);
	ASSERT_FILE("o.bt", STALE);
	assert_int_equal(sh(&out, "\"$BPFCHECK\" fix --unsafe-fixes --no-config o.bt -o ./o-link.bt"), 3);
	free(out);
	assert_int_equal(sh(NULL, "\"$BPFCHECK\" check --no-config - -o sub/hard.bt < o.bt"), 3);
	assert_int_equal(sh(NULL, "\"$BPFCHECK\" check --no-config sub -o o.bt"), 3);
	assert_int_equal(sh(NULL, "\"$BPFCHECK\" check --no-config o.bt --write-baseline o-link.bt"), 3);
	assert_int_equal(sh(NULL, "\"$BPFCHECK\" emit --no-config o.bt -o o.bt"), 3);
	assert_int_equal(sh(NULL, "\"$BPFCHECK\" compare o.bt a.json -o o.bt"), 3);
	ASSERT_FILE("o.bt", STALE);
	/* an ordinary output: written whole, errors about inputs on the terminal */
	assert_int_equal(sh(&out, "\"$BPFCHECK\" check --no-config o.bt missing.bt -o report.txt"), 2);
	assert_non_null(strstr(out, "missing.bt: cannot open"));
	free(out);
	assert_int_equal(sh(&out, "cat report.txt"), 0);
	assert_non_null(strstr(out, "BC103"));
	free(out);
	assert_int_equal(sh(&out, "ls -a | grep -c bpfcheck-"), 1);	/* no temporary left */
	free(out);
}

static void test_config_is_found_and_followed(void **state)
{
	char *out;

	if (!scripts_supported())
		skip();
	assert_int_equal(sh(NULL, "mkdir -p proj/sub"), 0);
	PUTS("proj/.bpfcheckrc", "# BC103 is not wanted here\nignore = unused-suppression\n");
	PUTS("proj/sub/d.bt", STALE);
	/* from the file's folder up: proj/.bpfcheckrc applies */
	assert_int_equal(sh(&out, "\"$BPFCHECK\" fix proj/sub/d.bt"), 0);
	free(out);
	ASSERT_FILE("proj/sub/d.bt", STALE);
	/* the command line's --select replaces the file's choice; --ignore is kept */
	assert_int_equal(sh(NULL, "\"$BPFCHECK\" fix --select BC103 proj/sub/d.bt"), 0);
	ASSERT_FILE("proj/sub/d.bt", STALE);
	assert_int_equal(sh(NULL, "\"$BPFCHECK\" fix --no-config proj/sub/d.bt"), 0);
	ASSERT_FILE("proj/sub/d.bt", FIXED);
}

/* ---- settings, without scripts ---- */

static void test_print_config_reads_back(void **state)
{
	char *a, *b;

	/* --print-config's output is a valid .bpfcheckrc with the same settings */
	assert_int_equal(sh(&a, "\"$BPFCHECK\" --config '%s/tests/golden/cli/config/full.rc' "
				"--print-config | tail -n +3", src), 0);
	assert_int_equal(sh(NULL, "\"$BPFCHECK\" --config '%s/tests/golden/cli/config/full.rc' "
				  "--print-config > back.rc", src), 0);
	assert_int_equal(sh(&b, "\"$BPFCHECK\" --config back.rc --print-config | tail -n +3 | "
				"sed 's/# back.rc:[0-9]*$//; s/ *$//'"), 0);
	{
		/* same values; only the origins differ */
		char *a2 = strdup(a), *p, *q;

		for (p = q = a2; *p; p++) {
			if (*p == '#') {
				while (q > a2 && q[-1] == ' ')
					q--;
				while (*p && *p != '\n')
					p++;
				if (!*p)
					break;
			}
			*q++ = *p;
		}
		*q = 0;
		assert_string_equal(b, a2);
		free(a2);
	}
	free(a);
	free(b);
}

/* ---- pre-commit ---- */

/* ENTRY and FILES of hook ID in .pre-commit-hooks.yaml (the file is ours
 * and flat: `- id:` then `key: value` lines). */
static void hook(const char *id, char **entry, char **files)
{
	char *path = bc_strdup_printf("%s/.pre-commit-hooks.yaml", src), line[512];
	FILE *f = fopen(path, "r");
	bool in = false;

	assert_non_null(f);
	*entry = *files = NULL;
	while (fgets(line, sizeof(line), f)) {
		char *v;

		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "- id: ", 6))
			in = !strcmp(line + 6, id);
		if (!in)
			continue;
		if ((v = strstr(line, "entry: ")) == line + 2)
			*entry = strdup(v + 7);
		if ((v = strstr(line, "files: '")) == line + 2) {
			*files = strdup(v + 8);
			(*files)[strlen(*files) - 1] = 0;
		}
	}
	fclose(f);
	free(path);
	assert_non_null(*entry);
	assert_non_null(*files);
}

/* Runs hook ID the way pre-commit does: entry, then the staged files whose
 * names match its `files` regex. */
static int run_hook(const char *id, char **out)
{
	char *entry, *files, *names = strdup(""), *tmp, *listing;
	regex_t re;
	int rc;

	hook(id, &entry, &files);
	assert_int_equal(regcomp(&re, files, REG_EXTENDED | REG_NOSUB), 0);
	assert_int_equal(sh(&listing, "git ls-files"), 0);
	for (char *save = NULL, *n = strtok_r(listing, "\n", &save); n;
	     n = strtok_r(NULL, "\n", &save)) {
		if (regexec(&re, n, 0, NULL, 0))
			continue;
		tmp = bc_strdup_printf("%s '%s'", names, n);
		free(names);
		names = tmp;
	}
	rc = *names ? sh(out, "%s%s", entry, names) : 0;
	if (!*names && out)
		*out = strdup("(no files)");
	regfree(&re);
	free(listing);
	free(names);
	free(entry);
	free(files);
	return rc;
}

static void test_hooks_as_pre_commit_calls_them(void **state)
{
	char *out, *big = bc_strdup_printf("%s/examples/big-frame.bpf.o", build);
	char *fits = bc_strdup_printf("%s/examples/fits.bpf.o", build);
	bool scripts = scripts_supported();

	if (access(big, R_OK) || access(fits, R_OK)) {
		free(big);
		free(fits);
		skip();	/* make fixtures builds the example objects */
	}
	assert_int_equal(sh(NULL, "mkdir -p hook && cd hook && git init -q && "
				  "cp '%s' fits.bpf.o && git add fits.bpf.o", fits), 0);
	strcat(dir, "/hook");
	/* objects: a frame that fits passes */
	assert_int_equal(run_hook("bpfcheck-objects", &out), 0);
	free(out);
	/* ... one over the limit fails */
	assert_int_equal(sh(NULL, "cp '%s' big.bpf.o && git add big.bpf.o", big), 0);
	assert_int_equal(run_hook("bpfcheck-objects", &out), 1);
	assert_non_null(strstr(out, "BC201"));
	free(out);
	/* the script hooks do not pick up objects */
	assert_int_equal(run_hook("bpfcheck", &out), 0);
	assert_string_equal(out, "(no files)");
	free(out);
	if (scripts) {
		PUTS("ok.bt", FIXED);
		PUTS("stale.bt", STALE);
		assert_int_equal(sh(NULL, "git add ok.bt stale.bt"), 0);
		assert_int_equal(run_hook("bpfcheck", &out), 1);	/* BC103 */
		free(out);
		ASSERT_FILE("stale.bt", STALE);
		assert_int_equal(run_hook("bpfcheck-fix", &out), 1);	/* fixed: still fails */
		free(out);
		ASSERT_FILE("stale.bt", FIXED);
		assert_int_equal(run_hook("bpfcheck-fix", &out), 0);	/* nothing left */
		free(out);
		assert_int_equal(run_hook("bpfcheck", &out), 0);
		free(out);
	}
	dir[strlen(dir) - strlen("/hook")] = 0;
	free(big);
	free(fits);
}

/* pre-commit itself, with this tree's .pre-commit-hooks.yaml in a hook repo. */
static void test_real_pre_commit(void **state)
{
	char *out, *fits = bc_strdup_printf("%s/examples/fits.bpf.o", build);
	char *big = bc_strdup_printf("%s/examples/big-frame.bpf.o", build);
	bool scripts = scripts_supported();
	int rc;

	if (system("pre-commit --version >/dev/null 2>&1") || access(fits, R_OK) ||
	    access(big, R_OK)) {
		free(fits);
		free(big);
		skip();
	}
	assert_int_equal(sh(NULL, "mkdir -p hooks-repo proj2 && cd hooks-repo && git init -q && "
				  "cp '%s/.pre-commit-hooks.yaml' . && git add . && "
				  "git -c user.name=t -c user.email=t@t commit -q -m hooks", src), 0);
	assert_int_equal(sh(NULL, "cd proj2 && git init -q && cp '%s' fits.bpf.o && "
				  "printf 'repos:\\n- repo: %s/hooks-repo\\n  rev: '$(git -C ../hooks-repo rev-parse HEAD)'\\n"
				  "  hooks:\\n  - id: bpfcheck-objects\\n  - id: bpfcheck-fix\\n' "
				  "> .pre-commit-config.yaml && git add .", fits, dir), 0);
	rc = sh(&out, "cd proj2 && PRE_COMMIT_HOME='%s/pc-home' pre-commit run --all-files", dir);
	if (rc)
		fprintf(stderr, "%s", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "bpfcheck (BPF objects)"));
	free(out);
	assert_int_equal(sh(NULL, "cd proj2 && cp '%s' big.bpf.o && git add big.bpf.o", big), 0);
	rc = sh(&out, "cd proj2 && PRE_COMMIT_HOME='%s/pc-home' pre-commit run --all-files", dir);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "BC201"));
	free(out);
	if (scripts) {
		assert_int_equal(sh(NULL, "cd proj2 && git rm -q --cached big.bpf.o && rm big.bpf.o && "
					  "printf '%%s' '" STALE "' > s.bt && git add s.bt"), 0);
		rc = sh(&out, "cd proj2 && PRE_COMMIT_HOME='%s/pc-home' pre-commit run --all-files",
			dir);
		assert_int_equal(rc, 1);	/* the fix hook changed a file */
		assert_non_null(strstr(out, "files were modified by this hook"));
		free(out);
		assert_int_equal(sh(NULL, "cd proj2 && git add s.bt"), 0);
		rc = sh(&out, "cd proj2 && PRE_COMMIT_HOME='%s/pc-home' pre-commit run --all-files",
			dir);
		assert_int_equal(rc, 0);
		free(out);
	}
	free(fits);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_and_diff_do_not_write),
		cmocka_unit_test(test_fix_writes_and_is_idempotent),
		cmocka_unit_test(test_fix_keeps_bytes),
		cmocka_unit_test(test_fix_refuses_read_only),
		cmocka_unit_test(test_fix_through_symlink),
		cmocka_unit_test(test_fix_stdin),
		cmocka_unit_test(test_output_is_never_an_input),
		cmocka_unit_test(test_config_is_found_and_followed),
		cmocka_unit_test(test_print_config_reads_back),
		cmocka_unit_test(test_hooks_as_pre_commit_calls_them),
		cmocka_unit_test(test_real_pre_commit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
