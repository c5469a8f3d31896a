// SPDX-License-Identifier: Apache-2.0
/* C definitions of kernel BTF typedefs (libbpf's btf_dump), see btf_types.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <bpf/btf.h>

#include "btf_types.h"

static void print_fn(void *ctx, const char *fmt, va_list args)
{
	vfprintf(ctx, fmt, args);
}

char *bc_btf_typedef_defs(struct bc_btf *b, const char *const *names, size_t n)
{
	const struct btf *btf;
	struct btf_dump *d;
	char *text = NULL;
	size_t len = 0, found = 0;
	FILE *m;

	if (!b || bc_btf_load(b) || !(btf = bc_btf_raw(b)))
		return NULL;
	m = open_memstream(&text, &len);
	if (!m)
		return NULL;
	d = btf_dump__new(btf, print_fn, m, NULL);
	if (!d) {
		fclose(m);
		free(text);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		int id = btf__find_by_name_kind(btf, names[i], BTF_KIND_TYPEDEF);

		if (id > 0 && !btf_dump__dump_type(d, (__u32)id))
			found++;
	}
	btf_dump__free(d);
	if (fclose(m) || !found) {
		free(text);
		return NULL;
	}
	return text;
}
