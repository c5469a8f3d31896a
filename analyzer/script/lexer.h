/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bpftrace lexer. The parser pulls tokens one at a time; the few
 * context-dependent pieces of the language (attach points, C definitions,
 * preprocessor lines) are scanned raw by the parser through the helpers
 * below. Identifiers naming a #define from the script are expanded here;
 * expanded tokens carry the span of the macro use.
 */
#ifndef BC_SCRIPT_LEXER_H
#define BC_SCRIPT_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "ast.h"

enum bc_tok {
	BC_TOK_EOF = 0,
	BC_TOK_IDENT,		/* identifiers and keywords */
	BC_TOK_INT,
	BC_TOK_STRING,		/* "..." including the quotes */
	BC_TOK_MAP,		/* @name or @ */
	BC_TOK_VAR,		/* $name */
	BC_TOK_PARAM,		/* $1 */
	BC_TOK_PARAMCOUNT,	/* $# */
	BC_TOK_PATH,		/* v0.17 profile only: ':' followed by path characters */
	BC_TOK_CPREPROC,	/* a '#' line (without the newline) */
	BC_TOK_LBRACE, BC_TOK_RBRACE, BC_TOK_LPAREN, BC_TOK_RPAREN,
	BC_TOK_LBRACKET, BC_TOK_RBRACKET,
	BC_TOK_SEMI, BC_TOK_COMMA, BC_TOK_COLON, BC_TOK_DOT, BC_TOK_DOTDOT,
	BC_TOK_QUES, BC_TOK_ASSIGN,
	BC_TOK_EQ, BC_TOK_NE, BC_TOK_LE, BC_TOK_GE, BC_TOK_LT, BC_TOK_GT,
	BC_TOK_SHL, BC_TOK_SHR, BC_TOK_LAND, BC_TOK_LOR,
	BC_TOK_PLUS, BC_TOK_MINUS, BC_TOK_INC, BC_TOK_DEC,
	BC_TOK_STAR, BC_TOK_SLASH, BC_TOK_ENDPRED, BC_TOK_PERCENT,
	BC_TOK_AMP, BC_TOK_PIPE, BC_TOK_CARET, BC_TOK_BANG, BC_TOK_TILDE,
	BC_TOK_ARROW,
	BC_TOK_ADD_ASSIGN, BC_TOK_SUB_ASSIGN, BC_TOK_MUL_ASSIGN, BC_TOK_DIV_ASSIGN,
	BC_TOK_MOD_ASSIGN, BC_TOK_AND_ASSIGN, BC_TOK_OR_ASSIGN, BC_TOK_XOR_ASSIGN,
	BC_TOK_SHL_ASSIGN, BC_TOK_SHR_ASSIGN,
	BC_TOK__COUNT
};

/* What a user reads in "unexpected X": "identifier", "integer", ";", ... */
const char *bc_tok_name(enum bc_tok t);

#define BC_TOKF_SPACE	0x1	/* layout (space, comment) before the token */
#define BC_TOKF_NEWLINE	0x2	/* a newline before the token */
#define BC_TOKF_MACRO	0x4	/* produced by a macro expansion */

struct bc_token {
	enum bc_tok kind;
	uint32_t start, end;	/* span in the file: the use site for macro tokens */
	uint32_t text, len;	/* where the token's own text is in the file */
	unsigned flags;
};

/* A #define the lexer can expand. */
struct bc_lex_macro {
	const char *name;
	bool function_like;
	bool disabled;		/* #undef */
	uint32_t nr_params;
	const char **params;
	struct bc_token *body;
	uint32_t nr_body;
};

struct bc_lex_macros {
	struct bc_lex_macro *v;
	size_t n, cap;
};

/* Nesting of macro expansions, and a budget on the tokens they produce. */
#define BC_LEX_MAX_EXPANSION_DEPTH	64
#define BC_LEX_MAX_EXPANDED_TOKENS	(1u << 20)

struct bc_lex_frame {
	const struct bc_token *toks;
	uint32_t n, i;
	int macro;			/* index in macros->v */
	uint32_t use_start, use_end;
	unsigned use_flags;
};

typedef void (*bc_lex_error_fn)(void *ctx, uint32_t start, uint32_t end, const char *msg);

struct bc_lexer {
	const char *src;
	uint32_t size;		/* src[size] is NUL */
	uint32_t pos;
	uint32_t limit;		/* lexing stops here (size, or a macro body's end) */
	bool v017;		/* reproduce bpftrace v0.17 lexing quirks */
	int depth;
	struct bc_lex_frame frames[BC_LEX_MAX_EXPANSION_DEPTH];
	struct bc_lex_macros *macros;	/* NULL: no expansion */
	struct bc_arena *arena;		/* for substituted macro bodies */
	uint64_t *expanded;		/* running count of expanded tokens */
	bc_lex_error_fn error;
	/* called for every macro use expanded (the use's span) */
	void (*expand)(void *ctx, uint32_t start, uint32_t end);
	void *ctx;
};

void bc_lex_init(struct bc_lexer *lx, const char *src, uint32_t size, bool v017);
/* Next token, expanding macros. At the end, a BC_TOK_EOF at lx->limit. */
void bc_lex_next(struct bc_lexer *lx, struct bc_token *t);
/* Next token straight from the text (no macro expansion). */
void bc_lex_raw(struct bc_lexer *lx, struct bc_token *t);
/* Skips spaces and comments from POS (reporting an unterminated comment
 * when REPORT); returns the next significant offset. *nl is set when a
 * newline was crossed (may be NULL). */
uint32_t bc_lex_skip_layout(struct bc_lexer *lx, uint32_t pos, bool report, bool *nl);

/* Is C an identifier character? */
static inline bool bc_lex_is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline bool bc_lex_is_ident_char(int c)
{
	return bc_lex_is_ident_start(c) || (c >= '0' && c <= '9');
}

/*
 * Raw scans for the context-dependent parts, from offset POS (after layout).
 * Each returns the end offset (exclusive) of what it scanned.
 */
/* An attach point: up to an unquoted ',', '{', whitespace, or a '/' that
 * starts a predicate. */
uint32_t bc_lex_scan_attach_point(struct bc_lexer *lx, uint32_t pos);
/* A C struct/union/enum definition from its keyword through the balanced
 * closing brace (comments and strings skipped). Sets *ok = false when the
 * braces do not balance before the end of the file. */
uint32_t bc_lex_scan_c_definition(struct bc_lexer *lx, uint32_t pos, bool *ok);
/* Does a C definition (keyword [name|attributes...] '{') start at POS? */
bool bc_lex_looks_like_c_definition(struct bc_lexer *lx, uint32_t pos);

/*
 * Integer literals. Evaluates the token text (as written). Returns 0, or
 * -EINVAL (-ERANGE on overflow) with a message bpftrace users know in ERR.
 */
int bc_lex_int_eval(const char *text, size_t len, bool v017, uint64_t *value,
		    enum bc_int_suffix *suffix, char *err, size_t errlen);

/* Decodes a string token's text (with its quotes) into OUT (at least LEN
 * bytes), returning the decoded length. Invalid escapes are dropped (the
 * lexer reported them). */
size_t bc_lex_string_decode(const char *text, size_t len, char *out);

#endif
