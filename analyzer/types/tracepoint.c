/* SPDX-License-Identifier: Apache-2.0 */
/* Tracepoint format files and the args struct (see tracepoint.h). */
#include "tracepoint.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c_type_name.h"
#include "../base/array.h"
#include "../base/version.h"
#include "../target/source.h"
#define TP_MAX_NUMBER		(1u << 24)	/* offsets/sizes beyond this are corrupt */
#define TP_MAX_FIELDS		4096

static void set_err(struct bc_tp_error *err, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(struct bc_tp_error *err, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

void bc_tp_format_free(struct bc_tp_format *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nr_fields; i++) {
		free(f->fields[i].type);
		free(f->fields[i].name);
	}
	free(f->fields);
	free(f->name);
	memset(f, 0, sizeof(*f));
}

/* A view of one line. */
struct span {
	const char *p;
	size_t n;
};

static const char *span_find(struct span s, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= s.n; i++)
		if (!memcmp(s.p + i, needle, k))
			return s.p + i;
	return NULL;
}

/* The text after TITLE up to the next ';' on the line. */
static bool section(struct span line, const char *title, struct span *out)
{
	const char *t = span_find(line, title), *end;

	if (!t)
		return false;
	t += strlen(title);
	end = memchr(t, ';', (size_t)(line.p + line.n - t));
	if (!end)
		return false;
	out->p = t;
	out->n = (size_t)(end - t);
	return true;
}

