// SPDX-License-Identifier: Apache-2.0
/*
 * Counting loops in BPF objects (see count_loops.h), into the facts. A call of helper 164
 * whose r2 is loaded with a callback address (ld_imm64 of a function) and
 * whose r1 with a map (a relocation against a symbol of ".maps"); the
 * callback, straight-line code, may only load *(ctx + off), add 1, store it
 * back, and return 0. With no counter, the helper's result must be read.
 * Map types come from the object's BTF (the `type` member of the map's
 * struct in the .maps DATASEC: a pointer to an array of TYPE elements).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "count_loops.h"
#include "../base/array.h"
#include "obj_model.h"
#include "../core/facts.h"

/* ---- the callback ---- */

enum reg_state { R_UNKNOWN = 0, R_CTX, R_ZERO, R_ONE, R_LOADED, R_INC };

struct reg {
	enum reg_state st;
	int16_t off;		/* R_LOADED / R_INC: the ctx offset */
};

/* Whether function F only counts; *COUNTER: it stores an incremented *ctx. */
static bool counting_callback(const struct bc_obj *o, const struct bc_obj_func *f, bool *counter)
{
	struct reg r[BC_NR_REGS] = { { 0 } };

	*counter = false;
	r[4].st = R_CTX;	/* (map, key, value, ctx) */
	for (uint32_t i = f->start; i < f->end; i++) {
		struct bc_insn in;
		uint8_t cls;

		bc_obj_insn(o, f->sec, i, &in);
		cls = BPF_CLASS(in.code);
		if (bc_insn_is_exit(&in))
			return r[0].st == R_ZERO;
		if (in.dst >= BC_NR_REGS || in.src >= BC_NR_REGS)
			return false;
		if ((cls == BPF_ALU64 || cls == BPF_ALU) && BPF_OP(in.code) == BPF_MOV) {
			if (BPF_SRC(in.code) == BPF_K)
				r[in.dst] = (struct reg){ in.imm == 0 ? R_ZERO :
							  in.imm == 1 ? R_ONE : R_UNKNOWN, 0 };
			else if (cls == BPF_ALU64 && !in.off)
				r[in.dst] = r[in.src];
			else
				r[in.dst].st = R_UNKNOWN;
			continue;
		}
		if ((cls == BPF_ALU64 || cls == BPF_ALU) && BPF_OP(in.code) == BPF_ADD &&
		    BPF_SRC(in.code) == BPF_K && in.imm == 1 && r[in.dst].st == R_LOADED) {
			r[in.dst].st = R_INC;
			continue;
		}
		if (cls == BPF_LDX && BPF_MODE(in.code) == BPF_MEM && r[in.src].st == R_CTX) {
			r[in.dst] = (struct reg){ R_LOADED, in.off };
			continue;
		}
		if (cls == BPF_STX && BPF_MODE(in.code) == BPF_MEM && r[in.dst].st == R_CTX &&
		    r[in.src].st == R_INC && r[in.src].off == in.off) {
			*counter = true;
			continue;
		}
		if (cls == BPF_STX && BPF_MODE(in.code) == BPF_ATOMIC && in.imm == BPF_ADD &&
		    r[in.dst].st == R_CTX && r[in.src].st == R_ONE) {
			*counter = true;
			continue;
		}
		return false;	/* anything else: a branch, a call, another store */
	}
	return false;
}

/* ---- the call site ---- */

/* The instruction before CALL in F that last sets register REG, or -1. */
static int64_t last_def(const struct bc_obj *o, const struct bc_obj_func *f, uint32_t call,
			uint8_t reg)
{
	for (int64_t i = (int64_t)call - 1; i >= f->start; i--) {
		struct bc_insn in;

		if (o->insn_flags[f->sec] && (o->insn_flags[f->sec][i] & BC_INSN_IMM64_HI))
			continue;
		bc_obj_insn(o, f->sec, (uint32_t)i, &in);
		if (bc_insn_is_jump(&in) || bc_insn_is_exit(&in))
			return -1;	/* not straight-line: give up */
		if (bc_insn_is_call(&in))
			return reg >= 1 && reg <= 5 ? -1 : i;
		if (BPF_CLASS(in.code) != BPF_STX && BPF_CLASS(in.code) != BPF_ST &&
		    BPF_CLASS(in.code) != BPF_JMP && BPF_CLASS(in.code) != BPF_JMP32 &&
		    in.dst == reg)
			return i;
	}
	return -1;
}

/* Whether the helper's result (r0) is read after CALL before it is replaced. */
static bool result_used(const struct bc_obj *o, const struct bc_obj_func *f, uint32_t call)
{
	for (uint32_t i = call + 1; i < f->end; i++) {
		struct bc_insn in;
		uint8_t cls;

		if (o->insn_flags[f->sec] && (o->insn_flags[f->sec][i] & BC_INSN_IMM64_HI))
			continue;
		bc_obj_insn(o, f->sec, i, &in);
		cls = BPF_CLASS(in.code);
		if (bc_insn_is_exit(&in))
			return true;
		if (bc_insn_is_call(&in))
			return false;
		if ((cls == BPF_ALU || cls == BPF_ALU64 || cls == BPF_JMP || cls == BPF_JMP32) &&
		    BPF_SRC(in.code) == BPF_X && in.src == 0)
			return true;
		if (cls == BPF_STX && in.src == 0)
			return true;
		if ((cls == BPF_JMP || cls == BPF_JMP32) && in.dst == 0 && !bc_insn_is_goto(&in))
			return true;
		if ((cls == BPF_ALU || cls == BPF_ALU64) && in.dst == 0)
			return BPF_OP(in.code) != BPF_MOV;
		if ((cls == BPF_LDX || cls == BPF_LD) && in.dst == 0)
			return false;
		if (bc_insn_is_jump(&in))
			return false;	/* branches: not followed */
	}
	return false;
}

