// SPDX-License-Identifier: Apache-2.0
/*
 * Types for semantic analysis: the kernel BTF (opened lazily), structs from
 * the script's own C definitions, from BTF or unknown (a BC101 guess), type
 * names written in the script (casts, let, fn signatures, sizeof), enum
 * values, and the preprocessor state of the C definitions: which #include
 * and struct definitions are active given BPFTRACE_HAVE_BTF (defined when
 * kernel BTF is available, as bpftrace defines it) and the script's #defines.
 */
#include <errno.h>
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/types/btf_types.h"
#include "analyzer/types/c_type_name.h"
#include "analyzer/types/dwarf_types.h"
#include "analyzer/target/source.h"
#include "../core/unit.h"
#include "sema_impl.h"
#include "../base/array.h"

struct bc_btf *sema_btf(struct sema_ctx *c)
{
	if (c->btf_state > 0)
		return c->btf;
	if (c->btf_state < 0)
		return NULL;
	if (c->o->btf) {
		c->btf = c->o->btf;
	} else if (!c->o->no_btf && (c->o->btf_path || c->o->source)) {
		c->btf = bc_btf_open_from(c->o->btf_path, c->o->source, c->o->cache_dir);
		c->btf_owned = true;
	}
	if (!c->btf) {
		c->btf_state = -ENOENT;
		return NULL;
	}
	/* not loaded here: the bc_btf_* lookups load the (large) vmlinux BTF
	 * on first use, so scripts that never need it do not pay for it */
	c->btf_state = 1;
	return c->btf;
}

struct bc_source *sema_source(struct sema_ctx *c)
{
	if (!c->src && c->o->source) {
		c->src = c->o->source;
	} else if (!c->src) {
		c->src = bc_source_live(c->o->tracefs);
		c->src_owned = c->src != NULL;
	}
	return c->src;
}

/* ---- the struct cache ---- */

static const struct bc_stype *cache_find(struct sema_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nr_scache; i++)
		if (!strcmp(c->scache[i].name, name))
			return c->scache[i].type;
	return NULL;
}

static const struct bc_stype *cache_add(struct sema_ctx *c, const char *name, struct bc_stype *t)
{
	if (!t) {
		sema_oom(c);
		return sema_none(c);
	}
	if (BC_GROW(c->scache, c->cap_scache, c->nr_scache + 1)) {
		bc_stype_put(t);
		sema_oom(c);
		return sema_none(c);
	}
	c->scache[c->nr_scache].name = strdup(name);
	if (!c->scache[c->nr_scache].name) {
		bc_stype_put(t);
		sema_oom(c);
		return sema_none(c);
	}
	c->scache[c->nr_scache].type = t;
	c->nr_scache++;
	/* the result keeps a reference for expr->type users */
	return sema_keep(c, bc_stype_get(t));
}

static struct sema_cstruct *script_struct(struct sema_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nr_cstructs; i++)
		if (!strcmp(c->cstructs[i].name, name))
			return &c->cstructs[i];
	return NULL;
}

