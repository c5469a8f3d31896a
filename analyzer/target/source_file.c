// SPDX-License-Identifier: Apache-2.0
/*
 * A target file as a target source (see source.h and docs/target-file.md).
 * Nothing of the machine bpfcheck runs on is read: every answer comes from
 * the file's metadata or one of its parts.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "source_impl.h"
#include "target_file.h"
#include "target_parts.h"

struct file_src {
	json_t **categories;	/* per part: the parsed ".tp.<category>" object */
	pthread_mutex_t lock;
	char btf_name[4096];
};

static struct file_src *fs_of(struct bc_source *s)
{
	return s->priv;
}

static const json_t *meta(struct bc_source *s)
{
	return bc_tfile_meta(s->tfile);
}

static int file_uname(struct bc_source *s, struct bc_source_uname *out)
{
	const json_t *k = json_object_get(meta(s), BC_TMETA_KERNEL);
	const char *rel = json_string_value(json_object_get(k, "release"));
	const char *ver = json_string_value(json_object_get(k, "version"));
	const char *mach = json_string_value(json_object_get(k, "machine"));

	if (!rel || !mach)
		return -ENOENT;
	snprintf(out->release, sizeof(out->release), "%s", rel);
	snprintf(out->version, sizeof(out->version), "%s", ver ? ver : "");
	snprintf(out->machine, sizeof(out->machine), "%s", mach);
	return 0;
}

static int file_jit_enable(struct bc_source *s)
{
	const json_t *v = json_object_get(meta(s), BC_TMETA_JIT_ENABLE);

	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 255)
		return -ENOENT;
	return (int)json_integer_value(v);
}

static int file_bpftrace(struct bc_source *s, char *buf, size_t len)
{
	const char *v = json_string_value(json_object_get(meta(s), BC_TMETA_BPFTRACE));

	if (!v || !*v)
		return -ENOENT;
	snprintf(buf, len, "%s", v);
	return 0;
}

static void btf_part(const char *module, char *part, size_t len)
{
	if (module)
		snprintf(part, len, "%s%s", BC_TPART_BTF_MODULE, module);
	else
		snprintf(part, len, "%s", BC_TPART_BTF);
}

static int file_btf_bytes(struct bc_source *s, const char *module, const void **data,
			  size_t *size)
{
	char part[300];

	btf_part(module, part, sizeof(part));
	return bc_tfile_part(s->tfile, part, data, size, NULL, 0);
}

/* Described, not decompressed: a run answered from the type cache never
 * inflates the BTF. */
static int file_btf(struct bc_source *s, const char *module, struct bc_btf_blob *out)
{
	char part[300];
	long i;

	btf_part(module, part, sizeof(part));
	i = bc_tfile_find(s->tfile, part);
	if (i < 0)
		return -ENOENT;
	out->size = bc_tfile_part_size(s->tfile, (size_t)i);
	pthread_mutex_lock(&fs_of(s)->lock);
	snprintf(fs_of(s)->btf_name, sizeof(fs_of(s)->btf_name), "%s (%s)", s->name, part);
	pthread_mutex_unlock(&fs_of(s)->lock);
	out->name = fs_of(s)->btf_name;
	out->identity = bc_tfile_identity(s->tfile);
	return 0;
}

/* Names of the parts starting with PREFIX, without it. */
static int parts_with(struct bc_source *s, const char *prefix, char ***names, size_t *n)
{
	struct bc_names l = { 0 };
	size_t k = strlen(prefix);

	for (size_t i = 0; i < bc_tfile_nr_parts(s->tfile); i++) {
		const char *p = bc_tfile_part_name(s->tfile, i);

		if (!strncmp(p, prefix, k) && p[k] && bc_names_add(&l, p + k, strlen(p + k))) {
			bc_source_names_free(l.v, l.n);
			return -ENOMEM;
		}
	}
	return bc_names_finish(&l, names, n);
}

static int file_btf_modules(struct bc_source *s, char ***names, size_t *n)
{
	return parts_with(s, BC_TPART_BTF_MODULE, names, n);
}

static bool file_has_tracepoints(struct bc_source *s)
{
	char **v;
	size_t n;

	if (parts_with(s, BC_TPART_TRACEPOINTS, &v, &n))
		return false;
	bc_source_names_free(v, n);
	return true;
}

static int file_tp_categories(struct bc_source *s, char ***names, size_t *n)
{
	return parts_with(s, BC_TPART_TRACEPOINTS, names, n);
}

