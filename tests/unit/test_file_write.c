// SPDX-License-Identifier: Apache-2.0
/* The one atomic file writer (analyzer/base/file_write.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyzer/base/file_write.h"

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/bc-test-file-write-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

static char *path_in(const char *name)
{
	static char p[2][256];
	static int k;

	k ^= 1;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static char *slurp(const char *path)
{
	static char buf[256];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static void put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

/* Files in DIR whose name starts with '.': temporary files left behind. */
static int leftovers(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_new_file_gets_umask_mode(void **state)
{
	char *p = path_in("new.txt"), *why = NULL;
	mode_t old = umask(027);
	struct stat st;

	assert_int_equal(bc_write_atomic(p, "hello", 5, &why), 0);
	umask(old);
	assert_null(why);
	assert_string_equal(slurp(p), "hello");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(leftovers(), 0);
}

static void test_existing_file_keeps_mode_and_xattrs(void **state)
{
	char *p = path_in("old.txt"), *why = NULL, val[16];
	struct stat st;
	ino_t before;
	ssize_t n;
	bool xattrs;

	put(p, "old", 0604);
	xattrs = setxattr(p, "user.bpfcheck", "kept", 4, 0) == 0;
	assert_int_equal(stat(p, &st), 0);
	before = st.st_ino;
	assert_int_equal(bc_write_atomic(p, "new", 3, &why), 0);
	assert_string_equal(slurp(p), "new");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
	assert_int_not_equal(st.st_ino, before);	/* replaced, not rewritten */
	if (xattrs) {
		n = getxattr(p, "user.bpfcheck", val, sizeof(val));
		assert_int_equal(n, 4);
		assert_memory_equal(val, "kept", 4);
	}
	assert_int_equal(leftovers(), 0);
}

static void test_symlink_written_through(void **state)
{
	char *p = path_in("real.txt"), *l = path_in("link.txt"), *why = NULL;
	struct stat st;

	put(p, "before", 0644);
	assert_int_equal(symlink(p, l), 0);
	assert_int_equal(bc_write_atomic(l, "after", 5, &why), 0);
	assert_int_equal(lstat(l, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_string_equal(slurp(p), "after");
}

static void test_hard_link_written_in_place(void **state)
{
	char *p = path_in("one.txt"), *q = path_in("two.txt"), *why = NULL;

	put(p, "shared", 0644);
	assert_int_equal(link(p, q), 0);
	assert_int_equal(bc_write_atomic(p, "both", 4, &why), 0);
	assert_string_equal(slurp(q), "both");	/* the links still share it */
	unlink(q);
}

static int refuse_rename(const char *target, void *arg, char **why)
{
	(*(int *)arg)++;
	*why = strdup("changed meanwhile");
	return -ESTALE;
}

static void test_failed_commit_keeps_old_file(void **state)
{
	char *p = path_in("kept.txt"), *why = NULL;
	struct bc_file_write f;
	int calls = 0;

	put(p, "original", 0644);
	assert_int_equal(bc_file_write_begin(&f, p, &why), 0);
	assert_non_null(f.tmp);
	assert_int_equal(bc_file_write_data(&f, "replacement", 11, &why), 0);
	assert_int_equal(bc_file_write_commit(&f, refuse_rename, &calls, &why), -ESTALE);
	assert_int_equal(calls, 1);
	assert_string_equal(why, "changed meanwhile");
	free(why);
	assert_string_equal(slurp(p), "original");
	assert_int_equal(leftovers(), 0);
	/* an abort after writing leaves the old file and no temporary file */
	why = NULL;
	assert_int_equal(bc_file_write_begin(&f, p, &why), 0);
	assert_int_equal(bc_file_write_data(&f, "x", 1, &why), 0);
	bc_file_write_abort(&f);
	assert_string_equal(slurp(p), "original");
	assert_int_equal(leftovers(), 0);
}

static void test_missing_directory_is_an_error(void **state)
{
	char *p = path_in("no/such/dir/x"), *why = NULL;

	assert_int_equal(bc_write_atomic(p, "x", 1, &why), -ENOENT);
	assert_non_null(why);
	assert_non_null(strstr(why, "no/such/dir/x"));
	free(why);
}

static void test_make_dirs(void **state)
{
	char *p = path_in("a/b/c"), *why = NULL;
	struct stat st;

	assert_int_equal(bc_make_dirs(p), 0);
	assert_int_equal(bc_make_dirs(p), 0);	/* already there */
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(bc_write_atomic(path_in("a/b/c/f"), "y", 1, &why), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_file_gets_umask_mode),
		cmocka_unit_test(test_existing_file_keeps_mode_and_xattrs),
		cmocka_unit_test(test_symlink_written_through),
		cmocka_unit_test(test_hard_link_written_in_place),
		cmocka_unit_test(test_failed_commit_keeps_old_file),
		cmocka_unit_test(test_missing_directory_is_an_error),
		cmocka_unit_test(test_make_dirs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