const struct bc_stype *sema_struct(struct sema_ctx *c, const char *name, const struct bc_span *sp,
				   bool report)
{
	const struct bc_stype *t = cache_find(c, name);
	struct sema_cstruct *cs;
	struct bc_dwarf *dw;
	struct bc_btf *btf;
	char full[256];

	if (t)
		return t;
	/* a bare name: try struct, then union (typedefs resolve through BTF) */
	cs = script_struct(c, name);
	if (!cs && strncmp(name, "struct ", 7) && strncmp(name, "union ", 6)) {
		snprintf(full, sizeof(full), "struct %s", name);
		cs = script_struct(c, full);
		if (!cs) {
			snprintf(full, sizeof(full), "union %s", name);
			cs = script_struct(c, full);
		}
	}
	if (cs) {
		struct bc_stype *st;

		bool final = c->final;

		if (cs->resolving)	/* struct X { struct X x; }: not a complete type */
			return sema_keep(c, bc_stype_cstruct(name, 0, false, NULL));
		cs->resolving = true;
		c->final = true;	/* parsed once (cached): its notes are reported now */
		st = sema_cdef_parse(c, cs);
		c->final = final;
		cs->resolving = false;
		if (st)
			return cache_add(c, name, st);
	}
	dw = sema_probe_dwarf(c);
	if (dw) {
		struct bc_stype *dt = bc_dwarf_struct(dw, name, c->v);

		if (dt)
			return cache_add(c, name, dt);
		if (errno == ENOMEM) {
			sema_oom(c);
			return sema_none(c);
		}
	}
	btf = sema_btf(c);
	if (btf) {
		struct bc_stype *bt = bc_btf_struct(btf, name, c->v);

		if (bt)
			return cache_add(c, name, bt);
		if (errno == ENOMEM) {
			sema_oom(c);
			return sema_none(c);
		}
	}
	if (c->has_includes) {
		struct bc_stype *ht = sema_header_record(c, name);

		if (ht)
			return cache_add(c, name, ht);
		if (report && sema_header_pending(c)) {
			/* asked of the headers; reported once they are read */
			sema_header_want_record(c, name);
			return cache_add(c, name, bc_stype_cstruct(name, 0, !strncmp(name, "union ", 6),
								   NULL));
		}
	}
	if (report && c->quiet_structs)	/* not cached: a later use still reports it */
		return sema_keep(c, bc_stype_cstruct(name, 0, !strncmp(name, "union ", 6), NULL));
	if (report) {
		bool final = c->final;

		c->final = true;	/* looked up once (cached): reported now */
		if (btf && !c->has_includes)
			sema_error(c, sp, "Unknown struct/union: '%s'", name);
		else if (btf)
			sema_guess(c, sp, "'%s' is not in the kernel BTF or the script (an included "
				   "header's type?); its layout is unknown", name);
		else
			sema_guess_kernel(c, SEMA_NEED_BTF, sp, "no kernel BTF: the layout of '%s' is "
					  "unknown", name);
		c->final = final;
	}
	return cache_add(c, name, bc_stype_cstruct(name, 0, !strncmp(name, "union ", 6), NULL));
}

const struct bc_stype *sema_resolve(struct sema_ctx *c, const struct bc_stype *t,
				    const struct bc_span *sp)
{
	if (!t || t->kind != BC_ST_CSTRUCT)
		return t;
	if (t->layout)
		return t;
	if (!t->name)
		return t;
	return sema_struct(c, t->name, sp, true);
}

/*
 * Resolves the struct T is (or is an array of) and, recursively, every
 * struct or union it holds by value, as bpftrace's BTF and DWARF get_stype
 * resolve the fields of a struct value (0.17). Quiet: an unknown one stays
 * unknown. The results stay in the struct cache, which the analysis keeps
 * (bc_sema_struct), so a value's type is complete for whoever prints it.
 */
void sema_resolve_value(struct sema_ctx *c, const struct bc_stype *t, unsigned depth)
{
	while (t && t->kind == BC_ST_ARRAY)
		t = t->elem;
	if (!t || t->kind != BC_ST_CSTRUCT || depth > 32)
		return;
	if (!t->layout) {
		if (!t->name || cache_find(c, t->name))
			return;	/* unnamed, or resolved (or tried) before */
		t = sema_struct(c, t->name, NULL, false);
		if (!t || !t->layout)
			return;
	}
	for (size_t i = 0; i < t->layout->nr_fields; i++)
		sema_resolve_value(c, t->layout->fields[i].type, depth + 1);
}

/* ---- type names in the script ---- */

