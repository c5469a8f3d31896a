// SPDX-License-Identifier: Apache-2.0
/* A bpftrace script's C definitions through clang (see script_headers.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "c_compile.h"
#include "clang_shim.h"
#include "script_headers.h"
#include "../base/array.h"
#include "../base/str.h"
#include "../base/version.h"
#include "../core/analysis.h"
#include "../core/target.h"
#include "../target/source.h"
#include "../script/sema.h"
#include "../types/btf_types.h"
#include "../types/stype.h"

/*
 * What bpftrace gives clang, in its order, by version (docs/script-headers.md):
 * ClangParser::parse's include path, main.cpp's extra flags (the kernel
 * headers' cflags, utils.cpp get_kernel_cflags, when kernel headers are
 * found), its -I directories, then the flags it adds when BTF is available.
 * In a value, %R is clang's resource directory, %M the multiarch include
 * directory, %S and %O the kernel source and build directories, %A the
 * kernel's name for the architecture.
 *
 * Not modelled: /virtual/lib/clang/include after -nostdinc (a directory
 * that does not exist), the KASAN flags 0.18+ take from the kernel config,
 * and 0.17-0.19 unpacking /sys/kernel/kheaders.tar.xz when there is neither
 * BTF nor kernel headers.
 */
enum when { ALWAYS, WITH_BTF, WITH_KERNEL, USER_DIRS };

static const struct header_arg {
	int from, to;		/* bpftrace versions, BC_BT(); TO 0: every later one */
	enum when when;
	const char *arg, *value;
} header_args[] = {
	/* "-isystem /bpftrace/include": bpftrace's bundled stddef.h, stdint.h,
	 * limits.h, float.h, stdarg.h, stdbool.h; clang's builtin headers are
	 * the same headers */
	{ BC_BT(17), 0, ALWAYS, "-isystem", "%R/include" },
	/* system_include_paths(): what `clang-N -Wp,-v` lists */
	{ BC_BT(17), 0, ALWAYS, "-isystem", "%R/include" },
	{ BC_BT(17), 0, ALWAYS, "-isystem", "/usr/local/include" },
	{ BC_BT(17), 0, ALWAYS, "-isystem", "%M" },
	{ BC_BT(17), 0, ALWAYS, "-isystem", "/usr/include" },
	/* get_arch_include_path() */
	{ BC_BT(17), 0, ALWAYS, "-isystem", "%M" },
	/* get_kernel_cflags(): $(LINUXINCLUDE) + $(USERINCLUDE) */
	{ BC_BT(17), 0, WITH_KERNEL, "-nostdinc", NULL },
	{ BC_BT(17), 0, WITH_KERNEL, "-I", "%S/arch/%A/include" },
	{ BC_BT(17), 0, WITH_KERNEL, "-I", "%O/arch/%A/include/generated" },
	{ BC_BT(17), 0, WITH_KERNEL, "-I", "%S/include" },
	{ BC_BT(17), 0, WITH_KERNEL, "-I", "%O/include" },
	{ BC_BT(17), 0, WITH_KERNEL, "-I", "%S/arch/%A/include/uapi" },
	{ BC_BT(17), 0, WITH_KERNEL, "-I", "%O/arch/%A/include/generated/uapi" },
	{ BC_BT(17), 0, WITH_KERNEL, "-I", "%S/include/uapi" },
	{ BC_BT(17), 0, WITH_KERNEL, "-I", "%O/include/generated/uapi" },
	{ BC_BT(17), 0, WITH_KERNEL, "-include", "%S/include/linux/kconfig.h" },
	{ BC_BT(17), 0, WITH_KERNEL, "-D__KERNEL__", NULL },
	{ BC_BT(17), 0, WITH_KERNEL, "-D__BPF_TRACING__", NULL },
	{ BC_BT(17), 0, WITH_KERNEL, "-D__HAVE_BUILTIN_BSWAP16__", NULL },
	{ BC_BT(17), 0, WITH_KERNEL, "-D__HAVE_BUILTIN_BSWAP32__", NULL },
	{ BC_BT(17), 0, WITH_KERNEL, "-D__HAVE_BUILTIN_BSWAP64__", NULL },
	{ BC_BT(17), 0, WITH_KERNEL, "-DKBUILD_MODNAME=\"bpftrace\"", NULL },
	/* (-include clang_workarounds.h: the prologue below) */
	/* bpftrace -I DIR */
	{ BC_BT(17), 0, USER_DIRS, "-I", NULL },
	/* with BTF: no <linux/types.h> (the generated BTF header defines
	 * its types), and BPFTRACE_HAVE_BTF for the scripts' #ifdefs */
	{ BC_BT(17), 0, WITH_BTF, "-D_LINUX_TYPES_H", NULL },
	{ BC_BT(17), BC_BT(22), WITH_BTF, "-D__CLANG_WORKAROUNDS_H", NULL },
	{ BC_BT(17), 0, WITH_BTF, "-DBPFTRACE_HAVE_BTF", NULL },
};

