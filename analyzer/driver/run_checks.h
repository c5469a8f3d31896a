/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What is said once per run, after every unit was analysed: BC105
 * (missing-kernel), when the target's source lacks the tracepoint formats or
 * the kernel BTF that the inputs needed (rules/missing_kernel.c).
 */
#ifndef BC_DRIVER_RUN_CHECKS_H
#define BC_DRIVER_RUN_CHECKS_H

#include <stddef.h>

struct bc_unit;
struct bc_analysis;

/*
 * Adds one BC105 to the first unit that needed the kernel (a note with
 * --allow-missing-kernel), counting what every unit of the run lacked. 0 or
 * -ENOMEM.
 */
int bc_run_checks(struct bc_unit **units, size_t nr_units, const struct bc_analysis *a);

#endif
