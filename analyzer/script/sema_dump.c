// SPDX-License-Identifier: Apache-2.0
/* A stable text dump of a semantic analysis, for golden tests (sema.h). */
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/unit.h"
#include "../base/sbuf.h"
#include "sema_impl.h"

#define DUMP_TEXT_MAX	48

struct dumper {
	struct bc_sbuf b;
	const struct bc_sema *s;
	const struct bc_unit *u;
	unsigned depth;
};

static void put_type(struct dumper *d, const struct bc_stype *t)
{
	char *n;

	if (!t) {
		bc_sbuf_puts(&d->b, "-");
		return;
	}
	n = bc_stype_name(t, d->s->version);
	bc_sbuf_printf(&d->b, "%s", n ? n : "?");
	free(n);
	if (t->kind != BC_ST_NONE && t->size)
		bc_sbuf_printf(&d->b, " (%u)", t->size);
	if (t->as == BC_AS_KERNEL)
		bc_sbuf_puts(&d->b, " kernel");
	else if (t->as == BC_AS_USER)
		bc_sbuf_puts(&d->b, " user");
	if (t->script_dependent)
		bc_sbuf_puts(&d->b, " script-dependent");
}

static void put_span(struct dumper *d, const struct bc_span *sp)
{
	bc_sbuf_printf(&d->b, "%u:%u-%u:%u", sp->line, sp->col, sp->end_line ? sp->end_line : sp->line,
		       sp->end_col ? sp->end_col : sp->col);
}

/* The source text of SP on one line, shortened. */
static void put_text(struct dumper *d, const struct bc_span *sp)
{
	const char *t = (const char *)d->u->data;
	size_t n = 0;

	bc_sbuf_putc(&d->b, '`');
	for (uint32_t i = sp->start; i < sp->end && i < d->u->size; i++) {
		char ch = t[i];

		if (ch == '\n' || ch == '\t' || ch == '\r')
			ch = ' ';
		if (n == DUMP_TEXT_MAX) {
			bc_sbuf_puts(&d->b, "...");
			break;
		}
		bc_sbuf_putc(&d->b, ch);
		n++;
	}
	bc_sbuf_putc(&d->b, '`');
}

static void expr(struct dumper *d, const struct bc_expr *e);
static void block(struct dumper *d, const struct bc_block *b);

static void list(struct dumper *d, const struct bc_expr_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		expr(d, l->v[i]);
}

static void type_exprs(struct dumper *d, const struct bc_type *t)
{
	for (; t; t = t->inner)
		if (t->kind == BC_TYPE_TYPEOF && t->expr)
			expr(d, t->expr);
}

static void expr(struct dumper *d, const struct bc_expr *e)
{
	if (!e || d->depth > SEMA_MAX_DEPTH)
		return;
	if (e->type && e->kind != BC_EXPR_ERROR) {
		bc_sbuf_puts(&d->b, "  ");
		put_span(d, &e->span);
		bc_sbuf_puts(&d->b, " ");
		put_text(d, &e->span);
		bc_sbuf_puts(&d->b, " : ");
		put_type(d, e->type);
		bc_sbuf_putc(&d->b, '\n');
	}
	d->depth++;
	switch (e->kind) {
	case BC_EXPR_MAP:
		list(d, &e->u.map.keys);
		break;
	case BC_EXPR_CALL:
		list(d, &e->u.call.args);
		break;
	case BC_EXPR_BINOP:
		expr(d, e->u.binop.left);
		expr(d, e->u.binop.right);
		break;
	case BC_EXPR_UNOP:
	case BC_EXPR_COMPTIME:
		expr(d, e->u.unop.operand);
		break;
	case BC_EXPR_TERNARY:
		expr(d, e->u.ternary.cond);
		expr(d, e->u.ternary.then);
		expr(d, e->u.ternary.els);
		break;
	case BC_EXPR_FIELD:
		expr(d, e->u.field.base);
		break;
	case BC_EXPR_TUPLE_INDEX:
		expr(d, e->u.tindex.base);
		break;
	case BC_EXPR_INDEX:
		expr(d, e->u.index.base);
		expr(d, e->u.index.index);
		break;
	case BC_EXPR_CAST:
		type_exprs(d, e->u.cast.type);
		expr(d, e->u.cast.operand);
		break;
	case BC_EXPR_TUPLE:
		list(d, &e->u.list);
		break;
	case BC_EXPR_RECORD:
		list(d, &e->u.record.values);
		break;
	case BC_EXPR_SIZEOF:
	case BC_EXPR_TYPEINFO:
		expr(d, e->u.sizeof_.expr);
		break;
	case BC_EXPR_OFFSETOF:
		expr(d, e->u.offsetof_.expr);
		break;
	case BC_EXPR_BLOCK:
		block(d, e->u.block);
		break;
	case BC_EXPR_IF:
		expr(d, e->u.if_.cond);
		block(d, e->u.if_.then);
		expr(d, e->u.if_.els);
		break;
	default:
		break;
	}
	d->depth--;
}

