// SPDX-License-Identifier: Apache-2.0
/*
 * Functions of a BPF object: every executable section starts one, every FUNC
 * symbol and every call or callback target starts one, and each runs to the
 * next start. Programs (entries) are the functions of program sections that
 * nothing calls; .text holds BPF-to-BPF subprograms (libbpf's convention),
 * unless the object has no program section at all.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "obj_model.h"
#include "../core/unit.h"

struct start {
	uint32_t sec, insn;
	const struct bc_elf_sym *sym;
};

/* The better name for a function: a global FUNC symbol over a local one. */
static int sym_rank(const struct bc_elf_sym *s)
{
	if (!s)
		return 0;
	return s->bind == STB_GLOBAL ? 3 : s->bind == STB_WEAK ? 2 : 1;
}

static int cmp_start(const void *a, const void *b)
{
	const struct start *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->insn != y->insn)
		return x->insn < y->insn ? -1 : 1;
	return sym_rank(y->sym) - sym_rank(x->sym);	/* best name first */
}

static size_t collect_starts(const struct bc_obj *o, struct start *v)
{
	size_t n = 0;

	for (uint32_t s = 1; s < o->img.nr_secs; s++)
		if (o->img.secs[s].exec)
			v[n++] = (struct start){ .sec = s, .insn = 0 };
	for (size_t i = 0; i < o->img.nr_syms; i++) {
		const struct bc_elf_sym *y = &o->img.syms[i];

		if (y->type == STT_FUNC && y->shndx < o->img.nr_secs && o->img.secs[y->shndx].exec)
			v[n++] = (struct start){ .sec = y->shndx,
						 .insn = (uint32_t)(y->value / BC_INSN_SIZE),
						 .sym = y };
	}
	for (size_t i = 0; i < o->nr_refs; i++)
		if (o->refs[i].kind != BC_REF_TAIL)
			v[n++] = (struct start){ .sec = o->refs[i].tsec, .insn = o->refs[i].tinsn };
	return n;
}

/* Callees in first-reference order, each once; linear in the references. */
static int link_refs(struct bc_obj *o)
{
	size_t *count = calloc(o->nr_funcs + 1, sizeof(*count));
	size_t *stamp = calloc(o->nr_funcs + 1, sizeof(*stamp));
	int err = 0;

	if (!count || !stamp) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < o->nr_refs; i++) {
		ssize_t from = bc_obj_func_at(o, o->refs[i].sec, o->refs[i].insn);

		if (from >= 0 && o->refs[i].kind != BC_REF_TAIL)
			count[from]++;
	}
	for (size_t i = 0; i < o->nr_funcs; i++) {
		if (!count[i])
			continue;
		o->funcs[i].callees = malloc(count[i] * sizeof(size_t));
		if (!o->funcs[i].callees) {
			err = -ENOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < o->nr_refs; i++) {
		const struct bc_ref *r = &o->refs[i];
		ssize_t from = bc_obj_func_at(o, r->sec, r->insn), to;
		struct bc_obj_func *f;

		if (from < 0)
			continue;
		f = &o->funcs[from];
		if (r->kind == BC_REF_TAIL) {
			f->has_tail_call = true;
			continue;
		}
		to = bc_obj_func_at(o, r->tsec, r->tinsn);
		if (to < 0)
			continue;
		o->funcs[to].is_target = true;
		if (r->kind == BC_REF_FUNC)
			o->funcs[to].is_callback = true;
		if (stamp[to] == (size_t)from + 1)
			continue;	/* already a callee of this function */
		stamp[to] = (size_t)from + 1;
		f->callees[f->nr_callees++] = (size_t)to;
	}
out:
	free(count);
	free(stamp);
	return err;
}

static void mark_entries(struct bc_obj *o)
{
	bool prog_sections = false;

	for (size_t s = 1; s < o->img.nr_secs; s++)
		if (o->img.secs[s].exec && s != o->img.text_shndx)
			prog_sections = true;
	for (size_t i = 0; i < o->nr_funcs; i++) {
		struct bc_obj_func *f = &o->funcs[i];

		if (f->sec != o->img.text_shndx)
			f->is_entry = f->start == 0 || !f->is_target;
		else
			f->is_entry = !prog_sections && !f->is_target;
	}
}

int bc_obj_find_funcs(struct bc_obj *o, struct bc_unit *u)
{
	size_t cap = o->img.nr_secs + o->img.nr_syms + o->nr_refs, n, k = 0;
	struct start *v = malloc((cap ? cap : 1) * sizeof(*v));

	if (!v)
		return bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	n = collect_starts(o, v);
	qsort(v, n, sizeof(*v), cmp_start);
	o->funcs = calloc(n ? n : 1, sizeof(*o->funcs));
	if (!o->funcs) {
		free(v);
		return bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if (k && o->funcs[k - 1].sec == v[i].sec && o->funcs[k - 1].start == v[i].insn)
			continue;	/* same start: the best-named one came first */
		if (o->insn_flags[v[i].sec][v[i].insn] & BC_INSN_IMM64_HI) {
			int err = bc_unit_fail(u, -EINVAL, NULL,
					       "malformed BPF object: function '%s' starts in the middle of an ld_imm64 (instruction %u of section '%s')",
					       v[i].sym ? v[i].sym->name : "?", v[i].insn,
					       o->img.secs[v[i].sec].name);
			free(v);
			return err;
		}
		o->funcs[k++] = (struct bc_obj_func){ .sec = v[i].sec, .start = v[i].insn,
						      .sym = v[i].sym };
	}
	free(v);
	o->nr_funcs = k;
	for (size_t i = 0; i < k; i++) {
		struct bc_obj_func *f = &o->funcs[i];

		f->end = i + 1 < k && o->funcs[i + 1].sec == f->sec ? o->funcs[i + 1].start
								     : o->img.secs[f->sec].nr_insns;
	}
	if (link_refs(o))
		return bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	mark_entries(o);
	return 0;
}

ssize_t bc_obj_func_at(const struct bc_obj *o, uint32_t sec, uint32_t insn)
{
	size_t lo = 0, hi = o->nr_funcs;

	/* the last function starting at or before (sec, insn) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct bc_obj_func *f = &o->funcs[mid];

		if (f->sec < sec || (f->sec == sec && f->start <= insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || o->funcs[lo - 1].sec != sec || insn >= o->funcs[lo - 1].end)
		return -1;
	return (ssize_t)(lo - 1);
}
