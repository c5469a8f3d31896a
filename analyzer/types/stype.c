/* SPDX-License-Identifier: Apache-2.0 */
/* Sized types: constructors, layout, equality and names (see stype.h). */
#include "stype.h"
#include "../base/array.h"
#include "../base/sbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BT_DEFAULT_STACK_LIMIT	127	/* bpftrace DEFAULT_STACK_SIZE */
#define BT_BUILD_ID_FRAME_SIZE	32	/* sizeof(struct bpf_stack_build_id) */

static struct bc_stype *stype_new(enum bc_stype_kind kind, uint32_t size, uint32_t align)
{
	struct bc_stype *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->kind = kind;
	t->refs = 1;
	t->size = size;
	t->align = align ? align : 1;
	return t;
}

struct bc_stype *bc_stype_get(struct bc_stype *t)
{
	if (t && t->refs != BC_STYPE_IMMORTAL)
		t->refs++;
	return t;
}

void bc_stype_put(struct bc_stype *t)
{
	if (!t || t->refs == BC_STYPE_IMMORTAL || --t->refs > 0)
		return;
	free(t->name);
	bc_stype_put(t->elem);
	bc_layout_put(t->layout);
	free(t);
}

struct bc_layout *bc_layout_new(uint32_t size, uint32_t align, bool is_union)
{
	struct bc_layout *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->refs = 1;
	l->size = size;
	l->align = align ? align : 1;
	l->is_union = is_union;
	return l;
}

struct bc_layout *bc_layout_get(struct bc_layout *l)
{
	if (l)
		l->refs++;
	return l;
}

void bc_layout_put(struct bc_layout *l)
{
	if (!l || --l->refs > 0)
		return;
	for (size_t i = 0; i < l->nr_fields; i++) {
		free(l->fields[i].name);
		bc_stype_put(l->fields[i].type);
	}
	free(l->fields);
	free(l);
}

struct bc_field *bc_layout_add(struct bc_layout *l, const char *name, struct bc_stype *type,
			       uint32_t offset)
{
	struct bc_field *f;
	char *copy = NULL;

	if (!l || !type) {
		bc_stype_put(type);
		if (!l)
			errno = EINVAL;
		return NULL;
	}
	if (name && !(copy = strdup(name))) {
		bc_stype_put(type);
		return NULL;
	}
	if (BC_GROW(l->fields, l->cap_fields, l->nr_fields + 1)) {
		free(copy);
		bc_stype_put(type);
		errno = ENOMEM;
		return NULL;
	}
	f = &l->fields[l->nr_fields++];
	memset(f, 0, sizeof(*f));
	f->name = copy;
	f->type = type;
	f->offset = offset;
	return f;
}

const struct bc_field *bc_layout_field(const struct bc_layout *l, const char *name)
{
	if (!l || !name)
		return NULL;
	for (size_t i = 0; i < l->nr_fields; i++)
		if (l->fields[i].name && !strcmp(l->fields[i].name, name))
			return &l->fields[i];
	return NULL;
}

const struct bc_field *bc_stype_field(const struct bc_stype *t, const char *name)
{
	return t ? bc_layout_field(t->layout, name) : NULL;
}

struct bc_stype *bc_stype_none(void)
{
	return stype_new(BC_ST_NONE, 0, 1);
}

struct bc_stype *bc_stype_void(void)
{
	return stype_new(BC_ST_VOID, 0, 1);
}

struct bc_stype *bc_stype_int(uint32_t bytes, bool is_signed)
{
	struct bc_stype *t;

	if (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8 && bytes != 16) {
		errno = EINVAL;
		return NULL;
	}
	t = stype_new(BC_ST_INT, bytes, bytes);
	if (t)
		t->is_signed = is_signed;
	return t;
}

struct bc_stype *bc_stype_bool(void)
{
	return stype_new(BC_ST_BOOL, 1, 1);	/* i1, stored in a byte */
}

