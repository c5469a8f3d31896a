/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The manifest a bpftrace script needs at runtime (`bpfcheck manifest`,
 * docs/manifest.md), from its semantic analysis for the target version:
 *   - map-key / map-value roots for every map the script writes (one
 *     map-key root per key position, as bpftrace's MapKey holds them);
 *   - printf / system / cat roots: the arguments after the format string as
 *     a record "CALL#N" (N counts the calls of that function in source
 *     order) with each argument at its offset in the argument struct;
 *   - print roots for print() of a value that is not a map, join roots for
 *     join()'s array;
 *   - a definition for each tuple, record and C struct or union a root holds
 *     by value (layouts from BTF, DWARF or the script's own definitions, as
 *     semantic analysis resolved them), recursively. Pointers are printed
 *     as addresses, so a pointee is named (an opaque primitive such as
 *     "struct task_struct") and not defined.
 * A struct whose layout could not be resolved is referenced without a
 * definition: the manifest is then not closed, and BC401 says so.
 */
#ifndef BC_SCRIPT_MANIFEST_H
#define BC_SCRIPT_MANIFEST_H

struct bc_unit;
struct bc_manifest;

/* From U (a script the script front end analysed). 0 and *OUT, -EINVAL
 * when U has no semantic analysis, -ENOMEM. */
int bc_manifest_from_script(const struct bc_unit *u, struct bc_manifest **out);

#endif
