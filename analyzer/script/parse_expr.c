// SPDX-License-Identifier: Apache-2.0
/*
 * Expressions and type names. Precedence, low to high: ?: (right), ||, &&,
 * |, ^, &, == !=, < > <= >=, << >>, + -, * / %, prefix unary (and casts),
 * postfix (. -> [] ++ --). A '(' is, in order: an empty tuple, a record, a
 * cast (a type name, ')' and something that starts an expression), or a
 * tuple or parenthesised expression.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "parse_impl.h"

struct bc_expr *new_expr(struct parser *p, enum bc_expr_kind kind, uint32_t start, uint32_t end)
{
	struct bc_expr *e = p_alloc(p, sizeof(*e));

	e->kind = kind;
	e->span = mkspan(p, start, end);
	return e;
}

struct bc_expr *error_expr(struct parser *p, const struct bc_token *at)
{
	return new_expr(p, BC_EXPR_ERROR, at->start, at->end);
}

static struct bc_expr *set_name(struct parser *p, struct bc_expr *e, const struct bc_token *t,
				size_t skip)
{
	e->u.name = p_strndup(p, p->lx.src + t->text + skip, t->len - skip);
	return e;
}

struct bc_expr *parse_int_token(struct parser *p, const struct bc_token *t)
{
	struct bc_expr *e = new_expr(p, BC_EXPR_INT, t->start, t->end);
	char err[160];

	e->u.num.text = tok_str(p, t);
	if (bc_lex_int_eval(p->lx.src + t->text, t->len, p->v017, &e->u.num.value,
			    &e->u.num.suffix, err, sizeof(err)))
		perror_soft(p, t->start, t->end, "%s", err);
	if (e->u.num.suffix >= BC_INT_NS)
		feature(p, BC_FEAT_DURATION, t->start, t->end);
	return e;
}

bool can_start_expr(struct parser *p, const struct bc_token *t)
{
	static const char *const not_expr[] = {
		"else", "while", "for", "return", "break", "continue", "let", "import",
		"unroll", NULL
	};

	switch (t->kind) {
	case BC_TOK_INT: case BC_TOK_STRING: case BC_TOK_MAP: case BC_TOK_VAR:
	case BC_TOK_PARAM: case BC_TOK_PARAMCOUNT: case BC_TOK_LPAREN:
	case BC_TOK_MINUS: case BC_TOK_DEC: case BC_TOK_BANG: case BC_TOK_TILDE:
	case BC_TOK_STAR: case BC_TOK_AMP:
		return true;
	case BC_TOK_IDENT:
		for (int i = 0; not_expr[i]; i++)
			if (is_kw(p, t, not_expr[i]))
				return false;
		return true;
	default:
		return false;
	}
}

/* --- types --- */

static bool is_builtin_type_name(const char *s, size_t n)
{
	static const char *const names[] = {
		"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
		"bool", "void", "string", "buffer", "inet", "timestamp",
		"min_t", "max_t", "sum_t", "avg_t", "stats_t", "umin_t", "umax_t", "usum_t",
		"uavg_t", "ustats_t", "count_t", "probe_t", "username_t", "lhist_t", "hist_t",
		"usym_t", "ksym_t", "macaddr_t", "cgroup_path_t", "kstack_t", "ustack_t",
		"tseries_t", NULL
	};

	for (int i = 0; names[i]; i++)
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return true;
	return false;
}

static bool is_compound_kw(struct parser *p, const struct bc_token *t)
{
	return is_kw(p, t, "struct") || is_kw(p, t, "union") || is_kw(p, t, "enum");
}

static struct bc_type *new_type(struct parser *p, enum bc_type_kind kind, uint32_t start,
				uint32_t end)
{
	struct bc_type *ty = p_alloc(p, sizeof(*ty));

	ty->kind = kind;
	ty->span = mkspan(p, start, end);
	return ty;
}

/*
 * Does a type name start at lookahead K? Sets *end to the index of the token
 * after it. STRICT: a bare unknown identifier counts only with a '*' or
 * '[...]' suffix (sizeof(x) of a variable-like name is an expression).
 */
