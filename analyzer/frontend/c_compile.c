// SPDX-License-Identifier: Apache-2.0
/* BPF C to bitcode in process: the clang shim, its arguments, compile_commands.json. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wordexp.h>

#include <jansson.h>

#include "c_compile.h"
#include "clang_shim.h"
#include "../base/str.h"
#include "../core/analysis.h"
#include "../core/unit.h"

#ifndef BC_CLANG_RESOURCE_DIR
#define BC_CLANG_RESOURCE_DIR "/usr/lib/llvm-19/lib/clang/19"
#endif
#ifndef BC_MULTIARCH_INCLUDE
#define BC_MULTIARCH_INCLUDE "/usr/include/x86_64-linux-gnu"
#endif
#ifndef BC_LIBDIR
#define BC_LIBDIR "/usr/local/lib/bpfcheck"
#endif
#define SHIM_NAME "libbpfcheck-clang.so"

static bc_clang_compile_fn shim_compile;
static bc_clang_eval_defs_fn shim_eval_defs;
static char shim_error[512];

/* Where the shim is looked for, in order: BPFCHECK_CLANG_SHIM, else beside
 * the executable (the build tree), else the installed library directory.
 * CAND holds the second; returns how many of PATHS are set. */
static size_t shim_paths(const char *paths[3], char cand[PATH_MAX + 64])
{
	const char *env = getenv("BPFCHECK_CLANG_SHIM");
	char exe[PATH_MAX];
	size_t n = 0;
	ssize_t l;

	if (env && *env)
		paths[n++] = env;
	l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (l > 0) {
		exe[l] = 0;
		*strrchr(exe, '/') = 0;
		snprintf(cand, PATH_MAX + 64, "%s/%s", exe, SHIM_NAME);
		paths[n++] = cand;
	}
	paths[n++] = BC_LIBDIR "/" SHIM_NAME;
	return n;
}

/* Opens the shim, once per process (files are analysed on several threads
 * at once: analyzer/driver/analyze_all.h). */
static void open_shim(void)
{
	char cand[PATH_MAX + 64];
	const char *paths[3];
	size_t n = shim_paths(paths, cand);
	void *h = NULL;

	for (size_t i = 0; i < n && !h; i++) {
		h = dlopen(paths[i], RTLD_NOW | RTLD_LOCAL);
		if (!h && !i)
			snprintf(shim_error, sizeof(shim_error), "%s", dlerror());
	}
	if (!h) {
		if (!shim_error[0])
			snprintf(shim_error, sizeof(shim_error), "%s not found", SHIM_NAME);
		return;
	}
	int (*abi)(void) = (int (*)(void))dlsym(h, "bc_clang_abi");
	if (!abi || abi() != BC_CLANG_SHIM_ABI) {
		snprintf(shim_error, sizeof(shim_error), "%s: wrong version", SHIM_NAME);
		dlclose(h);
		return;
	}
	shim_eval_defs = (bc_clang_eval_defs_fn)dlsym(h, "bc_clang_eval_defs");
	shim_compile = (bc_clang_compile_fn)dlsym(h, "bc_clang_compile");
}

static bc_clang_compile_fn load_shim(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, open_shim);
	return shim_compile;
}

void bc_c_args_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Drops what describes one compilation's outputs rather than the code. */
static char **filter_args(char *const *argv, size_t argc, const char *dir, const char *file)
{
	static const char *const with_value[] = { "-o", "-MF", "-MT", "-MQ" };
	static const char *const alone[] = { "-c", "-MD", "-MMD", "-M", "-MM", "-MP", "-S", "-emit-llvm" };
	char **v = NULL, abs_arg[PATH_MAX + 1];
	size_t n = 0, cap = 0;
	bool skip;

	if (bc_strv_push(&v, &n, &cap, "-working-directory") || bc_strv_push(&v, &n, &cap, dir))
		goto oom;
	for (size_t i = 1; i < argc; i++) {
		const char *a = argv[i];

		skip = false;
		for (size_t k = 0; k < sizeof(with_value) / sizeof(*with_value); k++)
			if (!strcmp(a, with_value[k])) {
				i++;
				skip = true;
			}
		for (size_t k = 0; k < sizeof(alone) / sizeof(*alone); k++)
			skip |= !strcmp(a, alone[k]);
		if (!skip && a[0] != '-') {
			char *p = a[0] == '/' ? strdup(a) : bc_strdup_printf("%s/%s", dir, a);

			if (!p)
				goto oom;
			skip = realpath(p, abs_arg) && !strcmp(abs_arg, file);
			free(p);
		}
		if (!skip && bc_strv_push(&v, &n, &cap, a))
			goto oom;
	}
	return v;
oom:
	bc_c_args_free(v);
	return NULL;
}

