// SPDX-License-Identifier: Apache-2.0
/* The AST dump for golden tests (see printer.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printer.h"
#include "../base/sbuf.h"

struct dumper {
	struct bc_sbuf b;
	bool spans;
};

static void line(struct dumper *d, int depth, const struct bc_span *sp, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void line(struct dumper *d, int depth, const struct bc_span *sp, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	for (int i = 0; i < depth; i++)
		bc_sbuf_puts(&d->b, "  ");
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	bc_sbuf_puts(&d->b, buf);
	if (d->spans && sp)
		bc_sbuf_printf(&d->b, " @%u:%u-%u:%u", sp->line, sp->col,
			       sp->end_line ? sp->end_line : sp->line,
			       sp->end_col ? sp->end_col : sp->col);
	bc_sbuf_putc(&d->b, '\n');
}

/* A line whose detail is an escaped string. */
static void line_str(struct dumper *d, int depth, const struct bc_span *sp, const char *what,
		     const char *s, size_t n, const char *after)
{
	struct bc_sbuf esc = { 0 };
	char *t;

	bc_sbuf_put_escaped(&esc, s, n);
	t = bc_sbuf_finish(&esc);
	line(d, depth, sp, "%s \"%s\"%s", what, t ? t : "", after ? after : "");
	free(t);
}

static void dump_expr(struct dumper *d, const struct bc_expr *e, int depth);
static void dump_block(struct dumper *d, const char *what, const struct bc_block *b, int depth);

static void dump_type(struct dumper *d, const struct bc_type *t, int depth)
{
	if (!t) {
		line(d, depth, NULL, "type <none>");
		return;
	}
	switch (t->kind) {
	case BC_TYPE_NAME:
		line(d, depth, &t->span, "type %s", t->name);
		break;
	case BC_TYPE_STRUCT:
		line(d, depth, &t->span, "type struct %s", t->name);
		break;
	case BC_TYPE_UNION:
		line(d, depth, &t->span, "type union %s", t->name);
		break;
	case BC_TYPE_ENUM:
		line(d, depth, &t->span, "type enum %s", t->name);
		break;
	case BC_TYPE_POINTER:
		line(d, depth, &t->span, "type pointer");
		dump_type(d, t->inner, depth + 1);
		break;
	case BC_TYPE_ARRAY:
		if (t->has_size)
			line(d, depth, &t->span, "type array [%llu]", (unsigned long long)t->size);
		else
			line(d, depth, &t->span, "type array []");
		dump_type(d, t->inner, depth + 1);
		break;
	case BC_TYPE_TYPEOF:
		line(d, depth, &t->span, "type typeof");
		if (t->inner)
			dump_type(d, t->inner, depth + 1);
		else
			dump_expr(d, t->expr, depth + 1);
		break;
	}
}

static const char *unop_name(enum bc_op op)
{
	switch (op) {
	case BC_OP_PREINC: return "++ (pre)";
	case BC_OP_PREDEC: return "-- (pre)";
	case BC_OP_POSTINC: return "++ (post)";
	case BC_OP_POSTDEC: return "-- (post)";
	default: return bc_op_str(op);
	}
}

static void dump_list(struct dumper *d, const struct bc_expr_list *l, int depth)
{
	for (size_t i = 0; i < l->n; i++)
		dump_expr(d, l->v[i], depth);
}