static const struct bc_stype *named(struct sema_ctx *c, struct bc_type *t)
{
	static const struct {
		const char *name;
		uint32_t size;
		bool sign;
	} ints[] = {
		{ "uint8", 1, false }, { "int8", 1, true }, { "uint16", 2, false },
		{ "int16", 2, true }, { "uint32", 4, false }, { "int32", 4, true },
		{ "uint64", 8, false }, { "int64", 8, true },
	};
	const char *n = t->name;
	struct bc_btf *btf;
	uint32_t size;
	bool sign;

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (!strcmp(n, ints[i].name))
			return sema_keep(c, bc_stype_int(ints[i].size, ints[i].sign));
	if (!strcmp(n, "bool"))
		return sema_keep(c, c->v >= BC_BT(24) ? bc_stype_bool() : bc_stype_int(1, false));
	if (!strcmp(n, "void"))
		return sema_keep(c, bc_stype_void());
	if (!strcmp(n, "string"))
		return sema_keep(c, bc_stype_string(c->prof->max_strlen));
	if (!strcmp(n, "inet"))
		return sema_keep(c, bc_stype_inet(24));
	if (!strcmp(n, "buffer"))
		return sema_keep(c, bc_stype_buffer(c->prof->max_strlen));
	if (!strcmp(n, "ksym_t"))
		return sema_keep(c, bc_stype_ksym());
	/* a type name since the stdlib's username ((username_t)uid, #5242, after 0.26) */
	if (!strcmp(n, "username_t") && c->v >= BC_BT_HEAD)
		return sema_keep(c, bc_stype_username());
	if (!strcmp(n, "usym_t"))
		return sema_keep(c, bc_stype_usym());
	if (!strcmp(n, "timestamp"))
		return sema_keep(c, bc_stype_timestamp());
	if (!strcmp(n, "macaddr_t"))
		return sema_keep(c, bc_stype_macaddr());
	if (!strcmp(n, "cgroup_path_t"))
		return sema_keep(c, bc_stype_cgroup_path());
	if (!strcmp(n, "kstack_t") || !strcmp(n, "ustack_t"))
		return sema_keep(c, bc_stype_stack(n[0] == 'k', c->v, 0, BC_STACK_BPFTRACE));
	if (c->v >= BC_BT(19) && bc_ctype_int(n, &size, &sign))
		return sema_keep(c, bc_stype_int(size, sign));
	btf = sema_btf(c);
	if (btf && c->v >= BC_BT(19)) {
		struct bc_stype *bt = bc_btf_type_by_name(btf, n, c->v);

		if (bt)
			return sema_keep(c, bt);
	}
	/* v0.17: a name that is not an integer type is a struct name */
	return sema_struct(c, n, &t->span, true);
}

/*
 * typeof(@m) of a map written without a key: its key type (0.25's type
 * resolver; typeof(@m[k]) is the value's), not a read of @m. The keys the
 * script fixed so far in this pass, else in the last (a map keyed later in
 * the text). NULL for a keyless or not yet keyed map.
 */
static const struct bc_stype *map_key_type(struct sema_ctx *c, struct bc_expr *m)
{
	const struct bc_sema_map *map = sema_map_get(c, m);
	struct bc_stype *const *kt;
	struct bc_stype *ks[64];
	size_t n;

	if (!map || c->v < BC_BT(25))
		return NULL;
	n = map->key ? map->nr_keys : map->prev_fixed ? map->prev_nr_keys : 0;
	kt = map->key ? map->key_types : map->prev_key_types;
	if (!n || !kt || n > sizeof(ks) / sizeof(ks[0]))
		return NULL;
	if (n == 1)
		return sema_keep(c, bc_stype_get(kt[0]));
	for (size_t i = 0; i < n; i++)
		ks[i] = bc_stype_get(kt[i]);
	return sema_keep(c, bc_stype_tuple(ks, n));
}

const struct bc_stype *sema_type(struct sema_ctx *c, struct bc_type *t)
{
	const struct bc_stype *r = NULL, *in;
	char name[256];

	if (!t)
		return sema_none(c);
	switch (t->kind) {
	case BC_TYPE_NAME:
		r = named(c, t);
		break;
	case BC_TYPE_STRUCT:
	case BC_TYPE_UNION:
		snprintf(name, sizeof(name), "%s %s", t->kind == BC_TYPE_STRUCT ? "struct" : "union",
			 t->name);
		r = sema_struct(c, name, &t->span, true);
		break;
	case BC_TYPE_ENUM:
		r = sema_keep(c, bc_stype_int(8, false));
		break;
	case BC_TYPE_POINTER:
		in = sema_type(c, t->inner);
		r = sema_keep(c, bc_stype_pointer(bc_stype_get((struct bc_stype *)in), BC_AS_NONE));
		break;
	case BC_TYPE_ARRAY:
		if (t->inner && t->inner->kind == BC_TYPE_NAME && !strcmp(t->inner->name, "string")) {
			r = sema_keep(c, bc_stype_string((uint32_t)t->size));
			t->inner->resolved = r;
		} else if (t->inner && t->inner->kind == BC_TYPE_NAME &&
			   !strcmp(t->inner->name, "buffer")) {
			r = sema_keep(c, bc_stype_buffer((uint32_t)t->size +
							 (c->v >= BC_BT(22) ? 4 : 1)));
			t->inner->resolved = r;
		} else if (t->inner && t->inner->kind == BC_TYPE_NAME &&
			   !strcmp(t->inner->name, "inet")) {
			r = sema_keep(c, bc_stype_inet((uint32_t)t->size));
			t->inner->resolved = r;
		} else {
			in = sema_type(c, t->inner);
			r = sema_keep(c, bc_stype_array(bc_stype_get((struct bc_stype *)in),
							(uint32_t)t->size));
		}
		break;
	case BC_TYPE_TYPEOF:
		if (t->expr && t->expr->kind == BC_EXPR_MAP && !t->expr->u.map.has_keys &&
		    c->v >= BC_BT(25)) {
			r = map_key_type(c, t->expr);
			if (!r && !c->final)
				break;	/* keyed later in the text: known in the final pass */
		}
		if (!r)
			r = t->expr ? sema_expr(c, t->expr, ROLE_NONE) : sema_type(c, t->inner);
		break;
	}
	if (!r)
		r = sema_none(c);
	t->resolved = r;
	return r;
}

