// SPDX-License-Identifier: Apache-2.0
/* Directories of the tests (see dirs.h). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cmocka.h>

#include "dirs.h"
#include "analyzer/types/tracepoint.h"

char *bc_test_temp_dir(const char *prefix)
{
	char *d = NULL;

	assert_true(asprintf(&d, "/tmp/%s-XXXXXX", prefix) > 0);
	assert_non_null(mkdtemp(d));
	return d;
}

void bc_test_remove_tree(const char *dir)
{
	char *cmd = NULL;

	assert_true(asprintf(&cmd, "rm -rf '%s'", dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

size_t bc_test_cache_count(const char *cache, const char *prefix)
{
	DIR *d = opendir(cache);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

char *bc_test_cache_entry(const char *cache, const char *prefix)
{
	DIR *d = opendir(cache);
	struct dirent *e;
	char *path = NULL;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix))) {
			assert_null(path);
			assert_true(asprintf(&path, "%s/%s", cache, e->d_name) > 0);
		}
	closedir(d);
	assert_non_null(path);
	return path;
}

bool bc_test_live_tracefs(void)
{
	const char *events = BC_TRACEFS_DEFAULT "/events";

	if (access(events, R_OK) == 0)
		return true;
	if (mount("nodev", BC_TRACEFS_DEFAULT, "tracefs", 0, NULL) == 0)
		return access(events, R_OK) == 0;
	return false;
}
