// SPDX-License-Identifier: Apache-2.0
/*
 * AOT type manifests (analyzer/manifest, docs/manifest.md): reading and
 * writing with spans, the mark phase (closure, reachability, a cycle through
 * a pointer, deep nesting), bpftrace 0.17 AOT blobs (the tuple script's
 * blob, every truncation and single-byte corruption of it, other versions),
 * and end to end: `bpfcheck manifest` on the Debian tools (closed, valid
 * against docs/manifest.schema.json), BC401 after removing a referenced type,
 * BC402's fix removing exactly the extra type, layouts from a fixture BTF
 * (BC403 agreeing, and reporting a wrong size and offset) and from a uprobe
 * binary's DWARF, and `bpftrace --aot` blobs of every Debian tool bpftrace
 * 0.17 builds here read with status ok (root and bpftrace 0.17 needed;
 * skipped otherwise).
 */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "analyzer/base/str.h"
#include "analyzer/core/unit.h"
#include "analyzer/manifest/aot_blob.h"
#include "analyzer/manifest/aot_elf.h"
#include "analyzer/manifest/manifest.h"
#include "support/dirs.h"
#include "support/golden.h"
#include "support/script_support.h"

#define TUPLE_AOT "tests/rules/BC401/tuple.aot"
#define TOOLS_DIR "/usr/sbin"

static const char *srcdir(void)
{
	const char *s = getenv("BC_SRCDIR");

	return s && *s ? s : ".";
}

static const char *build_dir(void)
{
	const char *b = getenv("BC_BUILD");

	return b && *b ? b : "build";
}

static char *src_path(const char *rel)
{
	char *p = bc_strdup_printf("%s/%s", srcdir(), rel);

	assert_non_null(p);
	return p;
}

