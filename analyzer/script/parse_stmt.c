// SPDX-License-Identifier: Apache-2.0
/*
 * Blocks and statements. Expression-like statements (expressions,
 * assignments, let, jumps, import, discard) end with ';' unless they are
 * the last in the block; block statements (if, while, unroll, for, a bare
 * block) do not. In a block that has a value (block and if expressions,
 * macro bodies) a last expression without ';' is the value.
 */
#include <string.h>

#include "parse_impl.h"

static struct bc_stmt *new_stmt(struct parser *p, enum bc_stmt_kind kind, uint32_t start,
				uint32_t end)
{
	struct bc_stmt *s = p_alloc(p, sizeof(*s));

	s->kind = kind;
	s->span = mkspan(p, start, end);
	return s;
}

static struct bc_block *empty_block(struct parser *p)
{
	struct bc_block *b = p_alloc(p, sizeof(*b));

	b->span = mkspan(p, p->prev.end, p->prev.end);
	return b;
}

void sync_statement(struct parser *p)
{
	int depth = 0;

	for (;;) {
		const struct bc_token *t = peek(p, 0);

		if (t->kind == BC_TOK_EOF)
			return;
		if (depth == 0 && t->kind == BC_TOK_SEMI) {
			next(p);
			return;
		}
		if (depth == 0 && t->kind == BC_TOK_RBRACE)
			return;
		if (t->kind == BC_TOK_LBRACE || t->kind == BC_TOK_LPAREN ||
		    t->kind == BC_TOK_LBRACKET) {
			depth++;
		} else if (t->kind == BC_TOK_RBRACE || t->kind == BC_TOK_RPAREN ||
			   t->kind == BC_TOK_RBRACKET) {
			if (depth > 0)
				depth--;
			if (depth == 0 && t->kind == BC_TOK_RBRACE) {
				next(p);
				return;	/* the statement ended with its block */
			}
		}
		next(p);
	}
}

/* if/while/unroll condition: "(expr)" or, since v0.25, a unary expression */
static struct bc_expr *parse_cond(struct parser *p, const struct bc_token *kw)
{
	struct bc_expr *c;

	if (peek(p, 0)->kind == BC_TOK_LPAREN) {
		next(p);
		c = parse_expr(p);
		if (!p->panic)
			expect(p, BC_TOK_RPAREN, ")");
		return c;
	}
	feature(p, BC_FEAT_NO_PARENS, kw->start, kw->end);
	return parse_unary(p);
}

static struct bc_stmt *parse_if_stmt(struct parser *p)
{
	struct bc_token kw = next(p);
	struct bc_stmt *s = new_stmt(p, BC_STMT_IF, kw.start, kw.end);

	if (!enter(p, &kw)) {
		s->u.if_.cond = error_expr(p, &kw);
		s->u.if_.then = empty_block(p);
		return s;
	}
	s->u.if_.cond = parse_cond(p, &kw);
	if (!p->panic)
		s->u.if_.then = parse_block(p, false);
	if (!p->panic && peek_kw(p, 0, "else")) {
		next(p);
		if (peek_kw(p, 0, "if"))
			s->u.if_.else_if = parse_if_stmt(p);
		else if (peek(p, 0)->kind == BC_TOK_LBRACE)
			s->u.if_.els = parse_block(p, false);
		else
			unexpected(p, peek(p, 0), "{ or if");
	}
	leave(p);
	if (!s->u.if_.then)
		s->u.if_.then = empty_block(p);
	extend_span(p, &s->span, p->prev.end);
	return s;
}

static struct bc_stmt *parse_loop(struct parser *p, enum bc_stmt_kind kind)
{
	struct bc_token kw = next(p);
	struct bc_stmt *s = new_stmt(p, kind, kw.start, kw.end);

	s->u.loop.cond = parse_cond(p, &kw);
	if (!p->panic)
		s->u.loop.body = parse_block(p, false);
	if (!s->u.loop.body)
		s->u.loop.body = empty_block(p);
	extend_span(p, &s->span, p->prev.end);
	return s;
}