/* The parsed ".tp.<CATEGORY>" part (borrowed), or NULL with *ERR. */
static const json_t *category(struct bc_source *s, const char *cat, int *err)
{
	struct file_src *fs = fs_of(s);
	char part[512];
	const void *data;
	size_t size;
	json_t *o;
	long i;

	snprintf(part, sizeof(part), "%s%s", BC_TPART_TRACEPOINTS, cat);
	i = bc_tfile_find(s->tfile, part);
	if (i < 0) {
		*err = -ENOENT;
		return NULL;
	}
	pthread_mutex_lock(&fs->lock);
	o = fs->categories[i];
	pthread_mutex_unlock(&fs->lock);
	if (o)
		return o;
	if ((*err = bc_tfile_part(s->tfile, part, &data, &size, NULL, 0)))
		return NULL;
	o = json_loadb(data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		*err = -EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&fs->lock);
	if (fs->categories[i]) {
		json_decref(o);	/* another thread was first */
		o = fs->categories[i];
	} else {
		fs->categories[i] = o;
	}
	pthread_mutex_unlock(&fs->lock);
	return o;
}

static int file_tp_events(struct bc_source *s, const char *cat, char ***names, size_t *n)
{
	struct bc_names l = { 0 };
	const json_t *o = NULL, *v;
	const char *ev;
	int err = 0;

	o = category(s, cat, &err);
	if (!o)
		return err;
	json_object_foreach((json_t *)o, ev, v) {
		if (json_is_string(v) && bc_source_safe_name(ev) &&
		    bc_names_add(&l, ev, strlen(ev))) {
			bc_source_names_free(l.v, l.n);
			return -ENOMEM;
		}
	}
	return bc_names_finish(&l, names, n);
}

static int file_tp_format(struct bc_source *s, const char *cat, const char *event, char **text,
			  size_t *len, char *where, size_t wherelen)
{
	const json_t *o, *v;
	int err = 0;

	if (where && wherelen)
		snprintf(where, wherelen, "%s: tracepoint %s:%s", s->name, cat, event);
	o = category(s, cat, &err);
	if (!o)
		return err;
	v = json_object_get(o, event);
	if (!json_is_string(v))
		return -ENOENT;
	*len = json_string_length(v);
	*text = malloc(*len + 1);
	if (!*text)
		return -ENOMEM;
	memcpy(*text, json_string_value(v), *len);
	(*text)[*len] = 0;
	return 0;
}

static int file_filter_functions(struct bc_source *s, char **text, size_t *len)
{
	const void *data;
	size_t size;
	int err;

	if (bc_tfile_find(s->tfile, BC_TPART_FILTER_FUNCTIONS) < 0)
		return -ENOENT;
	err = bc_tfile_part(s->tfile, BC_TPART_FILTER_FUNCTIONS, &data, &size, NULL, 0);
	if (err)
		return err;
	*text = malloc(size + 1);
	if (!*text)
		return -ENOMEM;
	memcpy(*text, data, size);
	(*text)[size] = 0;
	*len = size;
	return 0;
}

static void file_free(struct bc_source *s)
{
	struct file_src *fs = fs_of(s);

	if (fs) {
		for (size_t i = 0; fs->categories && i < bc_tfile_nr_parts(s->tfile); i++)
			json_decref(fs->categories[i]);
		free(fs->categories);
		pthread_mutex_destroy(&fs->lock);
		free(fs);
	}
	bc_tfile_close(s->tfile);
}

static const struct bc_source_ops file_ops = {
	.uname = file_uname,
	.jit_enable = file_jit_enable,
	.bpftrace = file_bpftrace,
	.btf = file_btf,
	.btf_bytes = file_btf_bytes,
	.btf_modules = file_btf_modules,
	.has_tracepoints = file_has_tracepoints,
	.tp_categories = file_tp_categories,
	.tp_events = file_tp_events,
	.tp_format = file_tp_format,
	.filter_functions = file_filter_functions,
	.free = file_free,
};

int bc_source_file(const char *path, struct bc_source **out, char *err, size_t errlen)
{
	struct bc_source *s;
	struct file_src *fs;
	const json_t *kernel;
	struct bc_tfile *f;
	int ret;

	*out = NULL;
	ret = bc_tfile_open(path, &f, err, errlen);
	if (ret)
		return ret;
	kernel = json_object_get(bc_tfile_meta(f), BC_TMETA_KERNEL);
	if (!json_is_string(json_object_get(kernel, "release")) ||
	    !json_is_string(json_object_get(kernel, "machine"))) {
		bc_tfile_close(f);
		if (err && errlen)
			snprintf(err, errlen, "its metadata does not name the kernel (release and "
				 "machine)");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	fs = calloc(1, sizeof(*fs));
	if (!s || !fs || !(s->name = strdup(path)) ||
	    !(fs->categories = calloc(bc_tfile_nr_parts(f) + 1, sizeof(*fs->categories))) ||
	    pthread_mutex_init(&fs->lock, NULL)) {
		if (fs)
			free(fs->categories);
		free(fs);
		if (s)
			free(s->name);
		free(s);
		bc_tfile_close(f);
		return -ENOMEM;
	}
	s->ops = &file_ops;
	s->tfile = f;
	s->priv = fs;
	*out = s;
	return 0;
}
