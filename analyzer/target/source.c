// SPDX-License-Identifier: Apache-2.0
/* The target source interface: what every source shares (see source.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "source_impl.h"
#include "../base/array.h"

bool bc_source_safe_name(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

int bc_names_add(struct bc_names *l, const char *name, size_t len)
{
	/* and one more for the NULL bc_names_finish ends the list with */
	if (BC_GROW(l->v, l->cap, l->n + 2))
		return -ENOMEM;
	l->v[l->n] = strndup(name, len);
	if (!l->v[l->n])
		return -ENOMEM;
	l->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int bc_names_finish(struct bc_names *l, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	if (!l->n) {
		free(l->v);
		return -ENOENT;
	}
	qsort(l->v, l->n, sizeof(*l->v), cmp_str);
	l->v[l->n] = NULL;
	*names = l->v;
	*n = l->n;
	return 0;
}

void bc_source_names_free(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

void bc_source_free(struct bc_source *s)
{
	if (!s)
		return;
	if (s->ops->free)
		s->ops->free(s);
	free(s->name);
	free(s);
}

bool bc_source_is_file(const struct bc_source *s)
{
	return s && s->tfile;
}

const char *bc_source_name(const struct bc_source *s)
{
	return s ? s->name : "none";
}

struct bc_tfile *bc_source_tfile(const struct bc_source *s)
{
	return s ? s->tfile : NULL;
}

int bc_source_uname(struct bc_source *s, struct bc_source_uname *out)
{
	memset(out, 0, sizeof(*out));
	return s ? s->ops->uname(s, out) : -ENOENT;
}

int bc_source_jit_enable(struct bc_source *s)
{
	return s ? s->ops->jit_enable(s) : -ENOENT;
}

int bc_source_bpftrace(struct bc_source *s, char *buf, size_t len)
{
	if (len)
		buf[0] = 0;
	return s ? s->ops->bpftrace(s, buf, len) : -ENOENT;
}

int bc_source_btf(struct bc_source *s, const char *module, struct bc_btf_blob *out)
{
	memset(out, 0, sizeof(*out));
	if (module && !bc_source_safe_name(module))
		return -EINVAL;
	return s ? s->ops->btf(s, module, out) : -ENOENT;
}

int bc_source_btf_bytes(struct bc_source *s, const char *module, const void **data,
			size_t *size)
{
	*data = NULL;
	*size = 0;
	if (module && !bc_source_safe_name(module))
		return -EINVAL;
	return s && s->ops->btf_bytes ? s->ops->btf_bytes(s, module, data, size) : -ENOENT;
}

int bc_source_btf_modules(struct bc_source *s, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	return s ? s->ops->btf_modules(s, names, n) : -ENOENT;
}

bool bc_source_has_tracepoints(struct bc_source *s)
{
	return s && s->ops->has_tracepoints(s);
}

int bc_source_tp_categories(struct bc_source *s, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	return s ? s->ops->tp_categories(s, names, n) : -ENOENT;
}

int bc_source_tp_events(struct bc_source *s, const char *category, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	if (!bc_source_safe_name(category))
		return -EINVAL;
	return s ? s->ops->tp_events(s, category, names, n) : -ENOENT;
}

int bc_source_tp_format(struct bc_source *s, const char *category, const char *event,
			char **text, size_t *len, char *where, size_t wherelen)
{
	*text = NULL;
	*len = 0;
	if (where && wherelen)
		where[0] = 0;
	if (!bc_source_safe_name(category) || !bc_source_safe_name(event))
		return -EINVAL;
	return s ? s->ops->tp_format(s, category, event, text, len, where, wherelen) : -ENOENT;
}

int bc_source_filter_functions(struct bc_source *s, char **text, size_t *len)
{
	*text = NULL;
	*len = 0;
	return s ? s->ops->filter_functions(s, text, len) : -ENOENT;
}