/* Runs a shell command; its exit status, output in *OUT when OUT is set. */
static int sh(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int sh(char **out, const char *fmt, ...)
{
	char *cmd, buf[4096];
	size_t len = 0;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	cmd = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	assert_non_null(cmd);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (out) {
		*out = calloc(1, 1);
		for (size_t n; (n = fread(buf, 1, sizeof(buf), p)) > 0; len += n) {
			*out = realloc(*out, len + n + 1);
			memcpy(*out + len, buf, n);
			(*out)[len + n] = 0;
		}
	} else {
		while (fread(buf, 1, sizeof(buf), p) > 0)
			;
	}
	st = pclose(p);
	free(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static struct bc_manifest *read_text(const char *text)
{
	struct bc_manifest_error err;
	struct bc_manifest *m;

	if (bc_manifest_read(text, strlen(text), &m, &err))
		fail_msg("manifest not read: %s at %u", err.message, err.span.start);
	return m;
}

static const char closed_text[] =
	"{\n"
	"  \"schema\": \"bpfcheck-manifest/1\",\n"
	"  \"roots\": [\n"
	"    {\"use\": \"map-value\", \"name\": \"@y\", \"type\": \"#/types/t\"}\n"
	"  ],\n"
	"  \"types\": {\n"
	"    \"t\": {\"kind\": \"tuple\", \"size\": 16, \"align\": 8, \"fields\": [\n"
	"      {\"name\": \"0\", \"offset\": 0, \"size\": 8, \"type\": \"int64\"},\n"
	"      {\"name\": \"1\", \"offset\": 8, \"size\": 8, \"type\": {\"pointer\": \"#/types/node\"}}\n"
	"    ]},\n"
	"    \"unused\": {\"kind\": \"struct\", \"size\": 4, \"align\": 4, \"fields\": []},\n"
	"    \"node\": {\"kind\": \"struct\", \"size\": 8, \"align\": 8, \"fields\": [\n"
	"      {\"name\": \"next\", \"offset\": 0, \"size\": 8, \"type\": {\"pointer\": \"#/types/node\"}}\n"
	"    ]}\n"
	"  }\n"
	"}\n";

static void test_read_spans(void **state)
{
	struct bc_manifest *m = read_text(closed_text);
	const struct bc_mtype *u;
	const char *at;

	assert_int_equal(m->nr_roots, 1);
	assert_int_equal(m->nr_types, 3);
	assert_string_equal(m->types[0].name, "t");
	assert_string_equal(m->types[1].name, "unused");
	assert_string_equal(m->types[2].name, "node");
	u = &m->types[1];
	/* the entry's span starts at its key; removing it takes the bytes up to the next key */
	at = strstr(closed_text, "\"unused\"");
	assert_int_equal(u->span.start, at - closed_text);
	assert_int_equal(u->remove.start, at - closed_text);
	assert_int_equal(u->remove.end, strstr(closed_text, "\"node\"") - closed_text);
	/* the reference inside the pointer points at its value */
	at = strstr(closed_text, "{\"pointer\": \"#/types/node\"}}\n    ]},");
	assert_int_equal(m->types[0].fields[1].type->span.start, at - closed_text);
	assert_int_equal(m->types[0].fields[1].type->kind, BC_MTX_POINTER);
	assert_int_equal(m->types[0].fields[1].type->elem->kind, BC_MTX_REF);
	/* the last entry is removed with the comma before it */
	assert_int_equal(m->types[2].remove.start,
			 strstr(closed_text, "]},\n    \"node\"") + 2 - closed_text);
	bc_manifest_free(m);
}

static void test_write_round_trip(void **state)
{
	struct bc_manifest *m = read_text(closed_text), *again;
	char *text = bc_manifest_write(m), *text2;
	json_t *a, *b;

	assert_non_null(text);
	again = read_text(text);
	text2 = bc_manifest_write(again);
	assert_string_equal(text, text2);
	a = json_loads(text, 0, NULL);
	b = json_loads(closed_text, 0, NULL);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	free(text);
	free(text2);
	bc_manifest_free(m);
	bc_manifest_free(again);
}

static void test_read_errors(void **state)
{
	static const char *const bad[] = {
		"{\"schema\": \"bpfcheck-manifest/1\", \"roots\": [], \"types\": {} ",
		"{\"schema\": \"bpfcheck-report/1\", \"roots\": [], \"types\": {}}",
		"{\"schema\": \"bpfcheck-manifest/1\", \"roots\": {}, \"types\": {}}",
		"{\"schema\": \"bpfcheck-manifest/1\", \"roots\": [{\"use\": \"x\"}], \"types\": {}}",
		"{\"schema\": \"bpfcheck-manifest/1\", \"roots\": [], \"types\": {\"a\": {\"kind\": \"blob\", \"size\": 1, \"align\": 1, \"fields\": []}}}",
		"{\"schema\": \"bpfcheck-manifest/1\", \"roots\": [], \"types\": {\"a\": {\"kind\": \"struct\", \"size\": -1, \"align\": 1, \"fields\": []}}}",
		"{\"schema\": \"bpfcheck-manifest/1\", \"roots\": [{\"use\": \"x\", \"name\": \"y\", \"type\": \"#/types/\"}], \"types\": {}}",
		"{\"schema\": \"bpfcheck-manifest/1\", \"roots\": [{\"use\": \"x\", \"name\": \"y\", \"type\": {\"array\": \"int8\"}}], \"types\": {}}",
		"{\"schema\": \"bpfcheck-manifest/1\", \"roots\": [], \"types\": {\"a\": {}, \"a\": {}}}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bc_manifest_error err;
		struct bc_manifest *m;

		assert_int_equal(bc_manifest_read(bad[i], strlen(bad[i]), &m, &err), -EINVAL);
		assert_null(m);
		assert_true(err.message[0] != 0);
	}
}

static void test_mark_cycle(void **state)
{
	struct bc_manifest *m = read_text(closed_text);
	struct bc_mmark mk;

	assert_int_equal(bc_manifest_mark(m, &mk), 0);
	assert_int_equal(mk.nr_missing, 0);	/* closed, the cycle included */
	assert_true(mk.reached[0]);
	assert_false(mk.reached[1]);		/* "unused" */
	assert_true(mk.reached[2]);		/* node: through the pointer, and itself */
	bc_mmark_free(&mk);
	bc_manifest_free(m);
}

/* A chain of N structs, each holding the next by value, the last missing. */
static void test_mark_deep(void **state)
{
	enum { N = 20000 };
	struct bc_manifest *m = bc_manifest_new();
	struct bc_mmark mk;
	char name[32], next[32];

	assert_non_null(m);
	assert_int_equal(bc_manifest_add_root(m, "map-value", "@deep", bc_mtexpr_ref("s0")), 0);
	for (int i = 0; i < N; i++) {
		struct bc_mtype *t;

		snprintf(name, sizeof(name), "s%d", i);
		snprintf(next, sizeof(next), "s%d", i + 1);
		t = bc_manifest_add_type(m, name, BC_MK_STRUCT, 8, 8);
		assert_non_null(t);
		assert_int_equal(bc_mtype_add_field(t, "next", 0, 8, -1, bc_mtexpr_ref(next)), 0);
	}
	assert_int_equal(bc_manifest_mark(m, &mk), 0);
	for (int i = 0; i < N; i++)
		assert_true(mk.reached[i]);
	assert_int_equal(mk.nr_missing, 1);
	snprintf(next, sizeof(next), "s%d", N);
	assert_string_equal(mk.missing[0].name, next);
	assert_int_equal(mk.missing[0].nr_paths, 1);
	assert_non_null(strstr(mk.missing[0].paths[0].text, "@deep (map-value) -> s0.next -> s1.next"));
	bc_mmark_free(&mk);
	bc_manifest_free(m);
}

static unsigned char *read_blob(size_t *size)
{
	char *path = src_path(TUPLE_AOT);
	unsigned char *data = (unsigned char *)bc_test_read_file(path, size);

	assert_non_null(data);
	free(path);
	return data;
}

static void test_aot_tuple_blob(void **state)
{
	struct bc_aot_blob b;
	struct bc_aot_error err;
	struct bc_mmark mk;
	size_t size, nr_programs = 0;
	unsigned char *data = read_blob(&size), *elf;
	bool y = false, z = false;

	assert_int_equal(bc_detect_kind(data, size), BC_KIND_AOT);
	assert_int_equal(bc_aot_read(data, size, &b, &err), 0);
	assert_string_equal(b.version, "v0.17.0");
	assert_int_equal(b.nr_probes, 1);
	for (size_t i = 0; i < b.nr_sections; i++)
		nr_programs += bc_aot_is_program(&b.sections[i]);
	assert_int_equal(nr_programs, 1);
	assert_int_equal(bc_manifest_mark(b.manifest, &mk), 0);
	assert_int_equal(mk.nr_missing, 2);
	for (size_t i = 0; i < mk.nr_missing; i++) {
		const char *root = b.manifest->roots[mk.missing[i].paths[0].root].name;

		assert_true(mk.missing[i].weak);
		y |= !strcmp(root, "@y") && !strcmp(mk.missing[i].name, "(int64,string[4],string[16])");
		z |= !strcmp(root, "@z") && !strcmp(mk.missing[i].name, "(int64,string[2])");
	}
	assert_true(y && z);
	bc_mmark_free(&mk);
	assert_int_equal(bc_aot_programs_elf(&b, &elf, &size), 0);
	assert_non_null(elf);
	assert_int_equal(bc_detect_kind(elf, size), BC_KIND_OBJECT);
	free(elf);
	bc_aot_free(&b);
	free(data);
}

/* Every prefix of the blob is refused (never read past the end) with an
 * offset inside the prefix; every single corrupted byte is read or refused. */
static void test_aot_truncated_and_corrupt(void **state)
{
	size_t size;
	unsigned char *data = read_blob(&size), *copy;

	for (size_t n = 0; n < size; n++) {
		struct bc_aot_blob b;
		struct bc_aot_error err;

		copy = malloc(n + 1);
		memcpy(copy, data, n);
		if (bc_aot_read(copy, n, &b, &err) != -EINVAL)
			fail_msg("a blob cut at %zu bytes was not refused", n);
		if (err.offset > n || !strstr(err.message, n < 48 ? "truncated" : "")) 
			fail_msg("cut at %zu: offset %llu, %s", n, (unsigned long long)err.offset,
				 err.message);
		free(copy);
	}
	for (size_t i = 0; i < size; i++) {
		static const unsigned char flips[] = { 0x01, 0x80, 0xff };

		for (size_t f = 0; f < sizeof(flips); f++) {
			struct bc_aot_blob b;
			struct bc_aot_error err;
			int ret;

			copy = malloc(size);
			memcpy(copy, data, size);
			copy[i] ^= flips[f];
			ret = bc_aot_read(copy, size, &b, &err);
			if (!ret)
				bc_aot_free(&b);
			else if (ret != -EINVAL && ret != -EPROTONOSUPPORT)
				fail_msg("byte %zu ^ %#x: %d", i, flips[f], ret);
			free(copy);
		}
	}
	free(data);
}

static void test_aot_other_version(void **state)
{
	size_t size;
	unsigned char *data = read_blob(&size);
	uint64_t hash = bc_aot_version_hash("v0.16.0");
	struct bc_aot_blob b;
	struct bc_aot_error err;

	memcpy(data + 8, &hash, 8);
	assert_int_equal(bc_aot_read(data, size, &b, &err), -EPROTONOSUPPORT);
	assert_non_null(strstr(err.message, "bpftrace v0.16.0"));
	hash = bc_aot_version_hash("v0.17.1");
	memcpy(data + 8, &hash, 8);
	assert_int_equal(bc_aot_read(data, size, &b, &err), 0);
	assert_string_equal(b.version, "v0.17.1");
	bc_aot_free(&b);
	free(data);
}

/*
 * Found by fuzz_aot_blob: a field whose is_bitfield flag is set but whose
 * mask is 0 (byte 507 of the tuple blob is the flag of the second field of
 * @y's tuple) decoded into a manifest field of 0 bits, which the manifest
 * reader rightly refuses. The blob is malformed: refused, with the offset.
 */
static void test_aot_bitfield_without_bits(void **state)
{
	size_t size;
	unsigned char *data = read_blob(&size);
	struct bc_aot_blob b;
	struct bc_aot_error err;

	assert_true(size > 507);
	assert_int_equal(data[507], 0);
	data[507] = 1;
	assert_int_equal(bc_aot_read(data, size, &b, &err), -EINVAL);
	assert_non_null(strstr(err.message, "bitfield of no bits"));
	assert_true(err.offset > 507 && err.offset <= size);
	free(data);
}

/* ---- end to end ---- */

static char *tmpdir(void)
{
	return bc_test_temp_dir("bc-manifest");
}

static bool validate(const char *path)
{
	return sh(NULL, "python3 '%s/tests/schemas/validate.py' '%s/docs/manifest.schema.json' '%s' >&2",
		  srcdir(), srcdir(), path) == 0;
}

static int bpfcheck(char **out, const char *args)
{
	return sh(out, "cd '%s' && NO_COLOR=1 BPFCHECK_BPFTRACE=0.17 '%s/bpfcheck' %s 2>&1", srcdir(),
		  build_dir(), args);
}

/* Every Debian tool's manifest is written, valid and closed (no BC401). */
static void test_debian_tools_manifests(void **state)
{
	char **names = bc_test_list_dir(TOOLS_DIR, ".bt");
	char *dir = tmpdir(), *out;
	size_t done = 0;

	if (!names || !names[0])
		skip();
	for (size_t i = 0; names[i]; i++) {
		char *args = bc_strdup_printf("manifest --no-config --bpftrace 0.17 %s/%s -o %s/%s.json",
					      TOOLS_DIR, names[i], dir, names[i]);
		char *file = bc_strdup_printf("%s/%s.json", dir, names[i]);
		int rc = bpfcheck(&out, args);

		if (rc == 2 && strstr(out, "[BC102]") && strstr(out, "no manifest was written")) {
			/* bpftrace 0.17 refuses the tool on this kernel (runqlen.bt on
			 * Linux >= 6.13): no manifest, as for bpftrace itself */
			print_message("# %s: refused on this kernel, skipped\n", names[i]);
			free(out);
			free(args);
			free(file);
			free(names[i]);
			continue;
		}
		if (rc)
			fail_msg("bpfcheck %s: exit %d\n%s", args, rc, out);
		free(out);
		if (!validate(file))
			fail_msg("%s is not valid against docs/manifest.schema.json", file);
		free(args);
		args = bc_strdup_printf("check --no-config --select BC401,BC402,BC403 %s", file);
		rc = bpfcheck(&out, args);
		if (rc)
			fail_msg("bpfcheck %s: exit %d\n%s", args, rc, out);
		free(out);
		free(args);
		unlink(file);
		free(file);
		free(names[i]);
		done++;
	}
	assert_true(done > 20);
	free(names);
	rmdir(dir);
	free(dir);
}

/* A generated manifest without one referenced type: BC401, exit 1. Then
 * with one extra type: BC402, and `fix` removes exactly those bytes. */
static void test_remove_and_add_type(void **state)
{
	char *dir = tmpdir(), *out, *text, *file, *args, *fixed;
	struct bc_manifest *m;
	json_t *doc, *types;
	const char *key;
	void *tmp;
	size_t before;
	int rc;

	file = bc_strdup_printf("%s/tuple.json", dir);
	args = bc_strdup_printf("manifest --no-config --bpftrace 0.17 fixtures/aot/tuple.bt -o %s", file);
	rc = bpfcheck(&out, args);
	if (rc)
		fail_msg("%s: exit %d: %s", args, rc, out);
	free(out);
	free(args);
	text = bc_test_read_file(file, NULL);
	m = read_text(text);
	assert_true(m->nr_types >= 2);
	bc_manifest_free(m);

	/* removing a referenced type */
	doc = json_loads(text, 0, NULL);
	types = json_object_get(doc, "types");
	json_object_foreach_safe(types, tmp, key, (json_t *){ NULL }) {
		json_object_del(types, key);
		break;
	}
	assert_int_equal(json_dump_file(doc, file, JSON_INDENT(2)), 0);
	json_decref(doc);
	args = bc_strdup_printf("check --no-config --select BC4* %s", file);
	rc = bpfcheck(&out, args);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "[BC401]"));
	assert_null(strstr(out, "[BC402]"));
	free(out);

	/* an extra type, inserted as the second entry */
	assert_int_equal(bc_test_write_file(file, text), 0);
	{
		char *at = strstr(text, "\"types\": {\n") + strlen("\"types\": {\n");
		char *end = strstr(at, "\n    },\n") + strlen("\n    },\n");
		const char *extra = "    \"struct extra\": {\n      \"kind\": \"struct\",\n"
				    "      \"size\": 4,\n      \"align\": 4,\n      \"fields\": []\n    },\n";
		char *with = bc_strdup_printf("%.*s%s%s", (int)(end - text), text, extra, end);

		assert_int_equal(bc_test_write_file(file, with), 0);
		rc = bpfcheck(&out, args);
		assert_int_equal(rc, 1);
		assert_non_null(strstr(out, "struct \"struct extra\" is not reachable from any root"));
		free(out);
		before = strlen(with);
		free(args);
		args = bc_strdup_printf("fix --no-config --select BC4* %s", file);
		rc = bpfcheck(&out, args);
		free(out);
		fixed = bc_test_read_file(file, NULL);
		assert_int_equal(strlen(fixed), before - strlen(extra));
		assert_string_equal(fixed, text);	/* exactly the extra entry is gone */
		free(fixed);
		free(with);
	}
	free(args);
	unlink(file);
	free(file);
	free(text);
	rmdir(dir);
	free(dir);
}

/* ---- layouts from the target: BTF (BC403) and a uprobe binary's DWARF ---- */

#define KERNEL_LAYOUTS "fixtures/kernel_layouts.bpf.o"	/* in the build dir */

static const struct bc_mfield *mfield(const struct bc_manifest *m, const char *type,
				      const char *field)
{
	ssize_t t = bc_manifest_find(m, type);

	if (t < 0)
		fail_msg("no definition of %s", type);
	for (size_t i = 0; i < m->types[t].nr_fields; i++)
		if (!strcmp(m->types[t].fields[i].name, field))
			return &m->types[t].fields[i];
	fail_msg("%s has no field %s", type, field);
	return NULL;
}

/* Sets TYPE's FIELD (or the type itself when FIELD is NULL) member KEY to V in FILE. */
static void edit(const char *file, const char *type, const char *field, const char *key, int v)
{
	json_t *doc = json_load_file(file, 0, NULL), *t, *f = NULL;
	size_t i;

	assert_non_null(doc);
	t = json_object_get(json_object_get(doc, "types"), type);
	assert_non_null(t);
	if (field) {
		json_array_foreach(json_object_get(t, "fields"), i, f)
			if (!strcmp(json_string_value(json_object_get(f, "name")), field))
				break;
		assert_true(i < json_array_size(json_object_get(t, "fields")));
		t = f;
	}
	assert_int_equal(json_object_set_new(t, key, json_integer(v)), 0);
	assert_int_equal(json_dump_file(doc, file, JSON_INDENT(2)), 0);
	json_decref(doc);
}

/*
 * A script's kernel struct values: the manifest takes their layouts from the
 * target BTF (a fixture built by clang-19 -g, so not this machine's kernel),
 * struct list_head inside struct plist_node included, and BC403 compares
 * with that BTF: the manifest as written agrees; a wrong size and a wrong
 * offset are each reported, with the BTF's figures.
 */
static void test_btf_layouts(void **state)
{
	char *dir = tmpdir(), *out, *text, *args, *check, *btf;
	struct bc_manifest *m;
	int rc;

	btf = bc_strdup_printf("%s/%s", build_dir(), KERNEL_LAYOUTS);
	if (sh(NULL, "cd '%s' && test -f '%s'", srcdir(), btf))
		fail_msg("%s is not built (make fixtures)", btf);
	text = bc_strdup_printf("%s/k.json", dir);
	args = bc_strdup_printf("manifest --no-config --bpftrace 0.17 --btf %s "
				"fixtures/aot/kernel_structs.bt -o %s", btf, text);
	rc = bpfcheck(&out, args);
	if (rc)
		fail_msg("%s: exit %d: %s", args, rc, out);
	free(out);
	{
		char *t = bc_test_read_file(text, NULL);

		m = read_text(t);
		free(t);
	}
	assert_int_equal(m->types[bc_manifest_find(m, "struct timespec64")].size, 16);
	assert_int_equal(mfield(m, "struct timespec64", "tv_nsec")->offset, 8);
	assert_int_equal(m->types[bc_manifest_find(m, "struct plist_node")].size, 40);
	assert_int_equal(mfield(m, "struct plist_node", "node_list")->offset, 24);
	assert_string_equal(mfield(m, "struct plist_node", "node_list")->type->name,
			    "struct list_head");
	assert_int_equal(mfield(m, "struct list_head", "prev")->offset, 8);
	bc_manifest_free(m);

	check = bc_strdup_printf("check --no-config --kernel 6.18 --select BC4* --btf %s %s", btf, text);
	rc = bpfcheck(&out, check);
	if (rc)
		fail_msg("%s: exit %d: %s", check, rc, out);	/* closed, and agrees with the BTF */
	free(out);

	/* a wrong size */
	edit(text, "struct timespec64", NULL, "size", 24);
	rc = bpfcheck(&out, check);
	assert_int_equal(rc, 1);
	if (!strstr(out, "layout of struct \"struct timespec64\" disagrees: the manifest records 24 "
		    "bytes, the target's BTF has 16 [BC403]"))
		fail_msg("%s", out);
	free(out);
	edit(text, "struct timespec64", NULL, "size", 16);

	/* a wrong offset, in the struct held by value inside another */
	edit(text, "struct list_head", "prev", "offset", 0);
	edit(text, "struct list_head", "next", "offset", 8);
	rc = bpfcheck(&out, check);
	assert_int_equal(rc, 1);
	if (!strstr(out, "layout of struct \"struct list_head\" disagrees: field next is at offset 8, "
		    "the target's BTF has it at 0 [BC403]") ||
	    !strstr(out, "field prev is at offset 0, the target's BTF has it at 8"))
		fail_msg("%s", out);
	assert_null(strstr(out, "timespec64"));
	free(out);

	/* no BTF for the target: nothing to compare with */
	free(check);
	check = bc_strdup_printf("check --no-config --select BC4* --btf none %s", text);
	rc = bpfcheck(&out, check);
	assert_int_equal(rc, 0);
	free(out);

	free(check);
	free(args);
	free(btf);
	unlink(text);
	free(text);
	rmdir(dir);
	free(dir);
}

/*
 * A uprobe on a -g binary built here: its arguments' structs come from the
 * binary's DWARF (libdw), a struct held by value inside another included,
 * so the manifest is closed and records the compiler's layout.
 */
static void test_uprobe_dwarf_layouts(void **state)
{
	static const char prog[] =
		"struct inner { short a; char tag[6]; long b; };\n"
		"struct point { char c; struct inner in; int y[3]; };\n"
		"__attribute__((noinline)) int take(struct point *p, int n) { return p->c + n; }\n"
		"int main(void) { struct point p = { 0 }; return take(&p, 1); }\n";
	char *dir = tmpdir(), *out, *args, *file, *text;
	struct bc_manifest *m;
	ssize_t at;
	int rc;

	file = bc_strdup_printf("%s/prog.c", dir);
	assert_int_equal(bc_test_write_file(file, prog), 0);
	if (sh(NULL, "cc -g -O0 -o '%s/prog' '%s' 2>&1", dir, file)) {
		print_message("# no C compiler: skipped\n");
		skip();
	}
	free(file);
	file = bc_strdup_printf("%s/up.bt", dir);
	text = bc_strdup_printf("uprobe:%s/prog:take\n{\n  @p[args->n] = *args->p;\n"
				"  print(args->p->in);\n}\n", dir);
	assert_int_equal(bc_test_write_file(file, text), 0);
	free(text);
	text = bc_strdup_printf("%s/up.json", dir);
	args = bc_strdup_printf("manifest --no-config --bpftrace 0.17 --btf none %s -o %s", file, text);
	rc = bpfcheck(&out, args);
	if (rc)
		fail_msg("%s: exit %d: %s", args, rc, out);
	free(out);
	free(args);
	{
		char *t = bc_test_read_file(text, NULL);

		m = read_text(t);
		free(t);
	}
	at = bc_manifest_find(m, "struct point");
	assert_true(at >= 0);
	assert_int_equal(m->types[at].size, 40);
	assert_int_equal(m->types[at].nr_fields, 3);
	assert_int_equal(mfield(m, "struct point", "in")->offset, 8);
	assert_int_equal(mfield(m, "struct point", "in")->size, 16);
	assert_int_equal(mfield(m, "struct point", "y")->offset, 24);
	at = bc_manifest_find(m, "struct inner");
	assert_true(at >= 0);
	assert_int_equal(m->types[at].size, 16);
	assert_int_equal(m->types[at].align, 8);
	assert_int_equal(mfield(m, "struct inner", "tag")->offset, 2);
	assert_string_equal(mfield(m, "struct inner", "tag")->type->name, "string[6]");
	assert_int_equal(mfield(m, "struct inner", "b")->offset, 8);
	bc_manifest_free(m);
	if (!validate(text))
		fail_msg("%s is not valid against docs/manifest.schema.json", text);
	args = bc_strdup_printf("check --no-config --btf none --select BC401,BC402,BC403 %s", text);
	rc = bpfcheck(&out, args);
	if (rc)
		fail_msg("%s: exit %d: %s", args, rc, out);	/* closed: no BC401 */
	free(out);
	free(args);
	sh(NULL, "rm -rf '%s'", dir);
	free(file);
	free(text);
	free(dir);
}

/*
 * bpftrace --aot on every Debian tool; every blob it writes is read (ok).
 * A tool 0.17 cannot build here (its portability analyser refuses a cast,
 * curtask or kaddr(), a header is missing, a field is not in this kernel) is
 * listed with bpftrace's first error and skipped. All 38 tools take about
 * 17 s together on this 2-core machine under a load of 11 (0.1 to 0.8 s a
 * tool; measured with a loop of bpftrace --aot over the tools in /usr/sbin), so
 * every tool is built on each run rather than a cached or sampled few.
 */
/*
 * The column bpftrace 0.17 gives a token at LINE:COL of TEXT: its lexer
 * moves a location's start only over whitespace (src/lexer.l at v0.17.0:
 * `{hspace}+ { loc.step(); }`, no step per token), and not at all inside
 * the type of a cast (`struct X *`, its exclusive STRUCT state), so a token
 * glued to the one before it, like curtask in `(struct task_struct *)curtask`,
 * starts where that run of text starts. bpfcheck points at the construct.
 */
static unsigned bt017_col(const char *text, unsigned line, unsigned col)
{
	const char *l = text;
	unsigned start = 1;
	bool in_type = false;

	for (unsigned n = 1; n < line && l; n++)
		l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL;
	for (unsigned i = 0; l && i + 1 < col && l[i] && l[i] != '\n'; i++) {
		bool word = i == 0 || !(isalnum((unsigned char)l[i - 1]) || l[i - 1] == '_');

		if (in_type) {
			in_type = l[i] != '*' && l[i] != ')';
		} else if (word && (!strncmp(l + i, "struct ", 7) || !strncmp(l + i, "union ", 6) ||
				    !strncmp(l + i, "enum ", 5))) {
			in_type = true;
		} else if (l[i] == ' ' || l[i] == '\t') {
			start = i + 2;	/* the column after this blank */
		}
	}
	return start;
}

/* The lines of S in order (a new string; S is freed). */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *sorted_lines(char *s)
{
	char **v = NULL, *out, *save = NULL;
	size_t n = 0;

	for (char *t = strtok_r(s, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
		v = realloc(v, (n + 1) * sizeof(*v));
		assert_non_null(v);
		v[n++] = t;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	out = bc_strdup_printf("%s", "");
	for (size_t i = 0; i < n; i++) {
		char *o = bc_strdup_printf("%s%s\n", out, v[i]);

		free(out);
		out = o;
	}
	free(v);
	free(s);
	return out;
}

/*
 * bpftrace 0.17's own refusals of TOOL ("FILE:L:C-C: ERROR: AOT does not yet
 * support X", each as "L:C X\n") against BC404's under --aot (columns as
 * bpftrace counts them), both sorted: the same constructs at the same places.
 */
#define REFUSED ": ERROR: AOT does not yet support "

static void compare_refusals(const char *tool, const char *bpftrace_out)
{
	char *want, *got, *args, *out, *prefix, *path, *text;
	unsigned line, col;
	json_t *doc, *d;
	size_t i;
	int rc;

	want = bc_strdup_printf("%s", "");
	prefix = bc_strdup_printf("%s/%s:", TOOLS_DIR, tool);
	for (const char *l = bpftrace_out; l && *l;) {
		const char *nl = strchr(l, '\n'), *m = strstr(l, REFUSED);

		if (m && (!nl || m < nl) && !strncmp(l, prefix, strlen(prefix)) &&
		    sscanf(l + strlen(prefix), "%u:%u", &line, &col) == 2) {
			const char *what = m + strlen(REFUSED);
			char *n = bc_strdup_printf("%s%u:%u %.*s\n", want, line, col,
						   (int)((nl ? nl : what + strlen(what)) - what), what);

			free(want);
			want = n;
		}
		l = nl ? nl + 1 : NULL;
	}
	free(prefix);
	args = bc_strdup_printf("check --no-config -f json --aot --select BC404 --bpftrace 0.17 %s/%s",
				TOOLS_DIR, tool);
	rc = bpfcheck(&out, args);
	doc = json_loads(out, 0, NULL);
	if (!doc || rc == 2)
		fail_msg("%s: exit %d\n%s", args, rc, out);
	got = bc_strdup_printf("%s", "");
	path = bc_strdup_printf("%s/%s", TOOLS_DIR, tool);
	text = bc_test_read_file(path, NULL);
	assert_non_null(text);
	json_array_foreach(json_object_get(doc, "diagnostics"), i, d) {
		const char *msg = json_string_value(json_object_get(d, "message"));
		const char *q = msg ? strstr(msg, "\"AOT does not yet support ") : NULL;
		json_t *sp = json_object_get(d, "span");
		char *n;

		if (!q)
			continue;	/* a map the runtime drops: bpftrace --aot accepts it */
		line = (unsigned)json_integer_value(json_object_get(sp, "line"));
		col = bt017_col(text, line, (unsigned)json_integer_value(json_object_get(sp, "column")));
		n = bc_strdup_printf("%s%u:%u %.*s\n", got, line, col, (int)strlen(q + 26) - 1, q + 26);
		free(got);
		got = n;
	}
	json_decref(doc);
	free(text);
	free(path);
	want = sorted_lines(want);
	got = sorted_lines(got);
	if (strcmp(want, got))
		fail_msg("%s: bpftrace 0.17 --aot refuses\n%sBC404 reports\n%s", tool, want, got);
	free(want);
	free(got);
	free(out);
	free(args);
}

static void test_debian_tools_blobs(void **state)
{
	char **names = bc_test_list_dir(TOOLS_DIR, ".bt");
	char *dir, *out = NULL;
	size_t read = 0, refused = 0;

	if (geteuid() != 0 || sh(&out, "bpftrace --version 2>/dev/null") || !strstr(out, "v0.17.")) {
		free(out);
		skip();
	}
	free(out);
	if (!names || !names[0])
		skip();
	dir = tmpdir();
	for (size_t i = 0; names[i]; i++) {
		char *blob = bc_strdup_printf("%s/%s.aot", dir, names[i]), *args;
		json_t *doc, *f;
		int rc;

		/* the exit status of the pipe is grep's: 0 when bpftrace printed an error */
		if (sh(&out, "cd '%s' && timeout 120 bpftrace --aot '%s' '%s/%s' 2>&1 | "
		       "grep -v RLIMIT_MEMLOCK | grep -E 'ERROR|error'", dir, blob, TOOLS_DIR,
		       names[i]) == 0 || access(blob, F_OK)) {
			print_message("# %s: not built by bpftrace 0.17 here: %.*s\n", names[i],
				      out && *out ? (int)strcspn(out, "\n") : 15,
				      out && *out ? out : "(no error line)");
			/* refused by the portability pass: BC404 says the same */
			if (out && strstr(out, "AOT does not yet support "))
				compare_refusals(names[i], out);
			free(out);
			unlink(blob);
			free(blob);
			free(names[i]);
			refused++;
			continue;
		}
		free(out);
		compare_refusals(names[i], "");	/* built: BC404 refuses nothing either */
		args = bc_strdup_printf("check --no-config -f json %s", blob);
		rc = bpfcheck(&out, args);
		doc = json_loads(out, 0, NULL);
		if (!doc || rc == 2)
			fail_msg("%s: exit %d\n%s", blob, rc, out);
		f = json_array_get(json_object_get(doc, "files"), 0);
		assert_string_equal(json_string_value(json_object_get(f, "kind")), "aot");
		if (strcmp(json_string_value(json_object_get(f, "status")), "ok"))
			fail_msg("%s: %s", blob, out);
		assert_true(json_array_size(json_object_get(f, "programs")) > 0);
		json_decref(doc);
		free(out);
		free(args);
		unlink(blob);
		free(blob);
		free(names[i]);
		read++;
	}
	print_message("# %zu Debian tool blobs read, %zu tools not built by bpftrace 0.17\n", read,
		      refused);
	assert_true(read > 0);
	free(names);
	rmdir(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_spans),
		cmocka_unit_test(test_write_round_trip),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_mark_cycle),
		cmocka_unit_test(test_mark_deep),
		cmocka_unit_test(test_aot_tuple_blob),
		cmocka_unit_test(test_aot_truncated_and_corrupt),
		cmocka_unit_test(test_aot_other_version),
		cmocka_unit_test(test_aot_bitfield_without_bits),
		cmocka_unit_test(test_debian_tools_manifests),
		cmocka_unit_test(test_remove_and_add_type),
		cmocka_unit_test(test_btf_layouts),
		cmocka_unit_test(test_uprobe_dwarf_layouts),
		cmocka_unit_test(test_debian_tools_blobs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
