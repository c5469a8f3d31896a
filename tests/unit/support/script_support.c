// SPDX-License-Identifier: Apache-2.0
/* Test support for the script front end (see script_support.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "script_support.h"
#include "analyzer/frontend/script_compile.h"
#include "analyzer/script/sema.h"
#include "analyzer/script/parser.h"
#include "analyzer/base/sbuf.h"

char *bc_test_src_path(const char *rel)
{
	const char *dir = getenv("BC_SRCDIR");
	char *p;

	if (!dir || !*dir)
		dir = ".";
	if (asprintf(&p, "%s/%s", dir, rel) < 0)
		return NULL;
	return p;
}

char *bc_test_build_path(const char *rel)
{
	const char *build = getenv("BC_BUILD"), *src = getenv("BC_SRCDIR");
	char *p;
	int n;

	if (!build || !*build)
		build = "build";
	if (!src || !*src)
		src = ".";
	if (build[0] == '/')	/* make BUILD=/abs/dir */
		n = asprintf(&p, "%s/%s", build, rel);
	else
		n = asprintf(&p, "%s/%s/%s", src, build, rel);
	return n < 0 ? NULL : p;
}

char *bc_test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t r;

		if (n + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **bc_test_list_dir(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, cap = 0, sl = strlen(suffix);

	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l <= sl || strcmp(de->d_name + l - sl, suffix))
			continue;
		if (n + 2 > cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				break;
		}
		v[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (!v)
		v = calloc(1, sizeof(*v));
	else
		v[n] = NULL;
	if (n)
		qsort(v, n, sizeof(*v), cmp_names);
	return v;
}

void bc_test_free_names(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

int bc_test_profile(const char *text)
{
	const char *p = strstr(text, "// bpftrace: ");
	int maj, min;

	if (!p || (p != text && p[-1] != '\n'))
		return 0;
	if (sscanf(p + 13, "%d.%d", &maj, &min) != 2)
		return 0;
	return maj * 10000 + min * 100;
}

struct bc_script *bc_test_parse(struct bc_unit *u, const char *path, const char *text,
				int bpftrace, int *ret)
{
	struct bc_parse_opts o = { .bpftrace = bpftrace };
	struct bc_script *s = NULL;
	int r;

	bc_unit_load_mem(u, path, text, strlen(text));
	r = bc_script_parse(u, &o, &s);
	if (ret)
		*ret = r;
	return s;
}

char *bc_test_diags_text(const struct bc_unit *u)
{
	struct bc_sbuf b = { 0 };

	for (size_t i = 0; i < u->diags.n; i++)
		bc_sbuf_printf(&b, "%u:%u: %s\n", u->diags.v[i].span.line, u->diags.v[i].span.col,
			       u->diags.v[i].message);
	return bc_sbuf_finish(&b);
}

void bc_test_analyse(struct bc_test_compiled *x, const char *path, const char *text,
		     const char *version, const char *kernel)
{
	struct bc_parse_opts po = { 0 };
	struct bc_sema_opts so;
	struct bc_sema *sema = NULL;

	memset(x, 0, sizeof(*x));
	assert_int_equal(bc_target_init(&x->t), 0);
	assert_int_equal(bc_target_set_bpftrace(&x->t, version), 0);
	if (kernel)
		assert_int_equal(bc_target_set_kernel(&x->t, kernel), 0);
	assert_int_equal(bc_unit_load_mem(&x->u, path, text, strlen(text)), 0);
	po.bpftrace = x->t.bpftrace;
	bc_script_parse_unit(&x->u, &po);
	assert_non_null(x->u.script);
	bc_sema_opts_from_target(&so, &x->t);
	so.no_env = true;
	assert_int_equal(bc_sema_run(&x->u, x->u.script, &so, &sema), 0);
	bc_sema_attach(&x->u, sema);
}

int bc_test_compile(struct bc_test_compiled *x, const char *text, const char *version)
{
	bc_test_analyse(x, "t.bt", text, version, NULL);
	return bc_script_compile_unit(&x->u, &x->t);
}

void bc_test_compiled_free(struct bc_test_compiled *x)
{
	bc_unit_free(&x->u);
	bc_target_free(&x->t);
}