static bool scan_type(struct parser *p, int k, int *end, bool strict)
{
	const struct bc_token *t = peek(p, k);
	bool known = false, suffix = false;

	if (is_compound_kw(p, t)) {
		if (peek(p, k + 1)->kind != BC_TOK_IDENT)
			return false;
		k += 2;
		known = true;
	} else if (is_kw(p, t, "typeof") && peek(p, k + 1)->kind == BC_TOK_LPAREN) {
		/* typeof(T|e) is a type (0.25): sizeof(typeof(int32)) */
		int depth = 0;

		k++;
		do {
			if (k >= PARSE_LOOKAHEAD - 3 || peek(p, k)->kind == BC_TOK_EOF)
				return false;
			if (peek(p, k)->kind == BC_TOK_LPAREN)
				depth++;
			else if (peek(p, k)->kind == BC_TOK_RPAREN)
				depth--;
			k++;
		} while (depth > 0);
		known = true;
	} else if (t->kind == BC_TOK_IDENT && !is_reserved(p, t) &&
		   !bc_script_is_builtin(p->lx.src + t->text, t->len)) {
		known = is_builtin_type_name(p->lx.src + t->text, t->len);
		k++;
	} else {
		return false;
	}
	for (;;) {
		if (k >= PARSE_LOOKAHEAD - 3)
			return false;
		t = peek(p, k);
		if (t->kind == BC_TOK_STAR) {
			k++;
			suffix = true;
		} else if (t->kind == BC_TOK_LBRACKET) {
			if (peek(p, k + 1)->kind == BC_TOK_INT &&
			    peek(p, k + 2)->kind == BC_TOK_RBRACKET)
				k += 3;
			else if (peek(p, k + 1)->kind == BC_TOK_RBRACKET)
				k += 2;
			else
				return false;
			suffix = true;
		} else {
			break;
		}
	}
	*end = k;
	return !strict || known || suffix;
}

static bool is_sized_name(const char *s)
{
	return !strcmp(s, "string") || !strcmp(s, "buffer") || !strcmp(s, "inet");
}

struct bc_type *parse_type(struct parser *p)
{
	struct bc_token t = *peek(p, 0);
	struct bc_type *ty;
	int ptr_depth = 0;

	if (is_compound_kw(p, &t) && peek(p, 1)->kind == BC_TOK_IDENT) {
		struct bc_token name;

		next(p);
		name = next(p);
		ty = new_type(p, is_kw(p, &t, "struct") ? BC_TYPE_STRUCT :
				 is_kw(p, &t, "union") ? BC_TYPE_UNION : BC_TYPE_ENUM,
			      t.start, name.end);
		ty->name = tok_str(p, &name);
	} else if (is_kw(p, &t, "typeof") && peek(p, 1)->kind == BC_TOK_LPAREN) {
		int end;

		next(p);
		next(p);
		feature(p, BC_FEAT_TYPEOF, t.start, t.end);
		ty = new_type(p, BC_TYPE_TYPEOF, t.start, t.end);
		if (scan_type(p, 0, &end, true) && peek(p, end)->kind == BC_TOK_RPAREN)
			ty->inner = parse_type(p);
		else
			ty->expr = parse_expr(p);
		if (!p->panic)
			expect(p, BC_TOK_RPAREN, ")");
		extend_span(p, &ty->span, p->prev.end);
	} else if (t.kind == BC_TOK_IDENT && !is_reserved(p, &t)) {
		next(p);
		ty = new_type(p, BC_TYPE_NAME, t.start, t.end);
		ty->name = tok_str(p, &t);
		/* void came with user functions (26e310f68, 0.21), not with typeof */
		if (!strcmp(ty->name, "void"))
			feature(p, BC_FEAT_FN, t.start, t.end);
	} else {
		unexpected(p, &t, "type");
		ty = new_type(p, BC_TYPE_NAME, t.start, t.start);
		ty->name = "";
		return ty;
	}
	for (;;) {
		struct bc_token s = *peek(p, 0);
		struct bc_type *outer;

		if (s.kind == BC_TOK_STAR) {
			next(p);
			outer = new_type(p, BC_TYPE_POINTER, ty->span.start, s.end);
			outer->inner = ty;
			ty = outer;
			if (++ptr_depth == 3)
				feature(p, BC_FEAT_TYPE_SYNTAX, s.start, s.end);
		} else if (s.kind == BC_TOK_LBRACKET) {
			next(p);
			outer = new_type(p, BC_TYPE_ARRAY, ty->span.start, s.end);
			outer->inner = ty;
			if (peek(p, 0)->kind == BC_TOK_INT) {
				struct bc_token n = next(p);

				outer->size = parse_int_token(p, &n)->u.num.value;
				outer->has_size = true;
			}
			if (!expect(p, BC_TOK_RBRACKET, "]"))
				return outer;
			extend_span(p, &outer->span, p->prev.end);
			if (ty->kind == BC_TYPE_NAME && is_sized_name(ty->name))
				feature(p, BC_FEAT_SIZED_TYPE, outer->span.start, outer->span.end);
			else
				feature(p, BC_FEAT_TYPE_SYNTAX, outer->span.start, outer->span.end);
			ty = outer;
		} else {
			break;
		}
	}
	return ty;
}