static void dump_expr(struct dumper *d, const struct bc_expr *e, int depth)
{
	const struct bc_span *sp;

	if (!e) {
		line(d, depth, NULL, "<none>");
		return;
	}
	if (depth > 2 * BC_AST_MAX_DEPTH) {
		line(d, depth, &e->span, "... nested deeper than %d levels", 2 * BC_AST_MAX_DEPTH);
		return;
	}
	sp = &e->span;
	switch (e->kind) {
	case BC_EXPR_ERROR:
		line(d, depth, sp, "error");
		break;
	case BC_EXPR_INT:
		line(d, depth, sp, "int %llu (%s)", (unsigned long long)e->u.num.value,
		     e->u.num.text);
		break;
	case BC_EXPR_BOOL:
		line(d, depth, sp, "bool %s", e->u.boolean ? "true" : "false");
		break;
	case BC_EXPR_STRING:
		line_str(d, depth, sp, "string", e->u.str.data, e->u.str.len, NULL);
		break;
	case BC_EXPR_BUILTIN:
		line(d, depth, sp, "builtin %s", e->u.name);
		break;
	case BC_EXPR_IDENT:
		line(d, depth, sp, "ident %s", e->u.name);
		break;
	case BC_EXPR_PARAM:
		line(d, depth, sp, "param $%ld", e->u.param);
		break;
	case BC_EXPR_PARAMCOUNT:
		line(d, depth, sp, "paramcount $#");
		break;
	case BC_EXPR_VAR:
		line(d, depth, sp, "var $%s", e->u.name);
		break;
	case BC_EXPR_MAP:
		line(d, depth, sp, "map @%s%s", e->u.map.name, e->u.map.has_keys ? " keys" : "");
		dump_list(d, &e->u.map.keys, depth + 1);
		break;
	case BC_EXPR_CALL:
		line(d, depth, sp, "call %s", e->u.call.name);
		dump_list(d, &e->u.call.args, depth + 1);
		break;
	case BC_EXPR_BINOP:
		line(d, depth, sp, "binop %s", bc_op_str(e->u.binop.op));
		dump_expr(d, e->u.binop.left, depth + 1);
		dump_expr(d, e->u.binop.right, depth + 1);
		break;
	case BC_EXPR_UNOP:
		line(d, depth, sp, "unop %s", unop_name(e->u.unop.op));
		dump_expr(d, e->u.unop.operand, depth + 1);
		break;
	case BC_EXPR_TERNARY:
		line(d, depth, sp, e->u.ternary.then ? "ternary" : "elvis");
		dump_expr(d, e->u.ternary.cond, depth + 1);
		if (e->u.ternary.then)
			dump_expr(d, e->u.ternary.then, depth + 1);
		dump_expr(d, e->u.ternary.els, depth + 1);
		break;
	case BC_EXPR_FIELD:
		line(d, depth, sp, "field %s%s", e->u.field.arrow ? "->" : ".", e->u.field.name);
		dump_expr(d, e->u.field.base, depth + 1);
		break;
	case BC_EXPR_TUPLE_INDEX:
		line(d, depth, sp, "tuple_index .%llu", (unsigned long long)e->u.tindex.index);
		dump_expr(d, e->u.tindex.base, depth + 1);
		break;
	case BC_EXPR_INDEX:
		line(d, depth, sp, "index");
		dump_expr(d, e->u.index.base, depth + 1);
		dump_expr(d, e->u.index.index, depth + 1);
		break;
	case BC_EXPR_CAST:
		line(d, depth, sp, "cast");
		dump_type(d, e->u.cast.type, depth + 1);
		dump_expr(d, e->u.cast.operand, depth + 1);
		break;
	case BC_EXPR_TUPLE:
		line(d, depth, sp, "tuple (%zu)", e->u.list.n);
		dump_list(d, &e->u.list, depth + 1);
		break;
	case BC_EXPR_RECORD:
		line(d, depth, sp, "record");
		for (size_t i = 0; i < e->u.record.values.n; i++) {
			line(d, depth + 1, &e->u.record.name_spans[i], "name %s",
			     e->u.record.names[i]);
			dump_expr(d, e->u.record.values.v[i], depth + 2);
		}
		break;
	case BC_EXPR_SIZEOF:
	case BC_EXPR_TYPEINFO:
		line(d, depth, sp, e->kind == BC_EXPR_SIZEOF ? "sizeof" : "typeinfo");
		if (e->u.sizeof_.type)
			dump_type(d, e->u.sizeof_.type, depth + 1);
		else
			dump_expr(d, e->u.sizeof_.expr, depth + 1);
		break;
	case BC_EXPR_OFFSETOF: {
		struct bc_sbuf f = { 0 };
		char *fs;

		for (size_t i = 0; i < e->u.offsetof_.nr_fields; i++)
			bc_sbuf_printf(&f, "%s%s", i ? "." : "", e->u.offsetof_.fields[i]);
		fs = bc_sbuf_finish(&f);
		line(d, depth, sp, "offsetof %s", fs ? fs : "");
		free(fs);
		if (e->u.offsetof_.type)
			dump_type(d, e->u.offsetof_.type, depth + 1);
		else
			dump_expr(d, e->u.offsetof_.expr, depth + 1);
		break;
	}
	case BC_EXPR_COMPTIME:
		line(d, depth, sp, "comptime");
		dump_expr(d, e->u.unop.operand, depth + 1);
		break;
	case BC_EXPR_BLOCK:
		dump_block(d, "block_expr", e->u.block, depth);
		break;
	case BC_EXPR_IF:
		line(d, depth, sp, "if_expr");
		dump_expr(d, e->u.if_.cond, depth + 1);
		dump_block(d, "then", e->u.if_.then, depth + 1);
		if (e->u.if_.els) {
			line(d, depth + 1, NULL, "else");
			dump_expr(d, e->u.if_.els, depth + 2);
		}
		break;
	}
}

