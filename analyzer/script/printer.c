// SPDX-License-Identifier: Apache-2.0
/* AST -> canonical bpftrace text (see printer.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "printer.h"
#include "../base/sbuf.h"

/* Binding levels: a child below its slot's level gets parentheses. */
enum {
	LVL_TERNARY = 1,
	LVL_BINOP0 = 2,		/* + precedence 1..10 */
	LVL_UNARY = 13,
	LVL_POSTFIX = 14,
	LVL_PRIMARY = 15,
};

struct printer {
	struct bc_sbuf b;
	int indent;
	unsigned depth;		/* print_expr nesting */
	bool too_deep;		/* past BC_AST_MAX_DEPTH: no text */
};

static void print_expr(struct printer *pr, const struct bc_expr *e, int min);
static void print_expr_in(struct printer *pr, const struct bc_expr *e, int min);
static void print_block(struct printer *pr, const struct bc_block *b);
static void print_value_block(struct printer *pr, const struct bc_block *b);
static void print_type(struct printer *pr, const struct bc_type *t);
static bool starts_like_statement(const struct bc_expr *e);

static int level(const struct bc_expr *e)
{
	switch (e->kind) {
	case BC_EXPR_TERNARY:
		return LVL_TERNARY;
	case BC_EXPR_BINOP:
		return LVL_BINOP0 + bc_op_prec(e->u.binop.op);
	case BC_EXPR_UNOP:
		if (e->u.unop.op == BC_OP_POSTINC || e->u.unop.op == BC_OP_POSTDEC)
			return LVL_POSTFIX;
		return LVL_UNARY;
	case BC_EXPR_CAST:
	case BC_EXPR_COMPTIME:
		return LVL_UNARY;
	case BC_EXPR_FIELD:
	case BC_EXPR_TUPLE_INDEX:
	case BC_EXPR_INDEX:
		return LVL_POSTFIX;
	default:
		return LVL_PRIMARY;
	}
}

static void indent(struct printer *pr)
{
	for (int i = 0; i < pr->indent; i++)
		bc_sbuf_puts(&pr->b, "    ");
}

static void print_list(struct printer *pr, const struct bc_expr_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			bc_sbuf_puts(&pr->b, ", ");
		print_expr(pr, l->v[i], 0);
	}
}

static void print_string(struct printer *pr, const char *s, size_t n)
{
	bc_sbuf_putc(&pr->b, '"');
	bc_sbuf_put_escaped(&pr->b, s, n);
	bc_sbuf_putc(&pr->b, '"');
}

static void print_type(struct printer *pr, const struct bc_type *t)
{
	if (!t) {
		bc_sbuf_puts(&pr->b, "<error>");
		return;
	}
	switch (t->kind) {
	case BC_TYPE_NAME:
		bc_sbuf_puts(&pr->b, t->name && *t->name ? t->name : "<error>");
		break;
	case BC_TYPE_STRUCT:
	case BC_TYPE_UNION:
	case BC_TYPE_ENUM:
		bc_sbuf_printf(&pr->b, "%s %s",
			       t->kind == BC_TYPE_STRUCT ? "struct" :
			       t->kind == BC_TYPE_UNION ? "union" : "enum", t->name);
		break;
	case BC_TYPE_POINTER:
		print_type(pr, t->inner);
		bc_sbuf_puts(&pr->b, t->inner && t->inner->kind == BC_TYPE_POINTER ? "*" : " *");
		break;
	case BC_TYPE_ARRAY:
		print_type(pr, t->inner);
		if (t->has_size)
			bc_sbuf_printf(&pr->b, "[%llu]", (unsigned long long)t->size);
		else
			bc_sbuf_puts(&pr->b, "[]");
		break;
	case BC_TYPE_TYPEOF:
		bc_sbuf_puts(&pr->b, "typeof(");
		if (t->inner)
			print_type(pr, t->inner);
		else if (t->expr)
			print_expr(pr, t->expr, 0);
		bc_sbuf_putc(&pr->b, ')');
		break;
	}
}