/* ---- enums ---- */

bool sema_enum_value(struct sema_ctx *c, const char *name, int64_t *value)
{
	struct bc_btf *b;

	for (size_t i = 0; i < c->nr_enums; i++)
		if (!strcmp(c->enums[i].name, name)) {
			*value = c->enums[i].value;
			return true;
		}
	b = sema_btf(c);
	return b && bc_btf_enum_value(b, name, value) == 1;
}

/* ---- the C definitions' preprocessor state ---- */

static bool script_defines(struct sema_ctx *c, const char *name, size_t len)
{
	for (size_t i = 0; i < c->s->nr_defines; i++)
		if (strlen(c->s->defines[i].name) == len && !strncmp(c->s->defines[i].name, name, len))
			return true;
	return false;
}

static bool is_defined(struct sema_ctx *c, const char *name, size_t len)
{
	if (len == 17 && !strncmp(name, "BPFTRACE_HAVE_BTF", len))
		return c->btf_defined;
	return script_defines(c, name, len);
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static size_t ident_len(const char *p)
{
	size_t n = 0;

	while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
	       (p[n] >= '0' && p[n] <= '9') || p[n] == '_')
		n++;
	return n;
}

/* #if EXPR for the forms scripts use: 0, 1, defined(X), !defined X, X. -1: unknown. */
static int eval_if(struct sema_ctx *c, const char *p)
{
	bool neg = false, paren;
	size_t n;

	p = skip_ws(p);
	if (*p == '!') {
		neg = true;
		p = skip_ws(p + 1);
	}
	if (!strncmp(p, "defined", 7)) {
		p = skip_ws(p + 7);
		paren = *p == '(';
		if (paren)
			p = skip_ws(p + 1);
		n = ident_len(p);
		if (!n)
			return -1;
		return is_defined(c, p, n) != neg;
	}
	if (*p >= '0' && *p <= '9')
		return (strtol(p, NULL, 0) != 0) != neg;
	n = ident_len(p);
	if (n && !*skip_ws(p + n))
		return is_defined(c, p, n) != neg;	/* an undefined macro is 0 */
	return -1;
}

#define PP_MAX_DEPTH	64

