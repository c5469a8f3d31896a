// SPDX-License-Identifier: Apache-2.0
/* Capturing a source into a target file (see capture.h). */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "capture.h"
#include "../base/array.h"
#include "source.h"
#include "target_file.h"
#include "target_parts.h"

#ifndef BC_VERSION
#define BC_VERSION "unknown"
#endif

static void missing(struct bc_capture_stats *st, json_t *miss, const char *what,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Records that WHAT could not be read, in the metadata and in ST. */
static void missing(struct bc_capture_stats *st, json_t *miss, const char *what,
		    const char *fmt, ...)
{
	size_t used = 0;
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	json_object_set_new(miss, what, json_string(why));
	while (used < sizeof(st->missing) - 1 && st->missing[used])
		used += strlen(st->missing + used) + 1;
	if (used < sizeof(st->missing) - 1)
		snprintf(st->missing + used, sizeof(st->missing) - used, "%s: %s", what, why);
}

/* The bytes of BLOB (of MODULE, NULL: vmlinux): read from its file, or
 * from the source (a target file). */
static int blob_bytes(struct bc_source *from, const char *module, const struct bc_btf_blob *b,
		      void **data, size_t *size)
{
	size_t cap = 1 << 20, n = 0;
	unsigned char *buf;
	int fd;

	if (!b->path) {
		const void *p;
		int err = bc_source_btf_bytes(from, module, &p, size);

		if (err)
			return err;
		*data = malloc(*size ? *size : 1);
		if (!*data)
			return -ENOMEM;
		memcpy(*data, p, *size);
		return 0;
	}
	fd = open(b->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	for (;;) {
		ssize_t r;

		if (!buf)
			break;
		if (n == cap && (cap >= BC_TFILE_MAX_PART || BC_GROW(buf, cap, n + 1))) {
			free(buf);
			buf = NULL;
			break;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(buf);
			close(fd);
			return -e;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!buf)
		return -ENOMEM;
	*data = buf;
	*size = n;
	return 0;
}

/* Types and kfuncs (functions tagged "bpf_kfunc") of vmlinux BTF. */
static int btf_counts(const void *data, size_t size, struct bc_capture_stats *st)
{
	libbpf_print_fn_t old = libbpf_set_print(NULL);
	struct btf *btf = btf__new(data, size);
	int err = btf ? 0 : -errno;

	libbpf_set_print(old);
	if (!btf)
		return err ? err : -EINVAL;
	st->btf_types = btf__type_cnt(btf) - 1;
	for (unsigned id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if (!btf_is_decl_tag(t) || btf_decl_tag(t)->component_idx != -1)
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (name && !strcmp(name, "bpf_kfunc"))
			st->kfuncs++;
	}
	btf__free(btf);
	return 0;
}

static int capture_btf(struct bc_source *from, bool modules, struct bc_tfile_writer *w,
		       struct bc_capture_stats *st, json_t *miss)
{
	struct bc_btf_blob b;
	char **mods = NULL;
	size_t nr_mods = 0, size;
	void *data;
	int err;

	if (bc_source_btf(from, NULL, &b)) {
		missing(st, miss, "btf", "no kernel BTF (%s)", "/sys/kernel/btf/vmlinux");
		return 0;
	}
	err = blob_bytes(from, NULL, &b, &data, &size);
	if (err) {
		missing(st, miss, "btf", "%s: %s", b.name, strerror(-err));
		return 0;
	}
	if ((err = btf_counts(data, size, st))) {
		missing(st, miss, "btf", "%s is not BTF libbpf reads: %s", b.name, strerror(-err));
		free(data);
		return 0;
	}
	err = bc_tfile_writer_add(w, BC_TPART_BTF, data, size);
	st->btf_bytes = size;
	free(data);
	if (err || !modules)
		return err;
	if (bc_source_btf_modules(from, &mods, &nr_mods) == -ENOMEM)
		return -ENOMEM;
	for (size_t i = 0; i < nr_mods && !err; i++) {
		char part[300];

		if (bc_source_btf(from, mods[i], &b) || blob_bytes(from, mods[i], &b, &data, &size))
			continue;
		snprintf(part, sizeof(part), "%s%s", BC_TPART_BTF_MODULE, mods[i]);
		err = bc_tfile_writer_add(w, part, data, size);
		free(data);
		st->modules += !err;
	}
	bc_source_names_free(mods, nr_mods);
	return err;
}

/* One part per category: {"event": "format text", ...}. */
static int capture_tracepoints(struct bc_source *from, struct bc_tfile_writer *w,
			       struct bc_capture_stats *st, json_t *miss)
{
	char **cats = NULL, where[4096];
	size_t nr_cats = 0;
	int err = bc_source_tp_categories(from, &cats, &nr_cats), first_err = 0;

	if (err == -ENOMEM)
		return err;
	if (err) {
		missing(st, miss, "tracepoints", "no tracefs (mount it: mount -t tracefs nodev "
			"/sys/kernel/tracing)");
		return 0;
	}
	err = 0;
	for (size_t c = 0; c < nr_cats && !err; c++) {
		json_t *o = json_object();
		char **evs = NULL, *text, *dump, part[512];
		size_t nr_evs = 0, len;

		if (!o)
			err = -ENOMEM;
		if (!err && bc_source_tp_events(from, cats[c], &evs, &nr_evs) == -ENOMEM)
			err = -ENOMEM;
		for (size_t e = 0; e < nr_evs && !err; e++) {
			int r = bc_source_tp_format(from, cats[c], evs[e], &text, &len, where,
						    sizeof(where));

			if (r == -ENOMEM)
				err = r;
			if (r) {
				/* event directories without a format (enable, filter) are not events */
				if (r != -ENOENT) {
					st->tp_unreadable++;
					first_err = first_err ? first_err : r;
				}
				continue;
			}
			if (json_object_set_new(o, evs[e], json_stringn(text, len)))
				err = -ENOMEM;
			free(text);
			st->tracepoints++;
		}
		bc_source_names_free(evs, nr_evs);
		if (!err && json_object_size(o)) {
			dump = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
			snprintf(part, sizeof(part), "%s%s", BC_TPART_TRACEPOINTS, cats[c]);
			err = dump ? bc_tfile_writer_add(w, part, dump, strlen(dump)) : -ENOMEM;
			free(dump);
			st->categories++;
		}
		json_decref(o);
	}
	bc_source_names_free(cats, nr_cats);
	if (!err && st->tp_unreadable)
		missing(st, miss, "tracepoints", "%zu format files could not be read (%s)",
			st->tp_unreadable, strerror(-first_err));
	else if (!err && !st->tracepoints)
		missing(st, miss, "tracepoints", "tracefs has no tracepoint formats");
	return err;
}

static int capture_filter_functions(struct bc_source *from, struct bc_tfile_writer *w,
				    struct bc_capture_stats *st, json_t *miss)
{
	char *text;
	size_t len;
	int err = bc_source_filter_functions(from, &text, &len);

	if (err == -ENOMEM)
		return err;
	if (err) {
		missing(st, miss, "filter_functions", "available_filter_functions: %s",
			strerror(-err));
		return 0;
	}
	for (size_t i = 0; i < len; i++)
		st->filter_functions += text[i] == '\n';
	err = bc_tfile_writer_add(w, BC_TPART_FILTER_FUNCTIONS, text, len);
	free(text);
	return err;
}

static json_t *facts(struct bc_source *from, struct bc_capture_stats *st, json_t *miss)
{
	struct bc_source_uname u;
	char bt[64], at[64];
	time_t now = time(NULL);
	struct tm tm;
	json_t *m;
	int jit;

	if (bc_source_uname(from, &u))
		return NULL;
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	m = json_pack("{s:{s:s, s:s, s:s}, s:{s:s, s:s}}",
		      BC_TMETA_KERNEL, "release", u.release, "version", u.version,
		      "machine", u.machine,
		      BC_TMETA_CAPTURED, "by", "bpfcheck " BC_VERSION, "at", at);
	if (!m)
		return NULL;
	jit = bc_source_jit_enable(from);
	if (jit >= 0)
		json_object_set_new(m, BC_TMETA_JIT_ENABLE, json_integer(jit));
	else
		missing(st, miss, "bpf_jit_enable", "/proc/sys/net/core/bpf_jit_enable is not "
			"readable");
	if (!bc_source_bpftrace(from, bt, sizeof(bt)))
		json_object_set_new(m, BC_TMETA_BPFTRACE, json_string(bt));
	else
		missing(st, miss, "bpftrace", "bpftrace is not installed");
	return m;
}

int bc_target_capture(struct bc_source *from, bool modules, const char *path,
		      struct bc_capture_stats *st, char *err, size_t errlen)
{
	struct bc_tfile_writer *w = bc_tfile_writer_new();
	json_t *miss = json_object(), *meta = NULL;
	struct stat sb;
	int ret = -ENOMEM;

	memset(st, 0, sizeof(*st));
	if (!w || !miss)
		goto out;
	meta = facts(from, st, miss);
	if (!meta) {
		ret = -ENOENT;
		snprintf(err, errlen, "the kernel's release and machine are not known");
		goto out;
	}
	if ((ret = capture_btf(from, modules, w, st, miss)) ||
	    (ret = capture_tracepoints(from, w, st, miss)) ||
	    (ret = capture_filter_functions(from, w, st, miss))) {
		snprintf(err, errlen, "%s", strerror(-ret));
		goto out;
	}
	if (json_object_set_new(meta, BC_TMETA_COUNTS,
				json_pack("{s:I, s:I, s:I, s:I, s:I}",
					  "tracepoints", (json_int_t)st->tracepoints,
					  "categories", (json_int_t)st->categories,
					  "kfuncs", (json_int_t)st->kfuncs,
					  "btf_types", (json_int_t)st->btf_types,
					  "filter_functions", (json_int_t)st->filter_functions)) ||
	    json_object_set(meta, BC_TMETA_MISSING, miss)) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	ret = bc_tfile_writer_write(w, meta, path, err, errlen);
	if (!ret && !stat(path, &sb))
		st->file_bytes = (size_t)sb.st_size;
out:
	json_decref(meta);
	json_decref(miss);
	bc_tfile_writer_free(w);
	return ret;
}
