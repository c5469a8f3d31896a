/* SPDX-License-Identifier: Apache-2.0 */
/* Running a shell command from a test and collecting what it prints. */
#ifndef BC_TEST_SHELL_H
#define BC_TEST_SHELL_H

#include <stdarg.h>

/*
 * Runs CMD with /bin/sh (popen) and returns its exit status, or 128 + the
 * signal that killed it (as a shell reports it). *OUT, when OUT is
 * not NULL, gets everything it wrote to stdout, NUL-terminated (free it);
 * redirect stderr in CMD to collect it too.
 */
int bc_test_shell(const char *cmd, char **out);

/* A formatted heap string (a command, a path); fails the test when out of
 * memory. */
char *bc_test_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *bc_test_vasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