static void print_if_expr(struct printer *pr, const struct bc_expr *e)
{
	bc_sbuf_puts(&pr->b, "if (");
	print_expr(pr, e->u.if_.cond, 0);
	bc_sbuf_puts(&pr->b, ") ");
	print_value_block(pr, e->u.if_.then);
	if (e->u.if_.els) {
		bc_sbuf_puts(&pr->b, " else ");
		if (e->u.if_.els->kind == BC_EXPR_IF)
			print_if_expr(pr, e->u.if_.els);
		else if (e->u.if_.els->kind == BC_EXPR_BLOCK)
			print_value_block(pr, e->u.if_.els->u.block);
		else
			print_expr(pr, e->u.if_.els, 0);
	}
}

static void print_expr(struct printer *pr, const struct bc_expr *e, int min)
{
	if (!e) {
		bc_sbuf_puts(&pr->b, "<error>");
		return;
	}
	if (pr->too_deep || pr->depth >= BC_AST_MAX_DEPTH) {
		pr->too_deep = true;
		return;
	}
	pr->depth++;
	print_expr_in(pr, e, min);
	pr->depth--;
}

static void print_expr_in(struct printer *pr, const struct bc_expr *e, int min)
{
	struct bc_sbuf *b = &pr->b;
	bool paren;

	paren = level(e) < min;
	if (paren)
		bc_sbuf_putc(b, '(');
	switch (e->kind) {
	case BC_EXPR_ERROR:
		bc_sbuf_puts(b, "<error>");
		break;
	case BC_EXPR_INT:
		bc_sbuf_puts(b, e->u.num.text);
		break;
	case BC_EXPR_BOOL:
		bc_sbuf_puts(b, e->u.boolean ? "true" : "false");
		break;
	case BC_EXPR_STRING:
		print_string(pr, e->u.str.data, e->u.str.len);
		break;
	case BC_EXPR_BUILTIN:
	case BC_EXPR_IDENT:
		bc_sbuf_puts(b, e->u.name);
		break;
	case BC_EXPR_PARAM:
		bc_sbuf_printf(b, "$%ld", e->u.param);
		break;
	case BC_EXPR_PARAMCOUNT:
		bc_sbuf_puts(b, "$#");
		break;
	case BC_EXPR_VAR:
		bc_sbuf_printf(b, "$%s", e->u.name);
		break;
	case BC_EXPR_MAP:
		bc_sbuf_printf(b, "@%s", e->u.map.name);
		if (e->u.map.has_keys) {
			bc_sbuf_putc(b, '[');
			print_list(pr, &e->u.map.keys);
			bc_sbuf_putc(b, ']');
		}
		break;
	case BC_EXPR_CALL:
		bc_sbuf_printf(b, "%s(", e->u.call.name);
		print_list(pr, &e->u.call.args);
		bc_sbuf_putc(b, ')');
		break;
	case BC_EXPR_BINOP: {
		int l = LVL_BINOP0 + bc_op_prec(e->u.binop.op);

		print_expr(pr, e->u.binop.left, l);
		bc_sbuf_printf(b, " %s ", bc_op_str(e->u.binop.op));
		/* "a / {" would read as the end of a predicate */
		if (starts_like_statement(e->u.binop.right)) {
			bc_sbuf_putc(b, '(');
			print_expr(pr, e->u.binop.right, 0);
			bc_sbuf_putc(b, ')');
		} else {
			print_expr(pr, e->u.binop.right, l + 1);
		}
		break;
	}
	case BC_EXPR_UNOP: {
		const struct bc_expr *o = e->u.unop.operand;

		switch (e->u.unop.op) {
		case BC_OP_POSTINC:
		case BC_OP_POSTDEC:
			print_expr(pr, o, LVL_POSTFIX);
			bc_sbuf_puts(b, bc_op_str(e->u.unop.op));
			break;
		default:
			bc_sbuf_puts(b, bc_op_str(e->u.unop.op));
			/* "- -x" must not become "--x", nor "- --x" "---x" */
			if (o && o->kind == BC_EXPR_UNOP &&
			    ((e->u.unop.op == BC_OP_NEG &&
			      (o->u.unop.op == BC_OP_NEG || o->u.unop.op == BC_OP_PREDEC)) ||
			     (e->u.unop.op == BC_OP_ADDR && o->u.unop.op == BC_OP_ADDR) ||
			     (e->u.unop.op == BC_OP_PREINC && o->u.unop.op == BC_OP_PREINC) ||
			     (e->u.unop.op == BC_OP_PREDEC &&
			      (o->u.unop.op == BC_OP_NEG || o->u.unop.op == BC_OP_PREDEC)))) {
				bc_sbuf_putc(b, '(');
				print_expr(pr, o, 0);
				bc_sbuf_putc(b, ')');
			} else {
				print_expr(pr, o, LVL_UNARY);
			}
		}
		break;
	}
	case BC_EXPR_TERNARY:
		print_expr(pr, e->u.ternary.cond, LVL_BINOP0 + 1);
		if (e->u.ternary.then) {
			bc_sbuf_puts(b, " ? ");
			print_expr(pr, e->u.ternary.then, 0);
			bc_sbuf_puts(b, " : ");
		} else {
			bc_sbuf_puts(b, " ?: ");
		}
		print_expr(pr, e->u.ternary.els, LVL_TERNARY);
		break;
	case BC_EXPR_FIELD:
		print_expr(pr, e->u.field.base, LVL_POSTFIX);
		bc_sbuf_printf(b, "%s%s", e->u.field.arrow ? "->" : ".", e->u.field.name);
		break;
	case BC_EXPR_TUPLE_INDEX:
		print_expr(pr, e->u.tindex.base, LVL_POSTFIX);
		bc_sbuf_printf(b, ".%llu", (unsigned long long)e->u.tindex.index);
		break;
	case BC_EXPR_INDEX:
		print_expr(pr, e->u.index.base, LVL_POSTFIX);
		bc_sbuf_putc(b, '[');
		print_expr(pr, e->u.index.index, 0);
		bc_sbuf_putc(b, ']');
		break;
	case BC_EXPR_CAST: {
		const struct bc_expr *o = e->u.cast.operand;

		bc_sbuf_putc(b, '(');
		print_type(pr, e->u.cast.type);
		bc_sbuf_putc(b, ')');
		/* after "(type)" a '{' or '+' would not read as a cast */
		if (o && o->kind == BC_EXPR_BLOCK) {
			bc_sbuf_putc(b, '(');
			print_expr(pr, o, 0);
			bc_sbuf_putc(b, ')');
		} else {
			print_expr(pr, o, LVL_UNARY);
		}
		break;
	}
	case BC_EXPR_TUPLE:
		bc_sbuf_putc(b, '(');
		print_list(pr, &e->u.list);
		if (e->u.list.n == 1)
			bc_sbuf_putc(b, ',');
		bc_sbuf_putc(b, ')');
		break;
	case BC_EXPR_RECORD:
		bc_sbuf_putc(b, '(');
		for (size_t i = 0; i < e->u.record.values.n; i++) {
			if (i)
				bc_sbuf_puts(b, ", ");
			bc_sbuf_printf(b, "%s = ", e->u.record.names[i]);
			print_expr(pr, e->u.record.values.v[i], 0);
		}
		bc_sbuf_putc(b, ')');
		break;
	case BC_EXPR_SIZEOF:
	case BC_EXPR_TYPEINFO:
		bc_sbuf_puts(b, e->kind == BC_EXPR_SIZEOF ? "sizeof(" : "typeinfo(");
		if (e->u.sizeof_.type)
			print_type(pr, e->u.sizeof_.type);
		else
			print_expr(pr, e->u.sizeof_.expr, 0);
		bc_sbuf_putc(b, ')');
		break;
	case BC_EXPR_OFFSETOF:
		bc_sbuf_puts(b, "offsetof(");
		if (e->u.offsetof_.type)
			print_type(pr, e->u.offsetof_.type);
		else
			print_expr(pr, e->u.offsetof_.expr, 0);
		bc_sbuf_puts(b, ", ");
		for (size_t i = 0; i < e->u.offsetof_.nr_fields; i++)
			bc_sbuf_printf(b, "%s%s", i ? "." : "", e->u.offsetof_.fields[i]);
		bc_sbuf_putc(b, ')');
		break;
	case BC_EXPR_COMPTIME:
		bc_sbuf_puts(b, "comptime ");
		print_expr(pr, e->u.unop.operand, LVL_UNARY);
		break;
	case BC_EXPR_BLOCK:
		print_value_block(pr, e->u.block);
		break;
	case BC_EXPR_IF:
		print_if_expr(pr, e);
		break;
	}
	if (paren)
		bc_sbuf_putc(b, ')');
}

