// SPDX-License-Identifier: Apache-2.0
/*
 * bpfcheck target capture [-o FILE] [--modules]: the running system as a
 * target file; bpfcheck target show FILE [-f json]: what one holds
 * (docs/target-file.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "../analyzer/target/capture.h"
#include "../analyzer/target/source.h"
#include "../analyzer/target/target_file.h"
#include "../analyzer/target/target_parts.h"

static void print_size(FILE *out, size_t n)
{
	if (n >= 1000 * 1000)
		fprintf(out, "%.1f MB", n / 1e6);
	else if (n >= 1000)
		fprintf(out, "%.1f kB", n / 1e3);
	else
		fprintf(out, "%zu bytes", n);
}

static int capture(struct bc_options *o)
{
	struct bc_source *live;
	struct bc_source_uname un;
	struct bc_capture_stats st;
	char path[512], err[512] = "";
	const char *out = o->output;
	int ret;

	if (o->nr_paths > 1) {
		bc_err(o, "target capture takes no paths (write the file with -o FILE)");
		return BC_EXIT_USAGE;
	}
	live = bc_source_live(o->tracefs);
	if (!live) {
		bc_err(o, "out of memory");
		return BC_EXIT_INPUT;
	}
	if (!out) {
		if (bc_source_uname(live, &un))
			snprintf(un.release, sizeof(un.release), "unknown");
		snprintf(path, sizeof(path), "target-%s.bct", un.release);
		out = path;
	}
	ret = bc_target_capture(live, o->modules, out, &st, err, sizeof(err));
	bc_source_free(live);
	if (ret) {
		bc_err(o, "capturing the target into '%s' failed: %s", out, err);
		return BC_EXIT_INPUT;
	}
	printf("wrote %s: ", out);
	print_size(stdout, st.file_bytes);
	printf("\n  BTF: ");
	print_size(stdout, st.btf_bytes);
	printf(", %zu types, %zu kfuncs; %zu module BTF%s\n", st.btf_types, st.kfuncs, st.modules,
	       o->modules ? "" : " (--modules adds them)");
	printf("  tracepoints: %zu formats in %zu categories\n", st.tracepoints, st.categories);
	printf("  traceable functions: %zu\n", st.filter_functions);
	for (const char *m = st.missing; *m; m += strlen(m) + 1)
		printf("  missing: %s\n", m);
	printf("check against it with: bpfcheck check --target %s PATH...\n", out);
	return BC_EXIT_OK;
}

/* Every part decompresses to its recorded size: `show` is also a check. */
static int verify_parts(struct bc_tfile *f, char *err, size_t errlen)
{
	for (size_t i = 0; i < bc_tfile_nr_parts(f); i++) {
		const void *data;
		size_t size;
		int ret = bc_tfile_part(f, bc_tfile_part_name(f, i), &data, &size, err, errlen);

		if (ret)
			return ret;
	}
	return 0;
}

static json_t *summary(struct bc_source *s)
{
	struct bc_tfile *f = bc_source_tfile(s);
	const json_t *meta = bc_tfile_meta(f);
	json_t *j, *parts = json_array(), *mods = json_array();
	char **names = NULL;
	size_t n = 0, btf_bytes = 0;
	long i = bc_tfile_find(f, BC_TPART_BTF);

	if (!parts || !mods) {
		json_decref(parts);
		json_decref(mods);
		return NULL;
	}
	if (i >= 0)
		btf_bytes = bc_tfile_part_size(f, (size_t)i);
	for (size_t k = 0; k < bc_tfile_nr_parts(f); k++)
		json_array_append_new(parts, json_pack("{s:s, s:I}", "name",
						       bc_tfile_part_name(f, k), "size",
						       (json_int_t)bc_tfile_part_size(f, k)));
	if (bc_source_btf_modules(s, &names, &n) == 0)
		for (size_t k = 0; k < n; k++)
			json_array_append_new(mods, json_string(names[k]));
	bc_source_names_free(names, n);
	j = json_pack("{s:s, s:I, s:O, s:O*, s:O*, s:O*, s:O*, s:{s:I, s:o}, s:O*, s:o}",
		      "file", bc_tfile_name(f),
		      "size", (json_int_t)bc_tfile_size(f),
		      "version", json_object_get(meta, "version"),
		      "captured", json_object_get(meta, BC_TMETA_CAPTURED),
		      "kernel", json_object_get(meta, BC_TMETA_KERNEL),
		      "bpf_jit_enable", json_object_get(meta, BC_TMETA_JIT_ENABLE),
		      "bpftrace", json_object_get(meta, BC_TMETA_BPFTRACE),
		      "btf", "bytes", (json_int_t)btf_bytes, "modules", mods,
		      "counts", json_object_get(meta, BC_TMETA_COUNTS),
		      "parts", parts);
	if (j && json_is_object(json_object_get(meta, BC_TMETA_MISSING)))
		json_object_set(j, "missing", json_object_get(meta, BC_TMETA_MISSING));
	return j;
}

