// SPDX-License-Identifier: Apache-2.0
/*
 * Scratch buffers of bpftrace 0.22+ (docs/bpftrace-codegen.md §1.1, §2.2): each
 * category is a read-write global `[1 x [N x [S x i8]]] @__bt__<cat>` in its
 * own `.data.<cat>` section; the outer 1 is resized to the CPU count at load
 * time. A use is a GEP indexed by the CPU id masked with @__bt__max_cpu_id.
 *
 * bpftrace knows N (slots) and S (largest object) before code generation
 * (ResourceAnalyser). Here they are counted while building: each use first
 * indexes a pending global, and bc_irb_finish creates the final global and
 * rebuilds each GEP over it, in place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "irb_internal.h"
#include "../base/array.h"

static const struct {
	const char *global, *section;
	bool single;
} cats[BC_SCRATCH__COUNT] = {
	[BC_SCRATCH_FMT_STR] = { "__bt__fmt_str_buf", ".data.fmt_str_buf", true },
	[BC_SCRATCH_ANON_STRUCT] = { "__bt__anon_struct_buf", ".data.anon_struct_buf", false },
	[BC_SCRATCH_CALL_STACK] = { "__bt__call_stack_buf", ".data.call_stack_buf", false },
	[BC_SCRATCH_GET_STR] = { "__bt__get_str_buf", ".data.get_str_buf", false },
	[BC_SCRATCH_READ_MAP_VAL] = { "__bt__read_map_val_buf", ".data.read_map_val_buf", false },
	[BC_SCRATCH_WRITE_MAP_VAL] = { "__bt__write_map_val_buf", ".data.write_map_val_buf", true },
	[BC_SCRATCH_VAR] = { "__bt__var_buf", ".data.var_buf", false },
	[BC_SCRATCH_MAP_KEY] = { "__bt__map_key_buf", ".data.map_key_buf", false },
	[BC_SCRATCH_JOIN] = { "__bt__join_buf", ".data.join_buf", true },
};

const char *bc_scratch_global(enum bc_scratch_cat c)
{
	return (unsigned)c < BC_SCRATCH__COUNT ? cats[c].global : NULL;
}

const char *bc_scratch_section(enum bc_scratch_cat c)
{
	return (unsigned)c < BC_SCRATCH__COUNT ? cats[c].section : NULL;
}

bool bc_scratch_single_slot(enum bc_scratch_cat c)
{
	return (unsigned)c < BC_SCRATCH__COUNT && cats[c].single;
}

/* [1 x [SLOTS x [SIZE x i8]]] */
static LLVMTypeRef rw_type(struct bc_irb *irb, uint32_t slots, uint64_t size)
{
	LLVMTypeRef elem = LLVMArrayType2(irb->i8, size);

	return LLVMArrayType2(LLVMArrayType2(elem, slots), 1);
}

static LLVMValueRef new_global(struct bc_irb *irb, LLVMTypeRef ty, const char *name,
			       const char *section, bool constant)
{
	LLVMValueRef g = LLVMAddGlobal(irb->mod, ty, name);

	LLVMSetInitializer(g, LLVMConstNull(ty));
	/* no alignment for the optimiser to raise past 8: the BPF backend
	 * cannot expand a memcpy of a 16-aligned buffer (it aborts) */
	LLVMSetAlignment(g, 8);
	LLVMSetGlobalConstant(g, constant);
	LLVMSetSection(g, section);
	LLVMSetExternallyInitialized(g, 1);
	return g;
}

static LLVMValueRef max_cpu_id(struct bc_irb *irb)
{
	if (!irb->max_cpu_id)
		irb->max_cpu_id = new_global(irb, irb->i64, BC_SCRATCH_MAX_CPU_ID, ".rodata", true);
	return irb->max_cpu_id;
}