struct bc_stype *bc_stype_enum(uint32_t bytes, const char *name)
{
	struct bc_stype *t = bc_stype_int(bytes, false);

	if (!t)
		return NULL;
	t->kind = BC_ST_ENUM;
	if (name && !(t->name = strdup(name))) {
		bc_stype_put(t);
		return NULL;
	}
	return t;
}

static struct bc_stype *byte_array(enum bc_stype_kind kind, uint32_t size)
{
	return stype_new(kind, size, 1);
}

struct bc_stype *bc_stype_string(uint32_t size)
{
	return byte_array(BC_ST_STRING, size);
}

struct bc_stype *bc_stype_buffer(uint32_t size)
{
	return byte_array(BC_ST_BUFFER, size);
}

struct bc_stype *bc_stype_inet(uint32_t size)
{
	return byte_array(BC_ST_INET, size);
}

struct bc_stype *bc_stype_usym(void)
{
	return byte_array(BC_ST_USYM, 16);
}

struct bc_stype *bc_stype_timestamp(void)
{
	return byte_array(BC_ST_TIMESTAMP, 16);
}

struct bc_stype *bc_stype_cgroup_path(void)
{
	return byte_array(BC_ST_CGROUP_PATH, 16);
}

struct bc_stype *bc_stype_macaddr(void)
{
	return byte_array(BC_ST_MACADDR, 6);
}

struct bc_stype *bc_stype_ksym(void)
{
	return stype_new(BC_ST_KSYM, 8, 8);
}

struct bc_stype *bc_stype_probe(void)
{
	return stype_new(BC_ST_PROBE, 8, 8);
}

struct bc_stype *bc_stype_username(void)
{
	return stype_new(BC_ST_USERNAME, 8, 8);
}

struct bc_stype *bc_stype_strerror(void)
{
	return stype_new(BC_ST_STRERROR, 8, 8);
}

struct bc_stype *bc_stype_stack_mode(void)
{
	return stype_new(BC_ST_STACK_MODE, 0, 1);
}

struct bc_stype *bc_stype_timestamp_mode(void)
{
	return stype_new(BC_ST_TIMESTAMP_MODE, 0, 1);
}

struct bc_stype *bc_stype_stack(bool kernel, int bt_version, uint32_t limit,
				enum bc_stack_mode mode)
{
	enum bc_stype_kind kind = kernel ? BC_ST_KSTACK : BC_ST_USTACK;
	uint32_t size, align = 8;
	struct bc_stype *t;

	if (!limit)
		limit = BT_DEFAULT_STACK_LIMIT;
	if (bt_version >= BC_BTV(0, 25, 0)) {
		uint32_t elem = mode == BC_STACK_BUILD_ID ? BT_BUILD_ID_FRAME_SIZE : 8;

		size = limit * elem + 8 + (kernel ? 0 : 8);
	} else if (bt_version >= BC_BTV(0, 23, 0)) {
		size = kernel ? 16 : 24;
	} else if (bt_version >= BC_BTV(0, 21, 0)) {
		size = kernel ? 12 : 20;
	} else if (bt_version >= BC_BTV(0, 19, 0)) {
		size = kernel ? 8 : 16;
		align = size;	/* i64 / i128 */
	} else {
		size = 8;
	}
	t = stype_new(kind, size, align);
	if (t) {
		t->stack_limit = limit;
		t->stack_mode = mode;
		t->stack_in_memory = bt_version >= BC_BTV(0, 21, 0);
	}
	return t;
}

struct bc_stype *bc_stype_agg(enum bc_stype_kind kind, bool is_signed)
{
	struct bc_stype *t;

	if (kind < BC_ST_COUNT || kind > BC_ST_TSERIES) {
		errno = EINVAL;
		return NULL;
	}
	t = stype_new(kind, 8, 8);
	if (t)
		t->is_signed = is_signed;
	return t;
}

