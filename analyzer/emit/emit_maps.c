// SPDX-License-Identifier: Apache-2.0
/* bpftrace's maps as BTF-defined maps (see emit_maps.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "../script/profile.h"
#include "../script/sema.h"
#include "../types/stype.h"
#include "emit_maps.h"

/* codegen_call.c's join buffer: 16 header bytes, 16 arguments of 1024. */
#define JOIN_VALUE_SIZE (16 + 16 * 1024)

static uint32_t key_part(const struct bc_stype *t)
{
	/* bpftrace's semantic analyser widens small integer keys to 64 bits */
	return bc_stype_is_int_like(t) && t->size < 8 ? 8 : t->size;
}

static int script_map(const char *name, const struct bc_sema *sema, int version,
		      struct bc_emit_map *m)
{
	const struct bc_sema_map *sm = sema ? bc_sema_map_find(sema, name) : NULL;
	bool v022 = version >= BC_BTV(0, 22, 0);
	uint32_t key = 0;

	if (!sm || !sm->value)
		return -ENOENT;
	m->type = sm->bpf_map_type;
	m->max_entries = sm->max_entries ? (uint32_t)sm->max_entries : BC_EMIT_MAP_MAX_ENTRIES;
	for (size_t i = 0; i < sm->nr_keys; i++)
		key += key_part(sm->key_types[i]);
	if (!sm->nr_keys)
		key = 8;
	switch (sm->agg) {
	case BC_ST_HIST:
	case BC_ST_LHIST:
		key += 8;	/* the bucket */
		m->value_size = 8;
		break;
	case BC_ST_AVG:
	case BC_ST_STATS:
		key += v022 ? 0 : 8;	/* 0.17: count and total under keys 0 and 1 */
		m->value_size = v022 ? 16 : 8;
		break;
	case BC_ST_MIN:
	case BC_ST_MAX:
		m->value_size = v022 ? 16 : 8;
		break;
	case BC_ST_COUNT:
	case BC_ST_SUM:
		m->value_size = 8;
		break;
	default:
		if (sm->agg != BC_ST_NONE)
			return -ENOENT;
		m->value_size = bc_stype_is_int_like(sm->value) ? 8 : sm->value->size;
		break;
	}
	if (m->type == BPF_MAP_TYPE_ARRAY || m->type == BPF_MAP_TYPE_PERCPU_ARRAY) {
		key = 4;
		if (!sm->nr_keys)
			m->max_entries = 1;
	}
	m->key_size = key;
	if (!m->value_size || !m->key_size)
		return -ENOENT;
	m->name = bc_strdup_printf("AT_%s", name);
	return m->name ? 0 : -ENOMEM;
}

int bc_emit_bt_map_layout(const char *origin, const struct bc_sema *sema, int version,
			  struct bc_emit_map *m)
{
	unsigned mode, limit;
	int err;

	memset(m, 0, sizeof(*m));
	m->origin = strdup(origin);
	if (!m->origin)
		return -ENOMEM;
	if (origin[0] == '@') {
		err = script_map(origin + 1, sema, version, m);
	} else if (!strcmp(origin, "perf_event")) {
		*m = (struct bc_emit_map){ .origin = m->origin, .type = BPF_MAP_TYPE_PERF_EVENT_ARRAY,
					   .key_size = 4, .value_size = 4 };
		err = 0;
	} else if (!strcmp(origin, "join")) {
		*m = (struct bc_emit_map){ .origin = m->origin, .type = BPF_MAP_TYPE_PERCPU_ARRAY,
					   .key_size = 4, .value_size = JOIN_VALUE_SIZE,
					   .max_entries = 1 };
		err = 0;
	} else if (!strcmp(origin, "str_buffer")) {
		/* bpftrace 0.21's str()/path() buffers: one element per call site
		 * (the key is the site's index), max_strlen bytes each; the
		 * number of sites is not kept, so the usual entry bound holds
		 * them */
		const struct bc_bt_profile *pr = sema ? bc_sema_profile(sema) : NULL;

		*m = (struct bc_emit_map){ .origin = m->origin, .type = BPF_MAP_TYPE_PERCPU_ARRAY,
					   .key_size = 4,
					   .value_size = pr ? bc_bt_profile_str_size(pr) : 0,
					   .max_entries = BC_EMIT_MAP_MAX_ENTRIES };
		err = m->value_size ? 0 : -ENOENT;
	} else if (!strcmp(origin, "elapsed")) {
		*m = (struct bc_emit_map){ .origin = m->origin, .type = BPF_MAP_TYPE_HASH,
					   .key_size = 8, .value_size = 8, .max_entries = 1 };
		err = 0;
	} else if (sscanf(origin, "stack_%u_%u", &mode, &limit) == 2 && limit) {
		*m = (struct bc_emit_map){ .origin = m->origin, .type = BPF_MAP_TYPE_STACK_TRACE,
					   .key_size = 4, .value_size = 8 * limit,
					   .max_entries = BC_EMIT_MAP_MAX_ENTRIES };
		err = 0;
	} else {
		err = -ENOENT;
	}
	/* bpftrace's own maps: "bt_perf_event" (a section may be named
	 * perf_event, and ELF symbols share one namespace with sections) */
	if (!err && !m->name)
		m->name = bc_strdup_printf("bt_%s", origin);
	if (!err && !m->name)
		err = -ENOMEM;
	if (err)
		bc_emit_map_clear(m);
	return err;
}

