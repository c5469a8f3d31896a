// SPDX-License-Identifier: Apache-2.0
/* Whether the target kernel has bpf_map_sum_elem_count (see map_kfunc.h). */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include "map_kfunc.h"
#include "../core/target.h"
#include "../types/btf_types.h"

int bc_map_sum_elem_count_avail(const struct bc_target *t, struct bc_kfunc_avail *out)
{
	memset(out, 0, sizeof(*out));
	if (bc_target_btf_is_target(t)) {
		struct bc_btf *b = bc_btf_open_from(t->btf_path, t->source, t->cache_dir);
		int has;

		if (!b && errno == ENOMEM)
			return -ENOMEM;
		has = b ? bc_btf_find_func(b, BC_KFUNC_MAP_SUM_ELEM_COUNT) : -ENOENT;
		if (has >= 0) {
			out->has = has;
			out->from_btf = true;
			snprintf(out->btf_name, sizeof(out->btf_name), "%s", bc_btf_path(b));
			bc_btf_close(b);
			return 0;
		}
		bc_btf_close(b);	/* none or unreadable: fall back to the version */
	}
	out->has = bc_target_has_map_sum_elem_count(t);
	return 0;
}

bool bc_map_type_has_elem_count(int t)
{
	return t == BPF_MAP_TYPE_HASH || t == BPF_MAP_TYPE_PERCPU_HASH ||
	       t == BPF_MAP_TYPE_LRU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}
