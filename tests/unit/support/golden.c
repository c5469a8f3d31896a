// SPDX-License-Identifier: Apache-2.0
/* The one comparer of the tests (see golden.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "golden.h"
#include "script_support.h"
#include "reporters/udiff.h"

bool bc_test_updating(void)
{
	const char *v = getenv("BC_UPDATE_GOLDEN");

	return v && !strcmp(v, "1");
}

bool bc_test_same(const char *name, const char *expected, const char *actual)
{
	if (expected && !strcmp(expected, actual))
		return true;
	if (!expected) {
		fprintf(stderr, "%s: missing (BC_UPDATE_GOLDEN=1 creates it); the output is:\n%s",
			name, actual);
		return false;
	}
	fprintf(stderr, "%s: expected (-) and actual (+) differ; BC_UPDATE_GOLDEN=1 rewrites it\n",
		name);
	if (bc_udiff_write(stderr, name, (const unsigned char *)expected, strlen(expected),
			   (const unsigned char *)actual, strlen(actual)))
		fprintf(stderr, "--- expected\n%s--- actual\n%s---\n", expected, actual);
	return false;
}

int bc_test_write_file(const char *path, const char *data)
{
	char *dir = strdup(path), *slash;
	FILE *f;
	int err = 0;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0755) && errno != EEXIST)
			err = -errno;
	}
	free(dir);
	if (err)
		return err;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fputs(data, f) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

bool bc_test_golden(const char *rel, const char *actual)
{
	char *path = bc_test_src_path(rel), *expected;
	bool ok;

	if (!path)
		return false;
	if (bc_test_updating()) {
		int err = bc_test_write_file(path, actual);

		if (err)
			fprintf(stderr, "%s: cannot write: %s\n", rel, strerror(-err));
		free(path);
		return !err;
	}
	expected = bc_test_read_file(path, NULL);
	ok = bc_test_same(rel, expected, actual);
	free(expected);
	free(path);
	return ok;
}
