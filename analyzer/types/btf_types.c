/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel types from BTF through libbpf (see btf_types.h). */
#include "btf_types.h"
#include "btf_cache.h"
#include "c_type_name.h"
#include "stype_json.h"
#include "../base/array.h"
#include "../base/str.h"
#include "../base/version.h"
#include "../core/libbpf_log.h"
#include "../target/source.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_TYPE_CHAIN		64	/* modifier/typedef hops before giving up */
#define MAX_NEST		32	/* array/pointer/anonymous-member nesting */
#define BT_MAX_FUNC_PARAMS	6	/* bpftrace 0.17: arch::max_arg() + 1 on x86-64 */
#define ANON_PREFIX		"__anon_"

/* ---- name index: (name, kind) -> type id, built once on the first name query ---- */

struct name_slot {
	const char *name;	/* points into the BTF string section */
	uint32_t id;
	uint16_t kind;
};

/* ---- converted-type cache: (type id, version) -> sized type ---- */

struct type_slot {
	uint32_t id;
	int version;
	bool layout;		/* struct with its layout resolved */
	struct bc_stype *type;
};

/* ---- enum constants: every enumerator of the BTF, sorted by name ---- */

struct enum_val {
	const char *name;	/* points into the BTF string section */
	int64_t value;
};

/* ---- answers served from the persistent cache (btf_cache.h) ---- */

struct memo_hit {
	char *key;
	struct bc_stype *type;
};

struct bc_btf {
	char *path;		/* the file, or the name of a target file's BTF */
	struct bc_source *src;	/* a target file's BTF (not owned); NULL: read PATH */
	char *identity;		/* what the persistent cache keys a target file's BTF on */
	struct btf *btf;
	int load_err;		/* 0 = not tried or ok */
	bool loaded;
	struct name_slot *names;
	size_t names_cap;	/* power of two; 0 = index not built */
	struct type_slot *types;
	size_t types_cap, types_len;
	struct enum_val *enums;
	size_t nr_enums;
	bool enums_built;
	struct bc_btf_cache *cache;	/* NULL: no persistent cache */
	struct memo_hit *hits;		/* types this run took from the cache */
	size_t nr_hits, cap_hits;
};

static char *memo_key(char kind, int version, const char *name);
static bool lasting_error(int err);

struct bc_btf *bc_btf_open(const char *path)
{
	struct bc_btf *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	if (path && !(b->path = strdup(path))) {
		free(b);
		return NULL;
	}
	return b;
}

/* The BTF SRC describes without a file: read from SRC on first use. */
static struct bc_btf *open_source(struct bc_source *src, const struct bc_btf_blob *blob)
{
	struct bc_btf *b = bc_btf_open(blob->name ? blob->name : bc_source_name(src));

	if (!b)
		return NULL;
	b->src = src;
	if (blob->identity && !(b->identity = strdup(blob->identity))) {
		bc_btf_close(b);
		errno = ENOMEM;
		return NULL;
	}
	return b;
}

struct bc_btf *bc_btf_open_from(const char *path, struct bc_source *source,
				const char *cache_dir)
{
	struct bc_btf_blob blob;
	struct bc_btf *b;

	if (path)
		b = bc_btf_open(path);
	else if (bc_source_btf(source, NULL, &blob) == 0)
		b = blob.path ? bc_btf_open(blob.path) : open_source(source, &blob);
	else {
		errno = ENOENT;
		return NULL;
	}
	if (!b) {
		errno = ENOMEM;
		return NULL;
	}
	bc_btf_set_cache(b, cache_dir);
	return b;
}

void bc_btf_close(struct bc_btf *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->types_cap; i++)
		bc_stype_put(b->types[i].type);
	free(b->types);
	for (size_t i = 0; i < b->nr_hits; i++) {
		free(b->hits[i].key);
		bc_stype_put(b->hits[i].type);
	}
	free(b->hits);
	free(b->enums);
	bc_btf_cache_close(b->cache);
	free(b->names);
	btf__free(b->btf);
	free(b->identity);
	free(b->path);
	free(b);
}

const char *bc_btf_path(const struct bc_btf *b)
{
	return b && b->path ? b->path : BC_BTF_VMLINUX;
}

/*
 * Raw BTF (the kernel's /sys/kernel/btf/vmlinux) through a private mapping:
 * read(2) on that sysfs file returns one page per call, about 1,300 calls
 * for the kernel's 5 MB; btf__new() copies from the mapping at once.
 * NULL with errno ENOTSUP when the file is not raw BTF or cannot be mapped.
 */
static struct btf *parse_raw_mapped(const char *path)
{
	struct stat st;
	struct btf *btf;
	void *map;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < 24 ||
	    st.st_size > (1 << 30)) {
		close(fd);
		errno = ENOTSUP;
		return NULL;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		errno = ENOTSUP;
		return NULL;
	}
	if (((const uint16_t *)map)[0] != BTF_MAGIC) {
		munmap(map, st.st_size);
		errno = ENOTSUP;
		return NULL;
	}
	btf = btf__new(map, st.st_size);
	err = errno;
	munmap(map, st.st_size);
	errno = err;
	return btf;
}

