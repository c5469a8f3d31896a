/* SPDX-License-Identifier: Apache-2.0 */
/* The bpftrace lexer: tokens, numbers, strings, layout, raw scans, macros. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer/script/lexer.h"

struct errs {
	int n;
	char msg[8][128];
	uint32_t start[8], end[8];
};

static void on_error(void *ctx, uint32_t start, uint32_t end, const char *msg)
{
	struct errs *e = ctx;

	if (e->n < 8) {
		snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s", msg);
		e->start[e->n] = start;
		e->end[e->n] = end;
	}
	e->n++;
}

static void init(struct bc_lexer *lx, const char *src, bool v017, struct errs *e)
{
	bc_lex_init(lx, src, (uint32_t)strlen(src), v017);
	memset(e, 0, sizeof(*e));
	lx->error = on_error;
	lx->ctx = e;
}

/* Lexes SRC into kinds (at most MAX), returns the count (EOF excluded). */
static int kinds(const char *src, bool v017, enum bc_tok *out, int max, struct errs *e)
{
	struct bc_lexer lx;
	struct bc_token t;
	int n = 0;

	init(&lx, src, v017, e);
	for (;;) {
		bc_lex_next(&lx, &t);
		if (t.kind == BC_TOK_EOF)
			break;
		assert_true(n < max);
		out[n++] = t.kind;
	}
	return n;
}

static void test_operators_longest_match(void **state)
{
	static const struct {
		const char *text;
		enum bc_tok tok;
	} ops[] = {
		{ "<<=", BC_TOK_SHL_ASSIGN }, { ">>=", BC_TOK_SHR_ASSIGN }, { "<<", BC_TOK_SHL },
		{ ">>", BC_TOK_SHR }, { "<=", BC_TOK_LE }, { ">=", BC_TOK_GE }, { "<", BC_TOK_LT },
		{ ">", BC_TOK_GT }, { "==", BC_TOK_EQ }, { "!=", BC_TOK_NE }, { "=", BC_TOK_ASSIGN },
		{ "&&", BC_TOK_LAND }, { "||", BC_TOK_LOR }, { "&", BC_TOK_AMP }, { "|", BC_TOK_PIPE },
		{ "^", BC_TOK_CARET }, { "!", BC_TOK_BANG }, { "~", BC_TOK_TILDE },
		{ "++", BC_TOK_INC }, { "--", BC_TOK_DEC }, { "->", BC_TOK_ARROW },
		{ "+=", BC_TOK_ADD_ASSIGN }, { "-=", BC_TOK_SUB_ASSIGN }, { "*=", BC_TOK_MUL_ASSIGN },
		{ "/=", BC_TOK_DIV_ASSIGN }, { "%=", BC_TOK_MOD_ASSIGN }, { "&=", BC_TOK_AND_ASSIGN },
		{ "|=", BC_TOK_OR_ASSIGN }, { "^=", BC_TOK_XOR_ASSIGN }, { "+", BC_TOK_PLUS },
		{ "-", BC_TOK_MINUS }, { "*", BC_TOK_STAR }, { "/", BC_TOK_SLASH },
		{ "%", BC_TOK_PERCENT }, { "..", BC_TOK_DOTDOT }, { ".", BC_TOK_DOT },
		{ "?", BC_TOK_QUES }, { ":", BC_TOK_COLON }, { ";", BC_TOK_SEMI },
		{ ",", BC_TOK_COMMA }, { "(", BC_TOK_LPAREN }, { ")", BC_TOK_RPAREN },
		{ "[", BC_TOK_LBRACKET }, { "]", BC_TOK_RBRACKET }, { "{", BC_TOK_LBRACE },
		{ "}", BC_TOK_RBRACE },
	};
	enum bc_tok k[4];
	struct errs e;

	(void)state;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		assert_int_equal(kinds(ops[i].text, false, k, 4, &e), 1);
		assert_int_equal(k[0], ops[i].tok);
		assert_int_equal(e.n, 0);
		assert_string_equal(bc_tok_name(ops[i].tok), ops[i].text);
	}
	/* "a---b" is a -- - b, as in C */
	assert_int_equal(kinds("a---b", false, k, 4, &e), 4);
	assert_int_equal(k[1], BC_TOK_DEC);
	assert_int_equal(k[2], BC_TOK_MINUS);
}

