/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parser internals shared by parser.c (tokens, errors, top level),
 * parse_expr.c, parse_stmt.c and attach_point.c. Not a public interface.
 */
#ifndef BC_SCRIPT_PARSE_IMPL_H
#define BC_SCRIPT_PARSE_IMPL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "lexer.h"
#include "parser.h"

#define PARSE_LOOKAHEAD 16

/* Short names inside the parser, prefixed symbols in the library. */
#define p_alloc(...) bcp_p_alloc(__VA_ARGS__)
#define p_strndup(...) bcp_p_strndup(__VA_ARGS__)
#define pv_push(...) bcp_pv_push(__VA_ARGS__)
#define pv_finish(...) bcp_pv_finish(__VA_ARGS__)
#define peek(...) bcp_peek(__VA_ARGS__)
#define next(...) bcp_next(__VA_ARGS__)
#define accept(...) bcp_accept(__VA_ARGS__)
#define is_kw(...) bcp_is_kw(__VA_ARGS__)
#define peek_kw(...) bcp_peek_kw(__VA_ARGS__)
#define is_reserved(...) bcp_is_reserved(__VA_ARGS__)
#define tok_str(...) bcp_tok_str(__VA_ARGS__)
#define relex_point(...) bcp_relex_point(__VA_ARGS__)
#define mkspan(...) bcp_mkspan(__VA_ARGS__)
#define extend_span(...) bcp_extend_span(__VA_ARGS__)
#define perror_at(...) bcp_perror_at(__VA_ARGS__)
#define perror_soft(...) bcp_perror_soft(__VA_ARGS__)
#define unexpected(...) bcp_unexpected(__VA_ARGS__)
#define expect(...) bcp_expect(__VA_ARGS__)
#define feature(...) bcp_feature(__VA_ARGS__)
#define enter(...) bcp_enter(__VA_ARGS__)
#define leave(...) bcp_leave(__VA_ARGS__)
#define parse_expr(...) bcp_parse_expr(__VA_ARGS__)
#define parse_unary(...) bcp_parse_unary(__VA_ARGS__)
#define parse_primary(...) bcp_parse_primary(__VA_ARGS__)
#define parse_postfix(...) bcp_parse_postfix(__VA_ARGS__)
#define parse_type(...) bcp_parse_type(__VA_ARGS__)
#define new_expr(...) bcp_new_expr(__VA_ARGS__)
#define error_expr(...) bcp_error_expr(__VA_ARGS__)
#define can_start_expr(...) bcp_can_start_expr(__VA_ARGS__)
#define parse_int_token(...) bcp_parse_int_token(__VA_ARGS__)
#define parse_block(...) bcp_parse_block(__VA_ARGS__)
#define sync_statement(...) bcp_sync_statement(__VA_ARGS__)
#define parse_attach_point_text(...) bcp_parse_attach_point_text(__VA_ARGS__)

struct pvec {
	void **v;
	size_t n, cap;
};

struct seen_error {
	uint32_t start;
	uint32_t hash;
};

struct parser {
	struct bc_unit *u;
	struct bc_script *s;
	struct bc_arena *a;
	struct bc_lexer lx;
	struct bc_lex_macros macros;
	uint64_t expanded;
	struct bc_token la[PARSE_LOOKAHEAD];
	int nla;
	struct bc_token prev;		/* the last token consumed */
	int version;			/* target bpftrace; 0 = latest */
	bool v017;
	unsigned depth, max_depth;
	unsigned max_errors;
	bool panic;			/* recovering: cascaded errors are dropped */
	bool fatal;			/* a limit was hit: stop parsing */
	bool if_as_stmt;		/* the next if expression is a statement */
	bool have_last;			/* a syntax error was reported ... */
	uint32_t last_start;		/* ... at this offset */
	struct seen_error *seen;
	size_t nr_seen, cap_seen;
	struct pvec features;		/* struct bc_feature_use * */
	jmp_buf oom;
};

/* parser.c: memory */
void *p_alloc(struct parser *p, size_t size);
char *p_strndup(struct parser *p, const char *s, size_t len);
void pv_push(struct parser *p, struct pvec *v, void *x);
/* Copies the vector into an exact-size arena array. */
void **pv_finish(struct parser *p, struct pvec *v, size_t *n);

/* parser.c: tokens */
const struct bc_token *peek(struct parser *p, int k);
struct bc_token next(struct parser *p);
bool accept(struct parser *p, enum bc_tok kind);
bool is_kw(const struct parser *p, const struct bc_token *t, const char *kw);
bool peek_kw(struct parser *p, int k, const char *kw);
bool is_reserved(const struct parser *p, const struct bc_token *t);
char *tok_str(struct parser *p, const struct bc_token *t);
/* Moves the lexer back to the first lookahead token and empties the
 * lookahead; returns that offset (for raw scans). */
uint32_t relex_point(struct parser *p);

/* parser.c: spans, diagnostics, features */
struct bc_span mkspan(struct parser *p, uint32_t start, uint32_t end);
void extend_span(struct parser *p, struct bc_span *sp, uint32_t end);
void perror_at(struct parser *p, uint32_t start, uint32_t end, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* An error that does not start recovery (the parse goes on normally). */
void perror_soft(struct parser *p, uint32_t start, uint32_t end, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* "syntax error, unexpected X[, expecting WHAT]" at token T. */
void unexpected(struct parser *p, const struct bc_token *t, const char *expecting);
bool expect(struct parser *p, enum bc_tok kind, const char *expecting);
void feature(struct parser *p, enum bc_feature f, uint32_t start, uint32_t end);
bool enter(struct parser *p, const struct bc_token *at);
void leave(struct parser *p);

/* parse_expr.c */
struct bc_expr *parse_expr(struct parser *p);
struct bc_expr *parse_unary(struct parser *p);
struct bc_expr *parse_primary(struct parser *p);
struct bc_expr *parse_postfix(struct parser *p, struct bc_expr *e);
struct bc_type *parse_type(struct parser *p);
struct bc_expr *new_expr(struct parser *p, enum bc_expr_kind kind, uint32_t start, uint32_t end);
struct bc_expr *error_expr(struct parser *p, const struct bc_token *at);
bool can_start_expr(struct parser *p, const struct bc_token *t);
struct bc_expr *parse_int_token(struct parser *p, const struct bc_token *t);

/* parse_stmt.c */
struct bc_block *parse_block(struct parser *p, bool allow_tail);
/* Skips to the end of the current statement (';' consumed, '}' not). */
void sync_statement(struct parser *p);

/* attach_point.c */
struct bc_attach_point *parse_attach_point_text(struct parser *p, uint32_t start, uint32_t end);

#endif
