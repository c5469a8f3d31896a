/* SPDX-License-Identifier: Apache-2.0 */
/* Version numbers as the tree compares them: one integer per version. */
#ifndef BC_BASE_VERSION_H
#define BC_BASE_VERSION_H

/* bpftrace versions as in struct bc_target: major * 10000 + minor * 100 + patch. */
#define BC_BTV(maj, min, patch)	((maj) * 10000 + (min) * 100 + (patch))
/* bpftrace 0.MINOR.0, the releases whose code generation the models follow. */
#define BC_BT(minor)		BC_BTV(0, minor, 0)
/* bpftrace master after v0.26.1 (docs/bpftrace-codegen.md §0). */
#define BC_BT_HEAD		BC_BTV(0, 26, 99)
/* The versions whose grammar, semantics and code generation are modelled:
 * --bpftrace refuses any other (analyzer/core/target.c). */
#define BC_BT_OLDEST		BC_BT(17)
#define BC_BT_SUPPORTED		"0.17 to 0.26 (any patch release; 0.26.99 is master after 0.26.1)"

/* Kernel versions: major * 256 + minor. */
#define BC_KV(maj, min)		((maj) * 256 + (min))

#endif