static const char *map_name(const struct bc_obj *o, const struct bc_obj_func *f, uint32_t call)
{
	int64_t i = last_def(o, f, call, 1);
	const struct bc_elf_rel *rel;
	const struct bc_elf_sym *sym;
	struct bc_insn in;

	if (i < 0)
		return NULL;
	bc_obj_insn(o, f->sec, (uint32_t)i, &in);
	rel = bc_insn_is_ld_imm64(&in) ? bc_elf_rel_at(&o->img, f->sec, (uint32_t)i) : NULL;
	if (!rel || rel->sym >= o->img.nr_syms)
		return NULL;
	sym = &o->img.syms[rel->sym];
	if (sym->shndx >= o->img.nr_secs || !o->img.secs[sym->shndx].name ||
	    strcmp(o->img.secs[sym->shndx].name, ".maps") ||
	    !sym->name[0])
		return NULL;
	return sym->name;
}

/* The map's type from the object's BTF; -1 when not described. */
static int map_type(struct btf *btf, const char *name)
{
	const struct btf_type *t, *arr;
	const struct btf_member *m;
	int id;

	if (!btf || !name)
		return -1;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_VAR);
	if (id <= 0)
		return -1;
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	while (t && (btf_is_typedef(t) || btf_is_mod(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_struct(t))
		return -1;
	m = btf_members(t);
	for (unsigned i = 0; i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), "type"))
			continue;
		t = btf__type_by_id(btf, m->type);
		if (!t || !btf_is_ptr(t))
			return -1;
		arr = btf__type_by_id(btf, t->type);
		return arr && btf_is_array(arr) ? (int)btf_array(arr)->nelems : -1;
	}
	return -1;
}

static char *func_name(const struct bc_obj *o, const struct bc_obj_func *f)
{
	if (f->sym && f->sym->name[0])
		return strdup(f->sym->name);
	return strdup(o->img.secs[f->sec].name);
}

static struct btf *object_btf(const struct bc_obj *o)
{
	for (size_t s = 0; s < o->img.nr_secs; s++)
		if (o->img.secs[s].name && !strcmp(o->img.secs[s].name, ".BTF") &&
		    o->img.secs[s].data) {
			/* libbpf 1.x: NULL (errno set) when the BTF is malformed;
			 * bc_obj_check_btf reports that, libbpf prints nothing */
			struct bc_libbpf_log log;
			struct btf *btf;

			bc_libbpf_log_begin(&log);
			btf = btf__new(o->img.secs[s].data, o->img.secs[s].size);
			free(bc_libbpf_log_end(&log));
			return btf;
		}
	return NULL;
}

int bc_obj_count_loops(const struct bc_obj *o, struct bc_facts *facts)
{
	struct btf *btf = NULL;
	bool btf_read = false;
	int err = 0;

	for (size_t fi = 0; fi < o->nr_funcs && !err; fi++) {
		const struct bc_obj_func *f = &o->funcs[fi];

		for (uint32_t i = f->start; i < f->end; i++) {
			const struct bc_obj_func *cb;
			struct bc_count_loop *l;
			const struct bc_ref *ref;
			struct bc_insn in;
			bool counter;
			int64_t def;
			ssize_t ci;

			bc_obj_insn(o, f->sec, i, &in);
			if (!bc_insn_is_call(&in) || in.src || in.imm != BPF_FUNC_for_each_map_elem)
				continue;
			def = last_def(o, f, i, 2);
			ref = def >= 0 ? bc_obj_ref_at(o, f->sec, (uint32_t)def) : NULL;
			if (!ref || ref->kind != BC_REF_FUNC)
				continue;
			ci = bc_obj_func_at(o, ref->tsec, ref->tinsn);
			if (ci < 0)
				continue;
			cb = &o->funcs[ci];
			if (!counting_callback(o, cb, &counter) || (!counter && !result_used(o, f, i)))
				continue;
			if (!btf_read) {	/* the map types: read once, when needed */
				btf = object_btf(o);
				btf_read = true;
			}
			if (BC_GROW(facts->count_loops, facts->cap_count_loops,
				    facts->nr_count_loops + 1)) {
				err = -ENOMEM;
				break;
			}
			l = &facts->count_loops[facts->nr_count_loops];
			memset(l, 0, sizeof(*l));
			l->func = func_name(o, f);
			l->callback = func_name(o, cb);
			l->map = map_name(o, f, i) ? strdup(map_name(o, f, i)) : NULL;
			l->map_type = map_type(btf, l->map);
			l->counter = counter;
			facts->nr_count_loops++;
			if (!l->func || !l->callback) {
				err = -ENOMEM;
				break;
			}
		}
	}
	btf__free(btf);
	return err;
}