static void dump_stmt(struct dumper *d, const struct bc_stmt *s, int depth)
{
	const struct bc_span *sp = &s->span;

	switch (s->kind) {
	case BC_STMT_ERROR:
		line(d, depth, sp, "error_stmt");
		break;
	case BC_STMT_EXPR:
		line(d, depth, sp, "expr_stmt");
		dump_expr(d, s->u.expr, depth + 1);
		break;
	case BC_STMT_ASSIGN:
		line(d, depth, sp, "assign %s%s",
		     s->u.assign.op == BC_OP_NONE ? "" : bc_op_str(s->u.assign.op), "=");
		dump_expr(d, s->u.assign.target, depth + 1);
		dump_expr(d, s->u.assign.value, depth + 1);
		break;
	case BC_STMT_LET:
		line(d, depth, sp, "let");
		dump_expr(d, s->u.let.var, depth + 1);
		if (s->u.let.type)
			dump_type(d, s->u.let.type, depth + 1);
		if (s->u.let.value)
			dump_expr(d, s->u.let.value, depth + 1);
		break;
	case BC_STMT_IF:
		line(d, depth, sp, "if");
		dump_expr(d, s->u.if_.cond, depth + 1);
		dump_block(d, "then", s->u.if_.then, depth + 1);
		if (s->u.if_.else_if) {
			line(d, depth + 1, NULL, "else");
			dump_stmt(d, s->u.if_.else_if, depth + 2);
		} else if (s->u.if_.els) {
			dump_block(d, "else", s->u.if_.els, depth + 1);
		}
		break;
	case BC_STMT_WHILE:
	case BC_STMT_UNROLL:
		line(d, depth, sp, s->kind == BC_STMT_WHILE ? "while" : "unroll");
		dump_expr(d, s->u.loop.cond, depth + 1);
		dump_block(d, "body", s->u.loop.body, depth + 1);
		break;
	case BC_STMT_FOR:
		line(d, depth, sp, s->u.for_.lo ? "for range" : "for map");
		dump_expr(d, s->u.for_.var, depth + 1);
		if (s->u.for_.lo) {
			dump_expr(d, s->u.for_.lo, depth + 1);
			dump_expr(d, s->u.for_.hi, depth + 1);
		} else {
			dump_expr(d, s->u.for_.map, depth + 1);
		}
		dump_block(d, "body", s->u.for_.body, depth + 1);
		break;
	case BC_STMT_BREAK:
		line(d, depth, sp, "break");
		break;
	case BC_STMT_CONTINUE:
		line(d, depth, sp, "continue");
		break;
	case BC_STMT_RETURN:
		line(d, depth, sp, "return");
		if (s->u.expr)
			dump_expr(d, s->u.expr, depth + 1);
		break;
	case BC_STMT_BLOCK:
		dump_block(d, "block_stmt", s->u.block, depth);
		break;
	case BC_STMT_IMPORT:
		line_str(d, depth, sp, "import", s->u.import.path, strlen(s->u.import.path), NULL);
		break;
	case BC_STMT_DISCARD:
		line(d, depth, sp, "discard");
		dump_expr(d, s->u.expr, depth + 1);
		break;
	}
}

static void dump_block(struct dumper *d, const char *what, const struct bc_block *b, int depth)
{
	if (!b) {
		line(d, depth, NULL, "%s <none>", what);
		return;
	}
	line(d, depth, &b->span, "%s", what);
	for (size_t i = 0; i < b->n; i++)
		dump_stmt(d, b->stmts[i], depth + 1);
	if (b->tail) {
		line(d, depth + 1, NULL, "value");
		dump_expr(d, b->tail, depth + 2);
	}
}

static void dump_attach_point(struct dumper *d, const struct bc_attach_point *ap, int depth)
{
	struct bc_sbuf info = { 0 };
	char *t;

	bc_sbuf_printf(&info, " provider=%s", bc_provider_name(ap->provider));
	if (ap->alias)
		bc_sbuf_puts(&info, " alias");
	if (ap->wildcard)
		bc_sbuf_puts(&info, " wildcard");
	if (ap->name)
		bc_sbuf_printf(&info, " name=%s", ap->name);
	for (size_t i = 0; i < ap->nr_parts; i++) {
		bc_sbuf_puts(&info, i ? "," : " parts=");
		bc_sbuf_putc(&info, '"');
		bc_sbuf_put_escaped(&info, ap->parts[i], strlen(ap->parts[i]));
		bc_sbuf_putc(&info, '"');
	}
	if (ap->has_offset)
		bc_sbuf_printf(&info, " offset=%llu", (unsigned long long)ap->offset);
	t = bc_sbuf_finish(&info);
	line_str(d, depth, &ap->span, "attach", ap->raw, strlen(ap->raw), t);
	free(t);
}