/*
 * bpftrace's forced include (-include clang_workarounds.h) in our words: it
 * includes <linux/types.h> and turns the kernel's asm goto and asm inline,
 * which clang may not parse, into plain asm. With BTF the guard is defined
 * on the command line (up to 0.22) or <linux/types.h> is (always), so it
 * adds nothing.
 */
static const char prologue[] =
	"#ifndef __CLANG_WORKAROUNDS_H\n"
	"#define __CLANG_WORKAROUNDS_H\n"
	"#include <linux/types.h>\n"
	"#ifdef asm_volatile_goto\n"
	"#undef asm_volatile_goto\n"
	"#define asm_volatile_goto(x...) asm volatile(\"asm goto is not parsed\")\n"
	"#endif\n"
	"#ifdef asm_inline\n"
	"#undef asm_inline\n"
	"#define asm_inline asm\n"
	"#endif\n"
	"#endif\n";

struct bc_script_headers {
	char release[65], machine[65];	/* of the running system; "" for a target file */
	int bpftrace;
	bool btf;
	char **dirs;			/* -I DIR of the analysis */
	size_t nr_dirs, cap_dirs;
	int v;				/* version for the types */
	struct bc_btf *typedef_btf;
	struct bc_clang_defs defs;
	bool have_defs;
	struct bc_header_error *errors;
	char *no_kernel;
	/* records converted so far (each answer is a new reference) */
	struct { long idx; struct bc_stype *t; } *conv;
	size_t nr_conv, cap_conv;
};

/* uname's machine as the kernel's arch directory (get_kernel_cflags). */
static const char *kernel_arch(const char *m)
{
	static const struct { const char *prefix, *arch; } map[] = {
		{ "x86_64", "x86" }, { "arm", "arm" }, { "sa110", "arm" }, { "s390x", "s390" },
		{ "parisc64", "parisc" }, { "ppc", "powerpc" }, { "mips", "mips" }, { "sh", "sh" },
		{ "aarch64", "arm64" },
	};
	const char *env = getenv("ARCH");

	if (env && *env)
		return env;
	if (m[0] == 'i' && m[1] && !strncmp(m + 2, "86", 2))
		return "x86";
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (!strncmp(m, map[i].prefix, strlen(map[i].prefix)))
			return map[i].arch;
	return m;
}

static char *expand(const char *fmt, const char *ksrc, const char *kobj, const char *arch)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);

	if (!m)
		return NULL;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%' || !p[1]) {
			fputc(*p, m);
			continue;
		}
		switch (*++p) {
		case 'R': fputs(bc_c_resource_dir(), m); break;
		case 'M': fputs(bc_c_multiarch_include(), m); break;
		case 'S': fputs(ksrc, m); break;
		case 'O': fputs(kobj, m); break;
		case 'A': fputs(arch, m); break;
		default: fputc(*p, m); break;
		}
	}
	if (fclose(m)) {
		free(out);
		return NULL;
	}
	return out;
}

static int push(char ***v, size_t *n, size_t *cap, char *s)
{
	if (!s || BC_GROW(*v, *cap, *n + 2)) {
		free(s);
		return -ENOMEM;
	}
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
	return 0;
}

char **bc_script_header_args(int bpftrace, bool btf, const char *machine, const char *ksrc,
			     const char *kobj, const char *const *dirs, size_t nr_dirs)
{
	const char *arch = kernel_arch(machine && *machine ? machine : "x86_64");
	char **v = NULL;
	size_t n = 0, cap = 0;

	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	cap = 1;
	for (size_t i = 0; i < sizeof(header_args) / sizeof(*header_args); i++) {
		const struct header_arg *a = &header_args[i];
		int err = 0;

		if (bpftrace < a->from || (a->to && bpftrace > a->to))
			continue;
		if ((a->when == WITH_BTF && !btf) || (a->when == WITH_KERNEL && !ksrc))
			continue;
		if (a->when == USER_DIRS) {
			for (size_t k = 0; k < nr_dirs && !err; k++)
				err = push(&v, &n, &cap, strdup(a->arg)) ?:
				      push(&v, &n, &cap, strdup(dirs[k]));
		} else {
			err = push(&v, &n, &cap, expand(a->arg, ksrc, kobj, arch));
			if (!err && a->value)
				err = push(&v, &n, &cap, expand(a->value, ksrc, kobj, arch));
		}
		if (err) {
			bc_c_args_free(v);
			return NULL;
		}
	}
	return v;
}

