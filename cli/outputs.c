// SPDX-License-Identifier: Apache-2.0
/* Output paths that would destroy an input are refused (see cli.h). */
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

bool bc_same_file(const char *output, const char *input)
{
	struct stat so, si;

	if (!output || !input || stat(output, &so))
		return false;	/* an output that does not exist yet is no input */
	if (!strcmp(input, "-") ? fstat(STDIN_FILENO, &si) : stat(input, &si))
		return false;
	return so.st_dev == si.st_dev && so.st_ino == si.st_ino;
}

int bc_refuse_output(const struct bc_options *o, const char *option, const char *output,
		     const char *input)
{
	if (!bc_same_file(output, input))
		return 0;
	bc_err(o, "%s '%s' is the input '%s': writing it would destroy the input; nothing "
	       "was written", option, output, strcmp(input, "-") ? input : "<stdin>");
	return BC_EXIT_USAGE;
}
