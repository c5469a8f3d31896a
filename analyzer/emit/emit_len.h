/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The len() rewrite (docs/rules/BC301.md): a map's element count taken by
 * visiting every element, `bpf_for_each_map_elem(&map, cb, ctx, 0)` with a
 * callback that only counts (returns 0, or also increments *ctx), becomes
 * a call of the bpf_map_sum_elem_count kfunc (an extern_weak function in
 * ".ksyms", which the backend emits as a BPF_PSEUDO_KFUNC_CALL and libbpf
 * resolves against the kernel's BTF), when the target kernel has it and
 * the map is hash-backed (array maps keep no count: the kfunc gives 0).
 * With a counter (the callback adds 1 to *ctx, plainly or atomically) the
 * kfunc's result is added to *ctx as the loop would have; the helper's
 * result, when used, is the kfunc's (the loop returned the elements it
 * visited). Elsewhere the loop stays.
 *
 * Scripts: every such loop over a map of the emitted maps (types from
 * their layouts). IR and C input: only the loops the object analysis of
 * the module found (analyzer/object/count_loops.h, what BC301 reports),
 * with the map types it read from the object's BTF.
 */
#ifndef BC_EMIT_LEN_H
#define BC_EMIT_LEN_H

#include <stdbool.h>
#include <stddef.h>

#include <llvm-c/Core.h>

#include "../core/facts.h"
#include "emit.h"

struct bc_emit_len_in {
	bool has_kfunc;			/* the target kernel has bpf_map_sum_elem_count */
	const struct bc_emit_map *maps;	/* scripts: the `.maps` globals and their types */
	size_t nr_maps;
	bool only_found;		/* IR: rewrite only the loops in FOUND */
	const struct bc_count_loop *found;	/* by function, callback and map */
	size_t nr_found;
};

/* Rewrites MOD's counting loops (see above). *NR_KFUNC receives the kfunc
 * calls the module makes afterwards, *NR_LOOP the counting loops left.
 * 0 or -ENOMEM. */
int bc_emit_len(LLVMModuleRef mod, const struct bc_emit_len_in *in, size_t *nr_kfunc,
		size_t *nr_loop);

#endif
