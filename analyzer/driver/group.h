/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One finding per rule and source location. A probe with several attach
 * points becomes one program per attach point when bpftrace expands it
 * (tracepoint args, the probe builtin), and a per-program rule then finds
 * the same thing at the same place once per program. This pass keeps the
 * first finding of a rule at a location and folds the others into it: a
 * note listing the other programs when the message is the same but for the
 * program's name, the other message itself when it differs.
 */
#ifndef BC_DRIVER_GROUP_H
#define BC_DRIVER_GROUP_H

struct bc_unit;

/* 0 or -ENOMEM. */
int bc_group_findings(struct bc_unit *u);

#endif
