/* SPDX-License-Identifier: Apache-2.0 */
/* What a source implements (see source.h). Internal to analyzer/target/. */
#ifndef BC_TARGET_SOURCE_IMPL_H
#define BC_TARGET_SOURCE_IMPL_H

#include "source.h"

struct bc_source_ops {
	int (*uname)(struct bc_source *s, struct bc_source_uname *out);
	int (*jit_enable)(struct bc_source *s);
	int (*bpftrace)(struct bc_source *s, char *buf, size_t len);
	int (*btf)(struct bc_source *s, const char *module, struct bc_btf_blob *out);
	int (*btf_bytes)(struct bc_source *s, const char *module, const void **data,
			 size_t *size);
	int (*btf_modules)(struct bc_source *s, char ***names, size_t *n);
	bool (*has_tracepoints)(struct bc_source *s);
	int (*tp_categories)(struct bc_source *s, char ***names, size_t *n);
	int (*tp_events)(struct bc_source *s, const char *category, char ***names, size_t *n);
	int (*tp_format)(struct bc_source *s, const char *category, const char *event,
			 char **text, size_t *len, char *where, size_t wherelen);
	int (*filter_functions)(struct bc_source *s, char **text, size_t *len);
	void (*free)(struct bc_source *s);
};

struct bc_source {
	const struct bc_source_ops *ops;
	char *name;
	struct bc_tfile *tfile;	/* file sources */
	void *priv;
};

/* A growing, sorted list of names. */
struct bc_names {
	char **v;
	size_t n, cap;
};

int bc_names_add(struct bc_names *l, const char *name, size_t len);
/* Sorts, NULL-terminates and hands the list over: 0, or -ENOENT when empty. */
int bc_names_finish(struct bc_names *l, char ***names, size_t *n);

#endif