static void test_sigils_and_words(void **state)
{
	enum bc_tok k[16];
	struct errs e;
	struct bc_lexer lx;
	struct bc_token t;

	(void)state;
	assert_int_equal(kinds("@ @map $var $1 $10 $# ident _x9 \"s\" 42", false, k, 16, &e),
			 10);
	assert_int_equal(k[0], BC_TOK_MAP);
	assert_int_equal(k[1], BC_TOK_MAP);
	assert_int_equal(k[2], BC_TOK_VAR);
	assert_int_equal(k[3], BC_TOK_PARAM);
	assert_int_equal(k[4], BC_TOK_PARAM);
	assert_int_equal(k[5], BC_TOK_PARAMCOUNT);
	assert_int_equal(k[6], BC_TOK_IDENT);
	assert_int_equal(k[7], BC_TOK_IDENT);
	assert_int_equal(k[8], BC_TOK_STRING);
	assert_int_equal(k[9], BC_TOK_INT);
	assert_int_equal(e.n, 0);

	/* spans and text */
	init(&lx, "  @map[1]", false, &e);
	bc_lex_next(&lx, &t);
	assert_int_equal(t.start, 2);
	assert_int_equal(t.end, 6);
	assert_int_equal(t.text, 2);
	assert_int_equal(t.len, 4);
	assert_true(t.flags & BC_TOKF_SPACE);
	assert_false(t.flags & BC_TOKF_NEWLINE);

	/* a lone '$' and other stray characters are reported and skipped */
	assert_int_equal(kinds("$ ` 1", false, k, 16, &e), 1);
	assert_int_equal(e.n, 2);
	assert_string_equal(e.msg[0], "invalid character '$'");
	assert_string_equal(e.msg[1], "invalid character '`'");
	assert_int_equal(kinds("\x01", false, k, 16, &e), 0);
	assert_string_equal(e.msg[0], "invalid character '\\x01'");
}

static void test_layout(void **state)
{
	enum bc_tok k[8];
	struct errs e;
	struct bc_lexer lx;
	struct bc_token t;

	(void)state;
	assert_int_equal(kinds("// c\n/* a\n b */ x /**/ y // end", false, k, 8, &e), 2);
	assert_int_equal(e.n, 0);
	/* a "#!" line is ignored (v0.17 lexes it as a comment anywhere at a line start) */
	assert_int_equal(kinds("#!/usr/bin/bpftrace\nx\n#!again\ny", false, k, 8, &e), 2);
	assert_int_equal(kinds("x /* open", false, k, 8, &e), 1);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "end of file during comment");
	assert_int_equal(e.start[0], 2);

	init(&lx, "a\n  b", false, &e);
	bc_lex_next(&lx, &t);
	bc_lex_next(&lx, &t);
	assert_true(t.flags & BC_TOKF_NEWLINE);
	assert_int_equal(t.start, 4);

	/* '#' lines are one token up to the end of the line, trailing blanks trimmed */
	init(&lx, "#include <a.h>  \nx", false, &e);
	bc_lex_next(&lx, &t);
	assert_int_equal(t.kind, BC_TOK_CPREPROC);
	assert_int_equal(t.end, 14);
}

static void test_endpred(void **state)
{
	enum bc_tok k[8];
	struct errs e;

	(void)state;
	assert_int_equal(kinds("/ x / {", false, k, 8, &e), 4);
	assert_int_equal(k[0], BC_TOK_SLASH);
	assert_int_equal(k[2], BC_TOK_ENDPRED);
	assert_int_equal(k[3], BC_TOK_LBRACE);
	assert_int_equal(kinds("a / b", false, k, 8, &e), 3);
	assert_int_equal(k[1], BC_TOK_SLASH);
	/* comments between the '/' and the '{' */
	assert_int_equal(kinds("/ // c\n /* d */ {", false, k, 8, &e), 2);
	assert_int_equal(k[0], BC_TOK_ENDPRED);
}