/* Would the expression's text start with "if" or "{"? (Then a statement
 * made of it must be parenthesised, or it would read as an if statement
 * or a block.) */
static bool starts_like_statement(const struct bc_expr *e)
{
	while (e) {
		switch (e->kind) {
		case BC_EXPR_IF:
		case BC_EXPR_BLOCK:
			return true;
		case BC_EXPR_BINOP:
			e = e->u.binop.left;
			break;
		case BC_EXPR_TERNARY:
			e = e->u.ternary.cond;
			break;
		case BC_EXPR_FIELD:
			e = e->u.field.base;
			break;
		case BC_EXPR_TUPLE_INDEX:
			e = e->u.tindex.base;
			break;
		case BC_EXPR_INDEX:
			e = e->u.index.base;
			break;
		case BC_EXPR_UNOP:
			if (e->u.unop.op != BC_OP_POSTINC && e->u.unop.op != BC_OP_POSTDEC)
				return false;
			e = e->u.unop.operand;
			break;
		default:
			return false;
		}
	}
	return false;
}

static void print_stmt(struct printer *pr, const struct bc_stmt *s, bool value_block);

static void print_if_stmt(struct printer *pr, const struct bc_stmt *s)
{
	bc_sbuf_puts(&pr->b, "if (");
	print_expr(pr, s->u.if_.cond, 0);
	bc_sbuf_puts(&pr->b, ") ");
	print_block(pr, s->u.if_.then);
	if (s->u.if_.else_if) {
		bc_sbuf_puts(&pr->b, " else ");
		print_if_stmt(pr, s->u.if_.else_if);
	} else if (s->u.if_.els) {
		bc_sbuf_puts(&pr->b, " else ");
		print_block(pr, s->u.if_.els);
	}
}