/* --- expressions --- */

static enum bc_op binop_of(enum bc_tok t)
{
	switch (t) {
	case BC_TOK_LOR: return BC_OP_LOR;
	case BC_TOK_LAND: return BC_OP_LAND;
	case BC_TOK_PIPE: return BC_OP_BOR;
	case BC_TOK_CARET: return BC_OP_BXOR;
	case BC_TOK_AMP: return BC_OP_BAND;
	case BC_TOK_EQ: return BC_OP_EQ;
	case BC_TOK_NE: return BC_OP_NE;
	case BC_TOK_LT: return BC_OP_LT;
	case BC_TOK_GT: return BC_OP_GT;
	case BC_TOK_LE: return BC_OP_LE;
	case BC_TOK_GE: return BC_OP_GE;
	case BC_TOK_SHL: return BC_OP_SHL;
	case BC_TOK_SHR: return BC_OP_SHR;
	case BC_TOK_PLUS: return BC_OP_ADD;
	case BC_TOK_MINUS: return BC_OP_SUB;
	case BC_TOK_STAR: return BC_OP_MUL;
	case BC_TOK_SLASH: return BC_OP_DIV;
	case BC_TOK_PERCENT: return BC_OP_MOD;
	default: return BC_OP_NONE;
	}
}

static struct bc_expr *parse_binary(struct parser *p, int min_prec)
{
	struct bc_expr *left = parse_unary(p);

	while (!p->panic) {
		struct bc_token op = *peek(p, 0);
		enum bc_op o = binop_of(op.kind);
		struct bc_expr *right, *b;

		if (o == BC_OP_NONE || bc_op_prec(o) < min_prec)
			break;
		next(p);
		right = parse_binary(p, bc_op_prec(o) + 1);
		b = new_expr(p, BC_EXPR_BINOP, left->span.start, right->span.end);
		b->u.binop.op = o;
		b->u.binop.left = left;
		b->u.binop.right = right;
		b->u.binop.op_span = mkspan(p, op.start, op.end);
		left = b;
	}
	return left;
}

struct bc_expr *parse_expr(struct parser *p)
{
	const struct bc_token *t = peek(p, 0);
	struct bc_expr *c, *e;

	if (!enter(p, t))
		return error_expr(p, t);
	c = parse_binary(p, 1);
	if (!p->panic && peek(p, 0)->kind == BC_TOK_QUES) {
		struct bc_token ques = next(p);

		e = new_expr(p, BC_EXPR_TERNARY, c->span.start, c->span.end);
		e->u.ternary.cond = c;
		if (peek(p, 0)->kind == BC_TOK_COLON) {
			struct bc_token colon = next(p);

			feature(p, BC_FEAT_ELVIS, ques.start, colon.end);
		} else {
			e->u.ternary.then = parse_expr(p);
			if (!p->panic)
				expect(p, BC_TOK_COLON, ":");
		}
		if (!p->panic)
			e->u.ternary.els = parse_expr(p);
		else
			e->u.ternary.els = error_expr(p, peek(p, 0));
		extend_span(p, &e->span, e->u.ternary.els->span.end);
		c = e;
	}
	leave(p);
	return c;
}

