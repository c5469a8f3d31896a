// SPDX-License-Identifier: Apache-2.0
/* The result of semantic analysis: its accessors, the unit slot, and freeing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/unit.h"
#include "sema_impl.h"

void bc_sema_free(struct bc_sema *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nr_maps; i++) {
		struct bc_sema_map *m = r->maps[i];

		for (size_t k = 0; k < m->nr_keys; k++)
			bc_stype_put(m->key_types[k]);
		free(m->key_types);
		for (size_t k = 0; k < m->prev_nr_keys; k++)
			bc_stype_put(m->prev_key_types[k]);
		free(m->prev_key_types);
		bc_stype_put(m->key);
		bc_stype_put(m->value);
		free(m->uses);
		for (size_t k = 0; k < m->nr_issues; k++) {
			free(m->issues[k].message);
			free(m->issues[k].first);
		}
		free(m->issues);
		free(m);
	}
	free(r->maps);
	bc_strindex_free(&r->map_index);
	for (size_t i = 0; i < r->nr_vars; i++) {
		bc_stype_put(r->vars[i]->type);
		free(r->vars[i]);
	}
	free(r->vars);
	for (size_t i = 0; i < r->nr_probes; i++) {
		bc_stype_put(r->probes[i].args);
		for (size_t k = 0; k < r->probes[i].nr_all_args; k++)
			bc_stype_put(r->probes[i].all_args[k]);
		free(r->probes[i].all_args);
		free(r->probes[i].name);
	}
	free(r->probes);
	for (size_t i = 0; i < r->nr_pool; i++)
		bc_stype_put(r->pool[i]);
	free(r->pool);
	for (size_t i = 0; i < r->nr_structs; i++)
		bc_stype_put(r->structs[i]);
	free(r->structs);
	free(r->macro_uses);
	bc_arena_free(&r->arena);
	free(r);
}

/* ---- the unit slot ---- */

static void sema_free_cb(void *p)
{
	bc_sema_free(p);
}

const struct bc_sema *bc_sema_of(const struct bc_unit *u)
{
	return u && u->sema_free == sema_free_cb ? u->sema : NULL;
}

void bc_sema_attach(struct bc_unit *u, struct bc_sema *sema)
{
	if (u->sema && u->sema_free)
		u->sema_free(u->sema);
	u->sema = sema;
	u->sema_free = sema ? sema_free_cb : NULL;
}

/* ---- accessors ---- */

const struct bc_script *bc_sema_script(const struct bc_sema *s)
{
	return s ? s->script : NULL;
}

int bc_sema_version(const struct bc_sema *s)
{
	return s ? s->version : 0;
}

const struct bc_bt_profile *bc_sema_profile(const struct bc_sema *s)
{
	return s ? &s->prof : NULL;
}

unsigned bc_sema_nr_errors(const struct bc_sema *s)
{
	return s ? s->nr_errors : 0;
}

unsigned bc_sema_nr_guesses(const struct bc_sema *s)
{
	return s ? s->nr_guesses : 0;
}

bool bc_sema_has_btf(const struct bc_sema *s)
{
	return s && s->has_btf;
}

bool bc_sema_kernel_gap(const struct bc_sema *s, size_t item)
{
	const struct bc_sema_probe *p = bc_sema_probe_of_item(s, item);

	return s && (s->kernel_gap || (p && p->kernel_gap));
}

size_t bc_sema_nr_maps(const struct bc_sema *s)
{
	return s ? s->nr_maps : 0;
}

const struct bc_sema_map *bc_sema_map_at(const struct bc_sema *s, size_t i)
{
	return s && i < s->nr_maps ? s->maps[i] : NULL;
}

const struct bc_sema_map *bc_sema_map_find(const struct bc_sema *s, const char *name)
{
	size_t i;

	if (!s || !name)
		return NULL;
	if (name[0] == '@')
		name++;
	return bc_strindex_get(&s->map_index, name, &i) ? s->maps[i] : NULL;
}

const struct bc_sema_map *bc_sema_expr_map(const struct bc_expr *e)
{
	return e && e->kind == BC_EXPR_MAP ? e->sema : NULL;
}

bool bc_sema_map_keyless(const struct bc_sema_map *m)
{
	return m && !m->nr_keys;
}

size_t bc_sema_map_uses(const struct bc_sema_map *m, enum bc_map_use_kind kind,
			const struct bc_sema_map_use **first)
{
	size_t n = 0;

	if (first)
		*first = NULL;
	if (!m)
		return 0;
	for (size_t i = 0; i < m->nr_uses; i++) {
		if (m->uses[i].kind != kind)
			continue;
		if (!n && first)
			*first = &m->uses[i];
		n++;
	}
	return n;
}

bool bc_sema_map_is_read(const struct bc_sema_map *m)
{
	static const enum bc_map_use_kind reads[] = {
		BC_MAP_USE_READ, BC_MAP_USE_COMPOUND, BC_MAP_USE_INCDEC, BC_MAP_USE_LEN,
		BC_MAP_USE_HAS_KEY, BC_MAP_USE_FOR, BC_MAP_USE_ADDR,
	};

	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++)
		if (bc_sema_map_uses(m, reads[i], NULL))
			return true;
	return false;
}

