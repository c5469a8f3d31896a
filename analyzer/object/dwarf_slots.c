// SPDX-License-Identifier: Apache-2.0
/* Stack slots of object functions from DWARF (DW_OP_fbreg variables). */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_slots.h"
#include "../base/array.h"
#include "../core/facts.h"
#include "../core/paths.h"

#define MAX_DEPTH 32

struct var {
	char *name, *type, *file, *helper;
	uint32_t line, call_line, call_col;
	int64_t off;
	uint64_t bytes;
};

struct walk {
	struct var *v;
	size_t n, cap;
	const char *comp_dir;
	Dwarf_Die *cu;
	int err;
};

static void var_free(struct var *v)
{
	free(v->name);
	free(v->type);
	free(v->file);
	free(v->helper);
}

static const char *die_name(Dwarf_Die *d)
{
	Dwarf_Attribute a;

	return dwarf_formstring(dwarf_attr_integrate(d, DW_AT_name, &a));
}

/* The C spelling of type DIE T ("struct trace_rec", "char[48]"); heap. */
static char *type_name(Dwarf_Die *t, int depth)
{
	Dwarf_Attribute a;
	Dwarf_Die base, sub;
	const char *n = die_name(t), *kw = NULL;
	char *s = NULL, *b;
	bool has_base = dwarf_formref_die(dwarf_attr_integrate(t, DW_AT_type, &a), &base) != NULL;

	if (depth > 8)
		return NULL;
	switch (dwarf_tag(t)) {
	case DW_TAG_structure_type: kw = "struct"; break;
	case DW_TAG_union_type: kw = "union"; break;
	case DW_TAG_enumeration_type: kw = "enum"; break;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
		return has_base ? type_name(&base, depth + 1) : strdup("void");
	case DW_TAG_pointer_type:
		b = has_base ? type_name(&base, depth + 1) : NULL;
		if (asprintf(&s, "%s *", b ? b : "void") < 0)
			s = NULL;
		free(b);
		return s;
	case DW_TAG_array_type: {
		Dwarf_Word count = 0;

		b = has_base ? type_name(&base, depth + 1) : NULL;
		if (dwarf_child(t, &sub) == 0 && dwarf_tag(&sub) == DW_TAG_subrange_type) {
			if (dwarf_formudata(dwarf_attr(&sub, DW_AT_count, &a), &count) &&
			    !dwarf_formudata(dwarf_attr(&sub, DW_AT_upper_bound, &a), &count))
				count++;
		}
		if (asprintf(&s, "%s[%llu]", b ? b : "?", (unsigned long long)count) < 0)
			s = NULL;
		free(b);
		return s;
	}
	default:
		break;
	}
	if (asprintf(&s, "%s%s%s", kw ? kw : "", kw ? " " : "", n ? n : "(anonymous)") < 0)
		return NULL;
	return s;
}

/* DW_AT_decl_file through the CU's file table (DWARF 5 uses index 0 for
 * the primary file, which dwarf_decl_file refuses in libdw 0.188). */
static char *decl_path(Dwarf_Die *d, struct walk *w)
{
	const char *file = dwarf_decl_file(d);
	Dwarf_Attribute a;
	Dwarf_Files *files;
	Dwarf_Word idx;
	size_t n;
	char *joined = NULL, *out;

	if (!file && !dwarf_formudata(dwarf_attr_integrate(d, DW_AT_decl_file, &a), &idx) &&
	    !dwarf_getsrcfiles(w->cu, &files, &n) && idx < n)
		file = dwarf_filesrc(files, idx, NULL, NULL);
	if (!file)
		return NULL;
	if (file[0] != '/' && w->comp_dir && asprintf(&joined, "%s/%s", w->comp_dir, file) < 0)
		return NULL;
	out = bc_path_display(joined ? joined : file);
	free(joined);
	return out;
}

/* DW_OP_fbreg N: the r10 offset; false for anything else. */
static bool fbreg_offset(Dwarf_Die *d, int64_t *off)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr(d, DW_AT_location, &a) || dwarf_getlocation(&a, &ops, &n) || n != 1 ||
	    ops[0].atom != DW_OP_fbreg)
		return false;
	*off = (int64_t)ops[0].number;
	return true;
}

static void add_var(struct walk *w, Dwarf_Die *d, const char *helper, uint32_t cl, uint32_t cc)
{
	Dwarf_Attribute a;
	Dwarf_Die t;
	Dwarf_Word bytes = 0;
	struct var *v;
	int64_t off;
	int line = 0;
	const char *name = die_name(d);

	if (!name || !fbreg_offset(d, &off) ||
	    !dwarf_formref_die(dwarf_attr_integrate(d, DW_AT_type, &a), &t) ||
	    dwarf_aggregate_size(&t, &bytes) || !bytes)
		return;
	if (BC_GROW(w->v, w->cap, w->n + 1)) {
		w->err = -ENOMEM;
		return;
	}
	v = &w->v[w->n++];
	memset(v, 0, sizeof(*v));
	v->off = off;
	v->bytes = bytes;
	v->call_line = cl;
	v->call_col = cc;
	if (!dwarf_decl_line(d, &line))
		v->line = line;
	v->name = strdup(name);
	v->type = type_name(&t, 0);
	v->file = decl_path(d, w);
	v->helper = helper ? strdup(helper) : NULL;
	if (!v->name || !v->type || (helper && !v->helper))
		w->err = -ENOMEM;
}