static struct bc_stmt *parse_for(struct parser *p)
{
	struct bc_token kw = next(p), v;
	struct bc_stmt *s = new_stmt(p, BC_STMT_FOR, kw.start, kw.end);
	bool paren = accept(p, BC_TOK_LPAREN);
	struct bc_expr *first;

	feature(p, BC_FEAT_FOR_MAP, kw.start, kw.end);
	if (!paren)
		feature(p, BC_FEAT_FOR_NO_PARENS, kw.start, kw.end);
	v = *peek(p, 0);
	if (v.kind != BC_TOK_VAR) {
		unexpected(p, &v, "variable");
		goto out;
	}
	next(p);
	s->u.for_.var = new_expr(p, BC_EXPR_VAR, v.start, v.end);
	s->u.for_.var->u.name = p_strndup(p, p->lx.src + v.text + 1, v.len - 1);
	if (!expect(p, BC_TOK_COLON, ":"))
		goto out;
	first = parse_primary(p);
	if (p->panic)
		goto out;
	if (accept(p, BC_TOK_DOTDOT)) {
		s->u.for_.lo = first;
		s->u.for_.hi = parse_primary(p);
		feature(p, BC_FEAT_FOR_RANGE, first->span.start, p->prev.end);
	} else if (first->kind == BC_EXPR_MAP && !first->u.map.has_keys) {
		s->u.for_.map = first;
	} else {
		perror_at(p, first->span.start, first->span.end,
			  "expected map or range in for loop");
		goto out;
	}
	if (paren && !p->panic)
		expect(p, BC_TOK_RPAREN, ")");
	if (!p->panic)
		s->u.for_.body = parse_block(p, false);
out:
	if (!s->u.for_.body)
		s->u.for_.body = empty_block(p);
	if (!s->u.for_.var) {
		s->u.for_.var = error_expr(p, &kw);
	}
	if (!s->u.for_.map && !s->u.for_.lo)
		s->u.for_.map = error_expr(p, &kw);
	if (s->u.for_.lo && !s->u.for_.hi)
		s->u.for_.hi = error_expr(p, &kw);
	extend_span(p, &s->span, p->prev.end);
	return s;
}

static struct bc_stmt *parse_let(struct parser *p)
{
	struct bc_token kw = next(p), v = *peek(p, 0);
	struct bc_stmt *s = new_stmt(p, BC_STMT_LET, kw.start, kw.end);

	feature(p, BC_FEAT_LET, kw.start, kw.end);
	if (v.kind != BC_TOK_VAR) {
		unexpected(p, &v, "variable");
		s->u.let.var = error_expr(p, &v);
		return s;
	}
	next(p);
	s->u.let.var = new_expr(p, BC_EXPR_VAR, v.start, v.end);
	s->u.let.var->u.name = p_strndup(p, p->lx.src + v.text + 1, v.len - 1);
	if (accept(p, BC_TOK_COLON))
		s->u.let.type = parse_type(p);
	if (!p->panic && accept(p, BC_TOK_ASSIGN))
		s->u.let.value = parse_expr(p);
	extend_span(p, &s->span, p->prev.end);
	return s;
}

static enum bc_op assign_op(enum bc_tok t, bool *is_assign)
{
	*is_assign = true;
	switch (t) {
	case BC_TOK_ASSIGN: return BC_OP_NONE;
	case BC_TOK_ADD_ASSIGN: return BC_OP_ADD;
	case BC_TOK_SUB_ASSIGN: return BC_OP_SUB;
	case BC_TOK_MUL_ASSIGN: return BC_OP_MUL;
	case BC_TOK_DIV_ASSIGN: return BC_OP_DIV;
	case BC_TOK_MOD_ASSIGN: return BC_OP_MOD;
	case BC_TOK_AND_ASSIGN: return BC_OP_BAND;
	case BC_TOK_OR_ASSIGN: return BC_OP_BOR;
	case BC_TOK_XOR_ASSIGN: return BC_OP_BXOR;
	case BC_TOK_SHL_ASSIGN: return BC_OP_SHL;
	case BC_TOK_SHR_ASSIGN: return BC_OP_SHR;
	default:
		*is_assign = false;
		return BC_OP_NONE;
	}
}

