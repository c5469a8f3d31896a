/* SPDX-License-Identifier: Apache-2.0 */
/* The driver: from a loaded unit to facts and diagnostics. */
#ifndef BC_DRIVER_H
#define BC_DRIVER_H

struct bc_unit;
struct bc_options;

/*
 * Analyses U for the options' target: the front end for its kind (object,
 * IR, script, manifest), then every enabled rule that applies to the kind.
 * Diagnostics of disabled rules are dropped. Returns 0 when the unit was
 * processed (findings or not), a negative errno when it could not be
 * (u->status/u->error say why).
 */
int bc_analyze_unit(struct bc_unit *u, const struct bc_options *o);

#endif
