// SPDX-License-Identifier: Apache-2.0
/* Running a shell command from a test (see shell.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "shell.h"

int bc_test_shell(const char *cmd, char **out)
{
	char *buf = NULL, chunk[4096];
	size_t len = 0, n;
	FILE *p = popen(cmd, "r");
	FILE *m = open_memstream(&buf, &len);
	int st;

	assert_non_null(p);
	assert_non_null(m);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		assert_int_equal(fwrite(chunk, 1, n, m), n);
	st = pclose(p);
	assert_int_equal(fclose(m), 0);
	if (out)
		*out = buf;
	else
		free(buf);
	assert_true(st != -1);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
