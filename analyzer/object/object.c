// SPDX-License-Identifier: Apache-2.0
/*
 * BPF ELF object analysis: ELF (elf_image.c) -> references between
 * instructions (code_refs.c) -> functions (funcs.c) -> per-function stack
 * depth (frame_depth.c) -> source locations (src_lines.c) -> bc_facts, with
 * the counting loops (count_loops.c), then the kernel's call-chain model
 * (analyzer/stack/chain.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "count_loops.h"
#include "../base/array.h"
#include "../core/paths.h"
#include "obj_model.h"
#include "prog_type.h"
#include "src_lines.h"
#include "dwarf_slots.h"
#include "../stack/chain.h"
#include "../core/unit.h"

void bc_obj_free(struct bc_obj *o)
{
	for (size_t i = 0; i < o->nr_funcs; i++)
		free(o->funcs[i].callees);
	free(o->funcs);
	if (o->insn_flags)
		for (size_t s = 0; s < o->img.nr_secs; s++)
			free(o->insn_flags[s]);
	free(o->insn_flags);
	free(o->refs);
	bc_elf_image_close(&o->img);
	memset(o, 0, sizeof(*o));
}

static char *func_name(const struct bc_obj *o, const struct bc_obj_func *f)
{
	const char *sec = o->img.secs[f->sec].name;
	char *s;

	if (f->sym)
		return strdup(f->sym->name);
	if (!f->start)
		return strdup(sec);	/* stripped object: the section is the program */
	if (asprintf(&s, "%s+%u", sec, f->start) < 0)
		return NULL;
	return s;
}

static int fill_func(const struct bc_obj *o, const struct bc_obj_func *f,
		     const struct bc_src_index *src, size_t base, struct bc_func *out)
{
	const char *sec = o->img.secs[f->sec].name;
	const char *type = f->sec != o->img.text_shndx ? bc_section_prog_type(sec) : NULL;
	const struct bc_src_fn *loc;

	out->name = func_name(o, f);
	out->section = strdup(sec);
	out->prog_type = type ? strdup(type) : NULL;
	if (!out->name || !out->section || (type && !out->prog_type))
		return -ENOMEM;
	out->is_entry = f->is_entry;
	out->is_callback = f->is_callback;
	out->is_async_callback = f->is_async && !f->is_entry;
	out->has_tail_call = f->has_tail_call;
	out->insn_off = f->start;
	out->insn_cnt = f->end - f->start;
	out->frame_bytes = f->depth;
	out->deepest_insn = f->deepest_insn;
	if (f->nr_callees) {
		out->callees = malloc(f->nr_callees * sizeof(*out->callees));
		if (!out->callees)
			return -ENOMEM;
		for (size_t i = 0; i < f->nr_callees; i++)
			out->callees[i] = base + f->callees[i];
		out->nr_callees = f->nr_callees;
	}
	loc = f->sym ? bc_src_index_find(src, f->sym->name) : NULL;
	if (loc && loc->line) {
		out->src_path = bc_path_display(loc->file);
		if (!out->src_path)
			return -ENOMEM;
		out->src_span.line = loc->line;
		out->src_span.col = loc->col;
	}
	return 0;
}

/* Appends the object's functions to U's facts; all or nothing. */
static int append_facts(struct bc_unit *u, const struct bc_obj *o, const struct bc_src_index *src)
{
	struct bc_facts *facts = &u->facts;
	struct bc_facts fresh = { 0 };
	size_t base = facts->nr_funcs;
	int err = 0;

	if (!o->nr_funcs)
		return 0;
	fresh.funcs = calloc(o->nr_funcs, sizeof(*fresh.funcs));
	if (!fresh.funcs)
		return -ENOMEM;
	fresh.nr_funcs = o->nr_funcs;
	for (size_t i = 0; i < o->nr_funcs && !err; i++)
		err = fill_func(o, &o->funcs[i], src, base, &fresh.funcs[i]);
	if (err || BC_GROW(facts->funcs, facts->cap_funcs, base + o->nr_funcs)) {
		bc_facts_free(&fresh);
		return -ENOMEM;
	}
	memcpy(facts->funcs + base, fresh.funcs, o->nr_funcs * sizeof(*facts->funcs));
	free(fresh.funcs);
	facts->nr_funcs = base + o->nr_funcs;
	return 0;
}

int bc_object_analyze(struct bc_unit *u, const void *data, size_t size,
		      const struct bc_target *t)
{
	struct bc_src_index src = { 0 };
	struct bc_obj o;
	int err;

	memset(&o, 0, sizeof(o));
	err = bc_elf_image_open(&o.img, u, data, size);
	if (!err)
		err = bc_obj_scan_refs(&o, u);
	if (!err)
		err = bc_obj_find_funcs(&o, u);
	for (size_t i = 0; i < o.nr_funcs && !err; i++)
		if (bc_obj_frame_depth(&o, i))
			err = bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	if (!err && bc_src_index_build(&src, o.img.elf))
		err = bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	if (!err && (bc_obj_check_insns(&o, u, &src) || bc_obj_check_btf(&o, u)))
		err = bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	size_t first = u->facts.nr_funcs;
	if (!err && append_facts(u, &o, &src))
		err = bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	/* plain objects: slots from DWARF (IR and scripts attach their own) */
	if (!err && u->kind == BC_KIND_OBJECT && bc_dwarf_slots_attach(o.img.elf, &u->facts, first))
		err = bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	if (!err && bc_obj_count_loops(&o, &u->facts))
		err = bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	if (!err && bc_stack_chains(&u->facts, t))
		err = bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	bc_src_index_free(&src);
	bc_obj_free(&o);
	return err;
}
