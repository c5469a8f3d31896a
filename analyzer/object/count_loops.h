/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Counting loops (struct bc_count_loop in analyzer/core/facts.h):
 * bpf_for_each_map_elem (helper 164) calls whose callback only counts, so
 * that the call computes the number of elements of the map, as bpftrace's
 * len() does (0.20-0.21: the callback increments a counter behind its ctx
 * argument; 0.22+: a stub returning 0, the helper's result is the count).
 * bpf_map_sum_elem_count (Linux 6.6) gives that count in O(1) for hash
 * maps (analyzer/maps/map_kfunc.h).
 *
 * Found in every object bc_object_analyze reads: BPF object inputs, and
 * the objects IR inputs and scripts are compiled to.
 */
#ifndef BC_OBJECT_COUNT_LOOPS_H
#define BC_OBJECT_COUNT_LOOPS_H

struct bc_obj;
struct bc_facts;

/* Appends the counting loops of O (its functions found) to F. 0 or -ENOMEM. */
int bc_obj_count_loops(const struct bc_obj *o, struct bc_facts *f);

#endif