void sema_cdefs_init(struct sema_ctx *c)
{
	bool active[PP_MAX_DEPTH + 1] = { true }, taken[PP_MAX_DEPTH + 1] = { true };
	size_t depth = 0;

	c->btf_defined = c->o->btf ||
			 (c->o->btf_path ? access(c->o->btf_path, R_OK) == 0 : sema_btf(c) != NULL);
	c->cstructs = calloc(c->s->nr_cdefs ? c->s->nr_cdefs : 1, sizeof(*c->cstructs));
	if (!c->cstructs) {
		sema_oom(c);
		return;
	}
	for (size_t i = 0; i < c->s->nr_cdefs; i++) {
		const struct bc_cdef *d = c->s->cdefs[i];
		const char *p;

		if (d->kind == BC_CDEF_STRUCT) {
			if (!active[depth])
				continue;
			if (!strcmp(d->keyword, "enum")) {
				sema_cdef_enums(c, d);
				continue;
			}
			if (d->name && d->name[0]) {
				struct sema_cstruct *cs = &c->cstructs[c->nr_cstructs++];
				char *n = bc_arena_alloc(&c->r->arena, strlen(d->keyword) +
							 strlen(d->name) + 2);

				if (!n) {
					sema_oom(c);
					return;
				}
				sprintf(n, "%s %s", d->keyword, d->name);
				cs->name = n;
				cs->def = d;
			}
			/* enum constants declared inside too */
			continue;
		}
		p = skip_ws(d->text + 1);	/* after '#' */
		if (!strncmp(p, "ifdef", 5) || !strncmp(p, "ifndef", 6)) {
			bool ndef = p[2] == 'n';
			const char *q = skip_ws(p + (ndef ? 6 : 5));
			bool v = is_defined(c, q, ident_len(q)) != ndef;

			if (depth < PP_MAX_DEPTH) {
				depth++;
				active[depth] = active[depth - 1] && v;
				taken[depth] = v;
			}
		} else if (!strncmp(p, "if", 2) && (p[2] == ' ' || p[2] == '\t' || p[2] == '(')) {
			int v = eval_if(c, p + 2);

			if (depth < PP_MAX_DEPTH) {
				depth++;
				/* unknown conditions: assume the code is compiled */
				active[depth] = active[depth - 1] && v != 0;
				taken[depth] = v != 0;
			}
		} else if (!strncmp(p, "elif", 4)) {
			int v = eval_if(c, p + 4);

			if (depth) {
				active[depth] = active[depth - 1] && !taken[depth] && v != 0;
				taken[depth] = taken[depth] || v != 0;
			}
		} else if (!strncmp(p, "else", 4)) {
			if (depth) {
				active[depth] = active[depth - 1] && !taken[depth];
				taken[depth] = true;
			}
		} else if (!strncmp(p, "endif", 5)) {
			if (depth)
				depth--;
		} else if (!strncmp(p, "include", 7) && active[depth]) {
			c->has_includes = true;
		}
	}
}

/* ---- identifiers from headers ---- */

void sema_header_want(struct sema_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nr_hdr; i++)
		if (!strcmp(c->hdr_names[i], name))
			return;
	if (BC_GROW(c->hdr_names, c->cap_hdr, c->nr_hdr + 1) ||
	    !(c->hdr_names[c->nr_hdr] = strdup(name))) {
		sema_oom(c);
		return;
	}
	c->nr_hdr++;
}

bool sema_header_value(struct sema_ctx *c, const char *name, int64_t *v)
{
	for (size_t i = 0; i < c->nr_hdr; i++)
		if (c->hdr.found[i] && !strcmp(c->hdr_names[i], name)) {
			*v = c->hdr.values[i];
			return true;
		}
	return false;
}

/* The script's C definition holding line LINE of the preamble
 * (sema_header_eval writes one definition after another). */
static const struct bc_cdef *cdef_at_line(struct sema_ctx *c, unsigned line)
{
	unsigned first = 1;

	for (size_t i = 0; i < c->s->nr_cdefs; i++) {
		const struct bc_cdef *d = c->s->cdefs[i];
		unsigned n = 1;

		for (const char *p = d->text; *p; p++)
			n += *p == '\n';
		if (line >= first && line < first + n)
			return d;
		first += n;
	}
	return NULL;
}

static const struct bc_span *include_span(struct sema_ctx *c, const char *header)
{
	for (size_t i = 0; i < c->s->nr_cdefs; i++) {
		const struct bc_cdef *d = c->s->cdefs[i];

		if (d->kind == BC_CDEF_PREPROC && strstr(d->text, "include") &&
		    strstr(d->text, header))
			return &d->span;
	}
	return &c->s->cdefs[0]->span;
}

/* Headers that were not found, at the first one's #include line: what they
 * would define stays a guess (the script's uses are not noted one by one).
 * One note per header; one for all of them when the kernel headers, where
 * bpftrace would look first, are absent. */