static bool is_lvalue(const struct bc_expr *e)
{
	return e->kind == BC_EXPR_VAR || e->kind == BC_EXPR_MAP;
}

static struct bc_expr *new_unop(struct parser *p, enum bc_op op, struct bc_expr *operand,
				const struct bc_token *optok, bool postfix)
{
	struct bc_expr *e;

	if (postfix)
		e = new_expr(p, BC_EXPR_UNOP, operand->span.start, optok->end);
	else
		e = new_expr(p, BC_EXPR_UNOP, optok->start, operand->span.end);
	e->u.unop.op = op;
	e->u.unop.operand = operand;
	e->u.unop.op_span = mkspan(p, optok->start, optok->end);
	return e;
}

struct bc_expr *parse_unary(struct parser *p)
{
	struct bc_token t = *peek(p, 0);
	struct bc_expr *operand, *e;
	enum bc_op op;

	switch (t.kind) {
	case BC_TOK_MINUS: op = BC_OP_NEG; break;
	case BC_TOK_BANG: op = BC_OP_LNOT; break;
	case BC_TOK_TILDE: op = BC_OP_BNOT; break;
	case BC_TOK_STAR: op = BC_OP_DEREF; break;
	case BC_TOK_AMP: op = BC_OP_ADDR; break;
	case BC_TOK_INC: op = BC_OP_PREINC; break;
	case BC_TOK_DEC: op = BC_OP_PREDEC; break;
	default:
		if (is_kw(p, &t, "comptime")) {
			next(p);
			feature(p, BC_FEAT_TYPEOF, t.start, t.end);
			if (!enter(p, &t))
				return error_expr(p, &t);
			operand = parse_unary(p);
			leave(p);
			e = new_expr(p, BC_EXPR_COMPTIME, t.start, operand->span.end);
			e->u.unop.operand = operand;
			e->u.unop.op_span = mkspan(p, t.start, t.end);
			return e;
		}
		return parse_postfix(p, parse_primary(p));
	}
	next(p);
	if (!enter(p, &t))
		return error_expr(p, &t);
	operand = parse_unary(p);
	leave(p);
	if (op == BC_OP_ADDR) {
		feature(p, BC_FEAT_ADDR_OF, t.start, t.end);
		if (!is_lvalue(operand) ||
		    (operand->kind == BC_EXPR_MAP && operand->u.map.has_keys))
			perror_soft(p, t.start, operand->span.end,
				    "address-of operator (&) can only be used on a map or variable");
	} else if ((op == BC_OP_PREINC || op == BC_OP_PREDEC) && !is_lvalue(operand) &&
		   operand->kind != BC_EXPR_ERROR) {
		perror_soft(p, t.start, t.end, "The %s operator must be applied to a map or variable",
			    op == BC_OP_PREINC ? "++" : "--");
	}
	return new_unop(p, op, operand, &t, false);
}