static void test_v017_path_token(void **state)
{
	enum bc_tok k[8];
	struct errs e;

	(void)state;
	assert_int_equal(kinds("1 ? 2 :3", true, k, 8, &e), 4);
	assert_int_equal(k[3], BC_TOK_PATH);
	assert_int_equal(kinds("1 ? 2 :3", false, k, 8, &e), 5);
	assert_int_equal(k[3], BC_TOK_COLON);
	assert_int_equal(kinds("1 ? 2 : 3", true, k, 8, &e), 5);
	assert_int_equal(k[3], BC_TOK_COLON);
	assert_int_equal(kinds(":$x", true, k, 8, &e), 2);
	assert_int_equal(k[0], BC_TOK_COLON);
}

static void test_number_extent(void **state)
{
	static const struct {
		const char *text;
		bool v017;
		uint32_t len;	/* of the first token */
	} cases[] = {
		{ "1_000 ", false, 5 }, { "1_000 ", true, 5 },
		{ "0x10ULL", false, 7 }, { "0x10ULL", true, 4 },
		{ "10ms", false, 4 }, { "10ms", true, 2 },
		{ "5ul;", false, 3 }, { "5ul;", true, 3 },
		{ "1_;", true, 1 }, { "2e3+", false, 3 }, { "2e3+", true, 3 },
		{ "1..5", false, 1 }, { "12q", false, 3 }, { "5e-9", true, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bc_lexer lx;
		struct bc_token t;
		struct errs e;

		init(&lx, cases[i].text, cases[i].v017, &e);
		bc_lex_next(&lx, &t);
		assert_int_equal(t.kind, BC_TOK_INT);
		if (t.len != cases[i].len)
			fprintf(stderr, "case %zu: %s\n", i, cases[i].text);
		assert_int_equal(t.len, cases[i].len);
	}
}

static void test_int_eval(void **state)
{
	static const struct {
		const char *text;
		bool v017;
		int ret;
		uint64_t value;
		enum bc_int_suffix suffix;
		const char *err;
	} cases[] = {
		{ "0", false, 0, 0, BC_INT_PLAIN, NULL },
		{ "1_000_000", false, 0, 1000000, BC_INT_PLAIN, NULL },
		{ "0x1f", false, 0, 31, BC_INT_PLAIN, NULL },
		{ "0XFF", true, 0, 255, BC_INT_PLAIN, NULL },
		{ "010", false, 0, 8, BC_INT_PLAIN, NULL },
		{ "010", true, 0, 8, BC_INT_PLAIN, NULL },
		{ "08", false, 0, 8, BC_INT_PLAIN, NULL },
		{ "08", true, -EINVAL, 0, 0, "Found trailing non-numeric characters: 08" },
		{ "2e3", false, 0, 2000, BC_INT_PLAIN, NULL },
		{ "2e3", true, 0, 2000, BC_INT_PLAIN, NULL },
		{ "1e16", true, 0, 10000000000000000ull, BC_INT_PLAIN, NULL },
		{ "1e17", true, -ERANGE, 0, 0, "Exponent will overflow integer range: 1e17" },
		{ "1e17", false, 0, 100000000000000000ull, BC_INT_PLAIN, NULL },
		{ "1e20", false, -ERANGE, 0, 0,
		  "overflow error, maximum value is 18446744073709551615: 1e20" },
		{ "12e4", true, -EINVAL, 0, 0,
		  "Coefficient part of scientific literal must be in range (0,9), got: 12e4" },
		{ "12e4", false, -EINVAL, 0, 0,
		  "coefficient part of scientific literal must be 1-9: 12e4" },
		{ "5u", true, 0, 5, BC_INT_U, NULL },
		{ "5UL", false, 0, 5, BC_INT_UL, NULL },
		{ "5ull", false, 0, 5, BC_INT_ULL, NULL },
		{ "5l", false, 0, 5, BC_INT_L, NULL },
		{ "5LL", false, 0, 5, BC_INT_LL, NULL },
		{ "0x10ULL", false, 0, 16, BC_INT_ULL, NULL },
		{ "5ulll", false, -EINVAL, 0, 0, "invalid integer suffix 'ulll'" },
		{ "1lul", false, -EINVAL, 0, 0, "invalid integer suffix 'lul'" },
		{ "10ns", false, 0, 10, BC_INT_NS, NULL },
		{ "10us", false, 0, 10000, BC_INT_US, NULL },
		{ "10ms", false, 0, 10000000, BC_INT_MS, NULL },
		{ "2s", false, 0, 2000000000ull, BC_INT_S, NULL },
		{ "3m", false, 0, 180000000000ull, BC_INT_M, NULL },
		{ "1h", false, 0, 3600000000000ull, BC_INT_H, NULL },
		{ "1d", false, 0, 86400000000000ull, BC_INT_D, NULL },
		{ "10MS", false, -EINVAL, 0, 0, "invalid integer suffix 'MS'" },
		{ "10ms", true, -EINVAL, 0, 0, "invalid integer suffix 'ms'" },
		{ "18446744073709551615", false, 0, UINT64_MAX, BC_INT_PLAIN, NULL },
		{ "18446744073709551616", false, -ERANGE, 0, 0,
		  "overflow error, maximum value is 18446744073709551615: 18446744073709551616" },
		{ "4294967296u", false, -ERANGE, 0, 0,
		  "overflow error, maximum value is 18446744073709551615: 4294967296u" },
		{ "99999999999d", false, -ERANGE, 0, 0,
		  "overflow error, maximum value is 18446744073709551615: 99999999999d" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v;
		enum bc_int_suffix sfx;
		char err[160] = "";
		int ret = bc_lex_int_eval(cases[i].text, strlen(cases[i].text), cases[i].v017, &v,
					  &sfx, err, sizeof(err));

		if (ret != cases[i].ret)
			fprintf(stderr, "case %zu (%s): %d %s\n", i, cases[i].text, ret, err);
		assert_int_equal(ret, cases[i].ret);
		if (ret == 0) {
			assert_true(v == cases[i].value);
			assert_int_equal(sfx, cases[i].suffix);
		} else {
			assert_string_equal(err, cases[i].err);
		}
	}
}

static void test_strings(void **state)
{
	const char *src = "\"a\\tb\\n\\r\\\"\\\\ \\101\\0 \\x41\\x4 \\xag\"";
	char out[64];
	size_t n;
	struct bc_lexer lx;
	struct bc_token t;
	struct errs e;

	(void)state;
	init(&lx, src, false, &e);
	bc_lex_next(&lx, &t);
	assert_int_equal(t.kind, BC_TOK_STRING);
	assert_int_equal(t.len, strlen(src));
	assert_int_equal(e.n, 0);
	n = bc_lex_string_decode(src + t.text, t.len, out);
	assert_int_equal(n, 16);
	assert_memory_equal(out, "a\tb\n\r\"\\ A\0 A\x04 \ng", 16);

	/* errors: bad escapes, octal range, newline, end of file */
	init(&lx, "\"\\q \\777\" \"open\nx", false, &e);
	bc_lex_next(&lx, &t);
	assert_int_equal(e.n, 2);
	assert_string_equal(e.msg[0], "invalid escape character '\\q'");
	assert_string_equal(e.msg[1], "octal escape sequence out of range '\\777'");
	bc_lex_next(&lx, &t);
	assert_int_equal(t.kind, BC_TOK_STRING);
	assert_int_equal(e.n, 3);
	assert_string_equal(e.msg[2], "unterminated string");
	assert_int_equal(t.end, 15);
	bc_lex_next(&lx, &t);
	assert_int_equal(t.kind, BC_TOK_IDENT);
	init(&lx, "\"abc", false, &e);
	bc_lex_next(&lx, &t);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "unterminated string");
	init(&lx, "\"\\x\"", false, &e);
	bc_lex_next(&lx, &t);
	assert_string_equal(e.msg[0], "invalid escape character '\\x'");
}

static void test_raw_scans(void **state)
{
	static const struct {
		const char *text;
		uint32_t end;
	} aps[] = {
		{ "kprobe:f { }", 8 },
		{ "kprobe:f,kprobe:g", 8 },
		{ "kprobe:f/pid/ {", 8 + 5 },		/* after ':' a '/' is a path */
		{ "BEGIN/pid/{", 5 },			/* before any ':' it opens a predicate */
		{ "uprobe:/bin/bash:readline /x/", 25 },
		{ "uprobe:\"/a b/c\":\"f,g{\" {", 22 },
		{ "kprobe:f// comment", 8 },
		{ "k:vfs_[rw]*{", 11 },
		{ "name=kprobe:f {", 13 },
	};
	struct bc_lexer lx;
	struct errs e;
	bool ok;

	(void)state;
	for (size_t i = 0; i < sizeof(aps) / sizeof(aps[0]); i++) {
		init(&lx, aps[i].text, false, &e);
		assert_int_equal(bc_lex_scan_attach_point(&lx, 0), aps[i].end);
	}
	init(&lx, "struct X { int a; /* } */ char *s; } ;", false, &e);
	assert_true(bc_lex_looks_like_c_definition(&lx, 0));
	assert_int_equal(bc_lex_scan_c_definition(&lx, 0, &ok), 36);
	assert_true(ok);
	init(&lx, "struct __attribute__((packed)) X { }", false, &e);
	assert_true(bc_lex_looks_like_c_definition(&lx, 0));
	init(&lx, "struct:probe { }", false, &e);
	assert_false(bc_lex_looks_like_c_definition(&lx, 0));
	init(&lx, "enum E { A, B", false, &e);
	bc_lex_scan_c_definition(&lx, 0, &ok);
	assert_false(ok);
}

static void test_macro_expansion(void **state)
{
	/* object-like body "1 + 2" expanded at the use "M" (offset 10) */
	const char *src = "#define M 1 + 2\nx M y";
	struct bc_arena a = { 0 };
	struct bc_lex_macros macros = { 0 };
	struct bc_lex_macro m = { .name = "M" };
	struct bc_token body[3], t;
	struct bc_lexer lx, sub;
	struct errs e;
	uint64_t expanded = 0;
	int n = 0;
	enum bc_tok want[] = { BC_TOK_IDENT, BC_TOK_INT, BC_TOK_PLUS, BC_TOK_INT, BC_TOK_IDENT };

	(void)state;
	init(&sub, src, false, &e);
	sub.pos = 10;
	sub.limit = 15;
	for (int i = 0; i < 3; i++)
		bc_lex_raw(&sub, &body[i]);
	m.body = body;
	m.nr_body = 3;
	macros.v = &m;
	macros.n = macros.cap = 1;

	init(&lx, src, false, &e);
	lx.pos = 16;
	lx.macros = &macros;
	lx.arena = &a;
	lx.expanded = &expanded;
	for (;;) {
		bc_lex_next(&lx, &t);
		if (t.kind == BC_TOK_EOF)
			break;
		assert_int_equal(t.kind, want[n]);
		if (n >= 1 && n <= 3) {
			assert_int_equal(t.start, 18);
			assert_int_equal(t.end, 19);
			assert_true(t.flags & BC_TOKF_MACRO);
		} else {
			assert_false(t.flags & BC_TOKF_MACRO);
		}
		n++;
	}
	assert_int_equal(n, 5);
	assert_int_equal(expanded, 3);
	bc_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_operators_longest_match),
		cmocka_unit_test(test_sigils_and_words),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_endpred),
		cmocka_unit_test(test_v017_path_token),
		cmocka_unit_test(test_number_extent),
		cmocka_unit_test(test_int_eval),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_raw_scans),
		cmocka_unit_test(test_macro_expansion),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
