/* SPDX-License-Identifier: Apache-2.0 */
/* Where functions are in source, from DWARF (libdw). Internal to analyzer/object/. */
#ifndef BC_OBJECT_SRC_LINES_H
#define BC_OBJECT_SRC_LINES_H

#include <stddef.h>
#include <stdint.h>

#include <libelf.h>

struct bc_src_fn {
	char *name;
	char *file;	/* as DWARF names it (absolute, or joined with the CU's directory) */
	uint32_t line, col;
};

struct bc_src_index {
	struct bc_src_fn *v;	/* sorted by name */
	size_t n;
};

/*
 * Reads the defined functions (DW_TAG_subprogram with code) of every
 * compilation unit in ELF. An object without DWARF gives an empty index.
 * 0, or -ENOMEM.
 */
int bc_src_index_build(struct bc_src_index *x, Elf *elf);
const struct bc_src_fn *bc_src_index_find(const struct bc_src_index *x, const char *name);
void bc_src_index_free(struct bc_src_index *x);

#endif
