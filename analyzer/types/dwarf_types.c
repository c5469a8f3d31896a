/* SPDX-License-Identifier: Apache-2.0 */
/* uprobe args and struct layouts from DWARF through libdw (see dwarf_types.h). */
#include "dwarf_types.h"
#include "../base/array.h"
#include "../base/version.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_NEST	32

struct bc_dwarf {
	int fd;
	Elf *elf;
	Dwarf *dw;
};

struct bc_dwarf *bc_dwarf_open(const char *path)
{
	struct bc_dwarf *d;
	int err;

	if (!path) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0) {
		err = errno;
		goto fail;
	}
	elf_version(EV_CURRENT);
	d->elf = elf_begin(d->fd, ELF_C_READ_MMAP, NULL);
	if (!d->elf || elf_kind(d->elf) != ELF_K_ELF) {
		err = EINVAL;
		goto fail;
	}
	d->dw = dwarf_begin_elf(d->elf, DWARF_C_READ, NULL);
	if (!d->dw) {
		err = ENODATA;
		goto fail;
	}
	return d;
fail:
	bc_dwarf_close(d);
	errno = err;
	return NULL;
}

void bc_dwarf_close(struct bc_dwarf *d)
{
	if (!d)
		return;
	if (d->dw)
		dwarf_end(d->dw);
	if (d->elf)
		elf_end(d->elf);
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}

/* ---- DIE helpers ---- */

static bool type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, out);
}

static bool udata(Dwarf_Die *die, unsigned attr, Dwarf_Word *v)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, attr, &a) && dwarf_formudata(&a, v) == 0;
}

static char *composite_name(Dwarf_Die *t)
{
	const char *n = dwarf_diename(t);
	const char *kw = dwarf_tag(t) == DW_TAG_union_type ? "union" : "struct";
	char *s;

	if (asprintf(&s, n ? "%s %s" : "%s (anonymous)", kw, n) < 0)
		return NULL;
	return s;
}

static struct bc_stype *conv(Dwarf_Die *die, int v, int depth, bool *unresolved);

static uint32_t subrange_count(Dwarf_Die *sub)
{
	Dwarf_Word w;

	if (udata(sub, DW_AT_count, &w))
		return (uint32_t)w;
	if (udata(sub, DW_AT_upper_bound, &w))
		return (uint32_t)(w + 1);
	return 0;	/* flexible array */
}

static struct bc_stype *array_type(Dwarf_Die *arr, int v, int depth, bool *unresolved)
{
	Dwarf_Die elem_die, child, peeled;
	struct bc_stype *elem;
	uint32_t dims[8];
	size_t nd = 0;
	bool chars = false;

