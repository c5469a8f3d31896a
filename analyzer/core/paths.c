// SPDX-License-Identifier: Apache-2.0
/* Paths as users see them. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"

const char *bc_path_relative(const char *path, const char *cwd)
{
	size_t n = cwd ? strlen(cwd) : 0;

	while (n > 1 && cwd[n - 1] == '/')
		n--;
	if (path[0] == '/' && n > 1 && !strncmp(path, cwd, n) && path[n] == '/')
		path += n + 1;
	while (path[0] == '.' && path[1] == '/')
		for (path += 2; *path == '/'; path++)
			;
	return path;
}

char *bc_path_display(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] != '/' || !getcwd(cwd, sizeof(cwd)))
		return strdup(path);
	return strdup(bc_path_relative(path, cwd));
}
