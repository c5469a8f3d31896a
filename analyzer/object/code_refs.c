// SPDX-License-Identifier: Apache-2.0
/*
 * References between instructions: bpf-to-bpf calls (pc-relative, or
 * relocated against a code symbol as libbpf-style objects do), callback
 * addresses (ld_imm64 of a function: BPF_PSEUDO_FUNC, or a relocation
 * against a code symbol) and tail calls. Resolution follows libbpf:
 * call target = symbol offset / 8 + imm + 1, callback = (symbol offset + imm) / 8.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "obj_model.h"
#include "../core/unit.h"
#include "../base/array.h"

struct ref_vec {
	struct bc_ref *v;
	size_t n, cap;
};

static int push(struct ref_vec *r, const struct bc_ref *ref)
{
	if (BC_GROW(r->v, r->cap, r->n + 1))
		return -ENOMEM;
	r->v[r->n++] = *ref;
	return 0;
}

void bc_obj_insn(const struct bc_obj *o, uint32_t sec, uint32_t insn, struct bc_insn *out)
{
	bc_insn_decode(o->img.secs[sec].data + (size_t)insn * BC_INSN_SIZE, o->img.big_endian, out);
}

/* The code symbol a relocation names, or NULL when it is not code. */
static const struct bc_elf_sym *code_sym(const struct bc_obj *o, const struct bc_elf_rel *rel)
{
	const struct bc_elf_sym *sym = &o->img.syms[rel->sym];

	if (sym->shndx >= o->img.nr_secs || !o->img.secs[sym->shndx].exec)
		return NULL;
	return sym;
}

static int call_ref(struct bc_obj *o, struct bc_unit *u, uint32_t s, uint32_t i,
		    const struct bc_insn *in, struct ref_vec *refs)
{
	const struct bc_elf_rel *rel = bc_elf_rel_at(&o->img, s, i);
	const struct bc_elf_sec *sec = &o->img.secs[s];
	struct bc_ref ref = { .sec = s, .insn = i, .kind = BC_REF_CALL };
	int64_t t;

	if (rel) {
		const struct bc_elf_sym *sym = code_sym(o, rel);

		if (!sym) {
			if (o->img.syms[rel->sym].shndx == 0)
				return 0;	/* extern subprogram of an unlinked object */
			return bc_unit_fail(u, -EINVAL, NULL,
					    "malformed BPF object: call at instruction %u of section '%s' is relocated against '%s', which is not code",
					    i, sec->name, o->img.syms[rel->sym].name);
		}
		if (sym->value % BC_INSN_SIZE)
			return bc_unit_fail(u, -EINVAL, NULL,
					    "malformed BPF object: call at instruction %u of section '%s' is relocated against '%s' at unaligned offset %llu",
					    i, sec->name, sym->name, (unsigned long long)sym->value);
		ref.tsec = sym->shndx;
		t = (int64_t)(sym->value / BC_INSN_SIZE) + in->imm + 1;
	} else {
		ref.tsec = s;
		t = (int64_t)i + in->imm + 1;
	}
	if (t < 0 || t >= o->img.secs[ref.tsec].nr_insns)
		return bc_unit_fail(u, -EINVAL, NULL,
				    "malformed BPF object: call at instruction %u of section '%s' targets instruction %lld, outside section '%s' (%u instructions)",
				    i, sec->name, (long long)t, o->img.secs[ref.tsec].name,
				    o->img.secs[ref.tsec].nr_insns);
	ref.tinsn = (uint32_t)t;
	return push(refs, &ref) ? bc_unit_fail(u, -ENOMEM, NULL, "out of memory") : 0;
}