void sema_header_missing_notes(struct sema_ctx *c)
{
	char *list = NULL;
	size_t len = 0;
	FILE *m;

	if (!c->final || c->hdr_noted)
		return;
	c->hdr_noted = true;
	if (!c->hdr.no_kernel_headers) {
		for (size_t i = 0; i < c->hdr.nr_missing; i++)
			sema_guess(c, include_span(c, c->hdr.missing[i]),
				   "header <%s> is not found; identifiers the script takes from it are "
				   "assumed to be integer macros (int64)", c->hdr.missing[i]);
		return;
	}
	m = open_memstream(&list, &len);
	if (!m) {
		sema_oom(c);
		return;
	}
	for (size_t i = 0; i < c->hdr.nr_missing; i++)
		fprintf(m, "%s<%s>", i ? ", " : "", c->hdr.missing[i]);
	if (fclose(m)) {
		free(list);
		sema_oom(c);
		return;
	}
	c->kernel_noted = true;
	sema_guess(c, include_span(c, c->hdr.missing[0]),
		   "%s %s %s not found: there are no kernel headers in %s, where bpftrace looks "
		   "first (BPFTRACE_KERNEL_SOURCE names another place); identifiers the script "
		   "takes from %s are assumed to be integer macros (int64)",
		   c->hdr.nr_missing == 1 ? "header" : "headers", list,
		   c->hdr.nr_missing == 1 ? "is" : "are", c->hdr.no_kernel_headers,
		   c->hdr.nr_missing == 1 ? "it" : "them");
	free(list);
}

void sema_header_errors(struct sema_ctx *c)
{
	const struct bc_header_error *e = c->hdr.errors;
	const struct bc_cdef *d;
	const struct bc_span *sp;
	struct bc_span span;
	struct bc_diag *diag;
	bool unknown_type = false;
	int err = 0;

	/* a missing header is noted as such (sema_header_missing_notes): what
	 * follows from its absence is not reported again */
	if (!c->final || c->hdr_errors_noted || !c->hdr_done || !c->hdr.nr_errors ||
	    c->hdr.nr_missing)
		return;
	c->hdr_errors_noted = true;
	if (c->o->no_diags)
		return;
	d = cdef_at_line(c, e[0].line);
	sp = d ? &d->span : &c->s->cdefs[0]->span;
	span = *sp;
	if (!span.line && span.end > span.start)
		bc_unit_locate(c->u, &span);
	diag = bc_diag_add(&c->u->diags, BC_RULE_SEMANTIC_ERROR, c->u->display_path, &span,
			   "clang cannot compile the script's C definitions as bpftrace runs it "
			   "(bpftrace refuses the script): %s", e[0].text);
	if (!diag) {
		sema_oom(c);
		return;
	}
	c->r->nr_errors++;
	for (size_t i = 0; i < c->hdr.nr_errors; i++)
		unknown_type |= strstr(e[i].text, ": unknown type name ") != NULL;
	if (c->hdr.nr_errors > 1)
		err = bc_diag_note(diag, NULL, NULL, "and %zu more error%s, the next: %s",
				   c->hdr.nr_errors - 1, c->hdr.nr_errors == 2 ? "" : "s", e[1].text);
	if (!err && unknown_type)
		err = bc_diag_note(diag, NULL, NULL,
				   "bpftrace says: Include headers with missing type definitions or "
				   "install BTF information to your system");
	if (!err && c->hdr.no_kernel_headers && !c->kernel_noted) {
		c->kernel_noted = true;
		err = bc_diag_note(diag, NULL, NULL,
				   "there are no kernel headers in %s, where bpftrace looks first "
				   "(BPFTRACE_KERNEL_SOURCE names another place): the headers come "
				   "from /usr/include", c->hdr.no_kernel_headers);
	}
	if (err)
		sema_oom(c);
}

void sema_header_want_record(struct sema_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nr_hdr_records; i++)
		if (!strcmp(c->hdr_records[i], name))
			return;
	if (BC_GROW(c->hdr_records, c->cap_hdr_records, c->nr_hdr_records + 1) ||
	    !(c->hdr_records[c->nr_hdr_records] = strdup(name))) {
		sema_oom(c);
		return;
	}
	c->nr_hdr_records++;
}

bool sema_header_pending(struct sema_ctx *c)
{
	return c->has_includes && c->o->header_eval && !c->hdr_tried;
}

struct bc_stype *sema_header_record(struct sema_ctx *c, const char *name)
{
	if (!c->hdr_done || !c->hdr.record)
		return NULL;
	return c->hdr.record(c->hdr.record_ctx, name);
}

bool sema_struct_upgrade(const struct bc_stype *old, const struct bc_stype *t)
{
	if (!old || !t)
		return false;
	if (old->kind == BC_ST_POINTER && t->kind == BC_ST_POINTER)
		return sema_struct_upgrade(old->elem, t->elem);
	return old->kind == BC_ST_CSTRUCT && t->kind == BC_ST_CSTRUCT && !old->layout &&
	       t->layout && old->name && t->name && !strcmp(old->name, t->name);
}