static const char *str_of(const json_t *o, const char *k1, const char *k2)
{
	const json_t *v = json_object_get(o, k1);

	if (k2)
		v = json_object_get(v, k2);
	return json_is_string(v) ? json_string_value(v) : "unknown";
}

static json_int_t int_of(const json_t *o, const char *k1, const char *k2)
{
	const json_t *v = json_object_get(json_object_get(o, k1), k2);

	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static void show_text(FILE *out, const json_t *j)
{
	const json_t *mods = json_object_get(json_object_get(j, "btf"), "modules");
	const json_t *miss = json_object_get(j, "missing"), *v;
	const char *k;
	size_t i;

	fprintf(out, "%s: bpfcheck target file, format version %" JSON_INTEGER_FORMAT ", ",
		str_of(j, "file", NULL), json_integer_value(json_object_get(j, "version")));
	print_size(out, (size_t)json_integer_value(json_object_get(j, "size")));
	fprintf(out, "\n  captured: %s by %s\n", str_of(j, "captured", "at"),
		str_of(j, "captured", "by"));
	fprintf(out, "  kernel: %s %s\n  version: %s\n", str_of(j, "kernel", "release"),
		str_of(j, "kernel", "machine"), str_of(j, "kernel", "version"));
	if (json_is_integer(json_object_get(j, "bpf_jit_enable")))
		fprintf(out, "  bpf_jit_enable: %" JSON_INTEGER_FORMAT "\n",
			json_integer_value(json_object_get(j, "bpf_jit_enable")));
	else
		fprintf(out, "  bpf_jit_enable: unknown\n");
	fprintf(out, "  bpftrace: %s\n", json_is_string(json_object_get(j, "bpftrace")) ?
		json_string_value(json_object_get(j, "bpftrace")) : "not installed");
	fprintf(out, "  BTF: ");
	print_size(out, (size_t)int_of(j, "btf", "bytes"));
	fprintf(out, ", %" JSON_INTEGER_FORMAT " types, %" JSON_INTEGER_FORMAT " kfuncs\n",
		int_of(j, "counts", "btf_types"), int_of(j, "counts", "kfuncs"));
	fprintf(out, "  module BTF: %zu", json_array_size(mods));
	json_array_foreach(mods, i, v)
		fprintf(out, "%s%s", i ? ", " : " (", json_string_value(v));
	fprintf(out, "%s\n", json_array_size(mods) ? ")" : "");
	fprintf(out, "  tracepoints: %" JSON_INTEGER_FORMAT " formats in %" JSON_INTEGER_FORMAT
		" categories\n", int_of(j, "counts", "tracepoints"),
		int_of(j, "counts", "categories"));
	fprintf(out, "  traceable functions: %" JSON_INTEGER_FORMAT "\n",
		int_of(j, "counts", "filter_functions"));
	json_object_foreach((json_t *)miss, k, v)
		fprintf(out, "  missing: %s: %s\n", k, json_string_value(v));
}

static int show(struct bc_options *o)
{
	struct bc_source *s = NULL;
	char err[512] = "";
	json_t *j;
	int ret;

	if (o->nr_paths != 2) {
		bc_err(o, "usage: bpfcheck target show FILE [-f json]");
		return BC_EXIT_USAGE;
	}
	if (strcmp(o->format, "text") && strcmp(o->format, "json")) {
		bc_err(o, "target show writes text or json, not '%s'", o->format);
		return BC_EXIT_USAGE;
	}
	ret = bc_source_file(o->paths[1], &s, err, sizeof(err));
	if (!ret)
		ret = verify_parts(bc_source_tfile(s), err, sizeof(err));
	if (ret) {
		bc_err(o, "target file '%s': %s", o->paths[1], err[0] ? err : strerror(-ret));
		bc_source_free(s);
		return BC_EXIT_INPUT;
	}
	j = summary(s);
	bc_source_free(s);
	if (!j) {
		bc_err(o, "out of memory");
		return BC_EXIT_INPUT;
	}
	if (!strcmp(o->format, "json")) {
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		fputc('\n', stdout);
	} else {
		show_text(stdout, j);
	}
	json_decref(j);
	return fflush(stdout) ? BC_EXIT_INPUT : BC_EXIT_OK;
}

int bc_cmd_target(struct bc_options *o)
{
	if (o->nr_paths && !strcmp(o->paths[0], "capture"))
		return capture(o);
	if (o->nr_paths && !strcmp(o->paths[0], "show"))
		return show(o);
	bc_err(o, "usage: bpfcheck target capture [-o FILE] [--modules] | "
		  "bpfcheck target show FILE [-f json]");
	return BC_EXIT_USAGE;
}