static uint32_t align_up(uint32_t v, uint32_t a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

static struct bc_stype *composite(enum bc_stype_kind kind, const char *const *names,
				  struct bc_stype **elems, size_t n)
{
	struct bc_layout *l = NULL;
	struct bc_stype *t = NULL;
	uint32_t off = 0, align = 1;
	bool dep = false;
	size_t i;

	for (i = 0; i < n; i++)
		if (!elems[i])
			goto fail;	/* errno from the failed inner constructor */
	if (!(l = bc_layout_new(0, 1, false)))
		goto fail;
	for (i = 0; i < n; i++) {
		struct bc_stype *e = elems[i];
		uint32_t a = e->align ? e->align : 1;
		uint32_t pos = align_up(off, a);

		if (pos != off)
			l->padded = true;
		elems[i] = NULL;
		if (!bc_layout_add(l, names ? names[i] : NULL, e, pos))
			goto fail;
		off = pos + e->size;
		if (a > align)
			align = a;
		dep |= e->script_dependent;
	}
	if (align_up(off, align) != off)
		l->padded = true;
	l->size = align_up(off, align);
	l->align = align;
	if (!(t = stype_new(kind, l->size, align)))
		goto fail;
	t->layout = l;
	t->script_dependent = dep;
	return t;
fail:
	for (i = 0; i < n; i++) {
		bc_stype_put(elems[i]);
		elems[i] = NULL;
	}
	bc_layout_put(l);
	return NULL;
}

struct bc_stype *bc_stype_tuple(struct bc_stype **elems, size_t n)
{
	return composite(BC_ST_TUPLE, NULL, elems, n);
}

struct bc_stype *bc_stype_record(const char *const *names, struct bc_stype **elems, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!names || !names[i]) {
			for (size_t j = 0; j < n; j++) {
				bc_stype_put(elems[j]);
				elems[j] = NULL;
			}
			errno = EINVAL;
			return NULL;
		}
	}
	return composite(BC_ST_RECORD, names, elems, n);
}

struct bc_stype *bc_stype_array(struct bc_stype *elem, uint32_t nelems)
{
	struct bc_stype *t;

	if (!elem)
		return NULL;
	t = stype_new(BC_ST_ARRAY, elem->size * nelems, elem->align);
	if (!t) {
		bc_stype_put(elem);
		return NULL;
	}
	t->elem = elem;
	t->nelems = nelems;
	t->script_dependent = elem->script_dependent;
	return t;
}

struct bc_stype *bc_stype_pointer(struct bc_stype *pointee, enum bc_addrspace as)
{
	struct bc_stype *t;

	if (!pointee)
		return NULL;
	t = stype_new(BC_ST_POINTER, 8, 8);
	if (!t) {
		bc_stype_put(pointee);
		return NULL;
	}
	t->elem = pointee;
	t->as = as;
	return t;
}

struct bc_stype *bc_stype_cstruct(const char *name, uint32_t size, bool is_union,
				  struct bc_layout *layout)
{
	struct bc_stype *t;

	if (!name) {
		bc_layout_put(layout);
		errno = EINVAL;
		return NULL;
	}
	t = stype_new(BC_ST_CSTRUCT, size, 1);
	if (!t || !(t->name = strdup(name))) {
		bc_stype_put(t);
		bc_layout_put(layout);
		return NULL;
	}
	t->layout = layout;
	(void)is_union;
	if (layout)
		layout->is_union = is_union;
	return t;
}

/* A shallow copy sharing children; consumes T. */
static struct bc_stype *unshare(struct bc_stype *t)
{
	struct bc_stype *c;

	if (!t)
		return NULL;
	if (t->refs == 1)
		return t;
	c = malloc(sizeof(*c));
	if (!c) {
		bc_stype_put(t);
		return NULL;
	}
	*c = *t;
	c->refs = 1;
	c->name = NULL;
	if (t->name && !(c->name = strdup(t->name))) {
		free(c);
		bc_stype_put(t);
		return NULL;
	}
	bc_stype_get(c->elem);
	bc_layout_get(c->layout);
	bc_stype_put(t);
	return c;
}

