/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bpftrace script front end: parse (BC100), then semantic analysis
 * (BC101/BC102) for the target bpftrace (a->target as it is: the caller
 * resolves the installed bpftrace first when it wants it); the AST
 * (u->script) and the analysis (u->sema, bc_sema_of) stay on the unit for
 * the rules and codegen.
 */
#ifndef BC_SCRIPT_FRONTEND_H
#define BC_SCRIPT_FRONTEND_H

struct bc_unit;
struct bc_analysis;

int bc_script_frontend(struct bc_unit *u, const struct bc_analysis *a);

#endif
