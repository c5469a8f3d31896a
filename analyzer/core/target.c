// SPDX-License-Identifier: Apache-2.0
/* Target profiles: kernel version, JIT, arch, bpftrace version. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../base/version.h"
#include "kernel_limits.h"
#include "target.h"

#define BC_DEFAULT_BPFTRACE	1700	/* 0.17.0: Debian 12's */
#define BC_VMLINUX_BTF		"/sys/kernel/btf/vmlinux"

int bc_kernel_version_parse(const char *s, int *kv)
{
	unsigned long maj, min = 0;
	char *end;

	if (!s || !*s || *s < '0' || *s > '9')
		return -EINVAL;
	maj = strtoul(s, &end, 10);
	if (*end == '.') {
		if (end[1] < '0' || end[1] > '9')
			return -EINVAL;
		min = strtoul(end + 1, &end, 10);
	}
	/* anything after major.minor (".patch", "-generic", "+") is ignored */
	if (*end && *end != '.' && *end != '-' && *end != '+' && *end != '_')
		return -EINVAL;
	if (maj < 2 || maj > 99 || min > 255)
		return -EINVAL;
	*kv = BC_KV((int)maj, (int)min);
	return 0;
}

int bc_bpftrace_version_parse(const char *s, int *v)
{
	unsigned long maj, min = 0, patch = 0;
	char *end;

	if (!s)
		return -EINVAL;
	if (!strcmp(s, "head")) {	/* bpftrace master (docs/bpftrace-codegen.md) */
		*v = BC_BT_HEAD;
		return 0;
	}
	if (*s == 'v')
		s++;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	maj = strtoul(s, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -EINVAL;
	min = strtoul(end + 1, &end, 10);
	if (*end == '.') {
		if (end[1] < '0' || end[1] > '9')
			return -EINVAL;
		patch = strtoul(end + 1, &end, 10);
	}
	if ((*end && *end != '-' && *end != '+') || maj > 9 || min > 99 || patch > 99)
		return -EINVAL;
	*v = (int)(maj * 10000 + min * 100 + patch);
	return 0;
}

/*
 * The version bpftrace was built as is a string of its own in the binary
 * ("\0v0.17.0\0"): reading it takes a millisecond where running
 * `bpftrace --version` takes 150. 0 when not found.
 */
static int version_in_binary(const char *path)
{
	const unsigned char *p, *end, *m;
	struct stat st;
	int v = 0, fd;
	void *map;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || st.st_size < 16 || st.st_size > (256 << 20)) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return 0;
	p = map;
	end = p + st.st_size;
	while (!v && (m = memmem(p, end - p, "\0v0.", 4))) {
		const unsigned char *q = m + 2;
		char buf[32];
		size_t n = 0;

		while (q < end && *q && n < sizeof(buf) - 1 &&
		       ((*q >= '0' && *q <= '9') || *q == '.'))
			buf[n++] = *q++;
		buf[n] = 0;
		if (q < end && !*q && bc_bpftrace_version_parse(buf, &v))
			v = 0;
		p = m + 1;
	}
	munmap(map, st.st_size);
	return v;
}

/* The installed bpftrace's version; 0 when absent. */
static int installed_bpftrace(void)
{
	static const char *const paths[] = { "/usr/bin/bpftrace", "/usr/sbin/bpftrace",
					     "/usr/local/bin/bpftrace" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!access(paths[i], X_OK))
			return version_in_binary(paths[i]);
	return 0;
}

/* $BPFCHECK_CACHE_DIR ("" = none), else $XDG_CACHE_HOME/bpfcheck, else
 * ~/.cache/bpfcheck (the XDG base directory rules). */
static char *default_cache_dir(void)
{
	const char *env = getenv("BPFCHECK_CACHE_DIR"), *xdg, *home;
	char *dir;

	if (env)
		return *env ? strdup(env) : NULL;
	xdg = getenv("XDG_CACHE_HOME");
	home = getenv("HOME");
	if (xdg && *xdg == '/')
		return asprintf(&dir, "%s/bpfcheck", xdg) < 0 ? NULL : dir;
	if (home && *home == '/')
		return asprintf(&dir, "%s/.cache/bpfcheck", home) < 0 ? NULL : dir;
	return NULL;
}

