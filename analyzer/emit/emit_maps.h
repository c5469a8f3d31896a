/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Maps of an emitted object: bpftrace's maps as libbpf's BTF-defined maps.
 *
 * bpftrace creates its maps at run time and its IR names them by id,
 * `llvm.bpf.pseudo(i64 1, i64 ID)` (BPF_PSEUDO_MAP_FD, patched with the fd
 * before loading). In the emitted object every map is a global of section
 * `.maps` whose debug info is libbpf's map definition (emit_dbg.h), and
 * each pseudo call becomes the global's address, which the backend emits
 * as a `ld_imm64` relocated against the map symbol, as clang does.
 *
 * Layouts follow the bpftrace version (docs/emit.md): script maps take the
 * type semantic analysis picked (bc_bpftrace_map_type), keys as codegen
 * lays them out (integers widened to 8 bytes, keyless = 8 bytes, arrays
 * 4), hist/lhist keys (and avg/stats before 0.22) with the extra 8-byte
 * bucket, values 8 bytes for integers and 0.17's aggregates, 16 for
 * 0.22's min/max/avg/stats structs; bpftrace's own maps: perf_event (a
 * perf event array, one entry per CPU), stack_M_L (stack traces of L
 * frames), join (a per-CPU array of 16 + 16 x 1024 bytes), elapsed (a
 * one-entry hash the loader seeds with the start time, as bpftrace does).
 */
#ifndef BC_EMIT_MAPS_H
#define BC_EMIT_MAPS_H

#include <stddef.h>

#include <llvm-c/Core.h>

#include "emit.h"
#include "emit_dbg.h"

struct bc_sema;

/* bpftrace's default map size (BPFTRACE_MAP_KEYS_MAX). */
#define BC_EMIT_MAP_MAX_ENTRIES 4096

/*
 * The layout of bpftrace's map ORIGIN ("@a", "@", "perf_event", ...) for
 * the script SEMA describes, generated for bpftrace VERSION. OUT->name is
 * the symbol: "AT_a" for "@a" ("AT_" for "@"), "bt_NAME" for bpftrace's own.
 * 0; -ENOENT for a map the model has no layout for; -ENOMEM.
 */
int bc_emit_bt_map_layout(const char *origin, const struct bc_sema *sema, int version,
			  struct bc_emit_map *out);
void bc_emit_map_clear(struct bc_emit_map *m);

/* Adds M as a global of `.maps` with its definition's debug info. NULL on
 * failure (errno). */
LLVMValueRef bc_emit_map_global(struct bc_emit_dbg *d, const struct bc_emit_map *m);

/* Replaces each `llvm.bpf.pseudo(i64 1, i64 ID)` of MOD by the address of
 * GLOBALS[ID]. 0; -EINVAL for an id outside [0, N) or another pseudo kind. */
int bc_emit_replace_pseudo(LLVMModuleRef mod, LLVMValueRef *globals, size_t n);

#endif
