/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Whether the target kernel offers bpf_map_sum_elem_count (Linux 6.6: the
 * element count of a map in O(1); hash maps keep per-CPU counters, array
 * maps have none and get 0). Decided from the target's BTF by name, as
 * bpftrace does (BPFfeature::has_kernel_func), and from the kernel version
 * when there is no BTF for the target.
 */
#ifndef BC_MAPS_MAP_KFUNC_H
#define BC_MAPS_MAP_KFUNC_H

#include <stdbool.h>

struct bc_target;

#define BC_KFUNC_MAP_SUM_ELEM_COUNT "bpf_map_sum_elem_count"

struct bc_kfunc_avail {
	bool has;
	bool from_btf;		/* decided by the BTF named btf_name, else by the version */
	char btf_name[4200];	/* the BTF's file (or target file part) when from_btf */
};

/*
 * Fills OUT for target T. The BTF is used when it describes the target: an
 * explicit --btf, or the source's (the running kernel's, or a target
 * file's) when the kernel is the source's (a --kernel X.Y without --btf is
 * decided by the version). 0, or -ENOMEM.
 */
int bc_map_sum_elem_count_avail(const struct bc_target *t, struct bc_kfunc_avail *out);

/* Whether bpf_map_sum_elem_count counts maps of TYPE (enum bpf_map_type):
 * hash maps keep counters. */
bool bc_map_type_has_elem_count(int map_type);

#endif