static void print_stmt(struct printer *pr, const struct bc_stmt *s, bool value_block)
{
	struct bc_sbuf *b = &pr->b;

	switch (s->kind) {
	case BC_STMT_ERROR:
		bc_sbuf_puts(b, "<error>;");
		break;
	case BC_STMT_EXPR:
		if (value_block && s->u.expr->kind == BC_EXPR_IF) {
			/* read back as an if expression; the ';' keeps it a statement */
			print_expr(pr, s->u.expr, 0);
		} else if (starts_like_statement(s->u.expr)) {
			bc_sbuf_putc(b, '(');
			print_expr(pr, s->u.expr, 0);
			bc_sbuf_putc(b, ')');
		} else {
			print_expr(pr, s->u.expr, 0);
		}
		bc_sbuf_putc(b, ';');
		break;
	case BC_STMT_ASSIGN:
		print_expr(pr, s->u.assign.target, 0);
		bc_sbuf_printf(b, " %s%s ",
			       s->u.assign.op == BC_OP_NONE ? "" : bc_op_str(s->u.assign.op), "=");
		print_expr(pr, s->u.assign.value, 0);
		bc_sbuf_putc(b, ';');
		break;
	case BC_STMT_LET:
		bc_sbuf_puts(b, "let ");
		print_expr(pr, s->u.let.var, 0);
		if (s->u.let.type) {
			bc_sbuf_puts(b, ": ");
			print_type(pr, s->u.let.type);
		}
		if (s->u.let.value) {
			bc_sbuf_puts(b, " = ");
			print_expr(pr, s->u.let.value, 0);
		}
		bc_sbuf_putc(b, ';');
		break;
	case BC_STMT_IF:
		print_if_stmt(pr, s);
		break;
	case BC_STMT_WHILE:
	case BC_STMT_UNROLL:
		bc_sbuf_puts(b, s->kind == BC_STMT_WHILE ? "while (" : "unroll (");
		print_expr(pr, s->u.loop.cond, 0);
		bc_sbuf_puts(b, ") ");
		print_block(pr, s->u.loop.body);
		break;
	case BC_STMT_FOR:
		bc_sbuf_puts(b, "for (");
		print_expr(pr, s->u.for_.var, 0);
		bc_sbuf_puts(b, " : ");
		if (s->u.for_.lo) {
			print_expr(pr, s->u.for_.lo, LVL_PRIMARY);
			bc_sbuf_puts(b, "..");
			print_expr(pr, s->u.for_.hi, LVL_PRIMARY);
		} else {
			print_expr(pr, s->u.for_.map, LVL_PRIMARY);
		}
		bc_sbuf_puts(b, ") ");
		print_block(pr, s->u.for_.body);
		break;
	case BC_STMT_BREAK:
		bc_sbuf_puts(b, "break;");
		break;
	case BC_STMT_CONTINUE:
		bc_sbuf_puts(b, "continue;");
		break;
	case BC_STMT_RETURN:
		bc_sbuf_puts(b, "return");
		if (s->u.expr) {
			bc_sbuf_putc(b, ' ');
			print_expr(pr, s->u.expr, 0);
		}
		bc_sbuf_putc(b, ';');
		break;
	case BC_STMT_BLOCK:
		print_block(pr, s->u.block);
		break;
	case BC_STMT_IMPORT:
		bc_sbuf_puts(b, "import ");
		print_string(pr, s->u.import.path, strlen(s->u.import.path));
		bc_sbuf_putc(b, ';');
		break;
	case BC_STMT_DISCARD:
		bc_sbuf_puts(b, "_ = ");
		print_expr(pr, s->u.expr, 0);
		bc_sbuf_putc(b, ';');
		break;
	}
}