static bool is_dir(const char *p)
{
	struct stat st;

	return p && !stat(p, &st) && S_ISDIR(st.st_mode);
}

int bc_kernel_header_dirs(const char *release, char **ksrc, char **kobj, char **where)
{
	const char *src = getenv("BPFTRACE_KERNEL_SOURCE"), *build = getenv("BPFTRACE_KERNEL_BUILD");
	char *s, *o;

	*ksrc = *kobj = *where = NULL;
	if (src && *src) {
		*ksrc = strdup(src);
		*kobj = strdup(build && *build ? build : src);
		if (!*ksrc || !*kobj)
			goto oom;
		return 0;
	}
	s = release ? bc_strdup_printf("/lib/modules/%s/source", release) : NULL;
	o = release ? bc_strdup_printf("/lib/modules/%s/build", release) : NULL;
	if (release && (!s || !o)) {
		free(s);
		free(o);
		return -ENOMEM;
	}
	if (!is_dir(s) && !is_dir(o)) {
		/* as bpftrace names them, the same on every machine */
		*where = strdup("/lib/modules/$(uname -r)/source or build");
		free(s);
		free(o);
		return *where ? -ENOENT : -ENOMEM;
	}
	*ksrc = is_dir(s) ? s : strdup(o);
	*kobj = is_dir(o) ? o : strdup(s);
	if (!is_dir(s))
		free(s);
	if (!is_dir(o))
		free(o);
	if (!*ksrc || !*kobj)
		goto oom;
	return 0;
oom:
	free(*ksrc);
	free(*kobj);
	*ksrc = *kobj = NULL;
	return -ENOMEM;
}

struct bc_script_headers *bc_script_headers_new(const struct bc_analysis *a, int bpftrace,
						bool btf)
{
	struct bc_script_headers *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->bpftrace = h->v = bpftrace;
	h->btf = btf;
	/* the running system's kernel headers; a target file's are on its
	 * machine (and the analysis reads nothing of this one) */
	if (a && a->target && a->target->source && !bc_source_is_file(a->target->source)) {
		struct bc_source_uname un;

		if (!bc_source_uname(a->target->source, &un)) {
			snprintf(h->release, sizeof(h->release), "%s", un.release);
			snprintf(h->machine, sizeof(h->machine), "%s", un.machine);
		}
	}
	/* bpfcheck -I DIR: bpftrace -I DIR */
	for (size_t i = 0; a && i < a->nr_clang_args; i++) {
		const char *arg = a->clang_args[i];
		char *d;

		if (strncmp(arg, "-I", 2) || !arg[2])
			continue;
		d = strdup(arg + 2);
		if (!d || BC_GROW(h->dirs, h->cap_dirs, h->nr_dirs + 1)) {
			free(d);
			bc_script_headers_free(h);
			return NULL;
		}
		h->dirs[h->nr_dirs++] = d;
	}
	return h;
}

static void free_defs(struct bc_clang_defs *d)
{
	free(d->values);
	free(d->found);
	free(d->records);
	for (size_t i = 0; i < d->nr_types; i++)
		free(d->types[i].name);
	free(d->types);
	for (size_t i = 0; i < d->nr_fields; i++)
		free(d->fields[i].name);
	free(d->fields);
	for (size_t i = 0; i < d->nr_missing; i++)
		free(d->missing[i]);
	free(d->missing);
	for (size_t i = 0; i < d->nr_errors; i++) {
		free(d->errors[i].file);
		free(d->errors[i].message);
	}
	free(d->errors);
	free(d->error);
	memset(d, 0, sizeof(*d));
}