static void stmt(struct dumper *d, const struct bc_stmt *s)
{
	if (!s)
		return;
	switch (s->kind) {
	case BC_STMT_EXPR:
	case BC_STMT_DISCARD:
	case BC_STMT_RETURN:
		expr(d, s->u.expr);
		break;
	case BC_STMT_ASSIGN:
		expr(d, s->u.assign.target);
		expr(d, s->u.assign.value);
		break;
	case BC_STMT_LET:
		expr(d, s->u.let.var);
		expr(d, s->u.let.value);
		break;
	case BC_STMT_IF:
		expr(d, s->u.if_.cond);
		block(d, s->u.if_.then);
		stmt(d, s->u.if_.else_if);
		block(d, s->u.if_.els);
		break;
	case BC_STMT_WHILE:
	case BC_STMT_UNROLL:
		expr(d, s->u.loop.cond);
		block(d, s->u.loop.body);
		break;
	case BC_STMT_FOR:
		expr(d, s->u.for_.var);
		expr(d, s->u.for_.map);
		expr(d, s->u.for_.lo);
		expr(d, s->u.for_.hi);
		block(d, s->u.for_.body);
		break;
	case BC_STMT_BLOCK:
		block(d, s->u.block);
		break;
	default:
		break;
	}
}

static void block(struct dumper *d, const struct bc_block *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		stmt(d, b->stmts[i]);
	expr(d, b->tail);
}

static const char *map_type_name(int t)
{
	switch (t) {
	case BPF_MAP_TYPE_HASH: return "hash";
	case BPF_MAP_TYPE_PERCPU_HASH: return "percpu_hash";
	case BPF_MAP_TYPE_PERCPU_ARRAY: return "percpu_array";
	case BPF_MAP_TYPE_ARRAY: return "array";
	case BPF_MAP_TYPE_LRU_HASH: return "lru_hash";
	case BPF_MAP_TYPE_LRU_PERCPU_HASH: return "lru_percpu_hash";
	default: return "?";
	}
}