	if (!type_of(arr, &elem_die)) {
		*unresolved = true;
		return bc_stype_none();
	}
	if (dwarf_child(arr, &child) == 0) {
		do {
			if (dwarf_tag(&child) == DW_TAG_subrange_type && nd < 8)
				dims[nd++] = subrange_count(&child);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (dwarf_peel_type(&elem_die, &peeled) == 0 && dwarf_tag(&peeled) == DW_TAG_base_type) {
		Dwarf_Word enc;

		chars = udata(&peeled, DW_AT_encoding, &enc) &&
			(enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char);
	}
	elem = conv(&elem_die, v, depth + 1, unresolved);
	if (!nd)
		dims[nd++] = 0;
	/* innermost dimension first: char x[2][8] is an array of 2 string[8] */
	for (size_t i = nd; elem && i-- > 0;) {
		if (chars && i == nd - 1) {
			bc_stype_put(elem);
			elem = bc_stype_string(dims[i]);
		} else {
			elem = bc_stype_array(elem, dims[i]);
		}
	}
	return elem;
}

static struct bc_stype *conv(Dwarf_Die *die, int v, int depth, bool *unresolved)
{
	Dwarf_Die t, inner;
	Dwarf_Word enc;
	int bytes;

	if (depth > MAX_NEST || dwarf_peel_type(die, &t) != 0) {
		*unresolved = true;
		return bc_stype_none();
	}
	bytes = dwarf_bytesize(&t);
	switch (dwarf_tag(&t)) {
	case DW_TAG_base_type:
		if (!udata(&t, DW_AT_encoding, &enc) ||
		    (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8 && bytes != 16))
			break;
		switch (enc) {
		case DW_ATE_boolean:
			return v >= BC_BT(24) ? bc_stype_bool() : bc_stype_int((uint32_t)bytes, false);
		case DW_ATE_unsigned:
		case DW_ATE_unsigned_char:
			return bc_stype_int((uint32_t)bytes, false);
		case DW_ATE_signed:
		case DW_ATE_signed_char:
			return bc_stype_int((uint32_t)bytes, true);
		default:
			break;	/* float, complex, ... */
		}
		break;
	case DW_TAG_enumeration_type:
		if (bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8)
			return bc_stype_int((uint32_t)bytes, false);
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type: {
		bool inner_unres = false;
		struct bc_stype *p;

		if (!type_of(&t, &inner))
			p = v >= BC_BT(22) ? bc_stype_void() : bc_stype_none();	/* void * */
		else
			p = conv(&inner, v, depth + 1, &inner_unres);
		/* a pointer to something unknown is still a usable pointer */
		return bc_stype_pointer(p, BC_AS_USER);
	}
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_class_type: {
		char *name = composite_name(&t);
		struct bc_stype *s;

		if (!name)
			return NULL;
		s = bc_stype_cstruct(name, bytes > 0 ? (uint32_t)bytes : 0,
				     dwarf_tag(&t) == DW_TAG_union_type, NULL);
		free(name);
		return s;
	}
	case DW_TAG_array_type:
		return array_type(&t, v, depth, unresolved);
	default:
		break;
	}
	*unresolved = true;
	return bc_stype_none();
}

/* ---- functions ---- */

struct find_ctx {
	const char *name;
	Dwarf_Die found;
	bool ok;
};

static int find_cb(Dwarf_Die *fn, void *arg)
{
	struct find_ctx *c = arg;
	const char *n = dwarf_diename(fn);

	if (!n || strcmp(n, c->name) || dwarf_hasattr(fn, DW_AT_declaration))
		return DWARF_CB_OK;
	c->found = *fn;
	c->ok = true;
	return DWARF_CB_ABORT;
}

static bool find_func(struct bc_dwarf *d, const char *name, Dwarf_Die *out)
{
	struct find_ctx c = { .name = name };
	Dwarf_Off off = 0, next;
	size_t hsize;

	while (!c.ok && dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(d->dw, off + hsize, &cu))
			dwarf_getfuncs(&cu, find_cb, &c, 0);
		off = next;
	}
	if (c.ok)
		*out = c.found;
	return c.ok;
}

void bc_dwarf_func_free(struct bc_dwarf_func *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nr_params; i++) {
		free(f->params[i].name);
		bc_stype_put(f->params[i].type);
	}
	free(f->params);
	free(f->name);
	bc_stype_put(f->ret);
	memset(f, 0, sizeof(*f));
}