static void dump_item(struct dumper *d, const struct bc_item *it, int depth)
{
	switch (it->kind) {
	case BC_ITEM_PROBE: {
		const struct bc_probe *p = it->u.probe;

		line(d, depth, &p->span, "probe");
		for (size_t i = 0; i < p->nr_aps; i++)
			dump_attach_point(d, p->aps[i], depth + 1);
		if (p->pred) {
			line(d, depth + 1, &p->pred_span, "predicate");
			dump_expr(d, p->pred, depth + 2);
		}
		dump_block(d, "body", p->body, depth + 1);
		break;
	}
	case BC_ITEM_FN: {
		const struct bc_fn *fn = it->u.fn;

		line(d, depth, &fn->span, "fn %s", fn->name);
		for (size_t i = 0; i < fn->nr_args; i++) {
			line(d, depth + 1, &fn->args[i].span, "arg");
			dump_expr(d, fn->args[i].var, depth + 2);
			dump_type(d, fn->args[i].type, depth + 2);
		}
		line(d, depth + 1, NULL, "returns");
		dump_type(d, fn->ret, depth + 2);
		dump_block(d, "body", fn->body, depth + 1);
		break;
	}
	case BC_ITEM_MACRO: {
		const struct bc_macro *m = it->u.macro;

		line(d, depth, &m->span, "macro %s", m->name);
		for (size_t i = 0; i < m->args.n; i++)
			dump_expr(d, m->args.v[i], depth + 1);
		dump_block(d, "body", m->body, depth + 1);
		break;
	}
	case BC_ITEM_MAP_DECL: {
		const struct bc_map_decl *md = it->u.map_decl;

		line(d, depth, &md->span, "map_decl @%s %s(%llu)", md->map, md->type,
		     (unsigned long long)md->max_entries);
		break;
	}
	}
}

char *bc_ast_dump(const struct bc_script *s, bool with_spans)
{
	struct dumper d = { .spans = with_spans };

	line(&d, 0, NULL, "program");
	if (s->has_shebang)
		line_str(&d, 1, &s->shebang, "shebang", s->shebang_text, strlen(s->shebang_text),
			 NULL);
	for (size_t i = 0; i < s->nr_cdefs; i++) {
		const struct bc_cdef *c = s->cdefs[i];

		if (c->kind == BC_CDEF_PREPROC) {
			line_str(&d, 1, &c->span, "preprocessor", c->text, strlen(c->text), NULL);
		} else {
			char after[256];

			snprintf(after, sizeof(after), " %s %s", c->keyword, c->name);
			line_str(&d, 1, &c->span, "c_definition", c->text, strlen(c->text), after);
		}
	}
	if (s->config) {
		line(&d, 1, &s->config->span, "config");
		for (size_t i = 0; i < s->config->n; i++) {
			const struct bc_config_entry *e = &s->config->entries[i];
			static const char *const kinds[] = { "", "int", "ident", "string", "bool" };
			char what[300];

			snprintf(what, sizeof(what), "%s = %s", e->key, kinds[e->kind]);
			line_str(&d, 2, &e->span, what, e->text, strlen(e->text), NULL);
		}
	}
	for (size_t i = 0; i < s->nr_imports; i++)
		line_str(&d, 1, &s->imports[i]->span, "import", s->imports[i]->path,
			 strlen(s->imports[i]->path), NULL);
	for (size_t i = 0; i < s->nr_items; i++)
		dump_item(&d, &s->items[i], 1);
	if (with_spans && s->nr_features) {
		line(&d, 0, NULL, "features");
		for (size_t i = 0; i < s->nr_features; i++) {
			const struct bc_feature_use *f = &s->features[i];

			if (f->min_version)
				line(&d, 1, &f->span, "%s (v%d.%d)", bc_feature_name(f->feature),
				     f->min_version / 10000, f->min_version / 100 % 100);
			else
				line(&d, 1, &f->span, "%s", bc_feature_name(f->feature));
		}
	}
	return bc_sbuf_finish(&d.b);
}