int bc_btf_load(struct bc_btf *b)
{
	struct btf *btf;
	int err;

	if (!b)
		return -EINVAL;
	if (b->loaded)
		return 0;
	if (b->load_err)
		return b->load_err;
	/* libbpf logs parse failures to stderr by default; the analyzer never
	 * prints (the capture is this thread's: core/libbpf_log.h) */
	struct bc_libbpf_log log;

	bc_libbpf_log_begin(&log);

	errno = 0;
	if (b->src) {
		const void *data;
		size_t size;
		int e = bc_source_btf_bytes(b->src, NULL, &data, &size);

		/* a target file's, decompressed into memory */
		btf = e ? NULL : btf__new(data, size);
		if (e)
			errno = -e;
	} else {
		btf = parse_raw_mapped(bc_btf_path(b));
	}
	if (!btf && !b->src && errno == ENOTSUP) {
		errno = 0;
		btf = btf__parse(bc_btf_path(b), NULL);	/* ELF files, or no mmap */
	}
	err = errno;
	free(bc_libbpf_log_end(&log));
	if (!btf) {
		b->load_err = err ? -err : -EINVAL;
		return b->load_err;
	}
	b->btf = btf;
	b->loaded = true;
	return 0;
}

const struct btf *bc_btf_raw(struct bc_btf *b)
{
	return b && bc_btf_load(b) == 0 ? b->btf : NULL;
}

static uint64_t hash_str(const char *s, uint64_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	/* FNV-1a's low bits cluster on names that share a prefix; the
	 * table is indexed by them, so mix the high bits in (murmur3 fmix) */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static bool indexed_kind(uint16_t k)
{
	switch (k) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_INT:
	case BTF_KIND_FWD:
		return true;
	default:
		return false;
	}
}

static int build_index(struct bc_btf *b)
{
	uint32_t n = btf__type_cnt(b->btf), count = 0;
	size_t cap = 16;

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);

		if (t && t->name_off && indexed_kind(btf_kind(t)))
			count++;
	}
	while (cap < (size_t)count * 2)
		cap <<= 1;
	b->names = calloc(cap, sizeof(*b->names));
	if (!b->names)
		return -ENOMEM;
	b->names_cap = cap;
	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);
		const char *name;
		size_t i;

		if (!t || !t->name_off || !indexed_kind(btf_kind(t)))
			continue;
		name = btf__name_by_offset(b->btf, t->name_off);
		if (!name || !*name)
			continue;
		i = hash_str(name, 1469598103934665603ull ^ btf_kind(t)) & (cap - 1);
		while (b->names[i].name) {
			/* keep the first definition of a (name, kind) */
			if (b->names[i].kind == btf_kind(t) && !strcmp(b->names[i].name, name))
				goto next;
			i = (i + 1) & (cap - 1);
		}
		b->names[i].name = name;
		b->names[i].id = id;
		b->names[i].kind = btf_kind(t);
next:;
	}
	return 0;
}

/* Type id of NAME with KIND: >0, or -ENOENT / a load error. */
static int32_t find_id(struct bc_btf *b, const char *name, uint16_t kind)
{
	size_t i;
	int err;

	if ((err = bc_btf_load(b)))
		return err;
	/* Functions (half of vmlinux's named types) are looked up rarely
	 * (kfunc probes, kfunc availability): a scan, not the index. */
	if (kind == BTF_KIND_FUNC) {
		int32_t id = btf__find_by_name_kind(b->btf, name, kind);

		return id > 0 ? id : -ENOENT;
	}
	if (!b->names_cap && (err = build_index(b)))
		return err;
	i = hash_str(name, 1469598103934665603ull ^ kind) & (b->names_cap - 1);
	while (b->names[i].name) {
		if (b->names[i].kind == kind && !strcmp(b->names[i].name, name))
			return (int32_t)b->names[i].id;
		i = (i + 1) & (b->names_cap - 1);
	}
	return -ENOENT;
}

/* ---- cache ---- */

static size_t type_hash(uint32_t id, int version, bool layout)
{
	return (size_t)(((uint64_t)id * 2654435761u) ^ ((uint64_t)version << 1) ^ layout);
}

static struct bc_stype *cache_get(struct bc_btf *b, uint32_t id, int version, bool layout)
{
	size_t i;

	if (!b->types_cap)
		return NULL;
	i = type_hash(id, version, layout) & (b->types_cap - 1);
	while (b->types[i].type) {
		struct type_slot *s = &b->types[i];

		if (s->id == id && s->version == version && s->layout == layout)
			return bc_stype_get(s->type);
		i = (i + 1) & (b->types_cap - 1);
	}
	return NULL;
}

