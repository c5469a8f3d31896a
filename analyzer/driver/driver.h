/* SPDX-License-Identifier: Apache-2.0 */
/* The driver: from a loaded unit to facts and diagnostics. */
#ifndef BC_DRIVER_H
#define BC_DRIVER_H

struct bc_unit;
struct bc_analysis;

/*
 * Analyses U as A asks: the front end for its kind (object, IR, script,
 * manifest), then every enabled rule that applies to the kind. Diagnostics
 * of disabled rules are dropped and the severity overrides applied (also
 * to a unit that failed before). Returns 0 when the unit was
 * processed (findings or not), a negative errno when it could not be
 * (u->status/u->error say why); -ECANCELED when A's cancel flag was set
 * during the analysis (analysis.h).
 */
int bc_analyze_unit(struct bc_unit *u, const struct bc_analysis *a);

#endif
