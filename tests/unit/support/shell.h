/* SPDX-License-Identifier: Apache-2.0 */
/* Running a shell command from a test and collecting what it prints. */
#ifndef BC_TEST_SHELL_H
#define BC_TEST_SHELL_H

/*
 * Runs CMD with /bin/sh (popen) and returns its exit status, or 128 + the
 * signal that killed it (as a shell reports it). *OUT, when OUT is
 * not NULL, gets everything it wrote to stdout, NUL-terminated (free it);
 * redirect stderr in CMD to collect it too.
 */
int bc_test_shell(const char *cmd, char **out);

#endif