static void bpftrace_str(struct bc_target *t)
{
	snprintf(t->bpftrace_str, sizeof(t->bpftrace_str), "%d.%d.%d", t->bpftrace / 10000,
		 t->bpftrace / 100 % 100, t->bpftrace % 100);
}

int bc_target_init(struct bc_target *t)
{
	struct utsname un;
	const char *env;

	memset(t, 0, sizeof(*t));
	t->jit = true;
	t->stack_limit = BC_MAX_BPF_STACK;
	if (uname(&un) == 0 && bc_kernel_version_parse(un.release, &t->kernel) == 0) {
		t->kernel_from_host = true;
		snprintf(t->arch, sizeof(t->arch), "%.15s", un.machine);
	} else {
		t->kernel = BC_KV(6, 1);
		snprintf(t->arch, sizeof(t->arch), "x86_64");
	}
	snprintf(t->kernel_str, sizeof(t->kernel_str), "%d.%d", t->kernel / 256, t->kernel % 256);
	/* BPFCHECK_BPFTRACE pins the default without probing the installed binary */
	env = getenv("BPFCHECK_BPFTRACE");
	if (env && bc_bpftrace_version_parse(env, &t->bpftrace) == 0)
		t->bpftrace_explicit = true;
	else
		t->bpftrace = 0;
	t->btf_path = access(BC_VMLINUX_BTF, R_OK) == 0 ? strdup(BC_VMLINUX_BTF) : NULL;
	t->cache_dir = default_cache_dir();
	if (!t->bpftrace)
		t->bpftrace = BC_DEFAULT_BPFTRACE;
	bpftrace_str(t);
	return 0;
}

/* Resolves "the installed bpftrace" lazily: only inputs that are scripts need it. */
void bc_target_resolve_bpftrace(struct bc_target *t)
{
	int v;

	if (t->bpftrace_explicit)
		return;
	v = installed_bpftrace();
	if (v) {
		t->bpftrace = v;
		bpftrace_str(t);
	}
	t->bpftrace_explicit = true;
}

int bc_target_set_bpftrace(struct bc_target *t, const char *s)
{
	int v, err = bc_bpftrace_version_parse(s, &v);

	if (err)
		return err;
	t->bpftrace = v;
	t->bpftrace_explicit = true;
	bpftrace_str(t);
	return 0;
}

int bc_target_set_kernel(struct bc_target *t, const char *s)
{
	int kv, err = bc_kernel_version_parse(s, &kv);

	if (err)
		return err;
	t->kernel = kv;
	t->kernel_from_host = false;
	snprintf(t->kernel_str, sizeof(t->kernel_str), "%d.%d", kv / 256, kv % 256);
	return 0;
}

void bc_target_free(struct bc_target *t)
{
	free(t->btf_path);
	t->btf_path = NULL;
	free(t->cache_dir);
	t->cache_dir = NULL;
}

int bc_target_round(const struct bc_target *t, unsigned depth)
{
	if (t->jit && t->kernel >= BC_KV_JIT_ROUND16)
		return (depth + BC_ROUND_JIT - 1) / BC_ROUND_JIT * BC_ROUND_JIT;
	if (!depth)
		depth = 1;
	return (depth + BC_ROUND_INTERP - 1) / BC_ROUND_INTERP * BC_ROUND_INTERP;
}

bool bc_target_priv_stack(const struct bc_target *t, const char *prog_type)
{
	static const char *const adaptive[] = { "kprobe", "tracepoint", "perf_event",
						"raw_tracepoint" };

	if (!t->jit || t->kernel < BC_KV_PRIV_STACK || strcmp(t->arch, "x86_64") || !prog_type)
		return false;
	for (size_t i = 0; i < sizeof(adaptive) / sizeof(adaptive[0]); i++)
		if (!strcmp(prog_type, adaptive[i]))
			return true;
	return false;
}

bool bc_target_has_map_sum_elem_count(const struct bc_target *t)
{
	return t->kernel >= BC_KV_MAP_SUM_ELEM_COUNT;
}