struct bc_expr *parse_postfix(struct parser *p, struct bc_expr *e)
{
	while (!p->panic) {
		struct bc_token t = *peek(p, 0), name;
		struct bc_expr *x;

		if (t.kind == BC_TOK_DOT || t.kind == BC_TOK_ARROW) {
			next(p);
			name = *peek(p, 0);
			if (t.kind == BC_TOK_DOT && name.kind == BC_TOK_INT) {
				struct bc_expr *idx;

				next(p);
				idx = parse_int_token(p, &name);
				x = new_expr(p, BC_EXPR_TUPLE_INDEX, e->span.start, name.end);
				x->u.tindex.base = e;
				x->u.tindex.index = idx->u.num.value;
			} else if (name.kind == BC_TOK_IDENT) {
				next(p);
				x = new_expr(p, BC_EXPR_FIELD, e->span.start, name.end);
				x->u.field.base = e;
				x->u.field.name = tok_str(p, &name);
				x->u.field.arrow = t.kind == BC_TOK_ARROW;
				x->u.field.name_span = mkspan(p, name.start, name.end);
			} else {
				unexpected(p, &name, "identifier");
				return e;
			}
			e = x;
		} else if (t.kind == BC_TOK_LBRACKET) {
			struct bc_expr *idx;

			next(p);
			idx = parse_expr(p);
			if (!p->panic)
				expect(p, BC_TOK_RBRACKET, "]");
			x = new_expr(p, BC_EXPR_INDEX, e->span.start, p->prev.end);
			x->u.index.base = e;
			x->u.index.index = idx;
			e = x;
		} else if (t.kind == BC_TOK_INC || t.kind == BC_TOK_DEC) {
			next(p);
			if (!is_lvalue(e))
				perror_soft(p, t.start, t.end,
					    "The %s operator must be applied to a map or variable",
					    t.kind == BC_TOK_INC ? "++" : "--");
			e = new_unop(p, t.kind == BC_TOK_INC ? BC_OP_POSTINC : BC_OP_POSTDEC, e, &t,
				     true);
		} else {
			break;
		}
	}
	return e;
}

/* ( ... ) after the '(' has been looked at */
static bool looks_like_cast(struct parser *p)
{
	int end;

	if (peek_kw(p, 1, "typeof") && peek(p, 2)->kind == BC_TOK_LPAREN) {
		int depth = 0;

		for (end = 2; end < PARSE_LOOKAHEAD - 2; end++) {
			enum bc_tok k = peek(p, end)->kind;

			if (k == BC_TOK_LPAREN)
				depth++;
			else if (k == BC_TOK_RPAREN && --depth == 0)
				break;
			else if (k == BC_TOK_EOF)
				return false;
		}
		end++;
		return end < PARSE_LOOKAHEAD - 1 && peek(p, end)->kind == BC_TOK_RPAREN &&
		       can_start_expr(p, peek(p, end + 1));
	}
	if (!scan_type(p, 1, &end, false))
		return false;
	return peek(p, end)->kind == BC_TOK_RPAREN && can_start_expr(p, peek(p, end + 1));
}

static struct bc_expr *parse_record(struct parser *p, const struct bc_token *open)
{
	struct pvec names = { 0 }, spans = { 0 }, values = { 0 };
	struct bc_expr *e;
	size_t n;

	for (;;) {
		struct bc_token name = *peek(p, 0);
		struct bc_span *sp;

		if (name.kind != BC_TOK_IDENT || peek(p, 1)->kind != BC_TOK_ASSIGN) {
			unexpected(p, &name, "identifier");
			break;
		}
		next(p);
		next(p);
		for (size_t i = 0; i < names.n; i++)
			if (strlen(names.v[i]) == name.len &&
			    !memcmp(names.v[i], p->lx.src + name.text, name.len))
				perror_soft(p, name.start, name.end,
					    "Named argument list already contains name: %.*s",
					    (int)name.len, p->lx.src + name.text);
		pv_push(p, &names, tok_str(p, &name));
		sp = p_alloc(p, sizeof(*sp));
		*sp = mkspan(p, name.start, name.end);
		pv_push(p, &spans, sp);
		pv_push(p, &values, parse_expr(p));
		if (p->panic || !accept(p, BC_TOK_COMMA))
			break;
		if (peek(p, 0)->kind == BC_TOK_RPAREN)
			break;
	}
	if (!p->panic)
		expect(p, BC_TOK_RPAREN, ")");
	e = new_expr(p, BC_EXPR_RECORD, open->start, p->prev.end);
	e->u.record.names = (const char **)pv_finish(p, &names, &n);
	e->u.record.name_spans = p_alloc(p, (spans.n ? spans.n : 1) * sizeof(struct bc_span));
	for (size_t i = 0; i < spans.n; i++)
		e->u.record.name_spans[i] = *(struct bc_span *)spans.v[i];
	e->u.record.values.v = (struct bc_expr **)pv_finish(p, &values, &e->u.record.values.n);
	feature(p, BC_FEAT_RECORD, e->span.start, e->span.end);
	return e;
}