static struct bc_stmt *parse_expr_or_assign(struct parser *p)
{
	struct bc_token first = *peek(p, 0), op;
	struct bc_expr *e = parse_expr(p), *value;
	struct bc_stmt *s;
	bool is_assign;
	enum bc_op o;

	if (p->panic)
		goto expr;
	op = *peek(p, 0);
	o = assign_op(op.kind, &is_assign);
	if (!is_assign)
		goto expr;
	next(p);
	value = parse_expr(p);
	if (e->kind == BC_EXPR_VAR || e->kind == BC_EXPR_MAP) {
		s = new_stmt(p, BC_STMT_ASSIGN, first.start, p->prev.end);
		s->u.assign.target = e;
		s->u.assign.op = o;
		s->u.assign.value = value;
		s->u.assign.op_span = mkspan(p, op.start, op.end);
		return s;
	}
	if (e->kind == BC_EXPR_FIELD && p->v017) {
		/* v0.17's grammar has no assignment to a field at all */
		p->panic = false;
		unexpected(p, &op, NULL);
	} else if (e->kind == BC_EXPR_TUPLE_INDEX || e->kind == BC_EXPR_FIELD) {
		p->panic = false;
		if (e->kind == BC_EXPR_TUPLE_INDEX)
			perror_at(p, e->span.start, value->span.end,
				  "Tuples are immutable once created. Consider creating a new tuple and assigning it instead.");
		else
			perror_at(p, e->span.start, value->span.end,
				  "Tuples and records are immutable once created. Consider creating a new value and assigning it instead.");
	} else if (e->kind != BC_EXPR_ERROR) {
		p->panic = false;
		perror_at(p, e->span.start, e->span.end, "invalid assignment target");
	}
expr:
	s = new_stmt(p, BC_STMT_EXPR, first.start, p->prev.end > first.start ? p->prev.end : e->span.end);
	s->u.expr = e;
	return s;
}

static struct bc_stmt *parse_statement(struct parser *p, bool *needs_semi)
{
	struct bc_token t = *peek(p, 0);
	struct bc_stmt *s;

	*needs_semi = true;
	if (t.kind == BC_TOK_LBRACE) {
		struct bc_block *b;

		*needs_semi = false;
		feature(p, BC_FEAT_BLOCK_EXPR, t.start, t.end);
		b = parse_block(p, false);
		s = new_stmt(p, BC_STMT_BLOCK, t.start, p->prev.end);
		s->u.block = b ? b : empty_block(p);
		return s;
	}
	if (t.kind != BC_TOK_IDENT)
		return parse_expr_or_assign(p);
	if (is_kw(p, &t, "if")) {
		*needs_semi = false;
		return parse_if_stmt(p);
	}
	if (is_kw(p, &t, "while") || is_kw(p, &t, "unroll")) {
		*needs_semi = false;
		return parse_loop(p, is_kw(p, &t, "while") ? BC_STMT_WHILE : BC_STMT_UNROLL);
	}
	if (is_kw(p, &t, "for")) {
		*needs_semi = false;
		return parse_for(p);
	}
	if (is_kw(p, &t, "break") || is_kw(p, &t, "continue")) {
		next(p);
		return new_stmt(p, is_kw(p, &t, "break") ? BC_STMT_BREAK : BC_STMT_CONTINUE,
				t.start, t.end);
	}
	if (is_kw(p, &t, "return")) {
		enum bc_tok k;

		next(p);
		s = new_stmt(p, BC_STMT_RETURN, t.start, t.end);
		k = peek(p, 0)->kind;
		if (k != BC_TOK_SEMI && k != BC_TOK_RBRACE && k != BC_TOK_EOF) {
			feature(p, BC_FEAT_RETURN_VALUE, t.start, t.end);
			s->u.expr = parse_expr(p);
			extend_span(p, &s->span, p->prev.end);
		}
		return s;
	}
	if (is_kw(p, &t, "let"))
		return parse_let(p);
	if (is_kw(p, &t, "import") && peek(p, 1)->kind == BC_TOK_STRING) {
		struct bc_token path;
		char *out;
		size_t n;

		next(p);
		path = next(p);
		feature(p, BC_FEAT_IMPORT, t.start, t.end);
		s = new_stmt(p, BC_STMT_IMPORT, t.start, path.end);
		out = p_alloc(p, path.len + 1);
		n = bc_lex_string_decode(p->lx.src + path.text, path.len, out);
		out[n] = 0;
		s->u.import.path = out;
		return s;
	}
	if (is_kw(p, &t, "_") && peek(p, 1)->kind == BC_TOK_ASSIGN) {
		next(p);
		next(p);
		feature(p, BC_FEAT_DISCARD, t.start, t.end);
		s = new_stmt(p, BC_STMT_DISCARD, t.start, t.end);
		s->u.expr = parse_expr(p);
		extend_span(p, &s->span, p->prev.end);
		return s;
	}
	return parse_expr_or_assign(p);
}