static void cache_put(struct bc_btf *b, uint32_t id, int version, bool layout, struct bc_stype *t)
{
	size_t i;

	if ((b->types_len + 1) * 2 > b->types_cap) {
		size_t cap = b->types_cap ? b->types_cap * 2 : 256;
		struct type_slot *v = calloc(cap, sizeof(*v));

		if (!v)
			return;	/* a cache miss later, not an error */
		for (size_t k = 0; k < b->types_cap; k++) {
			struct type_slot *s = &b->types[k];

			if (!s->type)
				continue;
			i = type_hash(s->id, s->version, s->layout) & (cap - 1);
			while (v[i].type)
				i = (i + 1) & (cap - 1);
			v[i] = *s;
		}
		free(b->types);
		b->types = v;
		b->types_cap = cap;
	}
	i = type_hash(id, version, layout) & (b->types_cap - 1);
	while (b->types[i].type)
		i = (i + 1) & (b->types_cap - 1);
	b->types[i].id = id;
	b->types[i].version = version;
	b->types[i].layout = layout;
	b->types[i].type = bc_stype_get(t);
	b->types_len++;
}

/* ---- BTF type -> sized type ---- */

static const char *name_of(struct bc_btf *b, const struct btf_type *t)
{
	const char *n = t ? btf__name_by_offset(b->btf, t->name_off) : NULL;

	return n ? n : "";
}

/* Skips typedefs and modifiers; notes a "user" type tag. Returns the id, or -1. */
static int64_t skip_mods(struct bc_btf *b, uint32_t id, bool *user)
{
	for (int hops = 0; hops < MAX_TYPE_CHAIN; hops++) {
		const struct btf_type *t;

		if (id == 0)
			return 0;
		t = btf__type_by_id(b->btf, id);
		if (!t)
			return -1;
		if (btf_is_type_tag(t) && user && !strcmp(name_of(b, t), "user"))
			*user = true;
		if (!btf_is_mod(t) && !btf_is_typedef(t) && !btf_is_type_tag(t))
			return id;
		id = t->type;
	}
	return -1;
}

static struct bc_stype *resolve_layout(struct bc_btf *b, uint32_t id, int v, int depth);

static char *composite_name(struct bc_btf *b, uint32_t id, const struct btf_type *t)
{
	const char *n = name_of(b, t);
	const char *kw = btf_is_union(t) || (btf_is_fwd(t) && btf_kflag(t)) ? "union" : "struct";

	if (*n)
		return bc_strdup_printf("%s %s", kw, n);
	return bc_strdup_printf("%s " ANON_PREFIX "%u", kw, id);
}

static struct bc_stype *conv(struct bc_btf *b, uint32_t id0, int v, int depth)
{
	const struct btf_type *t;
	bool user = false;
	int64_t id;

	if (depth > MAX_NEST) {
		errno = ELOOP;
		return NULL;
	}
	id = skip_mods(b, id0, &user);
	if (id < 0)
		return bc_stype_none();
	if (id == 0)
		return v >= BC_BT(22) ? bc_stype_void() : bc_stype_none();
	t = btf__type_by_id(b->btf, (uint32_t)id);
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		uint8_t enc = btf_int_encoding(t);
		uint32_t bits = btf_int_bits(t), bytes = t->size;

		if (enc & BTF_INT_BOOL)
			return v >= BC_BT(24) ? bc_stype_bool() : bc_stype_int(1, false);
		if (bits == 8 || bits == 16 || bits == 32 || bits == 64 || bits == 128)
			bytes = bits / 8;
		if (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8 && bytes != 16)
			return bc_stype_none();
		return bc_stype_int(bytes, enc & BTF_INT_SIGNED);
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
			return bc_stype_none();
		if (v >= BC_BT_HEAD && *name_of(b, t))
			return bc_stype_enum(t->size, name_of(b, t));
		return bc_stype_int(t->size, false);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_FWD: {
		char *name = composite_name(b, (uint32_t)id, t);
		struct bc_stype *s;

		if (!name)
			return NULL;
		s = bc_stype_cstruct(name, btf_is_fwd(t) ? 0 : t->size, btf_is_union(t), NULL);
		free(name);
		return s;
	}
	case BTF_KIND_PTR: {
		bool puser = user;
		int64_t pid = skip_mods(b, t->type, &puser);
		struct bc_stype *pointee;

		/* pointees are by name only: no layout, no recursion into structs */
		pointee = pid < 0 ? bc_stype_none() : conv(b, (uint32_t)pid, v, depth + 1);
		return bc_stype_pointer(pointee, puser ? BC_AS_USER : BC_AS_NONE);
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(t);
		struct bc_stype *elem = conv(b, a->type, v, depth + 1);
		int64_t eid;
		const struct btf_type *et;

		if (!elem)
			return NULL;
		eid = skip_mods(b, a->type, NULL);
		et = eid > 0 ? btf__type_by_id(b->btf, (uint32_t)eid) : NULL;
		/* char arrays read as strings; 0.25+ any 1-byte integer (btf.cpp) */
		if (bc_stype_is_int_like(elem) && elem->size == 1 && elem->kind != BC_ST_BOOL &&
		    (v >= BC_BT(25) || (et && !strcmp(name_of(b, et), "char")))) {
			bc_stype_put(elem);
			return bc_stype_string(a->nelems);
		}
		return bc_stype_array(elem, a->nelems);
	}
	case BTF_KIND_FUNC_PROTO:
	case BTF_KIND_FUNC:
		return v >= BC_BT(22) ? bc_stype_void() : bc_stype_none();
	default:
		return bc_stype_none();	/* float, var, datasec, ...: no bpftrace type */
	}
}