static struct bc_expr *parse_paren(struct parser *p)
{
	struct bc_token open = *peek(p, 0), t;
	struct bc_expr *first, *e;
	struct pvec elems = { 0 };

	if (peek(p, 1)->kind == BC_TOK_RPAREN) {
		next(p);
		next(p);
		e = new_expr(p, BC_EXPR_TUPLE, open.start, p->prev.end);
		feature(p, BC_FEAT_SMALL_TUPLE, e->span.start, e->span.end);
		return e;
	}
	t = *peek(p, 1);
	if (t.kind == BC_TOK_IDENT && peek(p, 2)->kind == BC_TOK_ASSIGN && !is_reserved(p, &t)) {
		next(p);
		return parse_record(p, &open);
	}
	if (looks_like_cast(p)) {
		struct bc_type *ty;
		struct bc_expr *operand;

		next(p);
		ty = parse_type(p);
		if (!p->panic)
			expect(p, BC_TOK_RPAREN, ")");
		if (p->panic)
			return error_expr(p, &open);
		if (!enter(p, &open))
			return error_expr(p, &open);
		operand = parse_unary(p);
		leave(p);
		e = new_expr(p, BC_EXPR_CAST, open.start, operand->span.end);
		e->u.cast.type = ty;
		e->u.cast.operand = operand;
		return e;
	}
	next(p);
	first = parse_expr(p);
	if (p->panic)
		return first;
	if (peek(p, 0)->kind != BC_TOK_COMMA) {
		/* a parenthesised expression spans its parentheses */
		if (expect(p, BC_TOK_RPAREN, ")"))
			first->span = mkspan(p, open.start, p->prev.end);
		return first;
	}
	pv_push(p, &elems, first);
	while (accept(p, BC_TOK_COMMA)) {
		if (peek(p, 0)->kind == BC_TOK_RPAREN) {
			feature(p, BC_FEAT_SMALL_TUPLE, p->prev.start, p->prev.end);
			break;
		}
		pv_push(p, &elems, parse_expr(p));
		if (p->panic)
			break;
	}
	if (!p->panic)
		expect(p, BC_TOK_RPAREN, ")");
	e = new_expr(p, BC_EXPR_TUPLE, open.start, p->prev.end);
	e->u.list.v = (struct bc_expr **)pv_finish(p, &elems, &e->u.list.n);
	return e;
}

static struct bc_expr *parse_map(struct parser *p)
{
	struct bc_token t = next(p);
	struct bc_expr *e = new_expr(p, BC_EXPR_MAP, t.start, t.end);
	struct pvec keys = { 0 };

	e->u.map.name = p_strndup(p, p->lx.src + t.text + 1, t.len - 1);
	if (peek(p, 0)->kind != BC_TOK_LBRACKET)
		return e;
	next(p);
	e->u.map.has_keys = true;
	for (;;) {
		pv_push(p, &keys, parse_expr(p));
		if (p->panic || !accept(p, BC_TOK_COMMA))
			break;
	}
	if (!p->panic)
		expect(p, BC_TOK_RBRACKET, "]");
	e->u.map.keys.v = (struct bc_expr **)pv_finish(p, &keys, &e->u.map.keys.n);
	extend_span(p, &e->span, p->prev.end);
	return e;
}

static struct bc_expr *parse_call(struct parser *p, const struct bc_token *name)
{
	struct bc_expr *e;
	struct pvec args = { 0 };

	next(p);
	next(p);
	if (p->v017 && !bc_script_is_v017_call(p->lx.src + name->text, name->len))
		perror_soft(p, name->start, name->end, "Unknown function: %.*s", (int)name->len,
			    p->lx.src + name->text);
	if (!accept(p, BC_TOK_RPAREN)) {
		for (;;) {
			pv_push(p, &args, parse_expr(p));
			if (p->panic || !accept(p, BC_TOK_COMMA))
				break;
		}
		if (!p->panic)
			expect(p, BC_TOK_RPAREN, ")");
	}
	e = new_expr(p, BC_EXPR_CALL, name->start, p->prev.end);
	e->u.call.name = tok_str(p, name);
	e->u.call.name_span = mkspan(p, name->start, name->end);
	e->u.call.args.v = (struct bc_expr **)pv_finish(p, &args, &e->u.call.args.n);
	return e;
}

