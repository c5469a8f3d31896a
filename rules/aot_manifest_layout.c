// SPDX-License-Identifier: Apache-2.0
/*
 * BC403 aot-manifest-layout: a definition whose recorded layout disagrees
 * with its own fields or with the target's BTF. The runtime decodes a value
 * by the offsets and sizes the manifest records, so a wrong one prints
 * garbage. Checked, for each definition:
 *  - a field's size against the size of its type (integers, strings and
 *    other sized primitives, arrays, pointers, referenced definitions);
 *  - a field that ends past the type's size;
 *  - two fields of a tuple or record that overlap (a C struct's may: the
 *    members of an anonymous union are flattened into it);
 *  - for "struct NAME" / "union NAME" when the target has BTF (--btf, or the
 *    source's, the running kernel's or a target file's, unless --kernel
 *    names another kernel): the size and each field's offset against the
 *    BTF type of that name (a field BTF does not have is reported too).
 * One finding per definition, at its entry, with the first disagreement in
 * the message and the others as notes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest_common.h"
#include "../analyzer/core/unit.h"
#include "../analyzer/base/array.h"
#include "../analyzer/core/target.h"
#include "../analyzer/types/btf_types.h"

struct problems {
	char **v;
	size_t n, cap;
};

static int add(struct problems *p, char *msg)
{
	if (!msg || BC_GROW(p->v, p->cap, p->n + 1)) {
		free(msg);
		return -ENOMEM;
	}
	p->v[p->n++] = msg;
	return 0;
}

/* The size of a primitive type name, or 0 when it has none of its own. */
static uint64_t prim_size(const char *name)
{
	static const struct { const char *name; uint64_t size; } fixed[] = {
		{ "int8", 1 }, { "uint8", 1 }, { "int16", 2 }, { "uint16", 2 },
		{ "int32", 4 }, { "uint32", 4 }, { "int64", 8 }, { "uint64", 8 },
		{ "bool", 1 }, { "ksym", 8 }, { "usym", 16 }, { "probe", 8 },
		{ "username", 8 }, { "timestamp", 16 }, { "mac_address", 6 },
		{ "cgroup_path", 16 }, { "strerror", 8 },
	};
	static const char *const sized[] = { "string[", "buffer[", "inet[" };
	unsigned long long n;
	char end;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (!strcmp(name, fixed[i].name))
			return fixed[i].size;
	for (size_t i = 0; i < sizeof(sized) / sizeof(sized[0]); i++) {
		size_t l = strlen(sized[i]);

		if (!strncmp(name, sized[i], l) && sscanf(name + l, "%llu%c", &n, &end) == 2 &&
		    end == ']')
			return n;
	}
	return 0;
}

/* The size of type expression E, or 0 when unknown. */
static uint64_t texpr_size(const struct bc_manifest *m, const struct bc_mtexpr *e, unsigned depth)
{
	ssize_t t;
	uint64_t s;

	if (depth > 64)
		return 0;
	switch (e->kind) {
	case BC_MTX_PRIM:
		return prim_size(e->name);
	case BC_MTX_REF:
		t = bc_manifest_find(m, e->name);
		return t >= 0 ? m->types[t].size : 0;
	case BC_MTX_ARRAY:
		s = texpr_size(m, e->elem, depth + 1);
		return s && e->count <= UINT64_MAX / s ? s * e->count : 0;
	case BC_MTX_POINTER:
		return 8;
	}
	return 0;
}