static char **entry_args(json_t *e, const char *dir, const char *file)
{
	json_t *args = json_object_get(e, "arguments");
	const char *cmd = json_string_value(json_object_get(e, "command"));
	char **out = NULL;

	if (json_is_array(args)) {
		size_t n = json_array_size(args);
		char **argv = calloc(n + 1, sizeof(*argv));

		if (!argv)
			return NULL;
		for (size_t i = 0; i < n; i++)
			argv[i] = (char *)(json_string_value(json_array_get(args, i)) ?: "");
		out = filter_args(argv, n, dir, file);
		free(argv);
	} else if (cmd) {
		wordexp_t w;

		if (wordexp(cmd, &w, WRDE_NOCMD))
			return NULL;
		out = filter_args(w.we_wordv, w.we_wordc, dir, file);
		wordfree(&w);
	}
	return out;
}

char **bc_c_compile_commands(const char *path, char **dir_out)
{
	char file[PATH_MAX], dir[PATH_MAX], db[PATH_MAX + 32];
	char **out = NULL;
	json_t *root = NULL;

	*dir_out = NULL;
	if (!realpath(path, file))
		return NULL;
	snprintf(dir, sizeof(dir), "%s", file);
	while (!root) {
		char *slash = strrchr(dir, '/');

		if (!slash)
			return NULL;
		*slash = 0;
		snprintf(db, sizeof(db), "%s/compile_commands.json", *dir ? dir : "");
		if (!access(db, R_OK))
			root = json_load_file(db, 0, NULL);
		if (!*dir)
			break;
	}
	for (size_t i = 0; json_is_array(root) && i < json_array_size(root) && !out; i++) {
		json_t *e = json_array_get(root, i);
		const char *d = json_string_value(json_object_get(e, "directory"));
		const char *f = json_string_value(json_object_get(e, "file"));
		char real[PATH_MAX], *dabs = NULL, *ef = NULL;

		if (!d || !f)
			continue;
		/* a relative directory: relative to the database's own */
		if (d[0] != '/' && asprintf(&dabs, "%s/%s", dir, d) < 0)
			break;
		if (dabs)
			d = dabs;
		if (asprintf(&ef, "%s%s%s", f[0] == '/' ? "" : d, f[0] == '/' ? "" : "/", f) < 0) {
			free(dabs);
			break;
		}
		if (realpath(ef, real) && !strcmp(real, file)) {
			out = entry_args(e, d, file);
			if (out && !(*dir_out = strdup(d))) {
				bc_c_args_free(out);
				out = NULL;
			}
		}
		free(ef);
		free(dabs);
	}
	json_decref(root);
	return out;
}

static void free_result(struct bc_clang_result *r)
{
	for (size_t i = 0; i < r->nr_diags; i++) {
		free(r->diags[i].file);
		free(r->diags[i].message);
	}
	free(r->diags);
	free(r->error);
}

/* The first error, at its line when it is in the input itself. */
static int report_errors(struct bc_unit *u, const char *cpath, const struct bc_clang_result *r)
{
	for (size_t i = 0; i < r->nr_diags; i++) {
		const struct bc_clang_diag *d = &r->diags[i];
		struct bc_span sp = { 0 };
		bool here = d->file && !strcmp(d->file, cpath);

		if (d->level < 3)
			continue;
		if (here && d->line && d->line <= u->nr_lines) {
			sp.line = d->line;
			sp.col = d->col ? d->col : 1;
			sp.start = u->line_starts[d->line - 1] + sp.col - 1;
			sp.end = sp.start < u->size ? sp.start + 1 : sp.start;
		}
		if (here || !d->file)
			return bc_unit_fail(u, -EINVAL, sp.line ? &sp : NULL, "clang: %s", d->message);
		return bc_unit_fail(u, -EINVAL, NULL, "clang: %s:%u:%u: %s", d->file, d->line, d->col,
				    d->message);
	}
	return bc_unit_fail(u, -EINVAL, NULL, "clang could not compile the input");
}