static void maps(struct dumper *d)
{
	bc_sbuf_puts(&d->b, "maps:\n");
	for (size_t i = 0; i < d->s->nr_maps; i++) {
		const struct bc_sema_map *m = d->s->maps[i];

		bc_sbuf_printf(&d->b, "  @%s keys=%zu [", m->name, m->nr_keys);
		for (size_t k = 0; k < m->nr_keys; k++) {
			if (k)
				bc_sbuf_puts(&d->b, ", ");
			put_type(d, m->key_types[k]);
		}
		bc_sbuf_puts(&d->b, "] key=");
		put_type(d, m->key);
		bc_sbuf_puts(&d->b, " value=");
		put_type(d, m->value);
		bc_sbuf_printf(&d->b, " agg=%s bpf=%s clearable=%s%s\n",
			       m->agg ? bc_stype_kind_name(m->agg) : "-", map_type_name(m->bpf_map_type),
			       m->clearable ? "yes" : "no", m->key_mismatch ? " key-mismatch" : "");
		for (size_t k = 0; k < m->nr_uses; k++) {
			const struct bc_sema_map_use *u = &m->uses[k];

			bc_sbuf_printf(&d->b, "    %s ", bc_map_use_kind_name(u->kind));
			put_span(d, &u->span);
			bc_sbuf_printf(&d->b, " keys=%zu%s item=%zu\n", u->nr_keys,
				       u->keyed ? " keyed" : "", u->item);
		}
		for (size_t k = 0; k < m->nr_issues; k++) {
			const struct bc_sema_map_issue *is = &m->issues[k];
			static const char *const kinds[] = { "?", "undefined", "keys", "value" };

			bc_sbuf_printf(&d->b, "    issue %s ", kinds[is->kind <= 3 ? is->kind : 0]);
			put_span(d, &is->span);
			bc_sbuf_printf(&d->b, " %s%s%s\n", is->message, is->first ? " | first: " : "",
				       is->first ? is->first : "");
		}
	}
}

static void vars(struct dumper *d)
{
	bc_sbuf_puts(&d->b, "vars:\n");
	for (size_t i = 0; i < d->s->nr_vars; i++) {
		const struct bc_sema_var *v = d->s->vars[i];

		bc_sbuf_printf(&d->b, "  $%s item=%zu scope=", v->name, v->item);
		if (v->scope)
			put_span(d, &v->scope->span);
		else
			bc_sbuf_puts(&d->b, "probe");
		bc_sbuf_puts(&d->b, " decl=");
		put_span(d, &v->decl_span);
		bc_sbuf_puts(&d->b, " type=");
		put_type(d, v->type);
		bc_sbuf_printf(&d->b, " assigns=%zu reads=%zu%s%s%s\n", v->nr_assigns, v->nr_reads,
			       v->is_let ? " let" : "", v->is_fn_arg ? " fn-arg" : "",
			       v->is_loop_var ? " loop" : "");
	}
}

static void probes(struct dumper *d)
{
	bc_sbuf_puts(&d->b, "probes:\n");
	for (size_t i = 0; i < d->s->nr_probes; i++) {
		const struct bc_sema_probe *p = &d->s->probes[i];

		bc_sbuf_printf(&d->b, "  %s type=%s", p->name ? p->name : "?",
			       p->type ? bc_probe_type_name(p->type, d->s->version) : "mixed");
		if (p->args) {
			bc_sbuf_puts(&d->b, " args=");
			put_type(d, p->args);
			if (p->args->layout)
				bc_sbuf_printf(&d->b, " fields=%zu", p->args->layout->nr_fields);
		}
		if (p->args_guessed)
			bc_sbuf_puts(&d->b, " args-guessed");
		bc_sbuf_putc(&d->b, '\n');
	}
}

char *bc_sema_dump(const struct bc_sema *s, const struct bc_unit *u)
{
	struct dumper d = { .s = s, .u = u };
	const struct bc_script *sc;

	if (!s || !u)
		return NULL;
	sc = s->script;
	bc_sbuf_printf(&d.b, "bpftrace %d.%d max_strlen=%u on_stack_limit=%u\n", s->version / 10000,
		       s->version / 100 % 100, s->prof.max_strlen, s->prof.on_stack_limit);
	bc_sbuf_puts(&d.b, "types:\n");
	for (size_t i = 0; i < sc->nr_items; i++) {
		const struct bc_item *it = &sc->items[i];

		if (it->kind == BC_ITEM_PROBE) {
			expr(&d, it->u.probe->pred);
			block(&d, it->u.probe->body);
		} else if (it->kind == BC_ITEM_FN) {
			block(&d, it->u.fn->body);
		}
	}
	maps(&d);
	vars(&d);
	probes(&d);
	return bc_sbuf_finish(&d.b);
}
