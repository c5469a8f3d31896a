// SPDX-License-Identifier: Apache-2.0
/* The live system as a target source (see source.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "source_impl.h"
#include "../base/array.h"

#define LIVE_BTF_DIR		"/sys/kernel/btf"
#define LIVE_VMLINUX		LIVE_BTF_DIR "/vmlinux"
#define LIVE_JIT_ENABLE		"/proc/sys/net/core/bpf_jit_enable"
#define TRACEFS_DEFAULT		"/sys/kernel/tracing"
#define TRACEFS_DEBUGFS		"/sys/kernel/debug/tracing"
#define MAX_SMALL_FILE		(64u << 20)	/* available_filter_functions: a few MB */

struct live {
	char *tracefs;		/* --tracefs, or NULL */
	char module_path[300];	/* the last module BTF path handed out */
};

static struct live *live_of(struct bc_source *s)
{
	return s->priv;
}

/* The tracefs roots to try, in order. */
static size_t roots(struct bc_source *s, const char *r[2])
{
	if (live_of(s)->tracefs) {
		r[0] = live_of(s)->tracefs;
		return 1;
	}
	r[0] = TRACEFS_DEFAULT;
	r[1] = TRACEFS_DEBUGFS;
	return 2;
}

/* Reads a file of unknown size (tracefs and procfs say 0) up to MAX bytes. */
static int read_file(const char *path, size_t max, char **data, size_t *len)
{
	size_t cap = 8192, n = 0;
	struct stat st;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	buf = malloc(cap);
	for (;;) {
		ssize_t r;

		if (!buf) {
			close(fd);
			return -ENOMEM;
		}
		if (n == cap) {
			if (cap >= max) {
				free(buf);
				close(fd);
				return -EFBIG;
			}
			if (BC_GROW(buf, cap, n + 1)) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(buf);
			close(fd);
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (BC_GROW(buf, cap, n + 1)) {	/* room for the NUL */
		free(buf);
		return -ENOMEM;
	}
	buf[n] = 0;
	*data = buf;
	*len = n;
	return 0;
}

static int live_uname(struct bc_source *s, struct bc_source_uname *out)
{
	struct utsname un;

	if (uname(&un))
		return -ENOENT;
	snprintf(out->release, sizeof(out->release), "%s", un.release);
	snprintf(out->version, sizeof(out->version), "%s", un.version);
	snprintf(out->machine, sizeof(out->machine), "%s", un.machine);
	return 0;
}

static int live_jit_enable(struct bc_source *s)
{
	char *text;
	size_t len;
	int v = -ENOENT;

	if (read_file(LIVE_JIT_ENABLE, 64, &text, &len))
		return -ENOENT;
	if (len && text[0] >= '0' && text[0] <= '9')
		v = atoi(text);
	free(text);
	return v;
}

/* "0.17.0" after "v" at P (a NUL-terminated string of digits and dots). */
static bool version_like(const unsigned char *p, const unsigned char *end, char *buf, size_t len)
{
	size_t n = 0, dots = 0;

	while (p < end && *p && n < len - 1 && ((*p >= '0' && *p <= '9') || *p == '.')) {
		dots += *p == '.';
		buf[n++] = (char)*p++;
	}
	buf[n] = 0;
	return p < end && !*p && dots >= 1 && dots <= 2 && buf[n - 1] != '.' &&
	       !strstr(buf, "..");
}

/*
 * The version bpftrace was built as is a string of its own in the binary
 * ("\0v0.17.0\0"): reading it takes a millisecond where running
 * `bpftrace --version` takes 150.
 */
static int version_in_binary(const char *path, char *buf, size_t len)
{
	const unsigned char *p, *end, *m;
	struct stat st;
	void *map;
	int fd, ret = -ENOENT;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	if (fstat(fd, &st) || st.st_size < 16 || st.st_size > (256 << 20)) {
		close(fd);
		return -ENOENT;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -ENOENT;
	p = map;
	end = p + st.st_size;
	while (ret && (m = memmem(p, end - p, "\0v0.", 4))) {
		if (version_like(m + 2, end, buf, len))
			ret = 0;
		p = m + 1;
	}
	munmap(map, st.st_size);
	return ret;
}

static int live_bpftrace(struct bc_source *s, char *buf, size_t len)
{
	static const char *const paths[] = { "/usr/bin/bpftrace", "/usr/sbin/bpftrace",
					     "/usr/local/bin/bpftrace" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!access(paths[i], X_OK))
			return version_in_binary(paths[i], buf, len);
	return -ENOENT;
}

static int live_btf(struct bc_source *s, const char *module, struct bc_btf_blob *out)
{
	const char *path = LIVE_VMLINUX;

	if (module) {
		snprintf(live_of(s)->module_path, sizeof(live_of(s)->module_path), "%s/%s",
			 LIVE_BTF_DIR, module);
		path = live_of(s)->module_path;
	}
	if (access(path, R_OK))
		return -ENOENT;
	out->path = path;
	out->name = path;
	return 0;
}

static int list_dir(const char *dir, bool dirs, const char *skip, char ***names, size_t *n)
{
	struct bc_names l = { 0 };
	struct dirent *de;
	DIR *d = opendir(dir);
	int err = 0;

	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		bool is_dir = de->d_type == DT_DIR;

		if (de->d_name[0] == '.' || (skip && !strcmp(de->d_name, skip)))
			continue;
		if (de->d_type == DT_UNKNOWN) {
			struct stat st;

			is_dir = !fstatat(dirfd(d), de->d_name, &st, 0) && S_ISDIR(st.st_mode);
		}
		if (is_dir == dirs)
			err = bc_names_add(&l, de->d_name, strlen(de->d_name));
	}
	closedir(d);
	if (err) {
		bc_source_names_free(l.v, l.n);
		return err;
	}
	return bc_names_finish(&l, names, n);
}

static int live_btf_modules(struct bc_source *s, char ***names, size_t *n)
{
	return list_dir(LIVE_BTF_DIR, false, "vmlinux", names, n);
}

static bool live_has_tracepoints(struct bc_source *s)
{
	const char *r[2];
	size_t nr = roots(s, r);

	for (size_t i = 0; i < nr; i++) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s/events", r[i]);
		if (!access(dir, X_OK))
			return true;
	}
	return false;
}

static int live_tp_categories(struct bc_source *s, char ***names, size_t *n)
{
	const char *r[2];
	size_t nr = roots(s, r);
	int err = -ENOENT;

	for (size_t i = 0; i < nr && err && err != -ENOMEM; i++) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s/events", r[i]);
		err = list_dir(dir, true, NULL, names, n);
	}
	return err;
}