void bc_emit_map_clear(struct bc_emit_map *m)
{
	free(m->name);
	free(m->origin);
	memset(m, 0, sizeof(*m));
}

LLVMValueRef bc_emit_map_global(struct bc_emit_dbg *d, const struct bc_emit_map *m)
{
	LLVMTypeRef ptr = LLVMPointerTypeInContext(d->ctx, 0);
	LLVMTypeRef f[4] = { ptr, ptr, ptr, ptr };
	LLVMTypeRef ty = LLVMStructTypeInContext(d->ctx, f, m->max_entries ? 4 : 3, 0);
	LLVMValueRef g = LLVMAddGlobal(d->mod, ty, m->name);

	if (!g) {
		errno = ENOMEM;
		return NULL;
	}
	LLVMSetInitializer(g, LLVMConstNull(ty));
	LLVMSetSection(g, ".maps");
	LLVMSetAlignment(g, 8);
	if (bc_emit_dbg_map(d, g, m->name, m->type, m->max_entries, m->key_size, m->value_size)) {
		errno = ENOMEM;
		return NULL;
	}
	return g;
}

static bool is_pseudo_call(LLVMValueRef i)
{
	LLVMValueRef callee;
	size_t len;

	if (!LLVMIsACallInst(i))
		return false;
	callee = LLVMGetCalledValue(i);
	return callee && LLVMIsAFunction(callee) &&
	       !strcmp(LLVMGetValueName2(callee, &len), "llvm.bpf.pseudo");
}

int bc_emit_replace_pseudo(LLVMModuleRef mod, LLVMValueRef *globals, size_t n)
{
	LLVMTypeRef i64 = LLVMInt64TypeInContext(LLVMGetModuleContext(mod));
	LLVMValueRef decl = LLVMGetNamedFunction(mod, "llvm.bpf.pseudo");

	for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
		     bb = LLVMGetNextBasicBlock(bb)) {
			LLVMValueRef i = LLVMGetFirstInstruction(bb), next;

			for (; i; i = next) {
				LLVMValueRef kind, id;
				unsigned long long k;

				next = LLVMGetNextInstruction(i);
				if (!is_pseudo_call(i))
					continue;
				kind = LLVMGetOperand(i, 0);
				id = LLVMGetOperand(i, 1);
				if (!LLVMIsAConstantInt(kind) || !LLVMIsAConstantInt(id) ||
				    LLVMConstIntGetZExtValue(kind) != BPF_PSEUDO_MAP_FD)
					return -EINVAL;
				k = LLVMConstIntGetZExtValue(id);
				if (k >= n || !globals[k])
					return -EINVAL;
				LLVMReplaceAllUsesWith(i, LLVMConstPtrToInt(globals[k], i64));
				LLVMInstructionEraseFromParent(i);
			}
		}
	}
	if (decl && !LLVMGetFirstUse(decl))
		LLVMDeleteFunction(decl);
	return 0;
}
