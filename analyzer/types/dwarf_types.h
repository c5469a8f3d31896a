/* SPDX-License-Identifier: Apache-2.0 */
/*
 * uprobe `args` from DWARF (libdw): a function's parameter names and sized
 * types in a user binary, and struct/union layouts from its debug info.
 * Conversion follows bpftrace's Dwarf::get_stype: typedefs and qualifiers are
 * peeled; base types keep width and sign (booleans unsigned); enums are
 * unsigned; char arrays are string[N]; pointers point to their pointee by
 * name; structs/unions by name and size. A type bpftrace cannot represent
 * (floating point, function, unknown tags) becomes BC_ST_NONE and the
 * parameter is flagged unresolved, so a caller can warn instead of failing.
 */
#ifndef BC_TYPES_DWARF_TYPES_H
#define BC_TYPES_DWARF_TYPES_H

#include <stdbool.h>
#include <stddef.h>

#include "stype.h"

struct bc_dwarf;

/*
 * Opens the ELF binary PATH and its DWARF. NULL + errno: ENOENT/EACCES from
 * open, EINVAL (not an ELF file), ENODATA (no debug info), ENOMEM.
 */
struct bc_dwarf *bc_dwarf_open(const char *path);
void bc_dwarf_close(struct bc_dwarf *d);

struct bc_dwarf_param {
	char *name;		/* "" for an unnamed parameter */
	struct bc_stype *type;
	bool unresolved;	/* TYPE is BC_ST_NONE: no bpftrace equivalent */
};

struct bc_dwarf_func {
	char *name;
	struct bc_dwarf_param *params;
	size_t nr_params;
	struct bc_stype *ret;	/* BC_ST_VOID (or NONE before 0.22) for void */
};

/* The definition of function NAME: 0, -ENOENT, -ENOMEM. */
int bc_dwarf_func(struct bc_dwarf *d, const char *name, int bt_version, struct bc_dwarf_func *out);
void bc_dwarf_func_free(struct bc_dwarf_func *f);

/*
 * The uprobe `args` of NAME as a record of its parameters in order (the
 * record HEAD bpftrace builds on the stack, CreateUprobeArgsRecord; 0.17-0.24
 * read each parameter from its argument register instead). NULL + errno.
 */
struct bc_stype *bc_dwarf_func_args(struct bc_dwarf *d, const char *name, int bt_version);

/* Struct or union NAME ("struct point") with its fields. NULL + ENOENT. */
struct bc_stype *bc_dwarf_struct(struct bc_dwarf *d, const char *name, int bt_version);

#endif
