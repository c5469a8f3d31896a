// SPDX-License-Identifier: Apache-2.0
/*
 * Decoding bpftrace v0.17's AOT blobs (aot_blob.h) into a manifest and the
 * bytecode sections.
 *
 * cereal's binary archive, as it encodes the types these archives use
 * (cereal/archives/binary.hpp and the cereal/types headers):
 *   arithmetic types and enums (as their underlying type, int for bpftrace's
 *   enum classes): their bytes, host endian; bool is one byte;
 *   size tags (string lengths, container sizes): uint64;
 *   std::string: size tag, then the bytes;
 *   std::vector<T>: size tag, then the elements (for arithmetic T one block);
 *   std::map / std::unordered_map / std::unordered_set: size tag, then each
 *   key followed by its value (sets: the elements);
 *   std::tuple: its elements in order;
 *   std::shared_ptr<T> and std::weak_ptr<T> (saved by lock()): uint32 id;
 *   0 is a null pointer; an id with the top bit set introduces a new object
 *   (its data follows, and the id without the top bit names it from then
 *   on); an id without the top bit refers to an object already read.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aot_blob.h"
#include "../base/arena.h"
#include "../base/array.h"
#include "../base/sbuf.h"
#include "../base/str.h"

#define CR_MSB 0x80000000u
/* Nesting of element types and structs a blob may have: bpftrace's types
 * nest a few levels; anything deeper is corruption (or an attack on the stack). */
#define CR_MAX_DEPTH 64
/* Longest tuple name spelled out from its elements. */
#define CR_MAX_NAME 1024

/* bpftrace v0.17 src/types.h enum class Type, in order. */
enum bt_type {
	T_NONE, T_INTEGER, T_POINTER, T_RECORD, T_HIST, T_LHIST, T_COUNT, T_SUM, T_MIN, T_MAX,
	T_AVG, T_STATS, T_KSTACK, T_USTACK, T_STRING, T_KSYM, T_USYM, T_PROBE, T_USERNAME,
	T_INET, T_STACK_MODE, T_ARRAY, T_BUFFER, T_TUPLE, T_TIMESTAMP, T_MAC_ADDRESS,
	T_CGROUP_PATH, T_STRERROR, T__COUNT
};

static const char *const bt_type_names[T__COUNT] = {
	[T_NONE] = "none", [T_HIST] = "hist", [T_LHIST] = "lhist", [T_COUNT] = "count",
	[T_SUM] = "sum", [T_MIN] = "min", [T_MAX] = "max", [T_AVG] = "avg", [T_STATS] = "stats",
	[T_KSTACK] = "kstack", [T_USTACK] = "ustack", [T_KSYM] = "ksym", [T_USYM] = "usym",
	[T_PROBE] = "probe", [T_USERNAME] = "username", [T_STACK_MODE] = "stack_mode",
	[T_TIMESTAMP] = "timestamp", [T_MAC_ADDRESS] = "mac_address",
	[T_CGROUP_PATH] = "cgroup_path", [T_STRERROR] = "strerror",
};

struct cr_struct;

struct cr_stype {
	int32_t type;
	uint64_t size;
	bool is_signed;
	struct cr_stype *elem;
	uint64_t num_elements;
	char *name;
	struct cr_struct *inner;	/* records and tuples; NULL when not saved */
};

struct cr_field {
	char *name;
	struct cr_stype *type;
	int64_t offset;
	bool is_bitfield;
	uint64_t mask;
};

struct cr_struct {
	int32_t size, align;
	struct cr_field *fields;
	size_t nr_fields;
	const char *mname;		/* its name in the manifest, once given */
	bool naming;			/* being named (a cycle) */
};

/* An object a pointer id names. */
struct cr_obj {
	bool is_struct;
	void *p;
};

struct cr {
	const unsigned char *p;		/* the whole blob */
	size_t end;			/* end of the archive being read */
	size_t off;			/* absolute offset */
	struct bc_arena *arena;
	struct bc_aot_error *err;
	struct cr_obj *objs;		/* by id */
	size_t nr_objs, cap_objs;
	unsigned depth;
	int status;
};