/* sizeof(T|e), typeinfo(T|e), offsetof(T|e, f.g) */
static struct bc_expr *parse_type_or_expr_call(struct parser *p, enum bc_expr_kind kind)
{
	struct bc_token kw = next(p);
	struct bc_expr *e = new_expr(p, kind, kw.start, kw.end);
	struct bc_type *ty = NULL;
	struct bc_expr *x = NULL;
	int end;

	if (!expect(p, BC_TOK_LPAREN, "("))
		return e;
	if (scan_type(p, 0, &end, true) &&
	    (peek(p, end)->kind == BC_TOK_RPAREN || peek(p, end)->kind == BC_TOK_COMMA))
		ty = parse_type(p);
	else
		x = parse_expr(p);
	if (kind == BC_EXPR_OFFSETOF) {
		struct pvec fields = { 0 };

		e->u.offsetof_.type = ty;
		e->u.offsetof_.expr = x;
		if (!p->panic && expect(p, BC_TOK_COMMA, ",")) {
			for (;;) {
				struct bc_token f = *peek(p, 0);

				if (f.kind != BC_TOK_IDENT) {
					unexpected(p, &f, "identifier");
					break;
				}
				next(p);
				pv_push(p, &fields, tok_str(p, &f));
				if (!accept(p, BC_TOK_DOT))
					break;
			}
		}
		e->u.offsetof_.fields = (const char **)pv_finish(p, &fields,
								 &e->u.offsetof_.nr_fields);
	} else {
		e->u.sizeof_.type = ty;
		e->u.sizeof_.expr = x;
	}
	if (!p->panic)
		expect(p, BC_TOK_RPAREN, ")");
	extend_span(p, &e->span, p->prev.end);
	return e;
}

static struct bc_expr *parse_if_expr(struct parser *p)
{
	struct bc_token kw = next(p);
	struct bc_expr *e = new_expr(p, BC_EXPR_IF, kw.start, kw.end);
	bool as_stmt = p->if_as_stmt;

	/* an if statement in a block that has a value is parsed as an if
	 * expression (as bpftrace does); it is a v0.25 construct only when
	 * its value is used (parse_block decides) */
	p->if_as_stmt = false;
	if (!as_stmt)
		feature(p, BC_FEAT_IF_EXPR, kw.start, kw.end);
	if (!enter(p, &kw))
		return e;
	if (peek(p, 0)->kind == BC_TOK_LPAREN) {
		next(p);
		e->u.if_.cond = parse_expr(p);
		if (!p->panic)
			expect(p, BC_TOK_RPAREN, ")");
	} else {
		feature(p, BC_FEAT_NO_PARENS, kw.start, kw.end);
		e->u.if_.cond = parse_unary(p);
	}
	if (!p->panic)
		e->u.if_.then = parse_block(p, true);
	if (!p->panic && peek_kw(p, 0, "else")) {
		struct bc_token els = next(p);

		if (peek_kw(p, 0, "if")) {
			p->if_as_stmt = as_stmt;
			e->u.if_.els = parse_if_expr(p);
		} else if (peek(p, 0)->kind == BC_TOK_LBRACE) {
			struct bc_block *b = parse_block(p, true);

			if (b) {
				e->u.if_.els = new_expr(p, BC_EXPR_BLOCK, b->span.start, b->span.end);
				e->u.if_.els->u.block = b;
			}
		} else {
			unexpected(p, peek(p, 0), "{ or if");
		}
		(void)els;
	}
	leave(p);
	if (!e->u.if_.then) {
		e->u.if_.then = p_alloc(p, sizeof(*e->u.if_.then));
		e->u.if_.then->span = mkspan(p, p->prev.end, p->prev.end);
	}
	extend_span(p, &e->span, p->prev.end);
	return e;
}

