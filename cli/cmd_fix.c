// SPDX-License-Identifier: Apache-2.0
/* bpfcheck fix: apply the fixes (the same as check --fix). */
#include "cli.h"

int bc_cmd_fix(struct bc_options *o)
{
	o->fix = true;
	return bc_run_paths(o, "fix", NULL);
}
