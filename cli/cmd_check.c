// SPDX-License-Identifier: Apache-2.0
/* bpfcheck check: lint every input and report the findings. */
#include "cli.h"

int bc_cmd_check(struct bc_options *o)
{
	return bc_run_paths(o, "check", NULL);
}