struct bc_stype *bc_stype_with_as(struct bc_stype *t, enum bc_addrspace as)
{
	if (t && t->as == as)
		return t;
	t = unshare(t);
	if (t)
		t->as = as;
	return t;
}

struct bc_stype *bc_stype_with_script_dependent(struct bc_stype *t, bool dep)
{
	if (t && t->script_dependent == dep)
		return t;
	t = unshare(t);
	if (t)
		t->script_dependent = dep;
	return t;
}

struct bc_stype *bc_stype_with_sign(struct bc_stype *t, bool is_signed)
{
	if (t && t->is_signed == is_signed)
		return t;
	t = unshare(t);
	if (t)
		t->is_signed = is_signed;
	return t;
}

bool bc_stype_is_int_like(const struct bc_stype *t)
{
	return t && (t->kind == BC_ST_INT || t->kind == BC_ST_BOOL || t->kind == BC_ST_ENUM);
}

bool bc_stype_is_byte_array(const struct bc_stype *t)
{
	if (!t)
		return false;
	switch (t->kind) {
	case BC_ST_STRING:
	case BC_ST_BUFFER:
	case BC_ST_INET:
	case BC_ST_USYM:
	case BC_ST_TIMESTAMP:
	case BC_ST_MACADDR:
	case BC_ST_CGROUP_PATH:
		return true;
	default:
		return false;
	}
}

bool bc_stype_is_aggregation(const struct bc_stype *t)
{
	return t && t->kind >= BC_ST_COUNT && t->kind <= BC_ST_TSERIES;
}

bool bc_stype_is_stack(const struct bc_stype *t)
{
	return t && (t->kind == BC_ST_KSTACK || t->kind == BC_ST_USTACK);
}

bool bc_stype_is_aggregate(const struct bc_stype *t)
{
	if (!t)
		return false;
	return bc_stype_is_byte_array(t) || t->kind == BC_ST_ARRAY || t->kind == BC_ST_TUPLE ||
	       t->kind == BC_ST_RECORD || t->kind == BC_ST_CSTRUCT;
}

bool bc_stype_equal(const struct bc_stype *a, const struct bc_stype *b)
{
	if (a == b)
		return true;
	if (!a || !b || a->kind != b->kind)
		return false;
	switch (a->kind) {
	case BC_ST_CSTRUCT:
		return a->name && b->name && !strcmp(a->name, b->name) && a->size == b->size;
	case BC_ST_ENUM:
		if ((a->name == NULL) != (b->name == NULL) ||
		    (a->name && strcmp(a->name, b->name)))
			return false;
		return a->size == b->size;
	case BC_ST_POINTER:
		return bc_stype_equal(a->elem, b->elem);
	case BC_ST_ARRAY:
		return a->nelems == b->nelems && bc_stype_equal(a->elem, b->elem);
	case BC_ST_TUPLE:
	case BC_ST_RECORD:
		if (a->layout->nr_fields != b->layout->nr_fields)
			return false;
		for (size_t i = 0; i < a->layout->nr_fields; i++) {
			const struct bc_field *fa = &a->layout->fields[i], *fb = &b->layout->fields[i];

			if (a->kind == BC_ST_RECORD && strcmp(fa->name, fb->name))
				return false;
			if (!bc_stype_equal(fa->type, fb->type))
				return false;
		}
		return true;
	case BC_ST_KSTACK:
	case BC_ST_USTACK:
		return a->size == b->size && a->stack_limit == b->stack_limit &&
		       a->stack_mode == b->stack_mode;
	default:
		return a->size == b->size && a->is_signed == b->is_signed;
	}
}

