// SPDX-License-Identifier: Apache-2.0
/*
 * Sized types and function prototypes to and from JSON (see stype_json.h):
 * the words for kinds and modes, the writer, and the strict reader.
 */
#include "stype_json.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const kind_words[BC_ST__COUNT] = {
	[BC_ST_NONE] = "none",
	[BC_ST_VOID] = "void",
	[BC_ST_INT] = "int",
	[BC_ST_BOOL] = "bool",
	[BC_ST_ENUM] = "enum",
	[BC_ST_STRING] = "string",
	[BC_ST_BUFFER] = "buffer",
	[BC_ST_INET] = "inet",
	[BC_ST_USYM] = "usym",
	[BC_ST_KSYM] = "ksym",
	[BC_ST_KSTACK] = "kstack",
	[BC_ST_USTACK] = "ustack",
	[BC_ST_TIMESTAMP] = "timestamp",
	[BC_ST_CGROUP_PATH] = "cgroup_path",
	[BC_ST_MACADDR] = "macaddr",
	[BC_ST_PROBE] = "probe",
	[BC_ST_USERNAME] = "username",
	[BC_ST_STRERROR] = "strerror",
	[BC_ST_STACK_MODE] = "stack_mode",
	[BC_ST_TIMESTAMP_MODE] = "timestamp_mode",
	[BC_ST_TUPLE] = "tuple",
	[BC_ST_RECORD] = "record",
	[BC_ST_ARRAY] = "array",
	[BC_ST_POINTER] = "pointer",
	[BC_ST_CSTRUCT] = "cstruct",
	[BC_ST_COUNT] = "count",
	[BC_ST_SUM] = "sum",
	[BC_ST_MIN] = "min",
	[BC_ST_MAX] = "max",
	[BC_ST_AVG] = "avg",
	[BC_ST_STATS] = "stats",
	[BC_ST_HIST] = "hist",
	[BC_ST_LHIST] = "lhist",
	[BC_ST_TSERIES] = "tseries",
};

static const char *const as_words[] = {
	[BC_AS_NONE] = "none",
	[BC_AS_KERNEL] = "kernel",
	[BC_AS_USER] = "user",
};

static const char *const mode_words[] = {
	[BC_STACK_BPFTRACE] = "bpftrace",
	[BC_STACK_PERF] = "perf",
	[BC_STACK_RAW] = "raw",
	[BC_STACK_BUILD_ID] = "build_id",
};

/* The members each object may have; anything else is rejected on reading. */
static const char *const type_keys[] = {
	"kind", "size", "align", "is_signed", "script_dependent", "as", "name", "elem",
	"nelems", "layout", "stack_limit", "stack_mode", NULL,
};
static const char *const layout_keys[] = {
	"size", "align", "is_union", "padded", "fields", NULL,
};
static const char *const field_keys[] = {
	"name", "type", "offset", "bit_offset", "bit_width", "is_data_loc", "is_common", NULL,
};
static const char *const func_keys[] = { "name", "params", "ret", NULL };
static const char *const param_keys[] = { "name", "type", NULL };

const char *bc_stype_json_kind_name(enum bc_stype_kind k)
{
	return (unsigned)k < BC_ST__COUNT ? kind_words[k] : NULL;
}

/* What every type of its kind carries (the constructors see to it; readers of types rely on it). */
static bool shape_ok(const struct bc_stype *t)
{
	switch (t->kind) {
	case BC_ST_POINTER:
	case BC_ST_ARRAY:
		return t->elem != NULL;
	case BC_ST_TUPLE:
	case BC_ST_RECORD:
		return t->layout != NULL;
	case BC_ST_CSTRUCT:
		return t->name != NULL;
	default:
		return true;
	}
}

/* ---- writing ---- */

static json_t *type_to_json(const struct bc_stype *t, unsigned depth);

