/* SPDX-License-Identifier: Apache-2.0 */
/* Front ends: one per input kind, each reducing a unit to facts and
 * diagnostics (analyzer/frontend/frontends.c holds the table). */
#ifndef BC_FRONTENDS_H
#define BC_FRONTENDS_H

#include "../core/unit.h"

struct bc_analysis;

struct bc_frontend {
	enum bc_kind kind;
	/* 0 when the unit was processed; negative errno after bc_unit_fail */
	int (*analyze)(struct bc_unit *u, const struct bc_analysis *a);
};

const struct bc_frontend *bc_frontend_for(enum bc_kind kind);

#endif