const char *bc_map_use_kind_name(enum bc_map_use_kind k)
{
	static const char *const names[BC_MAP_USE__COUNT] = {
		[BC_MAP_USE_ASSIGN] = "assign",	 [BC_MAP_USE_COMPOUND] = "compound",
		[BC_MAP_USE_INCDEC] = "incdec",	 [BC_MAP_USE_AGG] = "aggregate",
		[BC_MAP_USE_READ] = "read",	 [BC_MAP_USE_CLEAR] = "clear",
		[BC_MAP_USE_ZERO] = "zero",	 [BC_MAP_USE_DELETE] = "delete",
		[BC_MAP_USE_LEN] = "len",	 [BC_MAP_USE_PRINT] = "print",
		[BC_MAP_USE_HAS_KEY] = "has_key", [BC_MAP_USE_FOR] = "for",
		[BC_MAP_USE_ADDR] = "addr",	 [BC_MAP_USE_DECL] = "decl",
	};

	return k > 0 && k < BC_MAP_USE__COUNT && names[k] ? names[k] : "?";
}

size_t bc_sema_nr_vars(const struct bc_sema *s)
{
	return s ? s->nr_vars : 0;
}

const struct bc_sema_var *bc_sema_var_at(const struct bc_sema *s, size_t i)
{
	return s && i < s->nr_vars ? s->vars[i] : NULL;
}

const struct bc_sema_var *bc_sema_expr_var(const struct bc_expr *e)
{
	return e && e->kind == BC_EXPR_VAR ? e->sema : NULL;
}

const struct bc_stype *bc_sema_expr_record(const struct bc_expr *e)
{
	return e && e->kind == BC_EXPR_FIELD ? e->sema : NULL;
}

char *bc_sema_str_fold(const struct bc_expr *call, int version, size_t *len)
{
	const struct bc_expr *a, *n = NULL;
	char num[32];
	const char *s;
	size_t l;
	char *out;

	errno = 0;
	if (version < BC_BT(24) || !call || call->kind != BC_EXPR_CALL || !call->u.call.name ||
	    strcmp(call->u.call.name, "str") || !call->u.call.args.n ||
	    call->u.call.args.n > 2)
		return NULL;
	a = call->u.call.args.v[0];
	if (call->u.call.args.n == 2) {
		n = call->u.call.args.v[1];
		if (n->kind != BC_EXPR_INT)
			return NULL;	/* a length that is not a literal: not folded */
	}
	if (a->kind == BC_EXPR_STRING) {
		s = a->u.str.data;
		l = a->u.str.len;
	} else if (a->kind == BC_EXPR_INT) {
		l = (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)a->u.num.value);
		s = num;
	} else if (a->kind == BC_EXPR_UNOP && a->u.unop.op == BC_OP_NEG &&
		   a->u.unop.operand->kind == BC_EXPR_INT) {
		l = (size_t)snprintf(num, sizeof(num), "-%llu",
				     (unsigned long long)a->u.unop.operand->u.num.value);
		s = num;
	} else {
		return NULL;
	}
	if (n && l >= n->u.num.value)
		l = (size_t)n->u.num.value;
	out = malloc(l + 1);
	if (!out) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(out, s, l);
	out[l] = 0;
	*len = l;
	return out;
}

bool bc_sema_expr_ident_value(const struct bc_expr *e, int64_t *v)
{
	const int64_t *p = e && e->kind == BC_EXPR_IDENT ? e->sema : NULL;

	if (p)
		*v = *p;
	return p != NULL;
}

bool bc_sema_expr_offsetof(const struct bc_expr *e, uint64_t *v)
{
	const uint64_t *p = e && e->kind == BC_EXPR_OFFSETOF ? e->sema : NULL;

	if (p)
		*v = *p;
	return p != NULL;
}

const struct bc_block *bc_sema_macro_body(const struct bc_sema *s, const struct bc_expr *e)
{
	for (size_t i = 0; s && e && i < s->nr_macro_uses; i++)
		if (s->macro_uses[i].use == e)
			return s->macro_uses[i].body;
	return NULL;
}

size_t bc_sema_nr_probes(const struct bc_sema *s)
{
	return s ? s->nr_probes : 0;
}

const struct bc_sema_probe *bc_sema_probe_at(const struct bc_sema *s, size_t i)
{
	return s && i < s->nr_probes ? &s->probes[i] : NULL;
}

const struct bc_sema_probe *bc_sema_probe_of_item(const struct bc_sema *s, size_t item)
{
	size_t lo = 0, hi = s ? s->nr_probes : 0;

	/* probes are recorded in the order of the script's items: a binary
	 * search finds it (called for every probe: a scan would be quadratic);
	 * the scan below stays for an order this does not expect */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->probes[mid].item < item)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (s && lo < s->nr_probes && s->probes[lo].item == item)
		return &s->probes[lo];
	for (size_t i = 0; s && i < s->nr_probes; i++)
		if (s->probes[i].item == item)
			return &s->probes[i];
	return NULL;
}

bool bc_sema_reads_binaries(const struct bc_sema *s)
{
	return s && s->reads_binaries;
}

const struct bc_stype *bc_sema_struct(const struct bc_sema *s, const char *name)
{
	for (size_t i = 0; s && name && i < s->nr_structs; i++) {
		const char *n = s->structs[i]->name;

		if (!strcmp(n, name) || (!strncmp(n, "struct ", 7) && !strcmp(n + 7, name)))
			return s->structs[i];
	}
	return NULL;
}