/* Drops the structs cached without a layout while the headers were not
 * read yet: they are looked up again, in the headers too. */
static void uncache_unresolved(struct sema_ctx *c)
{
	size_t k = 0;

	for (size_t i = 0; i < c->nr_scache; i++) {
		if (!c->scache[i].type->layout) {
			free(c->scache[i].name);
			bc_stype_put(c->scache[i].type);
			continue;
		}
		c->scache[k++] = c->scache[i];
	}
	c->nr_scache = k;
}

bool sema_header_eval(struct sema_ctx *c)
{
	char *pre = NULL;
	size_t len = 0;
	FILE *m;
	int err;

	if (c->hdr_tried || !c->has_includes || !c->o->header_eval)
		return false;
	c->hdr_tried = true;
	m = open_memstream(&pre, &len);
	if (!m) {
		sema_oom(c);
		return false;
	}
	for (size_t i = 0; i < c->s->nr_cdefs; i++) {
		const struct bc_cdef *d = c->s->cdefs[i];
		size_t n = strlen(d->text);

		/* bpftrace's parser ends every struct definition with ";\n"
		 * (c_definitions), so `struct S { ... } kprobe:f` compiles */
		fprintf(m, "%s%s\n", d->text,
			d->kind == BC_CDEF_STRUCT && (!n || d->text[n - 1] != ';') ? ";" : "");
	}
	if (fclose(m)) {
		free(pre);
		sema_oom(c);
		return false;
	}
	err = c->o->header_eval(c->o->header_eval_ctx, pre, (const char *const *)c->hdr_names,
				c->nr_hdr, (const char *const *)c->hdr_records, c->nr_hdr_records,
				sema_btf(c), &c->hdr);
	free(pre);
	if (err == -ENOMEM)
		sema_oom(c);
	c->hdr_done = !err;
	/* looked up again now, reported when still unknown */
	if (c->nr_hdr_records)
		uncache_unresolved(c);
	return c->hdr_done || c->nr_hdr_records;
}

void sema_header_free(struct sema_ctx *c)
{
	for (size_t i = 0; i < c->nr_hdr; i++)
		free(c->hdr_names[i]);
	free(c->hdr_names);
	c->hdr_names = NULL;
	c->nr_hdr = c->cap_hdr = 0;
	for (size_t i = 0; i < c->nr_hdr_records; i++)
		free(c->hdr_records[i]);
	free(c->hdr_records);
	c->hdr_records = NULL;
	c->nr_hdr_records = c->cap_hdr_records = 0;
}

int sema_keep_structs(struct sema_ctx *c)
{
	struct bc_sema *r = c->r;

	r->structs = calloc(c->nr_scache ? c->nr_scache : 1, sizeof(*r->structs));
	if (!r->structs)
		return -ENOMEM;
	for (size_t i = 0; i < c->nr_scache; i++) {
		struct bc_stype *t = c->scache[i].type;
		bool dup = false;

		if (!t || t->kind != BC_ST_CSTRUCT || !t->layout || !t->name)
			continue;
		for (size_t k = 0; k < r->nr_structs && !dup; k++)
			dup = r->structs[k] == t;
		if (!dup)
			r->structs[r->nr_structs++] = bc_stype_get(t);
	}
	return 0;
}

void sema_types_free(struct sema_ctx *c)
{
	for (size_t i = 0; i < c->nr_scache; i++) {
		free(c->scache[i].name);
		bc_stype_put(c->scache[i].type);
	}
	free(c->scache);
	c->scache = NULL;
	c->nr_scache = 0;
	for (size_t i = 0; i < c->nr_dwarfs; i++) {
		free(c->dwarfs[i].path);
		bc_dwarf_close(c->dwarfs[i].dw);
	}
	free(c->dwarfs);
	c->dwarfs = NULL;
	c->nr_dwarfs = c->cap_dwarfs = 0;
	free(c->cstructs);
	c->cstructs = NULL;
	free(c->enums);
	c->enums = NULL;
	c->cap_enums = 0;
	if (c->btf_owned)
		bc_btf_close(c->btf);
	c->btf = NULL;
	if (c->src_owned)
		bc_source_free(c->src);
	c->src = NULL;
}
