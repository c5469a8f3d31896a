// SPDX-License-Identifier: Apache-2.0
/* Whether the target kernel has bpf_map_sum_elem_count (see map_kfunc.h). */
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>

#include "map_kfunc.h"
#include "../core/target.h"
#include "../types/btf_types.h"

/* Whether T's BTF describes T's kernel (not the host's under --kernel X.Y). */
static bool btf_is_target(const struct bc_target *t)
{
	if (!t->btf_path)
		return false;
	return t->kernel_from_host || strcmp(t->btf_path, BC_BTF_VMLINUX);
}

int bc_map_sum_elem_count_avail(const struct bc_target *t, struct bc_kfunc_avail *out)
{
	memset(out, 0, sizeof(*out));
	if (btf_is_target(t)) {
		struct bc_btf *b = bc_btf_open(t->btf_path);
		int has;

		if (!b)
			return -ENOMEM;
		bc_btf_set_cache(b, t->cache_dir);
		has = bc_btf_find_func(b, BC_KFUNC_MAP_SUM_ELEM_COUNT);
		if (has >= 0) {
			out->has = has;
			out->from_btf = true;
			out->btf_path = t->btf_path;
			bc_btf_close(b);
			return 0;
		}
		bc_btf_close(b);	/* unreadable: fall back to the version */
	}
	out->has = bc_target_has_map_sum_elem_count(t);
	return 0;
}

bool bc_map_type_has_elem_count(int t)
{
	return t == BPF_MAP_TYPE_HASH || t == BPF_MAP_TYPE_PERCPU_HASH ||
	       t == BPF_MAP_TYPE_LRU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}