/* Variables under D; HELPER and the call site once inside an inlined
 * subroutine (the outermost one: its call site is the function's line). */
static void walk(struct walk *w, Dwarf_Die *d, const char *helper, uint32_t cl, uint32_t cc, int depth)
{
	Dwarf_Die c;

	if (depth > MAX_DEPTH || dwarf_child(d, &c) != 0)
		return;
	do {
		int tag = dwarf_tag(&c);

		if (w->err)
			return;
		if (tag == DW_TAG_variable || tag == DW_TAG_formal_parameter) {
			add_var(w, &c, helper, cl, cc);
		} else if (tag == DW_TAG_lexical_block) {
			walk(w, &c, helper, cl, cc, depth + 1);
		} else if (tag == DW_TAG_inlined_subroutine) {
			Dwarf_Attribute a;
			Dwarf_Word l = 0, col = 0;

			if (helper) {
				walk(w, &c, helper, cl, cc, depth + 1);
				continue;
			}
			dwarf_formudata(dwarf_attr(&c, DW_AT_call_line, &a), &l);
			dwarf_formudata(dwarf_attr(&c, DW_AT_call_column, &a), &col);
			walk(w, &c, die_name(&c), (uint32_t)l, (uint32_t)col, depth + 1);
		}
	} while (dwarf_siblingof(&c, &c) == 0);
}

static int cmp_off(const void *a, const void *b)
{
	const struct var *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Moves W's variables onto F as slots. */
static int to_slots(struct walk *w, struct bc_func *f)
{
	int64_t end = INT64_MIN;	/* end of the bytes counted so far */
	uint64_t peak = 0;

	qsort(w->v, w->n, sizeof(*w->v), cmp_off);
	f->slots = calloc(w->n, sizeof(*f->slots));
	if (!f->slots)
		return -ENOMEM;
	for (size_t i = 0; i < w->n; i++) {
		struct var *v = &w->v[i];
		struct bc_slot *s = &f->slots[f->nr_slots++];

		s->construct = strdup("variable");
		if (!s->construct)
			return -ENOMEM;
		s->name = v->name;
		s->type = v->type;
		s->path = v->file;
		s->helper = v->helper;
		s->declared_in_helper = v->helper != NULL;
		memset(v, 0, offsetof(struct var, line));
		s->bytes = (uint32_t)v->bytes;
		s->span.line = v->line;
		s->call_span.line = v->call_line;
		s->call_span.col = v->call_col;
		/* sorted by offset: a slot that starts past the bytes counted
		 * so far has bytes of its own; one placed over them shares */
		if (v->off >= end) {
			s->live_at_peak = true;
			peak += v->bytes;
			end = v->off + (int64_t)v->bytes;
		}
	}
	f->has_attribution = true;
	f->slot_peak_bytes = (uint32_t)((peak + 7) & ~7ull);
	f->unattributed_bytes = f->frame_bytes > f->slot_peak_bytes ?
				f->frame_bytes - f->slot_peak_bytes : 0;
	return 0;
}

int bc_dwarf_slots_attach(Elf *elf, struct bc_facts *facts, size_t first)
{
	Dwarf *dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	int err = 0;

	if (!dw)
		return 0;
	while (!err && dwarf_get_units(dw, cu, &cu, NULL, NULL, &cudie, NULL) == 0) {
		Dwarf_Attribute a;
		Dwarf_Die d;

		if (dwarf_child(&cudie, &d) != 0)
			continue;
		do {
			struct walk w = { .cu = &cudie };
			const char *name = die_name(&d);
			struct bc_func *f = NULL;

			if (dwarf_tag(&d) != DW_TAG_subprogram || !dwarf_hasattr(&d, DW_AT_low_pc) || !name)
				continue;
			for (size_t i = first; i < facts->nr_funcs && !f; i++)
				if (facts->funcs[i].name && !strcmp(facts->funcs[i].name, name) &&
				    !facts->funcs[i].has_attribution)
					f = &facts->funcs[i];
			if (!f)
				continue;
			w.comp_dir = dwarf_formstring(dwarf_attr(&cudie, DW_AT_comp_dir, &a));
			walk(&w, &d, NULL, 0, 0, 0);
			err = w.err;
			if (!err && w.n)
				err = to_slots(&w, f);
			for (size_t i = 0; i < w.n; i++)
				var_free(&w.v[i]);
			free(w.v);
		} while (!err && dwarf_siblingof(&d, &d) == 0);
	}
	dwarf_end(dw);
	return err;
}
