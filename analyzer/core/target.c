// SPDX-License-Identifier: Apache-2.0
/* Target profiles: kernel version, JIT, arch, bpftrace version. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/sbuf.h"
#include "../base/version.h"
#include "kernel_limits.h"
#include "priv_stack.h"
#include "target.h"
#include "../target/source.h"
#include "../target/target_file.h"

#define BC_DEFAULT_BPFTRACE	1700	/* 0.17.0: Debian 12's */

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

bool bc_bpftrace_version_supported(int v)
{
	return v >= BC_BT_OLDEST && v <= BC_BT_HEAD;
}

bool bc_target_btf_is_target(const struct bc_target *t)
{
	return !t->btf_none && (t->btf_path || t->kernel_from_host);
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

void bc_target_init_defaults(struct bc_target *t)
{
	const char *env;

	memset(t, 0, sizeof(*t));
	t->jit = true;
	t->stack_limit = BC_MAX_BPF_STACK;
	t->ir_optimize = -1;
	t->kernel = BC_KV(6, 1);
	snprintf(t->arch, sizeof(t->arch), "x86_64");
	snprintf(t->kernel_str, sizeof(t->kernel_str), "%d.%d", t->kernel / 256, t->kernel % 256);
	/* BPFCHECK_BPFTRACE pins the default without probing the installed binary */
	env = getenv("BPFCHECK_BPFTRACE");
	if (env && bc_bpftrace_version_parse(env, &t->bpftrace) == 0 &&
	    bc_bpftrace_version_supported(t->bpftrace))
		t->bpftrace_explicit = true;
	else
		t->bpftrace = BC_DEFAULT_BPFTRACE;
	t->cache_dir = default_cache_dir();
	bpftrace_str(t);
}

void bc_target_use_source(struct bc_target *t, struct bc_source *s)
{
	struct bc_source_uname un;
	int jit;

	if (t->source != s)
		bc_source_free(t->source);
	t->source = s;
	if (bc_source_uname(s, &un) == 0) {
		snprintf(t->arch, sizeof(t->arch), "%.15s", un.machine);
		if (!t->kernel_explicit &&
		    bc_kernel_version_parse(un.release, &t->kernel) == 0) {
			t->kernel_from_host = true;
			snprintf(t->kernel_str, sizeof(t->kernel_str), "%d.%d", t->kernel / 256,
				 t->kernel % 256);
		}
	}
	jit = bc_source_jit_enable(s);
	if (!t->jit_explicit && jit >= 0)
		t->jit = jit != 0;
}

int bc_target_init(struct bc_target *t)
{
	struct bc_source *s;

	bc_target_init_defaults(t);
	s = bc_source_live(NULL);
	if (!s)
		return -ENOMEM;
	bc_target_use_source(t, s);
	return 0;
}

/* Resolves "the installed bpftrace" lazily: only inputs that are scripts need it. */
void bc_target_resolve_bpftrace(struct bc_target *t)
{
	char buf[64];
	int v;

	if (t->bpftrace_explicit)
		return;
	if (bc_source_bpftrace(t->source, buf, sizeof(buf)) == 0 &&
	    bc_bpftrace_version_parse(buf, &v) == 0) {
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
	if (!bc_bpftrace_version_supported(v))
		return -ERANGE;
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
	t->kernel_explicit = true;
	snprintf(t->kernel_str, sizeof(t->kernel_str), "%d.%d", kv / 256, kv % 256);
	return 0;
}

void bc_target_free(struct bc_target *t)
{
	free(t->btf_path);
	t->btf_path = NULL;
	free(t->cache_dir);
	t->cache_dir = NULL;
	bc_source_free(t->source);
	t->source = NULL;
}

int bc_target_round(const struct bc_target *t, unsigned depth)
{
	if (t->jit && t->kernel >= BC_KV_JIT_ROUND16)
		return (depth + BC_ROUND_JIT - 1) / BC_ROUND_JIT * BC_ROUND_JIT;
	if (!depth)
		depth = 1;
	return (depth + BC_ROUND_INTERP - 1) / BC_ROUND_INTERP * BC_ROUND_INTERP;
}

bool bc_target_priv_stack(const struct bc_target *t, const char *prog_type, const char *section)
{
	const struct bc_priv_stack_fact *r;

	if (!t->jit || !bc_priv_stack_jit(t->arch, t->kernel))
		return false;
	r = bc_priv_stack_fact(prog_type, section, t->kernel);
	return r && r->priv;
}

bool bc_target_has_map_sum_elem_count(const struct bc_target *t)
{
	return t->kernel >= BC_KV_MAP_SUM_ELEM_COUNT;
}

/* The names of the loaded modules, in /proc/modules order, or "". */
static void loaded_modules(struct bc_sbuf *b)
{
	FILE *f = fopen("/proc/modules", "re");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		bc_sbuf_putn(b, line, strcspn(line, " \n"));
		bc_sbuf_putc(b, ',');
	}
	fclose(f);
}

char *bc_target_identity(const struct bc_target *t)
{
	struct bc_sbuf b = { 0 };
	struct bc_source_uname u;
	struct stat st;

	bc_sbuf_printf(&b, "kernel=%d/%s host=%d jit=%d arch=%s stack=%d bpftrace=%d/%s",
		       t->kernel, t->kernel_str, t->kernel_from_host, t->jit, t->arch,
		       t->stack_limit, t->bpftrace, t->bpftrace_str);
	bc_sbuf_printf(&b, " iropt=%d btf=%s", t->ir_optimize, t->btf_path ? t->btf_path : "(none)");
	if (t->btf_path && !stat(t->btf_path, &st))
		bc_sbuf_printf(&b, " dev=%ju ino=%ju size=%jd mtime=%jd.%09ld ctime=%jd.%09ld",
			       (uintmax_t)st.st_dev, (uintmax_t)st.st_ino, (intmax_t)st.st_size,
			       (intmax_t)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
			       (intmax_t)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	/* a target file stands for the whole system it was captured on */
	if (t->source && bc_source_is_file(t->source)) {
		bc_sbuf_printf(&b, " target=%s", bc_tfile_identity(bc_source_tfile(t->source)));
		return bc_sbuf_finish(&b);
	}
	/* sysfs times say nothing of the kernel: its own strings do */
	if (t->source && !bc_source_uname(t->source, &u))
		bc_sbuf_printf(&b, " uname=%s/%s/%s", u.release, u.version, u.machine);
	bc_sbuf_puts(&b, " modules=");
	loaded_modules(&b);
	return bc_sbuf_finish(&b);
}
