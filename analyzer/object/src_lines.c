// SPDX-License-Identifier: Apache-2.0
/*
 * Function source locations from DWARF through libdw: each defined
 * DW_TAG_subprogram's name, DW_AT_decl_file and DW_AT_decl_line/column.
 *
 * Why DWARF and not .BTF.ext: libbpf 1.1.2's public API can parse .BTF.ext
 * (btf_ext__new) but offers no line-info iterator, so reading its records
 * would mean hand-parsing the per-section record tables. libdw reads DWARF
 * for us, and objects built with -g carry it. BPF objects are relocatable and
 * use REL relocations against section symbols, so the unrelocated values
 * libdw sees are the right section offsets and string offsets; functions are
 * matched by name, which is unambiguous even though every program section
 * starts at address 0.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src_lines.h"
#include "../base/array.h"

#define MAX_DIES 1000000	/* bounds the walk over corrupt debug info */

struct builder {
	struct bc_src_fn *v;
	size_t n, cap;
};

static int add(struct builder *b, const char *name, const char *dir, const char *file, int line,
	       int col)
{
	struct bc_src_fn *e;

	if (BC_GROW(b->v, b->cap, b->n + 1))
		return -ENOMEM;
	e = &b->v[b->n];
	memset(e, 0, sizeof(*e));
	e->name = strdup(name);
	if (file[0] == '/' || !dir || !*dir) {
		e->file = strdup(file);
	} else if (asprintf(&e->file, "%s/%s", dir, file) < 0) {
		e->file = NULL;
	}
	if (!e->name || !e->file) {
		free(e->name);
		free(e->file);
		return -ENOMEM;
	}
	e->line = line > 0 ? (uint32_t)line : 0;
	e->col = col > 0 ? (uint32_t)col : 0;
	b->n++;
	return 0;
}

/*
 * DW_AT_decl_file through the CU's file table. libdw 0.188's dwarf_decl_file()
 * refuses index 0, which DWARF 5 uses for the primary source file.
 */
static const char *decl_file(Dwarf_Die *die, Dwarf_Die *cu)
{
	const char *file = dwarf_decl_file(die);
	Dwarf_Attribute attr;
	Dwarf_Files *files;
	Dwarf_Word idx;
	size_t n;

	if (file)
		return file;
	if (dwarf_formudata(dwarf_attr_integrate(die, DW_AT_decl_file, &attr), &idx) ||
	    dwarf_getsrcfiles(cu, &files, &n) || idx >= n)
		return NULL;
	return dwarf_filesrc(files, idx, NULL, NULL);
}

static int cu_functions(struct builder *b, Dwarf_Die *cu, size_t *budget)
{
	Dwarf_Attribute attr;
	const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
	Dwarf_Die die;

	if (dwarf_child(cu, &die) != 0)
		return 0;
	do {
		const char *name, *file;
		int line = 0, col = 0;

		if (!(*budget)--)
			return 0;
		if (dwarf_tag(&die) != DW_TAG_subprogram || !dwarf_hasattr(&die, DW_AT_low_pc))
			continue;
		name = dwarf_formstring(dwarf_attr_integrate(&die, DW_AT_name, &attr));
		file = decl_file(&die, cu);
		if (!name || !file || dwarf_decl_line(&die, &line))
			continue;
		if (dwarf_decl_column(&die, &col))
			col = 0;
		if (add(b, name, dir, file, line, col))
			return -ENOMEM;
	} while (dwarf_siblingof(&die, &die) == 0);
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct bc_src_fn *)a)->name, ((const struct bc_src_fn *)b)->name);
}

int bc_src_index_build(struct bc_src_index *x, Elf *elf)
{
	struct builder b = { 0 };
	size_t budget = MAX_DIES;
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	Dwarf *dw;
	int err = 0;

	memset(x, 0, sizeof(*x));
	dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (!dw)
		return 0;	/* no (usable) debug info */
	while (!err && budget &&
	       dwarf_get_units(dw, cu, &cu, NULL, NULL, &cudie, NULL) == 0)
		err = cu_functions(&b, &cudie, &budget);
	dwarf_end(dw);
	if (err) {
		x->v = b.v;
		x->n = b.n;
		bc_src_index_free(x);
		return err;
	}
	if (b.n)
		qsort(b.v, b.n, sizeof(*b.v), cmp_name);
	x->v = b.v;
	x->n = b.n;
	return 0;
}

const struct bc_src_fn *bc_src_index_find(const struct bc_src_index *x, const char *name)
{
	struct bc_src_fn key = { .name = (char *)name };

	if (!x->n)
		return NULL;
	return bsearch(&key, x->v, x->n, sizeof(*x->v), cmp_name);
}

void bc_src_index_free(struct bc_src_index *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->v[i].name);
		free(x->v[i].file);
	}
	free(x->v);
	memset(x, 0, sizeof(*x));
}
