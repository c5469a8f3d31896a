/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Counting loops: bpf_for_each_map_elem (helper 164) calls whose callback
 * only counts, so that the call computes the number of elements of the map,
 * as bpftrace's len() does (0.20-0.21: the callback increments a counter
 * behind its ctx argument; 0.22+: a stub returning 0, the helper's result is
 * the count). bpf_map_sum_elem_count (Linux 6.6) gives that count in O(1)
 * for hash maps.
 *
 * Found in BPF objects (count_loops.c: instructions) and LLVM IR
 * (analyzer/llvm/ir_count_loops.c: calls through `inttoptr (i64 164 to ptr)`).
 */
#ifndef BC_OBJECT_COUNT_LOOPS_H
#define BC_OBJECT_COUNT_LOOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/diag.h"

struct bc_unit;

struct bc_count_loop {
	char *func;		/* the function that makes the call */
	char *callback;		/* the counting callback */
	char *map;		/* the map's name; NULL when not known */
	int map_type;		/* enum bpf_map_type; -1 when not known */
	bool counter;		/* the callback increments *ctx (else: the result is used) */
	/* where: an IR debug location or the line in the .ll text (line 0: unknown) */
	char *path;		/* NULL: the unit's */
	struct bc_span span;
};

/* Whether bpf_map_sum_elem_count counts maps of TYPE (hash maps keep counters). */
bool bc_map_type_has_elem_count(int map_type);

/*
 * The counting loops of the BPF object DATA/SIZE (already analysed as U).
 * 0, or a negative errno (-ENOMEM; a malformed object, after bc_unit_fail).
 */
int bc_object_count_loops(struct bc_unit *u, const void *data, size_t size,
			  struct bc_count_loop **out, size_t *nr);
void bc_count_loops_free(struct bc_count_loop *v, size_t n);

#endif