static int cr_fail(struct cr *c, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int cr_fail(struct cr *c, int err, const char *fmt, ...)
{
	va_list ap;

	if (c->status)
		return c->status;
	va_start(ap, fmt);
	vsnprintf(c->err->message, sizeof(c->err->message), fmt, ap);
	va_end(ap);
	c->err->offset = c->off;
	c->status = err;
	return err;
}

static int cr_bytes(struct cr *c, void *dst, size_t n, const char *what)
{
	if (c->status)
		return c->status;
	if (n > c->end - c->off)
		return cr_fail(c, -EINVAL, "truncated: %s needs %zu bytes, %zu left in the archive",
			       what, n, c->end - c->off);
	if (dst)
		memcpy(dst, c->p + c->off, n);
	c->off += n;
	return 0;
}

#define CR_GET(c, v, what) cr_bytes((c), &(v), sizeof(v), (what))

static int cr_bool(struct cr *c, bool *v, const char *what)
{
	uint8_t b = 0;
	int err = CR_GET(c, b, what);

	if (!err && b > 1)
		return cr_fail(c, -EINVAL, "corrupt: %s is %u, not a bool", what, b);
	*v = b;
	return err;
}

/* A size tag for elements of at least MIN_BYTES bytes each: never more than
 * the bytes left could hold. */
static int cr_count(struct cr *c, uint64_t *n, size_t min_bytes, const char *what)
{
	size_t at = c->off;
	int err;

	*n = 0;
	err = CR_GET(c, *n, what);

	if (err)
		return err;
	if (min_bytes && *n > (c->end - c->off) / min_bytes) {
		c->off = at;
		return cr_fail(c, -EINVAL, "corrupt: %s says %" PRIu64 " elements, more than the %zu bytes left can hold",
			       what, *n, c->end - at - 8);
	}
	return 0;
}

static int cr_string(struct cr *c, char **out, const char *what)
{
	uint64_t n = 0;
	int err = cr_count(c, &n, 1, what);

	if (err)
		return err;
	if (out) {
		/* names and formats go into the manifest, which is JSON: UTF-8 */
		json_t *valid = json_stringn((const char *)c->p + c->off, n);

		if (!valid)
			return cr_fail(c, -EINVAL, "corrupt: %s is not UTF-8 text", what);
		json_decref(valid);
		*out = bc_arena_strndup(c->arena, (const char *)c->p + c->off, n);
		if (!*out)
			return cr_fail(c, -ENOMEM, "out of memory");
	}
	c->off += n;
	return 0;
}

static int cr_register(struct cr *c, uint32_t id, bool is_struct, void *p)
{
	if (id != c->nr_objs + 1)
		return cr_fail(c, -EINVAL, "corrupt: pointer id %" PRIu32 " out of sequence (expected %zu)",
			       id, c->nr_objs + 1);
	if (BC_GROW(c->objs, c->cap_objs, c->nr_objs + 1))
		return cr_fail(c, -ENOMEM, "out of memory");
	c->objs[c->nr_objs++] = (struct cr_obj){ .is_struct = is_struct, .p = p };
	return 0;
}

static int cr_lookup(struct cr *c, uint32_t id, bool is_struct, void **p)
{
	if (!id) {
		*p = NULL;
		return 0;
	}
	if (id > c->nr_objs)
		return cr_fail(c, -EINVAL, "corrupt: pointer id %" PRIu32 " names no object read before", id);
	if (c->objs[id - 1].is_struct != is_struct)
		return cr_fail(c, -EINVAL, "corrupt: pointer id %" PRIu32 " names a %s, not a %s", id,
			       is_struct ? "SizedType" : "Struct", is_struct ? "Struct" : "SizedType");
	*p = c->objs[id - 1].p;
	return 0;
}

static int read_stype(struct cr *c, struct cr_stype *t);
static int read_struct(struct cr *c, struct cr_struct *s);

/* shared_ptr<SizedType> / weak_ptr<Struct> */
static int read_ptr(struct cr *c, bool is_struct, void **out, const char *what)
{
	uint32_t id = 0;
	size_t at = c->off;
	int err = CR_GET(c, id, what);
	void *p;

	if (err)
		return err;
	if (!(id & CR_MSB)) {
		err = cr_lookup(c, id, is_struct, out);
		if (err)
			c->err->offset = at;
		return err;
	}
	if (++c->depth > CR_MAX_DEPTH)
		return cr_fail(c, -EINVAL, "corrupt: types nested more than %d deep", CR_MAX_DEPTH);
	p = bc_arena_alloc(c->arena, is_struct ? sizeof(struct cr_struct) : sizeof(struct cr_stype));
	if (!p)
		return cr_fail(c, -ENOMEM, "out of memory");
	err = cr_register(c, id & ~CR_MSB, is_struct, p);
	if (!err)
		err = is_struct ? read_struct(c, p) : read_stype(c, p);
	c->depth--;
	*out = p;
	return err;
}

/* src/types.h SizedType::serialize */
static int read_stype(struct cr *c, struct cr_stype *t)
{
	bool b;
	int32_t i32;
	uint64_t u64;
	int64_t i64;
	size_t at = c->off;
	void *p = NULL;
	int err;

	err = CR_GET(c, t->type, "SizedType.type");
	if (!err && (t->type < 0 || t->type >= T__COUNT)) {
		c->off = at;
		return cr_fail(c, -EINVAL, "corrupt: SizedType.type %" PRId32 " is not a bpftrace 0.17 type",
			       t->type);
	}
	err = err ?: CR_GET(c, u64, "SizedType.stack_type.limit");
	err = err ?: CR_GET(c, i32, "SizedType.stack_type.mode");
	err = err ?: cr_bool(c, &b, "SizedType.is_internal");
	err = err ?: cr_bool(c, &b, "SizedType.is_tparg");
	err = err ?: cr_bool(c, &b, "SizedType.is_funcarg");
	err = err ?: CR_GET(c, i32, "SizedType.funcarg_idx");
	at = c->off;
	err = err ?: CR_GET(c, t->size, "SizedType.size_");
	if (!err && t->size > UINT32_MAX) {	/* bpftrace's sizes are a few KiB at most */
		c->off = at;
		return cr_fail(c, -EINVAL, "corrupt: SizedType.size_ %" PRIu64 " is not a size", t->size);
	}
	err = err ?: cr_bool(c, &t->is_signed, "SizedType.is_signed_");
	err = err ?: read_ptr(c, false, &p, "SizedType.element_type_");
	t->elem = p;
	at = c->off;
	err = err ?: CR_GET(c, t->num_elements, "SizedType.num_elements_");
	if (!err && t->type == T_ARRAY && t->num_elements > UINT32_MAX) {
		c->off = at;
		return cr_fail(c, -EINVAL, "corrupt: SizedType.num_elements_ %" PRIu64 " is not a count",
			       t->num_elements);
	}
	err = err ?: cr_string(c, &t->name, "SizedType.name_");
	err = err ?: cr_bool(c, &b, "SizedType.ctx_");
	err = err ?: CR_GET(c, i32, "SizedType.as_");
	err = err ?: CR_GET(c, i64, "SizedType.size_bits_");
	p = NULL;
	err = err ?: read_ptr(c, true, &p, "SizedType.inner_struct_");
	t->inner = p;
	return err;
}

/* src/struct.h Field::serialize */
static int read_field(struct cr *c, struct cr_field *f)
{
	uint64_t u64;
	bool b;
	int err;

	f->type = bc_arena_alloc(c->arena, sizeof(*f->type));
	if (!f->type)
		return cr_fail(c, -ENOMEM, "out of memory");
	err = cr_string(c, &f->name, "Field.name");
	err = err ?: read_stype(c, f->type);
	err = err ?: CR_GET(c, f->offset, "Field.offset");
	err = err ?: cr_bool(c, &f->is_bitfield, "Field.is_bitfield");
	err = err ?: CR_GET(c, u64, "Field.bitfield.read_bytes");
	err = err ?: CR_GET(c, u64, "Field.bitfield.access_rshift");
	err = err ?: CR_GET(c, f->mask, "Field.bitfield.mask");
	/* bpftrace sets the mask of every bitfield from its width (1 to 64) */
	if (!err && f->is_bitfield && !f->mask)
		err = cr_fail(c, -EINVAL, "Field.bitfield.mask: a bitfield of no bits");
	err = err ?: cr_bool(c, &b, "Field.is_data_loc");
	return err;
}

/* The smallest encoding of a Field / SizedType, to bound counts. */
#define CR_MIN_STYPE 64
#define CR_MIN_FIELD (8 + CR_MIN_STYPE + 8 + 1 + 24 + 1)

static int read_fields(struct cr *c, struct cr_field **out, size_t *n, const char *what)
{
	uint64_t count;
	int err = cr_count(c, &count, CR_MIN_FIELD, what);

	if (err)
		return err;
	*n = count;
	*out = count ? bc_arena_alloc(c->arena, count * sizeof(**out)) : NULL;
	if (count && !*out)
		return cr_fail(c, -ENOMEM, "out of memory");
	for (size_t i = 0; i < count && !err; i++)
		err = read_field(c, &(*out)[i]);
	return err;
}

/* src/struct.h Struct::serialize */
static int read_struct(struct cr *c, struct cr_struct *s)
{
	bool padded;
	int err = CR_GET(c, s->size, "Struct.size");

	err = err ?: CR_GET(c, s->align, "Struct.align");
	err = err ?: cr_bool(c, &padded, "Struct.padded");
	err = err ?: read_fields(c, &s->fields, &s->nr_fields, "Struct.fields");
	return err;
}

/* ---- the manifest ---- */

struct conv {
	struct cr *c;
	struct bc_manifest *m;
	unsigned depth;
	size_t nr_anon;
};

static struct bc_mtexpr *texpr_of(struct conv *v, const struct cr_stype *t);

/* "(int64,string[4])" for a tuple, from its element types. */
static const char *tuple_name(struct conv *v, struct cr_struct *s)
{
	struct bc_sbuf b = { 0 };
	char *text;

	bc_sbuf_putc(&b, '(');
	for (size_t i = 0; i < s->nr_fields; i++) {
		struct bc_mtexpr *e = texpr_of(v, s->fields[i].type);
		char *n = e ? bc_mtexpr_str(e) : NULL;
		const char *shown = n;

		if (!n) {
			bc_mtexpr_free(e);
			free(b.s);
			return NULL;
		}
		if (!strncmp(n, BC_MANIFEST_REF_PREFIX, strlen(BC_MANIFEST_REF_PREFIX)))
			shown += strlen(BC_MANIFEST_REF_PREFIX);
		bc_sbuf_printf(&b, "%s%s", i ? "," : "", shown);
		free(n);
		bc_mtexpr_free(e);
	}
	bc_sbuf_putc(&b, ')');
	text = bc_sbuf_finish(&b);
	if (!text)
		return NULL;
	if (strlen(text) > CR_MAX_NAME) {	/* tuples of tuples of ...: name by position */
		free(text);
		text = bc_strdup_printf("tuple#%zu", v->nr_anon++);
		if (!text)
			return NULL;
	}
	s->mname = bc_arena_strndup(v->c->arena, text, strlen(text));
	free(text);
	return s->mname;
}

/* Defines struct S (weak: held by a weak_ptr) under its name, once. */
static const char *define_struct(struct conv *v, struct cr_struct *s, const char *name,
				 enum bc_mkind kind)
{
	struct bc_mtype *mt;
	ssize_t at;

	if (s->mname)
		return s->mname;
	if (s->naming) {	/* a struct containing itself by value: name it by position */
		char buf[32];

		snprintf(buf, sizeof(buf), "anonymous#%zu", v->nr_anon++);
		s->mname = bc_arena_strndup(v->c->arena, buf, strlen(buf));
		return s->mname;
	}
	s->naming = true;
	if (!name)
		name = tuple_name(v, s);
	else
		s->mname = bc_arena_strndup(v->c->arena, name, strlen(name));
	if (!name || !s->mname)
		return NULL;
	at = bc_manifest_find(v->m, s->mname);
	if (at >= 0)
		return s->mname;	/* the same name defined by another weak_ptr */
	mt = bc_manifest_add_type(v->m, s->mname, kind, s->size < 0 ? 0 : s->size,
				  s->align < 1 ? 1 : s->align);
	if (!mt)
		return NULL;
	mt->weak = true;
	for (size_t i = 0; i < s->nr_fields; i++) {
		const struct cr_field *f = &s->fields[i];
		struct bc_mtexpr *e = texpr_of(v, f->type);
		char idx[24];
		const char *fname = f->name;

		/* bc_manifest_add_type may have moved the array */
		mt = &v->m->types[bc_manifest_find(v->m, s->mname)];
		if (kind == BC_MK_TUPLE || !fname || !*fname) {
			snprintf(idx, sizeof(idx), "%zu", i);
			fname = idx;
		}
		if (bc_mtype_add_field(mt, fname, f->offset < 0 ? 0 : f->offset, f->type->size,
				       f->is_bitfield ? __builtin_popcountll(f->mask) : -1, e))
			return NULL;
	}
	return s->mname;
}

static struct bc_mtexpr *texpr_of(struct conv *v, const struct cr_stype *t)
{
	struct bc_mtexpr *e = NULL;
	const char *n;

	if (++v->depth > CR_MAX_DEPTH) {
		v->depth--;
		errno = ELOOP;
		return NULL;
	}
	switch (t->type) {
	case T_INTEGER:
		e = bc_mtexpr_primf("%sint%" PRIu64, t->is_signed ? "" : "u", t->size * 8);
		break;
	case T_STRING:
		e = bc_mtexpr_primf("string[%" PRIu64 "]", t->size);
		break;
	case T_BUFFER:
		e = bc_mtexpr_primf("buffer[%" PRIu64 "]", t->size);
		break;
	case T_INET:
		e = bc_mtexpr_primf("inet[%" PRIu64 "]", t->size);
		break;
	case T_POINTER:
		if (!t->elem)
			e = bc_mtexpr_pointer(bc_mtexpr_prim("void"));
		else if (t->elem->type == T_RECORD)	/* printed as an address: by name */
			e = bc_mtexpr_pointer(bc_mtexpr_prim(*t->elem->name ? t->elem->name : "struct"));
		else
			e = bc_mtexpr_pointer(texpr_of(v, t->elem));
		break;
	case T_ARRAY:
		e = t->elem ? bc_mtexpr_array(texpr_of(v, t->elem), t->num_elements)
			    : bc_mtexpr_array(bc_mtexpr_prim("none"), t->num_elements);
		break;
	case T_RECORD:
	case T_TUPLE:
		if (!t->inner) {	/* the weak_ptr had expired when it was saved */
			e = t->type == T_RECORD && *t->name ? bc_mtexpr_ref(t->name)
							  : bc_mtexpr_ref("tuple");
			break;
		}
		n = define_struct(v, t->inner, t->type == T_RECORD && *t->name ? t->name : NULL,
				  t->type == T_RECORD ? (strncmp(t->name, "union ", 6) ? BC_MK_STRUCT
										 : BC_MK_UNION)
						      : BC_MK_TUPLE);
		e = n ? bc_mtexpr_ref(n) : NULL;
		break;
	default:
		e = bc_mtexpr_prim(bt_type_names[t->type]);
		break;
	}
	v->depth--;
	return e;
}

/* One root per Field of an argument list, owned by value in the archive:
 * a record type "USE#I" with the fields at their offsets. */
static int add_args_root(struct conv *v, const char *use, size_t i, const char *fmt,
			 const struct cr_field *fields, size_t n)
{
	char name[48];
	uint64_t size = 0;
	struct bc_mtype *mt;

	snprintf(name, sizeof(name), "%s#%zu", use, i);
	for (size_t k = 0; k < n; k++)
		if (fields[k].offset >= 0 && fields[k].offset + fields[k].type->size > size)
			size = fields[k].offset + fields[k].type->size;
	mt = bc_manifest_add_type(v->m, name, BC_MK_RECORD, size, 1);
	if (!mt)
		return errno == EEXIST ? -EINVAL : -ENOMEM;
	for (size_t k = 0; k < n; k++) {
		struct bc_mtexpr *e = texpr_of(v, fields[k].type);
		char idx[24];

		mt = &v->m->types[bc_manifest_find(v->m, name)];
		snprintf(idx, sizeof(idx), "%zu", k);
		if (!e || bc_mtype_add_field(mt, *fields[k].name ? fields[k].name : idx,
					     fields[k].offset < 0 ? 0 : fields[k].offset,
					     fields[k].type->size, -1, e))
			return errno == ELOOP ? -ELOOP : -ENOMEM;
	}
	return bc_manifest_add_root(v->m, use, fmt, bc_mtexpr_ref(name));
}

/* ---- RequiredResources (src/required_resources.h serialize) ---- */

static int read_fmt_args(struct cr *c, struct conv *v, const char *use, const char *what)
{
	uint64_t n;
	int err = cr_count(c, &n, 16, what);

	for (uint64_t i = 0; i < n && !err; i++) {
		struct cr_field *fields;
		size_t nr;
		char *fmt;

		err = cr_string(c, &fmt, "FormatString.fmt_");
		err = err ?: read_fields(c, &fields, &nr, "format arguments");
		if (!err && (err = add_args_root(v, use, i, fmt, fields, nr)))
			err = cr_fail(c, err, err == -ELOOP ? "corrupt: a type contains itself"
							      : "out of memory");
	}
	return err;
}

static int read_strings(struct cr *c, const char *what)
{
	uint64_t n;
	int err = cr_count(c, &n, 8, what);

	for (uint64_t i = 0; i < n && !err; i++)
		err = cr_string(c, NULL, what);
	return err;
}

static int add_root(struct cr *c, struct conv *v, const char *use, const char *name,
		    const struct cr_stype *t)
{
	struct bc_mtexpr *e = texpr_of(v, t);
	int err;

	if (!e)
		return cr_fail(c, errno == ELOOP ? -EINVAL : -ENOMEM,
			       errno == ELOOP ? "corrupt: a type contains itself" : "out of memory");
	err = bc_manifest_add_root(v->m, use, name, e);
	return err ? cr_fail(c, err, "out of memory") : 0;
}

static int read_stypes(struct cr *c, struct cr_stype ***out, size_t *nr, const char *what)
{
	uint64_t n;
	int err = cr_count(c, &n, CR_MIN_STYPE, what);

	*nr = 0;
	*out = NULL;
	if (err)
		return err;
	*nr = n;
	*out = n ? bc_arena_alloc(c->arena, n * sizeof(**out)) : NULL;
	if (n && !*out)
		return cr_fail(c, -ENOMEM, "out of memory");
	for (uint64_t i = 0; i < n && !err; i++) {
		(*out)[i] = bc_arena_alloc(c->arena, sizeof(struct cr_stype));
		if (!(*out)[i])
			return cr_fail(c, -ENOMEM, "out of memory");
		err = read_stype(c, (*out)[i]);
	}
	return err;
}

/* src/types.h Probe::serialize */
static int read_probes(struct cr *c, size_t *count, const char *what)
{
	static const char *const strs[] = { "Probe.path", "Probe.attach_point", "Probe.orig_name",
					     "Probe.name", "Probe.pin", "Probe.ns" };
	uint64_t n, u64;
	int32_t i32;
	bool b;
	int err = cr_count(c, &n, 4 + 6 * 8, what);

	for (uint64_t i = 0; i < n && !err; i++) {
		err = CR_GET(c, i32, "Probe.type");
		for (size_t k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
			err = err ?: cr_string(c, NULL, strs[k]);
		err = err ?: CR_GET(c, u64, "Probe.loc");
		err = err ?: CR_GET(c, i32, "Probe.usdt_location_idx");
		err = err ?: CR_GET(c, u64, "Probe.log_size");
		err = err ?: CR_GET(c, i32, "Probe.index");
		err = err ?: CR_GET(c, i32, "Probe.freq");
		err = err ?: CR_GET(c, i32, "Probe.pid");
		err = err ?: CR_GET(c, u64, "Probe.len");
		err = err ?: cr_string(c, NULL, "Probe.mode");
		err = err ?: cr_bool(c, &b, "Probe.async");
		err = err ?: CR_GET(c, u64, "Probe.address");
		err = err ?: CR_GET(c, u64, "Probe.func_offset");
		err = err ?: read_strings(c, "Probe.funcs");
	}
	*count += n;
	return err;
}

static int read_resources(struct cr *c, struct bc_aot_blob *b)
{
	struct conv v = { .c = c, .m = b->manifest };
	uint64_t n, u64;
	int32_t i32;
	bool flag;
	int err;

	err = read_fmt_args(c, &v, "system", "system_args");
	err = err ?: read_fmt_args(c, &v, "seq_printf", "mapped_printf_args");
	err = err ?: cr_count(c, &n, 8, "mapped_printf_ids");
	for (uint64_t i = 0; i < n && !err; i++) {
		err = CR_GET(c, i32, "mapped_printf_ids[].0");
		err = err ?: CR_GET(c, i32, "mapped_printf_ids[].1");
	}
	err = err ?: read_strings(c, "join_args");
	err = err ?: read_strings(c, "time_args");
	err = err ?: read_strings(c, "strftime_args");
	err = err ?: read_fmt_args(c, &v, "cat", "cat_args");
	if (!err) {
		struct cr_stype **ts;
		size_t nr;

		err = read_stypes(c, &ts, &nr, "non_map_print_args");
		for (size_t i = 0; i < nr && !err; i++) {
			char name[32];

			snprintf(name, sizeof(name), "print#%zu", i);
			err = add_root(c, &v, "print", name, ts[i]);
		}
	}
	err = err ?: read_fmt_args(c, &v, "printf", "printf_args");
	err = err ?: read_strings(c, "probe_ids");
	err = err ?: cr_count(c, &n, 8 + CR_MIN_STYPE, "map_vals");
	for (uint64_t i = 0; i < n && !err; i++) {
		struct cr_stype *t = bc_arena_alloc(c->arena, sizeof(*t));
		char *name;

		if (!t)
			return cr_fail(c, -ENOMEM, "out of memory");
		err = cr_string(c, &name, "map_vals key");
		err = err ?: read_stype(c, t);
		err = err ?: add_root(c, &v, "map-value", name, t);
	}
	err = err ?: cr_count(c, &n, 8 + 24, "lhist_args");
	for (uint64_t i = 0; i < n && !err; i++) {
		err = cr_string(c, NULL, "lhist_args key");
		err = err ?: cr_bytes(c, NULL, 24, "LinearHistogramArgs");
	}
	err = err ?: cr_count(c, &n, 16, "map_keys");
	for (uint64_t i = 0; i < n && !err; i++) {
		struct cr_stype **ts;
		size_t nr;
		char *name;

		err = cr_string(c, &name, "map_keys key");
		err = err ?: read_stypes(c, &ts, &nr, "MapKey.args_");
		for (size_t k = 0; k < nr && !err; k++)
			err = add_root(c, &v, "map-key", name, ts[k]);
	}
	err = err ?: cr_count(c, &n, 12, "stackid_maps");
	for (uint64_t i = 0; i < n && !err; i++) {
		err = CR_GET(c, u64, "StackType.limit");
		err = err ?: CR_GET(c, i32, "StackType.mode");
	}
	err = err ?: cr_bool(c, &flag, "needs_join_map");
	err = err ?: cr_bool(c, &flag, "needs_elapsed_map");
	err = err ?: cr_bool(c, &flag, "needs_data_map");
	err = err ?: read_probes(c, &b->nr_probes, "probes");
	err = err ?: read_probes(c, &b->nr_probes, "special_probes");
	if (!err && c->off != c->end)
		err = cr_fail(c, -EINVAL, "corrupt: %zu bytes after the RequiredResources archive",
			      c->end - c->off);
	return err;
}

/* BpfBytecode: std::unordered_map<std::string, std::vector<uint8_t>> */
static int read_bytecode(struct cr *c, struct bc_aot_blob *b)
{
	uint64_t n;
	int err = cr_count(c, &n, 16, "bytecode sections");

	if (err)
		return err;
	b->sections = n ? calloc(n, sizeof(*b->sections)) : NULL;
	if (n && !b->sections)
		return cr_fail(c, -ENOMEM, "out of memory");
	for (uint64_t i = 0; i < n && !err; i++) {
		struct bc_aot_section *s = &b->sections[i];
		char *name;
		uint64_t size;

		err = cr_string(c, &name, "section name");
		err = err ?: cr_count(c, &size, 1, "section bytes");
		if (err)
			break;
		s->name = strdup(name);
		if (!s->name)
			return cr_fail(c, -ENOMEM, "out of memory");
		s->data = c->p + c->off;
		s->size = size;
		s->offset = c->off;
		b->nr_sections++;
		c->off += size;
	}
	if (!err && c->off != c->end)
		err = cr_fail(c, -EINVAL, "corrupt: %zu bytes after the bytecode archive",
			      c->end - c->off);
	return err;
}

uint32_t bc_aot_version_hash(const char *version)
{
	uint32_t b = 378551, a = 63689, hash = 0;

	for (const char *p = version; *p; p++) {
		hash = hash * a + (uint32_t)(int32_t)(signed char)*p;
		a = a * b;
	}
	return hash;
}

/* The v0.x.y release whose hash is HASH, into BUF; false when none is. */
static bool version_of(uint64_t hash, char *buf, size_t len)
{
	for (int minor = 0; minor < 100; minor++) {
		for (int patch = 0; patch < 10; patch++) {
			snprintf(buf, len, "v0.%d.%d", minor, patch);
			if (bc_aot_version_hash(buf) == hash)
				return true;
		}
	}
	return false;
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int bc_aot_read(const unsigned char *data, size_t size, struct bc_aot_blob *out,
		struct bc_aot_error *err)
{
	static const char *const supported[] = { "v0.17.0", "v0.17.1" };
	struct bc_arena arena = { 0 };
	struct cr c = { .p = data, .arena = &arena, .err = err };
	uint64_t version;
	char found[16];
	int ret;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	c.end = size;
	if (size < BC_AOT_HEADER_LEN) {
		c.off = size;
		return cr_fail(&c, -EINVAL, "truncated: the %d-byte AOT header needs %zu more bytes",
			       BC_AOT_HEADER_LEN, BC_AOT_HEADER_LEN - size);
	}
	if (data[0] != 0x07 || data[1] != 0x0a || data[2] || data[3] ||
	    le32(data + 4) != BC_AOT_HEADER_LEN)
		return cr_fail(&c, -EINVAL, "not a bpftrace AOT blob: bad magic or header length");
	version = le64(data + 8);
	for (size_t i = 0; i < sizeof(supported) / sizeof(supported[0]); i++)
		if (version == bc_aot_version_hash(supported[i]))
			snprintf(out->version, sizeof(out->version), "%s", supported[i]);
	if (!out->version[0]) {
		c.off = 8;
		if (version_of(version, found, sizeof(found)))
			return cr_fail(&c, -EPROTONOSUPPORT,
				       "AOT blob of bpftrace %s: only blobs of bpftrace v0.17.0 and v0.17.1 can be read",
				       found);
		return cr_fail(&c, -EPROTONOSUPPORT,
			       "AOT blob of an unknown bpftrace version (version hash 0x%" PRIx64
			       "): only blobs of bpftrace v0.17.0 and v0.17.1 can be read", version);
	}
	out->rr_off = le64(data + 16);
	out->rr_len = le64(data + 24);
	out->bc_off = le64(data + 32);
	out->bc_len = le64(data + 40);
	if (out->rr_off < BC_AOT_HEADER_LEN || out->rr_off > size || out->rr_len > size - out->rr_off) {
		c.off = 16;
		return cr_fail(&c, -EINVAL, "truncated: RequiredResources at %" PRIu64 " (%" PRIu64
			       " bytes) ends past the %zu-byte file", out->rr_off, out->rr_len, size);
	}
	if (out->bc_off < BC_AOT_HEADER_LEN || out->bc_off > size || out->bc_len > size - out->bc_off) {
		c.off = 32;
		return cr_fail(&c, -EINVAL, "truncated: bytecode at %" PRIu64 " (%" PRIu64
			       " bytes) ends past the %zu-byte file", out->bc_off, out->bc_len, size);
	}
	out->manifest = bc_manifest_new();
	if (!out->manifest)
		return cr_fail(&c, -ENOMEM, "out of memory");
	out->manifest->bpftrace = strdup(out->version + 1);
	c.off = out->rr_off;
	c.end = out->rr_off + out->rr_len;
	ret = out->manifest->bpftrace ? read_resources(&c, out) : cr_fail(&c, -ENOMEM, "out of memory");
	if (!ret) {
		c.off = out->bc_off;
		c.end = out->bc_off + out->bc_len;
		ret = read_bytecode(&c, out);
	}
	free(c.objs);
	bc_arena_free(&arena);
	if (ret)
		bc_aot_free(out);
	return ret;
}

void bc_aot_free(struct bc_aot_blob *b)
{
	bc_manifest_free(b->manifest);
	for (size_t i = 0; i < b->nr_sections; i++)
		free(b->sections[i].name);
	free(b->sections);
	memset(b, 0, sizeof(*b));
}