static LLVMValueRef slot_gep(struct bc_irb *irb, LLVMBuilderRef b, LLVMTypeRef ty,
			     LLVMValueRef g, LLVMValueRef cpu, uint32_t slot)
{
	LLVMValueRef idx[4] = {
		LLVMConstInt(irb->i64, 0, 0), cpu, LLVMConstInt(irb->i64, slot, 0),
		LLVMConstInt(irb->i64, 0, 0),
	};

	return LLVMBuildGEP2(b, ty, g, idx, 4, "");
}

LLVMValueRef bc_irb_scratch(struct bc_irb *irb, enum bc_scratch_cat cat, LLVMTypeRef ty,
			    const struct bc_prov *prov)
{
	struct bc_irb_scratch_use *u;
	struct bc_prov_rec *r;
	LLVMValueRef cpu, max, g, gep;
	uint64_t size;
	uint32_t slot;

	if ((unsigned)cat >= BC_SCRATCH__COUNT || !ty || !prov || !irb->fn)
		return bc_irb_fail_null(irb, -EINVAL);
	if (BC_GROW(irb->scratch, irb->cap_scratch, irb->nr_scratch + 1))
		return bc_irb_fail_null(irb, -ENOMEM);
	size = bc_irb_sizeof(irb, ty);
	if (!size)
		size = 1;
	slot = cats[cat].single ? 0 : irb->scratch_slots[cat];
	if (!irb->scratch_pending[cat]) {
		char name[64];

		snprintf(name, sizeof(name), "%s.pending", cats[cat].global);
		irb->scratch_pending[cat] = LLVMAddGlobal(irb->mod, irb->i8, name);
	}
	g = irb->scratch_pending[cat];

	cpu = bc_irb_get_cpu_id(irb);
	max = LLVMBuildLoad2(irb->cur, irb->i64, max_cpu_id(irb), "");
	cpu = LLVMBuildAnd(irb->cur, cpu, max, "cpu.id.bounded");
	gep = slot_gep(irb, irb->cur, rw_type(irb, slot + 1, size), g, cpu, slot);

	r = bc_irb_record(irb, gep, prov, ty);
	if (!r)
		return NULL;
	r->placement = BC_PLACE_SCRATCH;
	r->slot = slot;
	r->global = strdup(cats[cat].global);
	if (!r->global)
		return bc_irb_fail_null(irb, -ENOMEM);

	if (!cats[cat].single || !irb->scratch_slots[cat])
		irb->scratch_slots[cat]++;
	if (size > irb->scratch_size[cat])
		irb->scratch_size[cat] = size;
	u = &irb->scratch[irb->nr_scratch++];
	u->cat = cat;
	u->slot = slot;
	u->gep = gep;
	u->cpu = cpu;
	u->prov_id = r->id;
	return gep;
}

LLVMValueRef bc_irb_scratch_map(struct bc_irb *irb, const char *map, uint32_t index,
			       LLVMTypeRef ty, const char *what, const struct bc_prov *prov)
{
	LLVMBasicBlockRef fail, merge;
	LLVMValueRef key, val, cond;
	struct bc_prov_rec *r;
	struct bc_prov kp;
	char name[64];
	int id = bc_irb_map_id(irb, map);

	if (id < 0 || !ty || !prov || !what)
		return bc_irb_fail_null(irb, id < 0 ? id : -EINVAL);
	kp = *prov;
	kp.construct = "scratch-map-key";
	snprintf(name, sizeof(name), "lookup_%s_key", what);
	kp.name = name;
	kp.script_dependent = false;
	kp.from = NULL;
	kp.nr_from = 0;
	key = bc_irb_alloca(irb, irb->i32, name, &kp);
	if (!key)
		return NULL;
	LLVMBuildStore(irb->cur, LLVMConstInt(irb->i32, index, 0), key);
	val = bc_irb_map_lookup(irb, id, key);
	if (!val)
		return NULL;
	bc_irb_lifetime_end(irb, key);
	snprintf(name, sizeof(name), "lookup_%s_failure", what);
	fail = bc_irb_block(irb, name);
	snprintf(name, sizeof(name), "lookup_%s_merge", what);
	merge = bc_irb_block(irb, name);
	snprintf(name, sizeof(name), "lookup_%s_cond", what);
	cond = LLVMBuildICmp(irb->cur, LLVMIntNE, val, LLVMConstNull(irb->ptr), name);
	LLVMBuildCondBr(irb->cur, cond, merge, fail);
	LLVMPositionBuilderAtEnd(irb->cur, fail);
	LLVMBuildRet(irb->cur, LLVMConstInt(irb->i64, 0, 0));
	LLVMPositionBuilderAtEnd(irb->cur, merge);
	r = bc_irb_record(irb, val, prov, ty);
	if (!r)
		return NULL;
	r->placement = BC_PLACE_SCRATCH;
	r->slot = index;
	r->scratch_bytes = bc_irb_sizeof(irb, ty);
	r->global = strdup(map);
	if (!r->global)
		return bc_irb_fail_null(irb, -ENOMEM);
	return val;
}