const char *bc_stype_kind_name(enum bc_stype_kind k)
{
	static const char *const names[BC_ST__COUNT] = {
		[BC_ST_NONE] = "none", [BC_ST_VOID] = "void", [BC_ST_INT] = "int",
		[BC_ST_BOOL] = "bool", [BC_ST_ENUM] = "enum", [BC_ST_STRING] = "string",
		[BC_ST_BUFFER] = "buffer", [BC_ST_INET] = "inet", [BC_ST_USYM] = "usym",
		[BC_ST_KSYM] = "ksym", [BC_ST_KSTACK] = "kstack", [BC_ST_USTACK] = "ustack",
		[BC_ST_TIMESTAMP] = "timestamp", [BC_ST_CGROUP_PATH] = "cgroup_path",
		[BC_ST_MACADDR] = "mac_address", [BC_ST_PROBE] = "probe",
		[BC_ST_USERNAME] = "username", [BC_ST_STRERROR] = "strerror",
		[BC_ST_STACK_MODE] = "stack mode", [BC_ST_TIMESTAMP_MODE] = "timestamp mode",
		[BC_ST_TUPLE] = "tuple", [BC_ST_RECORD] = "record", [BC_ST_ARRAY] = "array",
		[BC_ST_POINTER] = "pointer", [BC_ST_CSTRUCT] = "record", [BC_ST_COUNT] = "count",
		[BC_ST_SUM] = "sum", [BC_ST_MIN] = "min", [BC_ST_MAX] = "max", [BC_ST_AVG] = "avg",
		[BC_ST_STATS] = "stats", [BC_ST_HIST] = "hist", [BC_ST_LHIST] = "lhist",
		[BC_ST_TSERIES] = "tseries",
	};

	return (unsigned)k < BC_ST__COUNT && names[k] ? names[k] : "?";
}

/*
 * The word bpftrace prints for a kind with no parameters (typestr(Type)):
 * 0.17-0.21 use plain words; 0.22 renamed most to "*_t".
 */
static const char *kind_word(enum bc_stype_kind k, int v)
{
	bool t22 = v >= BC_BTV(0, 22, 0);

	switch (k) {
	case BC_ST_COUNT: return t22 ? "count_t" : "count";
	case BC_ST_SUM: return t22 ? "sum_t" : "sum";
	case BC_ST_MIN: return t22 ? "min_t" : "min";
	case BC_ST_MAX: return t22 ? "max_t" : "max";
	case BC_ST_AVG: return t22 ? "avg_t" : "avg";
	case BC_ST_STATS: return t22 ? "stats_t" : "stats";
	case BC_ST_HIST: return t22 ? "hist_t" : "hist";
	case BC_ST_LHIST: return t22 ? "lhist_t" : "lhist";
	case BC_ST_TSERIES: return "tseries_t";
	case BC_ST_KSYM: return t22 ? "ksym_t" : "ksym";
	case BC_ST_USYM: return t22 ? "usym_t" : "usym";
	case BC_ST_CGROUP_PATH: return t22 ? "cgroup_path_t" : "cgroup_path";
	case BC_ST_STRERROR: return t22 ? "strerror_t" : "strerror";
	case BC_ST_USERNAME: return v >= BC_BTV(0, 26, 0) ? "username_t" : "username";
	case BC_ST_STACK_MODE: return t22 ? "stack_mode" : "stack mode";
	case BC_ST_TIMESTAMP_MODE: return t22 ? "timestamp_mode" : "timestamp mode";
	case BC_ST_INT: return v >= BC_BTV(0, 22, 0) ? "int" : "integer";
	default: return bc_stype_kind_name(k);
	}
}