static int live_tp_events(struct bc_source *s, const char *category, char ***names, size_t *n)
{
	const char *r[2];
	size_t nr = roots(s, r);
	int err = -ENOENT;

	/* the first root that has the category (bpftrace lists one tracefs) */
	for (size_t i = 0; i < nr && err && err != -ENOMEM; i++) {
		char dir[4096];

		if ((size_t)snprintf(dir, sizeof(dir), "%s/events/%s", r[i], category) >= sizeof(dir))
			return -ENAMETOOLONG;
		err = list_dir(dir, true, NULL, names, n);
	}
	return err;
}

static int live_tp_format(struct bc_source *s, const char *category, const char *event,
			  char **text, size_t *len, char *where, size_t wherelen)
{
	const char *r[2];
	size_t nr = roots(s, r);
	int err = -ENOENT;

	for (size_t i = 0; i < nr; i++) {
		char path[4096];

		if ((size_t)snprintf(path, sizeof(path), "%s/events/%s/%s/format", r[i], category,
				     event) >= sizeof(path))
			return -ENAMETOOLONG;
		if (where && wherelen)
			snprintf(where, wherelen, "%s", path);
		err = read_file(path, 1u << 20, text, len);
		if (!err || err == -ENOMEM)
			return err;
	}
	return err;
}

static int live_filter_functions(struct bc_source *s, char **text, size_t *len)
{
	const char *r[2];
	size_t nr = roots(s, r);
	int err = -ENOENT;

	for (size_t i = 0; i < nr; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/available_filter_functions", r[i]);
		err = read_file(path, MAX_SMALL_FILE, text, len);
		if (err != -ENOENT)
			return err;
	}
	return err;
}

static void live_free(struct bc_source *s)
{
	struct live *l = live_of(s);

	if (l)
		free(l->tracefs);
	free(l);
}

static const struct bc_source_ops live_ops = {
	.uname = live_uname,
	.jit_enable = live_jit_enable,
	.bpftrace = live_bpftrace,
	.btf = live_btf,
	.btf_modules = live_btf_modules,
	.has_tracepoints = live_has_tracepoints,
	.tp_categories = live_tp_categories,
	.tp_events = live_tp_events,
	.tp_format = live_tp_format,
	.filter_functions = live_filter_functions,
	.free = live_free,
};

struct bc_source *bc_source_live(const char *tracefs)
{
	struct bc_source *s = calloc(1, sizeof(*s));
	struct live *l = calloc(1, sizeof(*l));

	if (!s || !l || !(s->name = strdup("the running system")) ||
	    (tracefs && !(l->tracefs = strdup(tracefs)))) {
		if (l)
			free(l->tracefs);
		free(l);
		if (s)
			free(s->name);
		free(s);
		return NULL;
	}
	s->ops = &live_ops;
	s->priv = l;
	return s;
}