LLVMValueRef bc_irb_event_loss_counter(struct bc_irb *irb)
{
	static const char name[] = "__bt__event_loss_counter";
	LLVMTypeRef ty = LLVMArrayType2(LLVMArrayType2(irb->i64, 1), 1);
	LLVMValueRef g = LLVMGetNamedGlobal(irb->mod, name), cpu, max;

	if (!irb->fn)
		return bc_irb_fail_null(irb, -EINVAL);
	if (!g)
		g = new_global(irb, ty, name, ".data.event_loss_counter", false);
	cpu = bc_irb_get_cpu_id(irb);
	max = LLVMBuildLoad2(irb->cur, irb->i64, max_cpu_id(irb), "");
	cpu = LLVMBuildAnd(irb->cur, cpu, max, "cpu.id.bounded");
	{
		LLVMValueRef idx[3] = { LLVMConstInt(irb->i64, 0, 0), cpu,
					LLVMConstInt(irb->i64, 0, 0) };

		return LLVMBuildGEP2(irb->cur, ty, g, idx, 3, "");
	}
}

int bc_irb_scratch_finish(struct bc_irb *irb)
{
	LLVMValueRef final[BC_SCRATCH__COUNT] = { 0 };
	LLVMTypeRef types[BC_SCRATCH__COUNT] = { 0 };
	LLVMBuilderRef fix;
	int err = 0;

	if (!irb->nr_scratch)
		return 0;
	for (int c = 0; c < BC_SCRATCH__COUNT; c++) {
		if (!irb->scratch_pending[c])
			continue;
		types[c] = rw_type(irb, irb->scratch_slots[c], irb->scratch_size[c]);
		final[c] = new_global(irb, types[c], cats[c].global, cats[c].section, false);
	}
	fix = LLVMCreateBuilderInContext(irb->ctx);
	if (!fix)
		return -ENOMEM;
	for (size_t i = 0; i < irb->nr_scratch; i++) {
		struct bc_irb_scratch_use *u = &irb->scratch[i];
		struct bc_prov_rec *r = bc_prov_get_mut(irb->prov, u->prov_id);
		LLVMValueRef gep;

		LLVMPositionBuilderBefore(fix, u->gep);
		gep = slot_gep(irb, fix, types[u->cat], final[u->cat], u->cpu, u->slot);
		LLVMReplaceAllUsesWith(u->gep, gep);
		LLVMInstructionEraseFromParent(u->gep);
		u->gep = gep;
		bc_prov_attach(gep, u->prov_id);
		if (r) {
			if (bc_prov_set_value(irb->prov, r, gep))
				err = -ENOMEM;
			r->scratch_bytes = irb->scratch_size[u->cat];
		}
	}
	LLVMDisposeBuilder(fix);
	for (int c = 0; c < BC_SCRATCH__COUNT; c++) {
		if (irb->scratch_pending[c]) {
			LLVMDeleteGlobal(irb->scratch_pending[c]);
			irb->scratch_pending[c] = NULL;
		}
	}
	irb->nr_scratch = 0;
	return err;
}
