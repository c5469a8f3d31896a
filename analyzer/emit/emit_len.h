/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The len() rewrite (docs/rules/BC301.md): a map's element count taken by
 * visiting every element, `bpf_for_each_map_elem(&map, cb, ctx, 0)` with a
 * callback that only counts (returns 0, or also increments *ctx), becomes
 * a call of the bpf_map_sum_elem_count kfunc (an extern_weak function in
 * ".ksyms", which the backend emits as a BPF_PSEUDO_KFUNC_CALL and libbpf
 * resolves against the kernel's BTF), when the target kernel has it and
 * the map is hash-backed (array maps keep no count: the kfunc gives 0).
 * With a counter (ctx not NULL) the kfunc's result is stored there too.
 * Elsewhere the loop stays.
 */
#ifndef BC_EMIT_LEN_H
#define BC_EMIT_LEN_H

#include <stdbool.h>
#include <stddef.h>

#include <llvm-c/Core.h>

#include "emit.h"

/* Rewrites MOD's counting loops over the `.maps` globals MAPS describes
 * when HAS_KFUNC. *NR_KFUNC receives the kfunc calls the module makes
 * afterwards, *NR_LOOP the loops left. 0 or -ENOMEM. */
int bc_emit_len(LLVMModuleRef mod, bool has_kfunc, const struct bc_emit_map *maps, size_t nr_maps,
		size_t *nr_kfunc, size_t *nr_loop);

#endif