struct bc_stype *bc_btf_type_by_id(struct bc_btf *b, uint32_t id, int bt_version)
{
	struct bc_stype *t;
	int err;

	if (!b) {
		errno = EINVAL;
		return NULL;
	}
	if ((err = bc_btf_load(b))) {
		errno = -err;
		return NULL;
	}
	if (id >= btf__type_cnt(b->btf)) {
		errno = ENOENT;
		return NULL;
	}
	if ((t = cache_get(b, id, bt_version, false)))
		return t;
	t = conv(b, id, bt_version, 0);
	if (t)
		cache_put(b, id, bt_version, false, t);
	return t;
}

/* Appends the members of composite ID at byte offset BASE, flattening anonymous ones. */
static int add_members(struct bc_btf *b, struct bc_layout *l, uint32_t id, uint32_t base, int v,
		       int depth)
{
	const struct btf_type *t = btf__type_by_id(b->btf, id);
	const struct btf_member *m;

	if (depth > MAX_NEST)
		return -ELOOP;
	if (!t || !btf_is_composite(t))
		return -EINVAL;
	m = btf_members(t);
	for (uint16_t i = 0; i < btf_vlen(t); i++, m++) {
		const char *fname = btf__name_by_offset(b->btf, m->name_off);
		uint32_t bit = btf_member_bit_offset(t, i), width = btf_member_bitfield_size(t, i);
		uint32_t off = base + bit / 8;
		int64_t mid = skip_mods(b, m->type, NULL);
		const struct btf_type *mt = mid > 0 ? btf__type_by_id(b->btf, (uint32_t)mid) : NULL;
		struct bc_field *f;
		int err;

		if (!fname || !*fname) {
			if (mt && btf_is_composite(mt)) {
				if ((err = add_members(b, l, (uint32_t)mid, off, v, depth + 1)))
					return err;
			}
			continue;	/* unnamed padding bitfields carry nothing */
		}
		if (bc_layout_field(l, fname))
			continue;	/* first definition wins (Struct::AddField) */
		f = bc_layout_add(l, fname, conv(b, m->type, v, depth + 1), off);
		if (!f)
			return -errno;
		if (width) {
			f->bit_offset = (uint16_t)(bit % 8);
			f->bit_width = (uint16_t)width;
		}
	}
	return 0;
}

static struct bc_stype *resolve_layout(struct bc_btf *b, uint32_t id, int v, int depth)
{
	const struct btf_type *t = btf__type_by_id(b->btf, id);
	struct bc_layout *l;
	struct bc_stype *s;
	char *name;
	int align, err;

	if (!t || !btf_is_composite(t)) {
		errno = ENOENT;
		return NULL;
	}
	if ((s = cache_get(b, id, v, true)))
		return s;
	align = btf__align_of(b->btf, id);
	l = bc_layout_new(t->size, align > 0 ? (uint32_t)align : 1, btf_is_union(t));
	if (!l)
		return NULL;
	if ((err = add_members(b, l, id, 0, v, depth))) {
		bc_layout_put(l);
		errno = -err;
		return NULL;
	}
	if (!(name = composite_name(b, id, t))) {
		bc_layout_put(l);
		return NULL;
	}
	s = bc_stype_cstruct(name, t->size, btf_is_union(t), l);
	free(name);
	if (s)
		cache_put(b, id, v, true, s);
	return s;
}

/* "struct X" / "union X" / "X" / "__anon_N" -> composite id (typedefs followed). */
static int64_t composite_id(struct bc_btf *b, const char *name)
{
	const char *n = name;
	int want = 0;	/* 0 either, 1 struct, 2 union */
	int32_t id = -ENOENT;
	unsigned anon;
	char tail;

	while (isspace((unsigned char)*n))
		n++;
	if (!strncmp(n, "struct ", 7)) {
		want = 1;
		n += 7;
	} else if (!strncmp(n, "union ", 6)) {
		want = 2;
		n += 6;
	}
	while (isspace((unsigned char)*n))
		n++;
	if (sscanf(n, ANON_PREFIX "%u%c", &anon, &tail) == 1) {
		const struct btf_type *t = anon < btf__type_cnt(b->btf) ?
						   btf__type_by_id(b->btf, anon) : NULL;

		return t && btf_is_composite(t) ? (int64_t)anon : -ENOENT;
	}
	if (want != 2)
		id = find_id(b, n, BTF_KIND_STRUCT);
	if (id < 0 && want != 1)
		id = find_id(b, n, BTF_KIND_UNION);
	if (id < 0 && !want) {
		int32_t td = find_id(b, n, BTF_KIND_TYPEDEF);

		if (td > 0) {
			int64_t r = skip_mods(b, (uint32_t)td, NULL);
			const struct btf_type *t = r > 0 ? btf__type_by_id(b->btf, (uint32_t)r) : NULL;

			if (t && btf_is_composite(t))
				id = (int32_t)r;
		}
	}
	return id;
}