struct bc_block *parse_block(struct parser *p, bool allow_tail)
{
	struct bc_token open = *peek(p, 0);
	struct bc_block *b;
	struct pvec stmts = { 0 };

	if (open.kind != BC_TOK_LBRACE) {
		unexpected(p, &open, "{");
		return NULL;
	}
	next(p);
	b = p_alloc(p, sizeof(*b));
	if (!enter(p, &open)) {
		b->span = mkspan(p, open.start, open.end);
		return b;
	}
	for (;;) {
		const struct bc_token *t = peek(p, 0);
		uint32_t before = t->start;
		struct bc_stmt *s;
		bool needs_semi;

		if (t->kind == BC_TOK_RBRACE || t->kind == BC_TOK_EOF || p->fatal)
			break;
		p->panic = false;
		if (allow_tail && is_kw(p, t, "if")) {
			/* in a block with a value, an if is an expression: the
			 * value when it ends the block, a statement otherwise */
			struct bc_token kw = *t;
			struct bc_expr *e;

			p->if_as_stmt = true;
			e = parse_expr(p);
			p->if_as_stmt = false;
			s = new_stmt(p, BC_STMT_EXPR, kw.start, p->prev.end);
			s->u.expr = e;
			pv_push(p, &stmts, s);
			if (p->panic) {
				sync_statement(p);
				p->panic = false;
			} else if (accept(p, BC_TOK_SEMI)) {
				extend_span(p, &s->span, p->prev.end);
			} else if (peek(p, 0)->kind == BC_TOK_RBRACE) {
				b->tail = e;
				stmts.n--;
				feature(p, BC_FEAT_IF_EXPR, kw.start, kw.end);
			}
			if (p->prev.end <= before && peek(p, 0)->start <= before &&
			    peek(p, 0)->kind != BC_TOK_EOF && peek(p, 0)->kind != BC_TOK_RBRACE)
				next(p);
			continue;
		}
		s = parse_statement(p, &needs_semi);
		pv_push(p, &stmts, s);
		if (p->panic) {
			sync_statement(p);
			p->panic = false;
		} else if (needs_semi) {
			if (accept(p, BC_TOK_SEMI)) {
				extend_span(p, &s->span, p->prev.end);
			} else if (peek(p, 0)->kind == BC_TOK_RBRACE) {
				if (allow_tail && s->kind == BC_STMT_EXPR) {
					b->tail = s->u.expr;
					stmts.n--;
				}
			} else {
				unexpected(p, peek(p, 0), "; or }");
				sync_statement(p);
				p->panic = false;
			}
		} else if ((s->kind == BC_STMT_IF || s->kind == BC_STMT_BLOCK) &&
			   peek(p, 0)->kind == BC_TOK_SEMI) {
			next(p);
			feature(p, BC_FEAT_SEMI_AFTER_IF, p->prev.start, p->prev.end);
			extend_span(p, &s->span, p->prev.end);
		}
		/* Never loop without consuming input. */
		if (p->prev.end <= before && peek(p, 0)->start <= before &&
		    peek(p, 0)->kind != BC_TOK_EOF && peek(p, 0)->kind != BC_TOK_RBRACE)
			next(p);
	}
	leave(p);
	if (!p->fatal)
		expect(p, BC_TOK_RBRACE, "}");
	b->stmts = (struct bc_stmt **)pv_finish(p, &stmts, &b->n);
	b->span = mkspan(p, open.start, p->prev.end);
	return b;
}