struct bc_expr *parse_primary(struct parser *p)
{
	struct bc_token t = *peek(p, 0);
	struct bc_expr *e;

	switch (t.kind) {
	case BC_TOK_INT:
		next(p);
		return parse_int_token(p, &t);
	case BC_TOK_STRING: {
		char *out;

		next(p);
		e = new_expr(p, BC_EXPR_STRING, t.start, t.end);
		out = p_alloc(p, t.len + 1);
		e->u.str.len = bc_lex_string_decode(p->lx.src + t.text, t.len, out);
		out[e->u.str.len] = 0;
		e->u.str.data = out;
		return e;
	}
	case BC_TOK_MAP:
		return parse_map(p);
	case BC_TOK_VAR:
		next(p);
		return set_name(p, new_expr(p, BC_EXPR_VAR, t.start, t.end), &t, 1);
	case BC_TOK_PARAM: {
		long v = 0;
		bool overflow = false;

		next(p);
		for (uint32_t i = 1; i < t.len; i++) {
			if (v > (0x7fffffffffffffffL - 9) / 10)
				overflow = true;
			else
				v = v * 10 + (p->lx.src[t.text + i] - '0');
		}
		if (v < 1 || overflow)
			perror_soft(p, t.start, t.end,
				    "param %.*s is out of integer range [1, 9223372036854775807]",
				    (int)t.len, p->lx.src + t.text);
		e = new_expr(p, BC_EXPR_PARAM, t.start, t.end);
		e->u.param = overflow ? 0 : v;
		return e;
	}
	case BC_TOK_PARAMCOUNT:
		next(p);
		return new_expr(p, BC_EXPR_PARAMCOUNT, t.start, t.end);
	case BC_TOK_LPAREN:
		return parse_paren(p);
	case BC_TOK_LBRACE: {
		struct bc_block *b;

		feature(p, BC_FEAT_BLOCK_EXPR, t.start, t.end);
		b = parse_block(p, true);
		if (!b)
			return error_expr(p, &t);
		e = new_expr(p, BC_EXPR_BLOCK, b->span.start, b->span.end);
		e->u.block = b;
		return e;
	}
	case BC_TOK_IDENT:
		break;
	default:
		unexpected(p, &t, NULL);
		return error_expr(p, &t);
	}

	if (is_kw(p, &t, "true") || is_kw(p, &t, "false")) {
		next(p);
		feature(p, BC_FEAT_BOOL, t.start, t.end);
		e = new_expr(p, BC_EXPR_BOOL, t.start, t.end);
		e->u.boolean = is_kw(p, &t, "true");
		return e;
	}
	if (is_kw(p, &t, "if"))
		return parse_if_expr(p);
	if (is_kw(p, &t, "sizeof") && peek(p, 1)->kind == BC_TOK_LPAREN)
		return parse_type_or_expr_call(p, BC_EXPR_SIZEOF);
	if (is_kw(p, &t, "offsetof") && peek(p, 1)->kind == BC_TOK_LPAREN) {
		feature(p, BC_FEAT_OFFSETOF, t.start, t.end);
		return parse_type_or_expr_call(p, BC_EXPR_OFFSETOF);
	}
	if (is_kw(p, &t, "typeinfo") && peek(p, 1)->kind == BC_TOK_LPAREN) {
		feature(p, BC_FEAT_TYPEOF, t.start, t.end);
		return parse_type_or_expr_call(p, BC_EXPR_TYPEINFO);
	}
	if (is_reserved(p, &t) || is_compound_kw(p, &t)) {
		unexpected(p, &t, NULL);
		return error_expr(p, &t);
	}
	if (peek(p, 1)->kind == BC_TOK_LPAREN)
		return parse_call(p, &t);
	next(p);
	if (bc_script_is_builtin(p->lx.src + t.text, t.len))
		return set_name(p, new_expr(p, BC_EXPR_BUILTIN, t.start, t.end), &t, 0);
	return set_name(p, new_expr(p, BC_EXPR_IDENT, t.start, t.end), &t, 0);
}