static struct bc_stype *struct_uncached(struct bc_btf *b, const char *name, int bt_version)
{
	int64_t id;
	int err;

	if (!b || !name) {
		errno = EINVAL;
		return NULL;
	}
	if ((err = bc_btf_load(b))) {
		errno = -err;
		return NULL;
	}
	id = composite_id(b, name);
	if (id < 0) {
		errno = (int)-id;
		return NULL;
	}
	return resolve_layout(b, (uint32_t)id, bt_version, 0);
}

/* ---- C type names ---- */

/* C spellings of the integer types -> the names BTF (gcc/clang DWARF) uses. */
static const char *btf_int_name(const char *base)
{
	static const char *const map[][2] = {
		{ "unsigned", "unsigned int" },
		{ "signed", "int" },
		{ "signed int", "int" },
		{ "unsigned int", "unsigned int" },
		{ "short", "short int" },
		{ "signed short", "short int" },
		{ "short signed", "short int" },
		{ "unsigned short", "short unsigned int" },
		{ "short unsigned", "short unsigned int" },
		{ "unsigned short int", "short unsigned int" },
		{ "long", "long int" },
		{ "signed long", "long int" },
		{ "unsigned long", "long unsigned int" },
		{ "long unsigned", "long unsigned int" },
		{ "unsigned long int", "long unsigned int" },
		{ "long long", "long long int" },
		{ "signed long long", "long long int" },
		{ "unsigned long long", "long long unsigned int" },
		{ "long long unsigned", "long long unsigned int" },
		{ "unsigned long long int", "long long unsigned int" },
		{ "bool", "_Bool" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(base, map[i][0]))
			return map[i][1];
	return base;
}

static struct bc_stype *type_by_name_uncached(struct bc_btf *b, const char *c_type, int bt_version)
{
	char base[256];
	unsigned ptrs;
	bool user;
	struct bc_stype *t = NULL;
	int32_t id;
	int err;

	if (!b || !c_type) {
		errno = EINVAL;
		return NULL;
	}
	if ((err = bc_ctype_split(c_type, base, sizeof(base), &ptrs, &user))) {
		errno = -err;
		return NULL;
	}
	if ((err = bc_btf_load(b))) {
		errno = -err;
		return NULL;
	}
	if (!strcmp(base, "void")) {
		t = bt_version >= BC_BT(22) ? bc_stype_void() : bc_stype_none();
	} else if (!strncmp(base, "struct ", 7) || !strncmp(base, "union ", 6)) {
		int64_t cid = composite_id(b, base);

		if (cid < 0) {
			/* a declared but undefined struct: by name, size unknown */
			id = find_id(b, strchr(base, ' ') + 1, BTF_KIND_FWD);
			if (id < 0) {
				errno = ENOENT;
				return NULL;
			}
			cid = id;
		}
		t = bc_btf_type_by_id(b, (uint32_t)cid, bt_version);
	} else if (!strncmp(base, "enum ", 5)) {
		id = find_id(b, base + 5, BTF_KIND_ENUM);
		if (id < 0)
			id = find_id(b, base + 5, BTF_KIND_ENUM64);
		if (id < 0) {
			errno = ENOENT;
			return NULL;
		}
		t = bc_btf_type_by_id(b, (uint32_t)id, bt_version);
	} else {
		const char *n = btf_int_name(base);

		id = find_id(b, n, BTF_KIND_INT);
		if (id < 0)
			id = find_id(b, n, BTF_KIND_TYPEDEF);
		if (id < 0) {
			errno = ENOENT;
			return NULL;
		}
		t = bc_btf_type_by_id(b, (uint32_t)id, bt_version);
	}
	for (unsigned i = 0; t && i < ptrs; i++)
		t = bc_stype_pointer(t, user ? BC_AS_USER : BC_AS_NONE);
	return t;
}

/* ---- functions ---- */

void bc_btf_func_free(struct bc_btf_func *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nr_params; i++) {
		free(f->params[i].name);
		bc_stype_put(f->params[i].type);
	}
	free(f->params);
	free(f->name);
	bc_stype_put(f->ret);
	memset(f, 0, sizeof(*f));
}