int bc_dwarf_func(struct bc_dwarf *d, const char *name, int bt_version, struct bc_dwarf_func *out)
{
	Dwarf_Die fn, child, rt;
	size_t cap = 0;
	bool unres = false;

	if (!d || !name || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!find_func(d, name, &fn))
		return -ENOENT;
	if (!(out->name = strdup(name)))
		goto nomem;
	if (dwarf_child(&fn, &child) == 0) {
		do {
			struct bc_dwarf_param *p;
			Dwarf_Die ty;
			const char *pn;

			if (dwarf_tag(&child) != DW_TAG_formal_parameter)
				continue;
			if (BC_GROW(out->params, cap, out->nr_params + 1))
				goto nomem;
			p = &out->params[out->nr_params];
			memset(p, 0, sizeof(*p));
			pn = dwarf_diename(&child);
			p->name = strdup(pn ? pn : "");
			if (type_of(&child, &ty)) {
				p->type = conv(&ty, bt_version, 0, &p->unresolved);
			} else {
				p->type = bc_stype_none();
				p->unresolved = true;
			}
			out->nr_params++;
			if (!p->name || !p->type)
				goto nomem;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (type_of(&fn, &rt))
		out->ret = conv(&rt, bt_version, 0, &unres);
	else
		out->ret = bt_version >= BC_BT(22) ? bc_stype_void() : bc_stype_none();
	if (!out->ret)
		goto nomem;
	return 0;
nomem:
	bc_dwarf_func_free(out);
	return -ENOMEM;
}

struct bc_stype *bc_dwarf_func_args(struct bc_dwarf *d, const char *name, int bt_version)
{
	struct bc_dwarf_func f;
	struct bc_stype **types, *r;
	const char **names;
	int err = bc_dwarf_func(d, name, bt_version, &f);

	if (err) {
		errno = -err;
		return NULL;
	}
	types = calloc(f.nr_params + 1, sizeof(*types));
	names = calloc(f.nr_params + 1, sizeof(*names));
	if (!types || !names) {
		free(types);
		free(names);
		bc_dwarf_func_free(&f);
		errno = ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < f.nr_params; i++) {
		types[i] = bc_stype_get(f.params[i].type);
		names[i] = f.params[i].name;
	}
	r = bc_stype_record(names, types, f.nr_params);
	free(types);
	free(names);
	bc_dwarf_func_free(&f);
	return r;
}

/* ---- structs ---- */

struct type_find {
	const char *name;
	int tag;
	Dwarf_Die found;
	bool ok;
};

/* Searches the children of SCOPE (a CU) for a complete TAG named NAME. */
static void find_type_in(Dwarf_Die *scope, struct type_find *c)
{
	Dwarf_Die child;

	if (dwarf_child(scope, &child) != 0)
		return;
	do {
		const char *n;

		if (dwarf_tag(&child) != c->tag || dwarf_hasattr(&child, DW_AT_declaration))
			continue;
		n = dwarf_diename(&child);
		if (n && !strcmp(n, c->name)) {
			c->found = child;
			c->ok = true;
			return;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
}

static int member_bits(Dwarf_Die *m, uint32_t *bit, uint32_t *width)
{
	Dwarf_Word loc = 0, w, dbo;

	*width = 0;
	if (udata(m, DW_AT_bit_size, &w))
		*width = (uint32_t)w;
	if (udata(m, DW_AT_data_bit_offset, &dbo)) {
		*bit = (uint32_t)dbo;
		return 0;
	}
	udata(m, DW_AT_data_member_location, &loc);
	*bit = (uint32_t)loc * 8;
	if (*width && dwarf_hasattr(m, DW_AT_bit_offset)) {
		/* DWARF 2/3: counted from the MSB of the storage unit (little endian) */
		int unit = dwarf_bytesize(m), off = dwarf_bitoffset(m);

		if (unit > 0 && off >= 0)
			*bit += (uint32_t)(unit * 8 - off) - *width;
	}
	return 0;
}

static int add_members(struct bc_layout *l, Dwarf_Die *t, uint32_t base, int v, int depth)
{
	Dwarf_Die m;

	if (depth > MAX_NEST)
		return -ELOOP;
	if (dwarf_child(t, &m) != 0)
		return 0;
	do {
		const char *n;
		uint32_t bit = 0, width = 0;
		Dwarf_Die mt, peeled;
		bool unres = false;
		struct bc_field *f;

		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		member_bits(&m, &bit, &width);
		n = dwarf_diename(&m);
		if (!type_of(&m, &mt))
			continue;
		if (!n) {
			/* anonymous struct/union member: flatten */
			if (dwarf_peel_type(&mt, &peeled) == 0 &&
			    (dwarf_tag(&peeled) == DW_TAG_structure_type ||
			     dwarf_tag(&peeled) == DW_TAG_union_type)) {
				int err = add_members(l, &peeled, base + bit / 8, v, depth + 1);

				if (err)
					return err;
			}
			continue;
		}
		if (bc_layout_field(l, n))
			continue;
		f = bc_layout_add(l, n, conv(&mt, v, depth + 1, &unres), base + bit / 8);
		if (!f)
			return -ENOMEM;
		if (width) {
			f->bit_offset = (uint16_t)(bit % 8);
			f->bit_width = (uint16_t)width;
		}
	} while (dwarf_siblingof(&m, &m) == 0);
	return 0;
}

struct bc_stype *bc_dwarf_struct(struct bc_dwarf *d, const char *name, int bt_version)
{
	struct type_find c = { 0 };
	Dwarf_Off off = 0, next;
	struct bc_layout *l;
	struct bc_stype *s;
	size_t hsize;
	char *sname;
	int bytes, err;

	if (!d || !name) {
		errno = EINVAL;
		return NULL;
	}
	if (!strncmp(name, "struct ", 7)) {
		c.tag = DW_TAG_structure_type;
		c.name = name + 7;
	} else if (!strncmp(name, "union ", 6)) {
		c.tag = DW_TAG_union_type;
		c.name = name + 6;
	} else {
		c.tag = DW_TAG_structure_type;
		c.name = name;
	}
	while (!c.ok && dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(d->dw, off + hsize, &cu))
			find_type_in(&cu, &c);
		off = next;
	}
	if (!c.ok) {
		errno = ENOENT;
		return NULL;
	}
	bytes = dwarf_bytesize(&c.found);
	l = bc_layout_new(bytes > 0 ? (uint32_t)bytes : 0, 1, c.tag == DW_TAG_union_type);
	if (!l)
		return NULL;
	if ((err = add_members(l, &c.found, 0, bt_version, 0))) {
		bc_layout_put(l);
		errno = -err;
		return NULL;
	}
	for (size_t i = 0; i < l->nr_fields; i++) {
		uint32_t a = l->fields[i].type->kind == BC_ST_INT ? l->fields[i].type->size : 1;

		if (l->fields[i].type->kind == BC_ST_POINTER)
			a = 8;
		if (a > l->align)
			l->align = a;
	}
	if (!(sname = composite_name(&c.found))) {
		bc_layout_put(l);
		return NULL;
	}
	s = bc_stype_cstruct(sname, l->size, c.tag == DW_TAG_union_type, l);
	free(sname);
	return s;
}