void bc_script_headers_free(struct bc_script_headers *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nr_dirs; i++)
		free(h->dirs[i]);
	free(h->dirs);
	for (size_t i = 0; h->errors && i < h->defs.nr_errors; i++)
		free((char *)h->errors[i].text);
	free(h->errors);
	free_defs(&h->defs);
	for (size_t i = 0; i < h->nr_conv; i++)
		bc_stype_put(h->conv[i].t);
	free(h->conv);
	free(h->no_kernel);
	free(h);
}

/* ---- clang's types as bpftrace's (as btf_types.c converts BTF) ---- */

#define MAX_NEST 32

static struct bc_stype *layout_of(struct bc_script_headers *h, long idx, int depth);

static struct bc_stype *conv(struct bc_script_headers *h, long idx, int depth)
{
	const struct bc_clang_type *t;
	int v = h->v;

	if (idx < 0 || (size_t)idx >= h->defs.nr_types || depth > MAX_NEST)
		return bc_stype_none();
	t = &h->defs.types[idx];
	switch (t->kind) {
	case BC_CT_VOID:
	case BC_CT_FUNC:
		return v >= BC_BT(22) ? bc_stype_void() : bc_stype_none();
	case BC_CT_BOOL:
		return v >= BC_BT(24) ? bc_stype_bool() : bc_stype_int(1, false);
	case BC_CT_INT:
		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8 && t->size != 16)
			return bc_stype_none();
		return bc_stype_int((uint32_t)t->size, t->is_signed);
	case BC_CT_ENUM:
		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
			return bc_stype_none();
		if (v >= BC_BT_HEAD && t->name)
			return bc_stype_enum((uint32_t)t->size, t->name);
		return bc_stype_int((uint32_t)t->size, false);
	case BC_CT_PTR:
		/* pointees by name only, as from BTF */
		return bc_stype_pointer(conv(h, t->elem, depth + 1), BC_AS_NONE);
	case BC_CT_ARRAY: {
		struct bc_stype *elem = conv(h, t->elem, depth + 1);
		const struct bc_clang_type *et = t->elem >= 0 ? &h->defs.types[t->elem] : NULL;

		if (!elem)
			return NULL;
		/* char arrays read as strings; 0.25+ any 1-byte integer */
		if (bc_stype_is_int_like(elem) && elem->size == 1 && elem->kind != BC_ST_BOOL &&
		    (v >= BC_BT(25) || (et && et->is_char))) {
			bc_stype_put(elem);
			return bc_stype_string((uint32_t)t->nelems);
		}
		return bc_stype_array(elem, (uint32_t)t->nelems);
	}
	case BC_CT_RECORD:
		/* a named record by name (sema resolves it when it needs the
		 * fields); an anonymous one cannot be looked up: with its fields */
		if (!t->name)
			return layout_of(h, idx, depth + 1);
		return bc_stype_cstruct(t->name, (uint32_t)t->size, t->is_union, NULL);
	default:
		return bc_stype_none();
	}
}

/* The fields of record IDX at BASE, anonymous members flattened. */
static int add_fields(struct bc_script_headers *h, struct bc_layout *l, long idx, uint32_t base,
		      int depth)
{
	const struct bc_clang_type *t = &h->defs.types[idx];

	if (depth > MAX_NEST)
		return -ELOOP;
	for (size_t i = 0; i < t->nr_fields; i++) {
		const struct bc_clang_field *f = &h->defs.fields[t->first_field + i];
		uint32_t off = base + (uint32_t)(f->bit_offset / 8);
		const struct bc_clang_type *ft = f->type >= 0 ? &h->defs.types[f->type] : NULL;
		struct bc_field *nf;
		int err;

		if (!f->name) {
			if (ft && ft->kind == BC_CT_RECORD && ft->complete &&
			    (err = add_fields(h, l, f->type, off, depth + 1)))
				return err;
			continue;
		}
		if (bc_layout_field(l, f->name))
			continue;
		nf = bc_layout_add(l, f->name, conv(h, f->type, depth + 1), off);
		if (!nf)
			return -errno;
		if (f->bit_width) {
			nf->bit_offset = (uint16_t)(f->bit_offset % 8);
			nf->bit_width = (uint16_t)f->bit_width;
		}
	}
	return 0;
}

static struct bc_stype *layout_of(struct bc_script_headers *h, long idx, int depth)
{
	const struct bc_clang_type *t = &h->defs.types[idx];
	struct bc_layout *l;
	int err;