static void print_block_in(struct printer *pr, const struct bc_block *blk, bool value_block)
{
	struct bc_sbuf *b = &pr->b;

	bc_sbuf_puts(b, "{\n");
	pr->indent++;
	for (size_t i = 0; blk && i < blk->n; i++) {
		indent(pr);
		print_stmt(pr, blk->stmts[i], value_block);
		bc_sbuf_putc(b, '\n');
	}
	if (blk && blk->tail) {
		indent(pr);
		if (starts_like_statement(blk->tail) &&
		    !(value_block && blk->tail->kind == BC_EXPR_IF)) {
			bc_sbuf_putc(b, '(');
			print_expr(pr, blk->tail, 0);
			bc_sbuf_putc(b, ')');
		} else {
			print_expr(pr, blk->tail, 0);
		}
		bc_sbuf_putc(b, '\n');
	}
	pr->indent--;
	indent(pr);
	bc_sbuf_putc(b, '}');
}

/* A block whose last expression (without ';') is its value: block and if
 * expressions, macro bodies. */
static void print_value_block(struct printer *pr, const struct bc_block *blk)
{
	print_block_in(pr, blk, true);
}

static void print_block(struct printer *pr, const struct bc_block *blk)
{
	print_block_in(pr, blk, false);
}

static void print_probe(struct printer *pr, const struct bc_probe *p)
{
	struct bc_sbuf *b = &pr->b;

	for (size_t i = 0; i < p->nr_aps; i++)
		bc_sbuf_printf(b, "%s%s", i ? ",\n" : "", p->aps[i]->raw);
	if (p->pred) {
		bc_sbuf_puts(b, "\n/");
		print_expr(pr, p->pred, 0);
		bc_sbuf_putc(b, '/');
	}
	bc_sbuf_putc(b, '\n');
	print_block(pr, p->body);
	bc_sbuf_putc(b, '\n');
}