static struct span trim(struct span s)
{
	while (s.n && isspace((unsigned char)s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && isspace((unsigned char)s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool parse_uint(struct span s, uint32_t *out)
{
	uint64_t v = 0;

	s = trim(s);
	if (!s.n)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		if (!isdigit((unsigned char)s.p[i]))
			return false;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
		if (v > TP_MAX_NUMBER)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

static char *dup_span(struct span s)
{
	char *d = malloc(s.n + 1);

	if (d) {
		memcpy(d, s.p, s.n);
		d[s.n] = 0;
	}
	return d;
}

static bool is_ident(struct span s)
{
	if (!s.n || isdigit((unsigned char)s.p[0]))
		return false;
	for (size_t i = 0; i < s.n; i++)
		if (!isalnum((unsigned char)s.p[i]) && s.p[i] != '_')
			return false;
	return true;
}

/* Parses one "field:TYPE NAME; offset:N; size:N; signed:N;" line into D. */
static int parse_field(struct span line, unsigned lineno, struct bc_tp_decl *d,
		       struct bc_tp_error *err)
{
	struct span decl, off, size, sign, type, name;
	const char *br;
	size_t cut;

	memset(d, 0, sizeof(*d));
	d->array_len = -1;
	d->line = lineno;
	if (!section(line, "field:", &decl) || !section(line, "offset:", &off) ||
	    !section(line, "size:", &size)) {
		set_err(err, lineno, "field line without field/offset/size");
		return -EINVAL;
	}
	if (!parse_uint(off, &d->offset) || !parse_uint(size, &d->size)) {
		set_err(err, lineno, "offset or size is not a valid number");
		return -EINVAL;
	}
	if (section(line, "signed:", &sign)) {
		uint32_t v;

		if (!parse_uint(sign, &v) || v > 1) {
			set_err(err, lineno, "signed is not 0 or 1");
			return -EINVAL;
		}
		d->is_signed = v;
		d->has_signed = true;
	}
	decl = trim(decl);
	/* split at the last blank: type, then the name with any [N] */
	for (cut = decl.n; cut > 0; cut--)
		if (decl.p[cut - 1] == ' ' || decl.p[cut - 1] == '\t')
			break;
	if (!cut) {
		set_err(err, lineno, "could not parse type");
		return -EINVAL;
	}
	type = trim((struct span){ decl.p, cut - 1 });
	name = (struct span){ decl.p + cut, decl.n - cut };
	br = memchr(name.p, '[', name.n);
	if (br) {
		struct span len = { br + 1, 0 };
		const char *close = memchr(br, ']', (size_t)(name.p + name.n - br));

		if (!close || close != name.p + name.n - 1) {
			set_err(err, lineno, "could not parse array size");
			return -EINVAL;
		}
		len.n = (size_t)(close - len.p);
		len = trim(len);
		name.n = (size_t)(br - name.p);
		if (!len.n) {
			d->array_len = 0;
		} else if (!parse_uint(len, (uint32_t *)&d->array_len)) {
			if (!is_ident(len)) {
				set_err(err, lineno, "could not parse array size");
				return -EINVAL;
			}
			d->array_len = 0;
			d->array_symbolic = true;
		}
	}
	if (!is_ident(name) || !type.n) {
		set_err(err, lineno, "could not parse field name");
		return -EINVAL;
	}
	d->is_data_loc = span_find(type, "__data_loc") || span_find(type, "__rel_loc");
	d->type = dup_span(type);
	d->name = dup_span(name);
	if (!d->type || !d->name) {
		free(d->type);
		free(d->name);
		d->type = d->name = NULL;
		return -ENOMEM;
	}
	d->is_common = !strncmp(d->name, "common_", 7);
	return 0;
}

int bc_tp_format_parse(const char *text, size_t len, struct bc_tp_format *out,
		       struct bc_tp_error *err)
{
	const char *p = text, *end = text + len;
	unsigned lineno = 0;
	size_t cap = 0;
	int ret = 0;

	if (!out || (!text && len))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (err)
		memset(err, 0, sizeof(*err));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct span line = { p, nl ? (size_t)(nl - p) : (size_t)(end - p) };
		struct span s = trim(line);

		lineno++;
		p = nl ? nl + 1 : end;
		if (s.n >= 5 && !memcmp(s.p, "name:", 5) && !out->name) {
			if (!(out->name = dup_span(trim((struct span){ s.p + 5, s.n - 5 })))) {
				ret = -ENOMEM;
				break;
			}
		} else if (s.n >= 3 && !memcmp(s.p, "ID:", 3)) {
			out->has_id = parse_uint((struct span){ s.p + 3, s.n - 3 }, &out->id);
		} else if (s.n >= 6 && !memcmp(s.p, "field:", 6)) {
			struct bc_tp_decl d;

			if (out->nr_fields >= TP_MAX_FIELDS) {
				set_err(err, lineno, "too many fields");
				ret = -EINVAL;
				break;
			}
			if ((ret = parse_field(s, lineno, &d, err)))
				break;
			for (size_t i = 0; i < out->nr_fields; i++) {
				if (!strcmp(out->fields[i].name, d.name)) {
					set_err(err, lineno, "duplicate field '%s'", d.name);
					ret = -EINVAL;
				}
			}
			if (ret || BC_GROW(out->fields, cap, out->nr_fields + 1)) {
				free(d.type);
				free(d.name);
				ret = ret ? ret : -ENOMEM;
				break;
			}
			out->fields[out->nr_fields++] = d;
		} else if (s.n >= 10 && !memcmp(s.p, "print fmt:", 10)) {
			break;	/* the rest is the print format */
		}
	}
	if (!ret && !out->nr_fields) {
		set_err(err, 0, "no fields");
		ret = -EINVAL;
	}
	if (ret)
		bc_tp_format_free(out);
	return ret;
}

int bc_tp_format_read(struct bc_source *src, const char *category, const char *event,
		      struct bc_tp_format *out, struct bc_tp_error *err)
{
	char where[4096], *data = NULL;
	size_t len = 0;
	int ret;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!out || !bc_source_safe_name(category) || !bc_source_safe_name(event)) {
		set_err(err, 0, "invalid tracepoint name");
		return -EINVAL;
	}
	ret = bc_source_tp_format(src, category, event, &data, &len, where, sizeof(where));
	if (ret) {
		set_err(err, 0, "%s: %s", where[0] ? where : bc_source_name(src), strerror(-ret));
		return ret;
	}
	ret = bc_tp_format_parse(data, len, out, err);
	free(data);
	return ret;
}

int bc_tp_format_load(const char *tracefs, const char *category, const char *event,
		      struct bc_tp_format *out, struct bc_tp_error *err)
{
	struct bc_source *src = bc_source_live(tracefs);
	int ret;

	if (!src)
		return -ENOMEM;
	ret = bc_tp_format_read(src, category, event, out, err);
	bc_source_free(src);
	return ret;
}

/* ---- typing ---- */

/* bpftrace 0.17-0.24 adjust_integer_types: 8-byte fields declared as 32-bit ints. */
static const char *adjust_integer_type(const char *type, uint32_t size)
{
	static const char *const to_u64[] = { "unsigned int", "unsigned", "u32", "pid_t",
					      "uid_t", "gid_t" };

	if (size != 8)
		return type;
	if (!strcmp(type, "int"))
		return "s64";
	for (size_t i = 0; i < sizeof(to_u64) / sizeof(to_u64[0]); i++)
		if (!strcmp(type, to_u64[i]))
			return "u64";
	return type;
}

/* The type a declaration names (not yet version-adjusted); *RESOLVED false on a guess. */
static struct bc_stype *decl_type(const char *text, uint32_t file_size, bool file_signed,
				  int v, struct bc_btf *btf, bool *resolved)
{
	char base[256];
	unsigned ptrs;
	bool user, sign;
	uint32_t size;
	struct bc_stype *t = NULL;

	*resolved = true;
	if (bc_ctype_split(text, base, sizeof(base), &ptrs, &user) == 0) {
		/* C's own integer types and void need no BTF (loading the
		 * kernel's BTF costs tens of milliseconds) */
		if (!strcmp(base, "void")) {
			t = v >= BC_BT(22) ? bc_stype_void() : bc_stype_none();
		} else if (bc_ctype_int(base, &size, &sign)) {
			t = bc_stype_int(size, sign);
		} else if (btf && (t = bc_btf_type_by_name(btf, text, v))) {
			return t;
		} else if (!strncmp(base, "struct ", 7) || !strncmp(base, "union ", 6)) {
			t = bc_stype_cstruct(base, 0, base[0] == 'u', NULL);
		} else if (!strncmp(base, "enum ", 5)) {
			t = bc_stype_int(4, false);	/* C enums are unsigned int-sized */
		} else if (ptrs) {
			/* pointer to an unknown typedef: still a pointer */
			t = bc_stype_none();
			*resolved = false;
		}
		if (t) {
			for (unsigned i = 0; t && i < ptrs; i++)
				t = bc_stype_pointer(t, user ? BC_AS_USER : BC_AS_NONE);
			return t;
		}
	}
	/* unknown: an integer as wide as the field, when that is an integer width */
	*resolved = false;
	if (file_size == 1 || file_size == 2 || file_size == 4 || file_size == 8)
		return bc_stype_int(file_size, file_signed);
	return bc_stype_none();
}

static bool is_char(const char *type)
{
	char base[64];
	unsigned ptrs;
	bool user;

	return bc_ctype_split(type, base, sizeof(base), &ptrs, &user) == 0 && !ptrs &&
	       !strcmp(base, "char");
}

static struct bc_stype *field_type(const struct bc_tp_decl *d, int v, struct bc_btf *btf,
				   size_t *unresolved)
{
	struct bc_stype *t;
	bool ok;

	if (d->is_data_loc)
		return bc_stype_with_as(bc_stype_int(8, true), BC_AS_KERNEL);
	if (d->array_len >= 0) {
		uint32_t n = (uint32_t)d->array_len;
		struct bc_stype *elem;

		if (is_char(d->type)) {
			if (!n || d->array_symbolic)
				n = d->size;
			return bc_stype_string(n);
		}
		elem = decl_type(d->type, 0, d->is_signed, v, btf, &ok);
		if (!ok)
			(*unresolved)++;
		if (elem && (!n || d->array_symbolic) && elem->size)
			n = d->size / elem->size;
		return bc_stype_array(elem, n);
	}
	if (v < BC_BT(25)) {
		t = decl_type(adjust_integer_type(d->type, d->size), d->size, d->is_signed, v, btf,
			      &ok);
	} else {
		t = decl_type(d->type, d->size, d->is_signed, v, btf, &ok);
		/* 0.25+: the file's size and signedness win for scalars */
		if (t && bc_stype_is_int_like(t) && t->kind != BC_ST_BOOL &&
		    (d->size == 1 || d->size == 2 || d->size == 4 || d->size == 8) &&
		    (t->size != d->size || t->is_signed != d->is_signed)) {
			struct bc_stype *n = bc_stype_int(d->size, d->is_signed);

			bc_stype_put(t);
			t = n;
		}
		if (t && t->as == BC_AS_NONE)
			t = bc_stype_with_as(t, BC_AS_KERNEL);
	}
	if (!ok)
		(*unresolved)++;
	return t;
}

struct bc_stype *bc_tp_args_type(const struct bc_tp_format *f, const char *category,
				 const char *event, int bt_version, struct bc_btf *btf,
				 size_t *nr_unresolved)
{
	struct bc_layout *l;
	struct bc_stype *s;
	size_t unresolved = 0;
	uint32_t size = 0;
	char *name;

	if (!f || !category || !event) {
		errno = EINVAL;
		return NULL;
	}
	for (size_t i = 0; i < f->nr_fields; i++)
		if (f->fields[i].offset + f->fields[i].size > size)
			size = f->fields[i].offset + f->fields[i].size;
	if (!(l = bc_layout_new(size, 8, false)))
		return NULL;
	for (size_t i = 0; i < f->nr_fields; i++) {
		const struct bc_tp_decl *d = &f->fields[i];
		struct bc_stype *t = field_type(d, bt_version, btf, &unresolved);
		struct bc_field *fl;

		if (!t || !(fl = bc_layout_add(l, d->name, t, d->offset))) {
			bc_layout_put(l);
			errno = ENOMEM;
			return NULL;
		}
		fl->is_common = d->is_common;
		fl->is_data_loc = d->is_data_loc;
	}
	if (asprintf(&name, "struct _tracepoint_%s_%s", category, event) < 0) {
		bc_layout_put(l);
		errno = ENOMEM;
		return NULL;
	}
	s = bc_stype_cstruct(name, size, false, l);
	free(name);
	if (nr_unresolved)
		*nr_unresolved = unresolved;
	return s;
}

struct bc_stype *bc_tp_args(struct bc_source *src, const char *category, const char *event,
			    int bt_version, struct bc_btf *btf, struct bc_tp_error *err)
{
	struct bc_tp_format f;
	struct bc_stype *s;
	int ret = bc_tp_format_read(src, category, event, &f, err);

	if (ret == 0) {
		s = bc_tp_args_type(&f, category, event, bt_version, btf, NULL);
		bc_tp_format_free(&f);
		return s;
	}
	if (ret == -EINVAL && err && err->line) {
		errno = EINVAL;	/* a readable but malformed file: no silent fallback */
		return NULL;
	}
	if (btf && bc_source_safe_name(category) && bc_source_safe_name(event)) {
		s = bc_btf_tracepoint_struct(btf, category, event, bt_version);
		if (s)
			return s;
		set_err(err, 0, "tracepoint %s:%s: no format file and no BTF struct "
			"trace_event_raw_%s", category, event, event);
		return NULL;
	}
	errno = -ret;
	return NULL;
}