static int func_ref(struct bc_obj *o, struct bc_unit *u, uint32_t s, uint32_t i,
		    const struct bc_insn *in, struct ref_vec *refs)
{
	const struct bc_elf_rel *rel = bc_elf_rel_at(&o->img, s, i);
	const struct bc_elf_sec *sec = &o->img.secs[s];
	struct bc_ref ref = { .sec = s, .insn = i, .kind = BC_REF_FUNC };
	int64_t t;

	if (rel) {
		const struct bc_elf_sym *sym = code_sym(o, rel);
		int64_t off;

		if (!sym)
			return 0;	/* a map, data or extern address */
		off = (int64_t)sym->value + in->imm;
		if (off % BC_INSN_SIZE)
			return bc_unit_fail(u, -EINVAL, NULL,
					    "malformed BPF object: callback address at instruction %u of section '%s' is not instruction-aligned ('%s' + %d)",
					    i, sec->name, sym->name, in->imm);
		ref.tsec = sym->shndx;
		t = off / BC_INSN_SIZE;
	} else if (in->src == BPF_PSEUDO_FUNC) {
		ref.tsec = s;
		t = (int64_t)i + in->imm + 1;
	} else {
		return 0;
	}
	if (t < 0 || t >= o->img.secs[ref.tsec].nr_insns)
		return bc_unit_fail(u, -EINVAL, NULL,
				    "malformed BPF object: callback address at instruction %u of section '%s' points at instruction %lld, outside section '%s'",
				    i, sec->name, (long long)t, o->img.secs[ref.tsec].name);
	ref.tinsn = (uint32_t)t;
	return push(refs, &ref) ? bc_unit_fail(u, -ENOMEM, NULL, "out of memory") : 0;
}

static int scan_section(struct bc_obj *o, struct bc_unit *u, uint32_t s, struct ref_vec *refs)
{
	const struct bc_elf_sec *sec = &o->img.secs[s];
	uint8_t *flags = calloc(sec->nr_insns, 1);
	int err = 0;

	if (!flags)
		return bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	o->insn_flags[s] = flags;
	for (uint32_t i = 0; i < sec->nr_insns && !err; i++) {
		struct bc_insn in;

		bc_obj_insn(o, s, i, &in);
		if (bc_insn_is_ld_imm64(&in)) {
			if (i + 1 >= sec->nr_insns)
				return bc_unit_fail(u, -EINVAL, NULL,
						    "malformed BPF object: the 16-byte ld_imm64 at instruction %u of section '%s' is cut off by the end of the section",
						    i, sec->name);
			flags[i + 1] |= BC_INSN_IMM64_HI;
			err = func_ref(o, u, s, i, &in, refs);
			i++;
			continue;
		}
		if (!bc_insn_is_call(&in))
			continue;
		if (in.src == BPF_PSEUDO_CALL) {
			err = call_ref(o, u, s, i, &in, refs);
		} else if (in.src == 0 && in.imm == BPF_FUNC_tail_call) {
			struct bc_ref ref = { .sec = s, .insn = i, .kind = BC_REF_TAIL };

			if (push(refs, &ref))
				err = bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
		}
	}
	return err;
}

int bc_obj_scan_refs(struct bc_obj *o, struct bc_unit *u)
{
	struct ref_vec refs = { 0 };
	int err = 0;

	o->insn_flags = calloc(o->img.nr_secs ? o->img.nr_secs : 1, sizeof(*o->insn_flags));
	if (!o->insn_flags)
		return bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	for (uint32_t s = 1; s < o->img.nr_secs && !err; s++)
		if (o->img.secs[s].exec)
			err = scan_section(o, u, s, &refs);
	o->refs = refs.v;
	o->nr_refs = refs.n;
	if (err)
		return err;
	/* targets must be instructions, not the second half of an ld_imm64 */
	for (size_t k = 0; k < o->nr_refs; k++) {
		const struct bc_ref *r = &o->refs[k];

		if (r->kind != BC_REF_TAIL && (o->insn_flags[r->tsec][r->tinsn] & BC_INSN_IMM64_HI))
			return bc_unit_fail(u, -EINVAL, NULL,
					    "malformed BPF object: %s at instruction %u of section '%s' targets the middle of an ld_imm64 (instruction %u of '%s')",
					    r->kind == BC_REF_CALL ? "call" : "callback address", r->insn,
					    o->img.secs[r->sec].name, r->tinsn, o->img.secs[r->tsec].name);
	}
	return 0;
}

const struct bc_ref *bc_obj_ref_at(const struct bc_obj *o, uint32_t sec, uint32_t insn)
{
	size_t lo = 0, hi = o->nr_refs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct bc_ref *r = &o->refs[mid];

		if (r->sec < sec || (r->sec == sec && r->insn < insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < o->nr_refs && o->refs[lo].sec == sec && o->refs[lo].insn == insn)
		return &o->refs[lo];
	return NULL;
}