static int func_uncached(struct bc_btf *b, const char *name, int bt_version, struct bc_btf_func *out)
{
	const struct btf_type *fn, *proto;
	const struct btf_param *p;
	int32_t id;

	if (!b || !name || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	id = find_id(b, name, BTF_KIND_FUNC);
	if (id < 0)
		return id;
	fn = btf__type_by_id(b->btf, (uint32_t)id);
	proto = fn ? btf__type_by_id(b->btf, fn->type) : NULL;
	if (!proto || !btf_is_func_proto(proto))
		return -EINVAL;
	if (!(out->name = strdup(name)))
		goto nomem;
	if (btf_vlen(proto) && !(out->params = calloc(btf_vlen(proto), sizeof(*out->params))))
		goto nomem;
	p = btf_params(proto);
	for (uint16_t i = 0; i < btf_vlen(proto); i++, p++) {
		const char *pn = btf__name_by_offset(b->btf, p->name_off);
		struct bc_btf_param *dst = &out->params[out->nr_params];

		if (!p->type && i == btf_vlen(proto) - 1)
			break;	/* "..." of a variadic prototype */
		dst->name = strdup(pn ? pn : "");
		dst->type = bc_btf_type_by_id(b, p->type, bt_version);
		out->nr_params++;
		if (!dst->name || !dst->type)
			goto nomem;
	}
	out->ret = bc_btf_type_by_id(b, proto->type, bt_version);
	if (!out->ret)
		goto nomem;
	return 0;
nomem:
	bc_btf_func_free(out);
	return -ENOMEM;
}

/* The args struct of NAME's parameters from the SKIP-th on, 8 bytes each. */
static struct bc_stype *func_args(struct bc_btf *b, const char *name, size_t skip,
				  bool with_retval, int bt_version)
{
	struct bc_btf_func f;
	struct bc_layout *l;
	struct bc_stype *s;
	char *sname;
	size_t n;
	int err = bc_btf_func(b, name, bt_version, &f);

	if (err) {
		errno = -err;
		return NULL;
	}
	if (f.nr_params > BT_MAX_FUNC_PARAMS) {
		bc_btf_func_free(&f);
		errno = E2BIG;
		return NULL;
	}
	if (skip > f.nr_params)
		skip = f.nr_params;
	n = f.nr_params - skip;
	l = bc_layout_new((uint32_t)(n + with_retval) * 8, 8, false);
	for (size_t i = 0; l && i < n; i++) {
		if (!bc_layout_add(l, f.params[skip + i].name, bc_stype_get(f.params[skip + i].type),
				   (uint32_t)i * 8))
			goto fail;
	}
	if (l && with_retval &&
	    !bc_layout_add(l, "$retval", bc_stype_get(f.ret), (uint32_t)n * 8))
		goto fail;
	if (!l || !(sname = bc_strdup_printf("struct _args_%s", name)))
		goto fail;
	bc_btf_func_free(&f);
	s = bc_stype_cstruct(sname, l->size, false, l);
	free(sname);
	return s;
fail:
	bc_layout_put(l);
	bc_btf_func_free(&f);
	errno = ENOMEM;
	return NULL;
}

struct bc_stype *bc_btf_func_args(struct bc_btf *b, const char *name, bool with_retval,
				  int bt_version)
{
	return func_args(b, name, 0, with_retval, bt_version);
}

struct bc_stype *bc_btf_rawtp_args(struct bc_btf *b, const char *event, int bt_version)
{
	static const char *const prefixes[] = { "__probestub_", "__traceiter_" };
	struct bc_stype *s = NULL;

	for (size_t i = 0; !s && i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		char *fn = bc_strdup_printf("%s%s", prefixes[i], event);

		if (!fn)
			return NULL;
		s = func_args(b, fn, 1, false, bt_version);
		free(fn);
		if (!s && errno != ENOENT)
			return NULL;
	}
	return s;
}

/* ---- tracepoints ---- */

struct bc_stype *bc_btf_tracepoint_struct(struct bc_btf *b, const char *category,
					  const char *event, int bt_version)
{
	struct bc_stype *raw, *s = NULL;
	struct bc_layout *l;
	char *rname, *sname;

	if (!b || !category || !event) {
		errno = EINVAL;
		return NULL;
	}
	if (!strcmp(category, "syscalls")) {
		errno = ENOENT;	/* syscall tracepoints share trace_event_raw_sys_enter/exit */
		return NULL;
	}
	if (!(rname = bc_strdup_printf("struct trace_event_raw_%s", event)))
		return NULL;
	raw = bc_btf_struct(b, rname, bt_version);
	free(rname);
	if (!raw)
		return NULL;
	l = bc_layout_new(raw->size, raw->layout->align, false);
	for (size_t i = 0; l && i < raw->layout->nr_fields; i++) {
		const struct bc_field *f = &raw->layout->fields[i];
		struct bc_field *nf;

		if (i == 0 && !strcmp(f->name, "ent") && f->type->kind == BC_ST_CSTRUCT) {
			struct bc_stype *ent = bc_btf_struct(b, f->type->name, bt_version);

			for (size_t k = 0; ent && k < ent->layout->nr_fields; k++) {
				const struct bc_field *ef = &ent->layout->fields[k];
				char *cn = bc_strdup_printf("common_%s", ef->name);

				nf = cn ? bc_layout_add(l, cn, bc_stype_get(ef->type),
							f->offset + ef->offset) : NULL;
				free(cn);
				if (!nf)
					goto fail_ent;
				nf->is_common = true;
			}
			bc_stype_put(ent);
			continue;
fail_ent:
			bc_stype_put(ent);
			goto fail;
		}
		if (!strcmp(f->name, "__data") && f->type->size == 0)
			continue;
		if (!strncmp(f->name, "__data_loc_", 11)) {
			nf = bc_layout_add(l, f->name + 11,
					   bc_stype_with_as(bc_stype_int(8, true), BC_AS_KERNEL),
					   f->offset);
			if (!nf)
				goto fail;
			nf->is_data_loc = true;
			continue;
		}
		nf = bc_layout_add(l, f->name, bc_stype_get(f->type), f->offset);
		if (!nf)
			goto fail;
		nf->bit_offset = f->bit_offset;
		nf->bit_width = f->bit_width;
	}
	if (!l || !(sname = bc_strdup_printf("struct _tracepoint_%s_%s", category, event)))
		goto fail;
	s = bc_stype_cstruct(sname, raw->size, false, l);
	free(sname);
	bc_stype_put(raw);
	return s;
fail:
	bc_layout_put(l);
	bc_stype_put(raw);
	errno = ENOMEM;
	return NULL;
}

/* ---- enum constants ---- */

static int cmp_enum(const void *a, const void *b)
{
	return strcmp(((const struct enum_val *)a)->name, ((const struct enum_val *)b)->name);
}

/* Every enum constant of the BTF, sorted by name (built on first use: one
 * pass over the BTF instead of one per identifier). */
static int build_enum_index(struct bc_btf *b)
{
	size_t n = 0, cap = 0;
	uint32_t nt;
	int err;

	if (b->enums_built)
		return 0;
	if ((err = bc_btf_load(b)))
		return err;
	nt = btf__type_cnt(b->btf);
	for (uint32_t id = 1; id < nt; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);
		bool e64 = btf_is_enum64(t);

		if (!btf_is_enum(t) && !e64)
			continue;
		for (uint16_t i = 0; i < btf_vlen(t); i++) {
			if (BC_GROW(b->enums, cap, n + 1))
				return -ENOMEM;
			if (e64) {
				const struct btf_enum64 *e = &btf_enum64(t)[i];

				b->enums[n].name = btf__name_by_offset(b->btf, e->name_off);
				b->enums[n].value = (int64_t)btf_enum64_value(e);
			} else {
				const struct btf_enum *e = &btf_enum(t)[i];

				b->enums[n].name = btf__name_by_offset(b->btf, e->name_off);
				b->enums[n].value = e->val;
			}
			if (!b->enums[n].name)
				b->enums[n].name = "";
			n++;
		}
	}
	if (n)
		qsort(b->enums, n, sizeof(*b->enums), cmp_enum);
	b->nr_enums = n;
	b->enums_built = true;
	return 0;
}