static int own_layout(const struct bc_manifest *m, const struct bc_mtype *t, struct problems *p)
{
	const struct bc_mfield *prev = NULL;
	int err = 0;

	for (size_t i = 0; i < t->nr_fields && !err; i++) {
		const struct bc_mfield *f = &t->fields[i];
		uint64_t want = texpr_size(m, f->type, 0);

		if (f->bits >= 0)
			continue;
		if (want && want != f->size)
			err = add(p, bc_strdup_printf("field %s records %" PRIu64 " bytes, but its type is %"
						      PRIu64 " bytes", f->name, f->size, want));
		else if (f->offset > t->size || f->size > t->size - f->offset)
			err = add(p, bc_strdup_printf("field %s (offset %" PRIu64 ", %" PRIu64
						      " bytes) ends past the %" PRIu64 "-byte %s",
						      f->name, f->offset, f->size, t->size,
						      bc_mkind_name(t->kind)));
		else if (prev && (t->kind == BC_MK_TUPLE || t->kind == BC_MK_RECORD) &&
			 f->offset < prev->offset + prev->size &&
			 f->offset >= prev->offset)
			err = add(p, bc_strdup_printf("field %s at offset %" PRIu64 " overlaps field %s "
						      "(offset %" PRIu64 ", %" PRIu64 " bytes)",
						      f->name, f->offset, prev->name, prev->offset,
						      prev->size));
		prev = f;
	}
	return err;
}

static int btf_layout(struct bc_btf *btf, int version, const struct bc_mtype *t, struct problems *p)
{
	struct bc_stype *s;
	int err = 0;

	if (strncmp(t->name, "struct ", 7) && strncmp(t->name, "union ", 6))
		return 0;
	s = bc_btf_struct(btf, t->name, version);
	if (!s)
		return errno == ENOMEM ? -ENOMEM : 0;	/* not in this BTF: nothing to compare */
	if (s->size != t->size)
		err = add(p, bc_strdup_printf("the manifest records %" PRIu64 " bytes, the target's BTF "
					      "has %" PRIu32, t->size, s->size));
	for (size_t i = 0; i < t->nr_fields && !err; i++) {
		const struct bc_mfield *f = &t->fields[i];
		const struct bc_field *bf = s->layout ? bc_layout_field(s->layout, f->name) : NULL;

		if (!bf)
			err = add(p, bc_strdup_printf("field %s is not in the target's BTF %s", f->name,
						      t->name));
		else if (bf->offset != f->offset)
			err = add(p, bc_strdup_printf("field %s is at offset %" PRIu64 ", the target's "
						      "BTF has it at %" PRIu32, f->name, f->offset,
						      bf->offset));
	}
	bc_stype_put(s);
	return err;
}

static int check(struct bc_rule_ctx *ctx)
{
	const struct bc_manifest *m = bc_manifest_rule_manifest(ctx);
	const struct bc_target *tg = ctx->target;
	struct bc_btf *btf = NULL;
	int err = 0, version = tg && tg->bpftrace ? tg->bpftrace : BC_BT(17);

	if (!m)
		return 0;
	if (tg && bc_target_btf_is_target(tg)) {
		btf = bc_btf_open_from(tg->btf_path, tg->source, tg->cache_dir);
		if (!btf && errno == ENOMEM)
			return -ENOMEM;	/* none (ENOENT): nothing to compare with */
	}
	for (size_t i = 0; i < m->nr_types && !err; i++) {
		const struct bc_mtype *t = &m->types[i];
		struct problems p = { 0 };
		struct bc_span span = bc_manifest_rule_span(ctx, t->span);
		struct bc_diag *d;

		err = own_layout(m, t, &p);
		if (!err && btf)
			err = btf_layout(btf, version, t, &p);
		if (!err && p.n) {
			d = bc_diag_add(ctx->diags, ctx->rule->id, ctx->unit->display_path, &span,
					"layout of %s \"%s\" disagrees: %s", bc_mkind_name(t->kind), t->name,
					p.v[0]);
			if (!d)
				err = -errno;
			for (size_t k = 1; !err && k < p.n; k++)
				err = bc_diag_note(d, NULL, &span, "%s", p.v[k]);
		}
		for (size_t k = 0; k < p.n; k++)
			free(p.v[k]);
		free(p.v);
	}
	bc_btf_close(btf);
	return err;
}

const struct bc_rule bc_rule_aot_manifest_layout = {
	.id = BC_RULE_AOT_MANIFEST_LAYOUT,
	.code = "BC403",
	.name = "aot-manifest-layout",
	.summary = "a manifest type's recorded size or field offsets disagree with its field types or the target BTF",
	.kinds = BC_RULE_ON_MANIFEST,
	.check = check,
};