static void print_fn(struct printer *pr, const struct bc_fn *fn)
{
	struct bc_sbuf *b = &pr->b;

	bc_sbuf_printf(b, "fn %s(", fn->name);
	for (size_t i = 0; i < fn->nr_args; i++) {
		if (i)
			bc_sbuf_puts(b, ", ");
		print_expr(pr, fn->args[i].var, 0);
		bc_sbuf_puts(b, ": ");
		print_type(pr, fn->args[i].type);
	}
	bc_sbuf_puts(b, "): ");
	print_type(pr, fn->ret);
	bc_sbuf_putc(b, '\n');
	print_block(pr, fn->body);
	bc_sbuf_putc(b, '\n');
}

static void print_macro(struct printer *pr, const struct bc_macro *m)
{
	struct bc_sbuf *b = &pr->b;

	bc_sbuf_printf(b, "macro %s(", m->name);
	print_list(pr, &m->args);
	bc_sbuf_puts(b, ")\n");
	print_value_block(pr, m->body);
	bc_sbuf_putc(b, '\n');
}

static char *finish(struct printer *pr)
{
	char *text = bc_sbuf_finish(&pr->b);

	if (text && pr->too_deep) {
		free(text);
		errno = E2BIG;
		return NULL;
	}
	return text;
}

char *bc_script_print(const struct bc_script *s)
{
	struct printer pr = { 0 };
	struct bc_sbuf *b = &pr.b;
	bool sep = false;

	if (s->has_shebang) {
		bc_sbuf_puts(b, s->shebang_text);
		bc_sbuf_putc(b, '\n');
	}
	for (size_t i = 0; i < s->nr_cdefs; i++) {
		bc_sbuf_puts(b, s->cdefs[i]->text);
		bc_sbuf_putc(b, '\n');
		sep = true;
	}
	if (s->config) {
		if (sep)
			bc_sbuf_putc(b, '\n');
		bc_sbuf_puts(b, "config = {\n");
		for (size_t i = 0; i < s->config->n; i++) {
			const struct bc_config_entry *e = &s->config->entries[i];

			bc_sbuf_printf(b, "    %s = ", e->key);
			if (e->kind == BC_CONFIG_STRING)
				print_string(&pr, e->text, strlen(e->text));
			else
				bc_sbuf_puts(b, e->text);
			bc_sbuf_puts(b, ";\n");
		}
		bc_sbuf_puts(b, "}\n");
		sep = true;
	}
	for (size_t i = 0; i < s->nr_imports; i++) {
		bc_sbuf_puts(b, "import ");
		print_string(&pr, s->imports[i]->path, strlen(s->imports[i]->path));
		bc_sbuf_puts(b, ";\n");
		sep = true;
	}
	for (size_t i = 0; i < s->nr_items; i++) {
		const struct bc_item *it = &s->items[i];

		if (sep)
			bc_sbuf_putc(b, '\n');
		sep = true;
		switch (it->kind) {
		case BC_ITEM_PROBE:
			print_probe(&pr, it->u.probe);
			break;
		case BC_ITEM_FN:
			print_fn(&pr, it->u.fn);
			break;
		case BC_ITEM_MACRO:
			print_macro(&pr, it->u.macro);
			break;
		case BC_ITEM_MAP_DECL:
			bc_sbuf_printf(b, "let @%s = %s(%llu);\n", it->u.map_decl->map,
				       it->u.map_decl->type,
				       (unsigned long long)it->u.map_decl->max_entries);
			break;
		}
	}
	return finish(&pr);
}

char *bc_expr_print(const struct bc_expr *e)
{
	struct printer pr = { 0 };

	print_expr(&pr, e, 0);
	return finish(&pr);
}

char *bc_type_print(const struct bc_type *t)
{
	struct printer pr = { 0 };

	print_type(&pr, t);
	return bc_sbuf_finish(&pr.b);
}