/* ---- the persistent cache ---- */

int bc_btf_set_cache(struct bc_btf *b, const char *dir)
{
	if (!b)
		return -EINVAL;
	bc_btf_cache_close(b->cache);
	if (!dir || !*dir)
		b->cache = NULL;
	else if (b->identity)
		b->cache = bc_btf_cache_open_identity(dir, b->identity);
	else
		b->cache = bc_btf_cache_open(dir, bc_btf_path(b));
	return 0;
}

bool bc_btf_is_loaded(const struct bc_btf *b)
{
	return b && b->loaded;
}

static char *memo_key(char kind, int version, const char *name)
{
	return bc_strdup_printf("%c|%d|%s", kind, version, name);
}

/* Answers worth keeping: the BTF's own, not the machine's state. */
static bool lasting_error(int err)
{
	return err == ENOENT || err == EINVAL || err == ELOOP || err == E2BIG;
}

/* A type answer recorded under KEY: 1 (*OUT set, or NULL with *ERR), or 0. */
static int memo_type_get(struct bc_btf *b, const char *key, struct bc_stype **out, int *err)
{
	struct bc_stype *t;
	json_t *j, *e;

	for (size_t i = 0; i < b->nr_hits; i++)
		if (!strcmp(b->hits[i].key, key)) {
			*out = bc_stype_get(b->hits[i].type);
			return 1;
		}
	j = bc_btf_cache_get(b->cache, key);
	if (!j)
		return 0;
	e = json_object_get(j, "e");
	if (json_is_integer(e) && lasting_error((int)json_integer_value(e))) {
		*out = NULL;
		*err = (int)json_integer_value(e);
		return 1;
	}
	t = bc_stype_from_json(json_object_get(j, "t"));
	if (!t)
		return 0;	/* a damaged record: ask the BTF */
	if (!BC_GROW(b->hits, b->cap_hits, b->nr_hits + 1)) {
		b->hits[b->nr_hits].key = strdup(key);
		if (b->hits[b->nr_hits].key)
			b->hits[b->nr_hits++].type = bc_stype_get(t);
	}
	*out = t;
	return 1;
}

static void memo_type_put(struct bc_btf *b, const char *key, const struct bc_stype *t, int err)
{
	json_t *j;

	if (t) {
		j = bc_stype_to_json(t);
		if (j)
			bc_btf_cache_put(b->cache, key, json_pack("{s:o}", "t", j));
	} else if (lasting_error(err)) {
		bc_btf_cache_put(b->cache, key, json_pack("{s:i}", "e", err));
	}
}