int bc_c_compile(struct bc_unit *u, const struct bc_analysis *a, void **bitcode, size_t *size)
{
	static const char *const base[] = { "-target", "bpf", "-O2", "-g", ("-I" BC_MULTIARCH_INCLUDE) };
	bc_clang_compile_fn compile = load_shim();
	struct bc_clang_result r;
	char **db, *db_dir, cpath[PATH_MAX];
	const char **args;
	size_t n = 0, nr_db = 0;
	int err;

	*bitcode = NULL;
	*size = 0;
	if (!compile)
		return bc_unit_fail(u, -ENOENT, NULL,
				    "C input needs bpfcheck's clang front end (%s): %s", SHIM_NAME,
				    shim_error);
	db = bc_c_compile_commands(u->path, &db_dir);
	while (db && db[nr_db])
		nr_db++;
	args = calloc(sizeof(base) / sizeof(*base) + nr_db + a->nr_clang_args + 1, sizeof(*args));
	if (!args) {
		bc_c_args_free(db);
		free(db_dir);
		return bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	}
	for (size_t i = 0; i < sizeof(base) / sizeof(*base); i++)
		args[n++] = base[i];
	for (size_t i = 0; i < nr_db; i++)
		args[n++] = db[i];
	for (size_t i = 0; i < a->nr_clang_args; i++)
		args[n++] = a->clang_args[i];
	/* with a database's -working-directory, the input by its absolute path */
	snprintf(cpath, sizeof(cpath), "%s", u->path);
	if (db && !realpath(u->path, cpath))
		snprintf(cpath, sizeof(cpath), "%s", u->path);
	err = compile(cpath, (const char *)u->data, u->size, args, n, BC_CLANG_RESOURCE_DIR, &r);
	free(args);
	bc_c_args_free(db);
	free(db_dir);
	if (err) {
		free_result(&r);
		free(r.bitcode);
		return bc_unit_fail(u, err, NULL, "out of memory while compiling C");
	}
	if (r.error)
		err = bc_unit_fail(u, -EINVAL, NULL, "%s", r.error);
	else if (!r.bitcode)
		err = report_errors(u, cpath, &r);
	free_result(&r);
	if (err) {
		free(r.bitcode);
		return err;
	}
	*bitcode = r.bitcode;
	*size = r.bitcode_size;
	return 0;
}

bc_clang_eval_defs_fn bc_c_shim_eval_defs(const char **why)
{
	if (!load_shim() || !shim_eval_defs) {
		if (why)
			*why = shim_error[0] ? shim_error : SHIM_NAME " has no bc_clang_eval_defs";
		return NULL;
	}
	return shim_eval_defs;
}

const char *bc_c_resource_dir(void)
{
	return BC_CLANG_RESOURCE_DIR;
}

const char *bc_c_multiarch_include(void)
{
	return BC_MULTIARCH_INCLUDE;
}

static char shim_id[200];
static pthread_once_t shim_id_once = PTHREAD_ONCE_INIT;

static void shim_identity_init(void)
{
	char cand[PATH_MAX + 64];
	const char *paths[3];
	size_t n = shim_paths(paths, cand);
	struct stat st;

	snprintf(shim_id, sizeof(shim_id), "none");
	for (size_t i = 0; i < n; i++)
		if (!stat(paths[i], &st)) {
			snprintf(shim_id, sizeof(shim_id), "%ju:%ju:%jd:%jd.%09ld",
				 (uintmax_t)st.st_dev, (uintmax_t)st.st_ino, (intmax_t)st.st_size,
				 (intmax_t)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
			break;
		}
}

const char *bc_c_shim_identity(void)
{
	pthread_once(&shim_id_once, shim_identity_init);
	return shim_id;
}