	if (!t->complete)
		return bc_stype_cstruct(t->name ? t->name : "", (uint32_t)t->size, t->is_union, NULL);
	l = bc_layout_new((uint32_t)t->size, t->align ? t->align : 1, t->is_union);
	if (!l)
		return NULL;
	if ((err = add_fields(h, l, idx, 0, depth))) {
		bc_layout_put(l);
		errno = -err;
		return NULL;
	}
	return bc_stype_cstruct(t->name ? t->name : "", (uint32_t)t->size, t->is_union, l);
}

static bool same_name(const char *have, const char *want)
{
	const char *bare = have;

	if (!strcmp(have, want))
		return true;
	/* "foo" asks for struct foo, then union foo */
	if (!strncmp(bare, "struct ", 7))
		bare += 7;
	else if (!strncmp(bare, "union ", 6))
		bare += 6;
	return bare != have && !strcmp(bare, want);
}

static struct bc_stype *record(void *ctx, const char *name)
{
	struct bc_script_headers *h = ctx;
	long idx = -1;

	for (size_t pass = 0; pass < 2 && idx < 0; pass++)
		for (size_t i = 0; i < h->defs.nr_types && idx < 0; i++) {
			const struct bc_clang_type *t = &h->defs.types[i];

			if (t->kind == BC_CT_RECORD && t->complete && t->name &&
			    (pass ? same_name(t->name, name) : !strcmp(t->name, name)))
				idx = (long)i;
		}
	if (idx < 0)
		return NULL;
	for (size_t i = 0; i < h->nr_conv; i++)
		if (h->conv[i].idx == idx)
			return bc_stype_get(h->conv[i].t);
	if (BC_GROW(h->conv, h->cap_conv, h->nr_conv + 1))
		return NULL;
	h->conv[h->nr_conv].t = layout_of(h, idx, 0);
	if (!h->conv[h->nr_conv].t)
		return NULL;
	h->conv[h->nr_conv].idx = idx;
	return bc_stype_get(h->conv[h->nr_conv++].t);
}

static char *typedefs(void *ctx, const char *const *names, size_t n)
{
	struct bc_script_headers *h = ctx;

	return bc_btf_typedef_defs(h->typedef_btf, names, n);
}

int bc_script_header_eval(void *ctx, const char *preamble, const char *const *names, size_t n,
			  const char *const *records, size_t nr_records, struct bc_btf *btf,
			  struct bc_header_defs *out)
{
	struct bc_script_headers *h = ctx;
	bc_clang_eval_defs_fn eval = bc_c_shim_eval_defs(NULL);
	char *ksrc = NULL, *kobj = NULL;
	char **args;
	size_t nr_args = 0;
	int err;

	memset(out, 0, sizeof(*out));
	if (!eval)
		return -ENOENT;
	err = bc_kernel_header_dirs(h->release[0] ? h->release : NULL, &ksrc, &kobj, &h->no_kernel);
	if (err == -ENOMEM)
		return err;
	args = bc_script_header_args(h->bpftrace, h->btf, h->machine, ksrc, kobj,
				     (const char *const *)h->dirs, h->nr_dirs);
	free(ksrc);
	free(kobj);
	if (!args)
		return -ENOMEM;
	while (args[nr_args])
		nr_args++;
	h->typedef_btf = h->btf ? btf : NULL;
	free_defs(&h->defs);
	err = eval(prologue, preamble, names, n, records, nr_records, (const char *const *)args,
		   nr_args, bc_c_resource_dir(), h->typedef_btf ? typedefs : NULL, h, &h->defs);
	bc_c_args_free(args);
	if (!err && h->defs.error)
		err = -EINVAL;
	if (err)
		return err;
	h->errors = calloc(h->defs.nr_errors + 1, sizeof(*h->errors));
	if (!h->errors)
		return -ENOMEM;
	for (size_t i = 0; i < h->defs.nr_errors; i++) {
		const struct bc_clang_diag *d = &h->defs.errors[i];

		h->errors[i].line = d->include_line;
		h->errors[i].text = d->file ? bc_strdup_printf("%s:%u:%u: %s", d->file, d->line,
							       d->col, d->message) :
					      strdup(d->message);
		if (!h->errors[i].text)
			return -ENOMEM;
	}
	out->values = h->defs.values;
	out->found = h->defs.found;
	out->record = record;
	out->record_ctx = h;
	out->missing = h->defs.missing;
	out->nr_missing = h->defs.nr_missing;
	out->errors = h->errors;
	out->nr_errors = h->defs.nr_errors;
	out->no_kernel_headers = h->no_kernel;
	return 0;
}
