// SPDX-License-Identifier: Apache-2.0
/* bpfcheck stack: the per-program, per-construct stack table. In text mode
 * it prints the table; other formats give the full report, whose programs
 * carry the same figures. */
#include "cli.h"

int bc_cmd_stack(struct bc_options *o)
{
	return bc_run_paths(o, "stack", "table");
}