/* The answer to a type query: recorded, else computed by FN and recorded. */
static struct bc_stype *type_query(struct bc_btf *b, char kind, const char *name, int v,
				   struct bc_stype *(*fn)(struct bc_btf *, const char *, int))
{
	struct bc_stype *t;
	char *key;
	int err = 0;

	if (!b || !name) {
		errno = EINVAL;
		return NULL;
	}
	if (!b->cache)
		return fn(b, name, v);
	key = memo_key(kind, v, name);
	if (key && memo_type_get(b, key, &t, &err)) {
		free(key);
		if (!t)
			errno = err;
		return t;
	}
	errno = 0;
	t = fn(b, name, v);
	err = errno;
	/* a load failure is the machine's state, not an answer about the BTF */
	if (key && b->loaded)
		memo_type_put(b, key, t, err);
	free(key);
	errno = err;
	return t;
}

struct bc_stype *bc_btf_struct(struct bc_btf *b, const char *name, int bt_version)
{
	return type_query(b, 'S', name, bt_version, struct_uncached);
}

struct bc_stype *bc_btf_type_by_name(struct bc_btf *b, const char *c_type, int bt_version)
{
	return type_query(b, 'T', c_type, bt_version, type_by_name_uncached);
}

int bc_btf_func(struct bc_btf *b, const char *name, int bt_version, struct bc_btf_func *out)
{
	json_t *j, *e;
	char *key;
	int err;

	if (!b || !name || !out)
		return -EINVAL;
	if (!b->cache)
		return func_uncached(b, name, bt_version, out);
	key = memo_key('F', bt_version, name);
	j = key ? bc_btf_cache_get(b->cache, key) : NULL;
	e = json_object_get(j, "e");
	if (json_is_integer(e) && lasting_error((int)json_integer_value(e))) {
		free(key);
		memset(out, 0, sizeof(*out));
		return -(int)json_integer_value(e);
	}
	if (j && !bc_stype_func_from_json(json_object_get(j, "f"), out)) {
		free(key);
		return 0;
	}
	err = func_uncached(b, name, bt_version, out);
	if (key && b->loaded) {
		if (!err)
			j = bc_stype_func_to_json(out->name, out->params, out->nr_params, out->ret);
		if (!err && j)
			bc_btf_cache_put(b->cache, key, json_pack("{s:o}", "f", j));
		else if (err && lasting_error(-err))
			bc_btf_cache_put(b->cache, key, json_pack("{s:i}", "e", -err));
	}
	free(key);
	return err;
}

/* A yes/no/number answer recorded under KEY: 1 (*VALUE set), 0 none. */
static int memo_int_get(struct bc_btf *b, const char *key, json_int_t *value)
{
	json_t *j = bc_btf_cache_get(b->cache, key), *x = json_object_get(j, "v");

	if (!json_is_integer(x) && !json_is_null(x))
		return 0;
	*value = json_is_integer(x) ? json_integer_value(x) : 0;
	return json_is_integer(x) ? 1 : 2;	/* 2: recorded as absent */
}

int bc_btf_find_func(struct bc_btf *b, const char *name)
{
	json_int_t v;
	char *key;
	int r;

	if (!b || !name)
		return -EINVAL;
	key = b->cache ? memo_key('H', 0, name) : NULL;
	if (key && memo_int_get(b, key, &v) == 1) {
		free(key);
		return v != 0;
	}
	r = find_id(b, name, BTF_KIND_FUNC);
	r = r > 0 ? 1 : r == -ENOENT ? 0 : r;
	if (key && r >= 0)
		bc_btf_cache_put(b->cache, key, json_pack("{s:i}", "v", r));
	free(key);
	return r;
}

bool bc_btf_has_func(struct bc_btf *b, const char *name)
{
	return bc_btf_find_func(b, name) > 0;
}

int bc_btf_enum_value(struct bc_btf *b, const char *name, int64_t *value)
{
	struct enum_val k = { .name = name }, *hit;
	json_int_t v;
	char *key;
	int r;

	if (!b || !name || !value)
		return -EINVAL;
	key = b->cache ? memo_key('E', 0, name) : NULL;
	if (key && (r = memo_int_get(b, key, &v))) {
		free(key);
		*value = v;
		return r == 1;
	}
	r = build_enum_index(b);
	if (!r) {
		/* a BTF without enums has no index at all (bsearch wants one) */
		hit = b->nr_enums ? bsearch(&k, b->enums, b->nr_enums, sizeof(*b->enums),
					    cmp_enum) : NULL;
		r = hit != NULL;
		if (hit)
			*value = hit->value;
		if (key)
			bc_btf_cache_put(b->cache, key, hit ? json_pack("{s:I}", "v", (json_int_t)hit->value) :
							       json_pack("{s:n}", "v"));
	}
	free(key);
	return r;
}