/* Adds V (consumed) as KEY of O; V NULL means its maker failed and set errno. */
static int put(json_t *o, const char *key, json_t *v)
{
	if (!v)
		return -1;
	if (json_object_set_new_nocheck(o, key, v)) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static int put_uint(json_t *o, const char *key, uint64_t v, uint64_t dflt)
{
	json_t *n;

	if (v == dflt)
		return 0;
	if (!(n = json_integer((json_int_t)v)))
		errno = ENOMEM;
	return put(o, key, n);
}

static int put_bool(json_t *o, const char *key, bool v)
{
	return v ? put(o, key, json_true()) : 0;
}

static int put_word(json_t *o, const char *key, const char *word)
{
	json_t *s = json_string_nocheck(word);

	if (!s)
		errno = ENOMEM;
	return put(o, key, s);
}

/* S as a JSON string: NULL + EILSEQ when S is not UTF-8, ENOMEM. */
static json_t *str_to_json(const char *s)
{
	json_t *v = json_string(s);

	if (v)
		return v;
	/* json_string fails on bad UTF-8 or no memory; the unchecked one only on the latter */
	v = json_string_nocheck(s);
	errno = v ? EILSEQ : ENOMEM;
	json_decref(v);
	return NULL;
}

static json_t *new_object(void)
{
	json_t *o = json_object();

	if (!o)
		errno = ENOMEM;
	return o;
}

static json_t *new_array(void)
{
	json_t *a = json_array();

	if (!a)
		errno = ENOMEM;
	return a;
}

static int append(json_t *a, json_t *v)
{
	if (!v)
		return -1;
	if (json_array_append_new(a, v)) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* F, a field of a type at DEPTH (its own type is one level further down). */
static json_t *field_to_json(const struct bc_field *f, bool named, unsigned depth)
{
	json_t *o;

	if (!f->type || (named && !f->name)) {
		errno = EINVAL;
		return NULL;
	}
	if (!(o = new_object()))
		return NULL;
	if ((f->name && put(o, "name", str_to_json(f->name))) ||
	    put(o, "type", type_to_json(f->type, depth + 1)) ||
	    put_uint(o, "offset", f->offset, 0) || put_uint(o, "bit_offset", f->bit_offset, 0) ||
	    put_uint(o, "bit_width", f->bit_width, 0) ||
	    put_bool(o, "is_data_loc", f->is_data_loc) || put_bool(o, "is_common", f->is_common)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *layout_to_json(const struct bc_layout *l, enum bc_stype_kind kind, unsigned depth)
{
	json_t *o, *fields;

	if (!l->align || l->nr_fields > BC_STYPE_JSON_MAX_FIELDS || (l->nr_fields && !l->fields)) {
		errno = EINVAL;
		return NULL;
	}
	if (!(o = new_object()))
		return NULL;
	if (put_uint(o, "size", l->size, 0) || put_uint(o, "align", l->align, 1) ||
	    put_bool(o, "is_union", l->is_union) || put_bool(o, "padded", l->padded))
		goto fail;
	if (l->nr_fields) {
		if (!(fields = new_array()) || put(o, "fields", fields))
			goto fail;
		for (size_t i = 0; i < l->nr_fields; i++)
			if (append(fields, field_to_json(&l->fields[i], kind == BC_ST_RECORD, depth)))
				goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

static json_t *type_to_json(const struct bc_stype *t, unsigned depth)
{
	json_t *o;

	if (depth > BC_STYPE_JSON_MAX_DEPTH) {
		errno = ELOOP;
		return NULL;
	}
	if (!t || !bc_stype_json_kind_name(t->kind) || !t->align ||
	    (unsigned)t->as >= ARRAY_LEN(as_words) ||
	    (unsigned)t->stack_mode >= ARRAY_LEN(mode_words) || !shape_ok(t)) {
		errno = EINVAL;
		return NULL;
	}
	if (!(o = new_object()))
		return NULL;
	if (put_word(o, "kind", kind_words[t->kind]) || put_uint(o, "size", t->size, 0) ||
	    put_uint(o, "align", t->align, 1) || put_bool(o, "is_signed", t->is_signed) ||
	    put_bool(o, "script_dependent", t->script_dependent) ||
	    (t->as != BC_AS_NONE && put_word(o, "as", as_words[t->as])) ||
	    (t->name && put(o, "name", str_to_json(t->name))) ||
	    (t->elem && put(o, "elem", type_to_json(t->elem, depth + 1))) ||
	    put_uint(o, "nelems", t->nelems, 0) ||
	    (t->layout && put(o, "layout", layout_to_json(t->layout, t->kind, depth))) ||
	    put_uint(o, "stack_limit", t->stack_limit, 0) ||
	    (t->stack_mode != BC_STACK_BPFTRACE &&
	     put_word(o, "stack_mode", mode_words[t->stack_mode]))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *bc_stype_to_json(const struct bc_stype *t)
{
	return type_to_json(t, 0);
}

json_t *bc_stype_func_to_json(const char *name, const struct bc_btf_param *params, size_t n,
			      const struct bc_stype *ret)
{
	json_t *o, *arr;

	if (!name || !ret || (n && !params) || n > BC_STYPE_JSON_MAX_FIELDS) {
		errno = EINVAL;
		return NULL;
	}
	if (!(o = new_object()))
		return NULL;
	if (put(o, "name", str_to_json(name)))
		goto fail;
	if (n) {
		if (!(arr = new_array()) || put(o, "params", arr))
			goto fail;
		for (size_t i = 0; i < n; i++) {
			json_t *p = new_object();

			if (!p || append(arr, p) ||
			    (params[i].name && put(p, "name", str_to_json(params[i].name))) ||
			    put(p, "type", type_to_json(params[i].type, 0)))
				goto fail;
		}
	}
	if (put(o, "ret", type_to_json(ret, 0)))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* ---- reading ---- */

static int type_from(const json_t *j, unsigned depth, struct bc_stype **out);

static bool in_list(const char *key, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(key, *list))
			return true;
	return false;
}

/* J is an object whose members are all in KEYS. */
static int check_object(const json_t *j, const char *const *keys)
{
	const char *key;
	json_t *v;

	if (!json_is_object(j))
		return -EINVAL;
	json_object_foreach((json_t *)j, key, v) {
		if (!in_list(key, keys))
			return -EINVAL;
	}
	return 0;
}

/* Member KEY, an integer in [MIN, MAX], or DFLT when absent. */
static int get_uint(const json_t *o, const char *key, uint64_t min, uint64_t max, uint64_t dflt,
		    uint64_t *out)
{
	const json_t *v = json_object_get(o, key);
	json_int_t n;

	*out = dflt;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return -EINVAL;
	n = json_integer_value(v);
	if (n < 0 || (uint64_t)n < min || (uint64_t)n > max)
		return -EINVAL;
	*out = (uint64_t)n;
	return 0;
}

static int get_bool(const json_t *o, const char *key, bool *out)
{
	const json_t *v = json_object_get(o, key);

	*out = false;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return -EINVAL;
	*out = json_is_true(v);
	return 0;
}

/* Member KEY, a string without NUL bytes; *OUT NULL when absent. */
static int get_str(const json_t *o, const char *key, const char **out)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return -EINVAL;
	*out = json_string_value(v);
	return 0;
}

/* Member KEY, one of the N WORDS (its index in *OUT), or DFLT when absent. */
static int get_word(const json_t *o, const char *key, const char *const *words, size_t n,
		    unsigned dflt, unsigned *out)
{
	const char *s;
	int err;

	*out = dflt;
	if ((err = get_str(o, key, &s)) || !s)
		return err;
	for (size_t i = 0; i < n; i++) {
		if (words[i] && !strcmp(s, words[i])) {
			*out = (unsigned)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Fills F (zeroed) from J, a field of a type at DEPTH of KIND; F holds what was made so far on failure. */
static int field_from(const json_t *j, struct bc_field *f, enum bc_stype_kind kind, unsigned depth)
{
	uint64_t offset, bit_offset, bit_width;
	bool data_loc, common;
	const char *name;
	int err;

	if ((err = check_object(j, field_keys)) || (err = get_str(j, "name", &name)) ||
	    (err = get_uint(j, "offset", 0, UINT32_MAX, 0, &offset)) ||
	    (err = get_uint(j, "bit_offset", 0, UINT16_MAX, 0, &bit_offset)) ||
	    (err = get_uint(j, "bit_width", 0, UINT16_MAX, 0, &bit_width)) ||
	    (err = get_bool(j, "is_data_loc", &data_loc)) ||
	    (err = get_bool(j, "is_common", &common)))
		return err;
	if (kind == BC_ST_RECORD && !name)
		return -EINVAL;
	if ((err = type_from(json_object_get(j, "type"), depth + 1, &f->type)))
		return err;
	if (name && !(f->name = strdup(name)))
		return -ENOMEM;
	f->offset = (uint32_t)offset;
	f->bit_offset = (uint16_t)bit_offset;
	f->bit_width = (uint16_t)bit_width;
	f->is_data_loc = data_loc;
	f->is_common = common;
	return 0;
}

static int layout_from(const json_t *j, enum bc_stype_kind kind, unsigned depth,
		       struct bc_layout **out)
{
	uint64_t size, align;
	bool is_union, padded;
	const json_t *fields;
	struct bc_layout *l;
	size_t n;
	int err;

	*out = NULL;
	if ((err = check_object(j, layout_keys)) ||
	    (err = get_uint(j, "size", 0, UINT32_MAX, 0, &size)) ||
	    (err = get_uint(j, "align", 1, UINT32_MAX, 1, &align)) ||
	    (err = get_bool(j, "is_union", &is_union)) || (err = get_bool(j, "padded", &padded)))
		return err;
	fields = json_object_get(j, "fields");
	if (fields && (!json_is_array(fields) || json_array_size(fields) > BC_STYPE_JSON_MAX_FIELDS))
		return -EINVAL;
	if (!(l = bc_layout_new((uint32_t)size, (uint32_t)align, is_union)))
		return -ENOMEM;
	l->padded = padded;
	/*
	 * The field array is allocated once (bc_layout_add grows it one field
	 * at a time: quadratic for a large hostile count) and owned as
	 * bc_layout_put expects. Each field is counted before it is filled, so
	 * a half-filled one is freed too.
	 */
	n = json_array_size(fields);
	if (n && !(l->fields = calloc(n, sizeof(*l->fields)))) {
		err = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		l->nr_fields++;
		if ((err = field_from(json_array_get(fields, i), &l->fields[i], kind, depth)))
			goto fail;
	}
	*out = l;
	return 0;
fail:
	bc_layout_put(l);
	return err;
}

static int type_from(const json_t *j, unsigned depth, struct bc_stype **out)
{
	uint64_t size, align, nelems, stack_limit;
	unsigned kind, as, mode;
	bool is_signed, dep;
	struct bc_stype *t;
	const json_t *v;
	const char *name;
	int err;

	*out = NULL;
	if (depth > BC_STYPE_JSON_MAX_DEPTH)
		return -EINVAL;
	if ((err = check_object(j, type_keys)) ||
	    (err = get_word(j, "kind", kind_words, BC_ST__COUNT, BC_ST__COUNT, &kind)) ||
	    (err = get_uint(j, "size", 0, UINT32_MAX, 0, &size)) ||
	    (err = get_uint(j, "align", 1, UINT32_MAX, 1, &align)) ||
	    (err = get_bool(j, "is_signed", &is_signed)) ||
	    (err = get_bool(j, "script_dependent", &dep)) ||
	    (err = get_word(j, "as", as_words, ARRAY_LEN(as_words), BC_AS_NONE, &as)) ||
	    (err = get_str(j, "name", &name)) ||
	    (err = get_uint(j, "nelems", 0, UINT32_MAX, 0, &nelems)) ||
	    (err = get_uint(j, "stack_limit", 0, UINT32_MAX, 0, &stack_limit)) ||
	    (err = get_word(j, "stack_mode", mode_words, ARRAY_LEN(mode_words), BC_STACK_BPFTRACE,
			    &mode)))
		return err;
	if (kind == BC_ST__COUNT)
		return -EINVAL;	/* no "kind" */
	/* allocated by stype.c, so bc_stype_put frees it as any other type */
	if (!(t = bc_stype_none()))
		return -ENOMEM;
	t->kind = (enum bc_stype_kind)kind;
	t->size = (uint32_t)size;
	t->align = (uint32_t)align;
	t->is_signed = is_signed;
	t->script_dependent = dep;
	t->as = (enum bc_addrspace)as;
	t->nelems = (uint32_t)nelems;
	t->stack_limit = (uint32_t)stack_limit;
	t->stack_mode = (enum bc_stack_mode)mode;
	if (name && !(t->name = strdup(name))) {
		err = -ENOMEM;
		goto fail;
	}
	if ((v = json_object_get(j, "elem")) && (err = type_from(v, depth + 1, &t->elem)))
		goto fail;
	if ((v = json_object_get(j, "layout")) && (err = layout_from(v, t->kind, depth, &t->layout)))
		goto fail;
	if (!shape_ok(t)) {
		err = -EINVAL;
		goto fail;
	}
	*out = t;
	return 0;
fail:
	bc_stype_put(t);
	return err;
}

struct bc_stype *bc_stype_from_json(const json_t *j)
{
	struct bc_stype *t;
	int err = type_from(j, 0, &t);

	if (err) {
		errno = -err;
		return NULL;
	}
	return t;
}

static int param_from(const json_t *j, struct bc_btf_param *p)
{
	const char *name;
	int err;

	if ((err = check_object(j, param_keys)) || (err = get_str(j, "name", &name)))
		return err;
	if ((err = type_from(json_object_get(j, "type"), 0, &p->type)))
		return err;
	if (name && !(p->name = strdup(name)))
		return -ENOMEM;	/* the caller frees p->type */
	return 0;
}

int bc_stype_func_from_json(const json_t *j, struct bc_btf_func *out)
{
	struct bc_btf_func f = { 0 };
	const json_t *params;
	const char *name;
	size_t n;
	int err;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if ((err = check_object(j, func_keys)) || (err = get_str(j, "name", &name)))
		return err;
	params = json_object_get(j, "params");
	if (!name || (params && !json_is_array(params)))
		return -EINVAL;
	n = json_array_size(params);
	if (n > BC_STYPE_JSON_MAX_FIELDS)
		return -EINVAL;
	if (!(f.name = strdup(name)))
		return -ENOMEM;
	if (n && !(f.params = calloc(n, sizeof(*f.params)))) {
		err = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		/* counted before filling, so a half-filled parameter is freed too */
		f.nr_params++;
		if ((err = param_from(json_array_get(params, i), &f.params[i])))
			goto fail;
	}
	if ((err = type_from(json_object_get(j, "ret"), 0, &f.ret)))
		goto fail;
	*out = f;
	return 0;
fail:
	bc_btf_func_free(&f);	/* NR_PARAMS counts the parameters filled so far */
	return err;
}