static void name_into(struct bc_sbuf *b, const struct bc_stype *t, int v)
{
	bool t22 = v >= BC_BTV(0, 22, 0);

	switch (t->kind) {
	case BC_ST_INT:
		if (t22)
			bc_sbuf_printf(b, "%sint%u", t->is_signed ? "" : "u", t->size * 8);
		else
			bc_sbuf_printf(b, "%sint%u", t->is_signed ? "" : "unsigned ", t->size * 8);
		break;
	case BC_ST_ENUM:
		if (v >= BC_BT_HEAD && t->name)
			bc_sbuf_printf(b, "enum %s", t->name);
		else if (t22)
			bc_sbuf_printf(b, "uint%u", t->size * 8);
		else
			bc_sbuf_printf(b, "unsigned int%u", t->size * 8);
		break;
	case BC_ST_BOOL:
		/* bpftrace before 0.24 has no bool type: its bool is a uint8 */
		if (v >= BC_BTV(0, 24, 0))
			bc_sbuf_printf(b, "bool");
		else
			bc_sbuf_printf(b, t22 ? "uint8" : "unsigned int8");
		break;
	case BC_ST_STRING:
	case BC_ST_BUFFER:
		bc_sbuf_printf(b, "%s[%u]", bc_stype_kind_name(t->kind), t->size);
		break;
	case BC_ST_INET:
		if (t22)
			bc_sbuf_printf(b, "inet[%u]", t->size);
		else
			bc_sbuf_printf(b, "inet");
		break;
	case BC_ST_POINTER:
		name_into(b, t->elem, v);
		bc_sbuf_printf(b, " *");
		break;
	case BC_ST_ARRAY:
		name_into(b, t->elem, v);
		bc_sbuf_printf(b, "[%u]", t->nelems);
		break;
	case BC_ST_CSTRUCT:
		bc_sbuf_printf(b, "%s", t->name);
		break;
	case BC_ST_TUPLE:
		bc_sbuf_printf(b, "(");
		for (size_t i = 0; i < t->layout->nr_fields; i++) {
			if (i)
				bc_sbuf_printf(b, ",");
			name_into(b, t->layout->fields[i].type, v);
		}
		bc_sbuf_printf(b, ")");
		break;
	case BC_ST_RECORD:
		bc_sbuf_printf(b, "record { ");
		for (size_t i = 0; i < t->layout->nr_fields; i++) {
			if (i)
				bc_sbuf_printf(b, ", ");
			bc_sbuf_printf(b, ".%s = ", t->layout->fields[i].name);
			name_into(b, t->layout->fields[i].type, v);
		}
		bc_sbuf_printf(b, " }");
		break;
	case BC_ST_SUM:
	case BC_ST_MIN:
	case BC_ST_MAX:
	case BC_ST_AVG:
	case BC_ST_STATS:
		bc_sbuf_printf(b, "%s%s", t22 && !t->is_signed ? "u" : "", kind_word(t->kind, v));
		break;
	case BC_ST_COUNT:
		/* 0.22-0.23 print count_t with the sign prefix; count() is signed there */
		bc_sbuf_printf(b, "%s%s", t22 && v < BC_BTV(0, 24, 0) && !t->is_signed ? "u" : "",
			  kind_word(t->kind, v));
		break;
	default:
		bc_sbuf_printf(b, "%s", kind_word(t->kind, v));
		break;
	}
}

char *bc_stype_name(const struct bc_stype *t, int bt_version)
{
	struct bc_sbuf b = { 0 };

	if (!t) {
		errno = EINVAL;
		return NULL;
	}
	name_into(&b, t, bt_version);
	return bc_sbuf_finish(&b);
}

char *bc_stype_llvm_name(const struct bc_stype *t, int bt_version)
{
	struct bc_sbuf b = { 0 };

	if (!t || (t->kind != BC_ST_TUPLE && t->kind != BC_ST_RECORD)) {
		errno = EINVAL;
		return NULL;
	}
	for (size_t i = 0; i < t->layout->nr_fields; i++) {
		name_into(&b, t->layout->fields[i].type, bt_version);
		bc_sbuf_printf(&b, "_");
	}
	bc_sbuf_printf(&b, "%s", t->kind == BC_ST_TUPLE ? "_tuple_t" : "_record_t");
	return bc_sbuf_finish(&b);
}
