// SPDX-License-Identifier: Apache-2.0
/* The bpftrace lexer (see lexer.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "../base/sbuf.h"

static const char *const tok_names[BC_TOK__COUNT] = {
	[BC_TOK_EOF] = "end of file",
	[BC_TOK_IDENT] = "identifier",
	[BC_TOK_INT] = "integer",
	[BC_TOK_STRING] = "string",
	[BC_TOK_MAP] = "map",
	[BC_TOK_VAR] = "variable",
	[BC_TOK_PARAM] = "positional parameter",
	[BC_TOK_PARAMCOUNT] = "$#",
	[BC_TOK_PATH] = "path",
	[BC_TOK_CPREPROC] = "preprocessor directive",
	[BC_TOK_LBRACE] = "{", [BC_TOK_RBRACE] = "}",
	[BC_TOK_LPAREN] = "(", [BC_TOK_RPAREN] = ")",
	[BC_TOK_LBRACKET] = "[", [BC_TOK_RBRACKET] = "]",
	[BC_TOK_SEMI] = ";", [BC_TOK_COMMA] = ",", [BC_TOK_COLON] = ":",
	[BC_TOK_DOT] = ".", [BC_TOK_DOTDOT] = "..", [BC_TOK_QUES] = "?",
	[BC_TOK_ASSIGN] = "=", [BC_TOK_EQ] = "==", [BC_TOK_NE] = "!=",
	[BC_TOK_LE] = "<=", [BC_TOK_GE] = ">=", [BC_TOK_LT] = "<", [BC_TOK_GT] = ">",
	[BC_TOK_SHL] = "<<", [BC_TOK_SHR] = ">>", [BC_TOK_LAND] = "&&", [BC_TOK_LOR] = "||",
	[BC_TOK_PLUS] = "+", [BC_TOK_MINUS] = "-", [BC_TOK_INC] = "++", [BC_TOK_DEC] = "--",
	[BC_TOK_STAR] = "*", [BC_TOK_SLASH] = "/", [BC_TOK_ENDPRED] = "end predicate",
	[BC_TOK_PERCENT] = "%", [BC_TOK_AMP] = "&", [BC_TOK_PIPE] = "|", [BC_TOK_CARET] = "^",
	[BC_TOK_BANG] = "!", [BC_TOK_TILDE] = "~", [BC_TOK_ARROW] = "->",
	[BC_TOK_ADD_ASSIGN] = "+=", [BC_TOK_SUB_ASSIGN] = "-=", [BC_TOK_MUL_ASSIGN] = "*=",
	[BC_TOK_DIV_ASSIGN] = "/=", [BC_TOK_MOD_ASSIGN] = "%=", [BC_TOK_AND_ASSIGN] = "&=",
	[BC_TOK_OR_ASSIGN] = "|=", [BC_TOK_XOR_ASSIGN] = "^=", [BC_TOK_SHL_ASSIGN] = "<<=",
	[BC_TOK_SHR_ASSIGN] = ">>=",
};

const char *bc_tok_name(enum bc_tok t)
{
	if ((unsigned)t >= BC_TOK__COUNT || !tok_names[t])
		return "token";
	return tok_names[t];
}

void bc_lex_init(struct bc_lexer *lx, const char *src, uint32_t size, bool v017)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->size = size;
	lx->limit = size;
	lx->v017 = v017;
}

static void lex_error(struct bc_lexer *lx, uint32_t start, uint32_t end, const char *msg)
{
	if (lx->error)
		lx->error(lx->ctx, start, end, msg);
}

static inline int at(const struct bc_lexer *lx, uint32_t pos)
{
	return pos < lx->limit ? (unsigned char)lx->src[pos] : 0;
}

static bool at_line_start(const struct bc_lexer *lx, uint32_t pos)
{
	return pos == 0 || lx->src[pos - 1] == '\n';
}

/*
 * The first NUL byte in the comment [START, END). The file is a script
 * with it (bc_detect_kind), but bpftrace reads the program as a C string:
 * v0.17 stops at the byte and reports a syntax error at whatever precedes
 * it, or an unterminated comment. So it is an error, at the byte.
 */
static void report_nul(struct bc_lexer *lx, uint32_t start, uint32_t end)
{
	const char *z = memchr(lx->src + start, '\0', end - start);

	if (z)
		lex_error(lx, (uint32_t)(z - lx->src), (uint32_t)(z - lx->src) + 1,
			  "NUL byte in a comment: bpftrace reads the script only up to it");
}

uint32_t bc_lex_skip_layout(struct bc_lexer *lx, uint32_t pos, bool report, bool *nl)
{
	for (;;) {
		int c = at(lx, pos);

		if (pos >= lx->limit)
			return lx->limit;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			pos++;
		} else if (c == '\n') {
			if (nl)
				*nl = true;
			pos++;
		} else if (c == '/' && at(lx, pos + 1) == '/') {
			uint32_t start = pos;

			while (pos < lx->limit && lx->src[pos] != '\n')
				pos++;
			if (report)
				report_nul(lx, start, pos);
		} else if (c == '/' && at(lx, pos + 1) == '*') {
			uint32_t start = pos;

			pos += 2;
			for (;;) {
				if (pos >= lx->limit) {
					if (report)
						lex_error(lx, start, lx->limit,
							  "end of file during comment");
					return lx->limit;
				}
				if (lx->src[pos] == '*' && at(lx, pos + 1) == '/') {
					pos += 2;
					break;
				}
				if (lx->src[pos] == '\n' && nl)
					*nl = true;
				pos++;
			}
			if (report)
				report_nul(lx, start, pos);
		} else if (c == '#' && at(lx, pos + 1) == '!' && at_line_start(lx, pos)) {
			/* v0.17: a "#!" line anywhere is ignored like a comment */
			while (pos < lx->limit && lx->src[pos] != '\n')
				pos++;
		} else {
			return pos;
		}
	}
}

/* --- numbers --- */

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_xdigit(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* v0.17: [0-9]([0-9_]*[0-9])? */
static uint32_t v017_int_digits(const struct bc_lexer *lx, uint32_t p)
{
	uint32_t last = p + 1, q = p + 1;

	while (is_digit(at(lx, q)) || at(lx, q) == '_') {
		if (is_digit(at(lx, q)))
			last = q + 1;
		q++;
	}
	return last;
}

/* v0.17 int_size: ([uU])|([uU]?[lL]?[lL]), longest match */
static uint32_t v017_int_size(const struct bc_lexer *lx, uint32_t p)
{
	uint32_t q = p, best = p;
	int c = at(lx, q);

	if (c == 'u' || c == 'U') {
		q++;
		best = q;
	}
	if (at(lx, q) == 'l' || at(lx, q) == 'L') {
		q++;
		best = q;
		if (at(lx, q) == 'l' || at(lx, q) == 'L')
			best = q + 1;
	}
	return best;
}

static uint32_t v017_int(const struct bc_lexer *lx, uint32_t p)
{
	return v017_int_size(lx, v017_int_digits(lx, p));
}

static uint32_t scan_number(const struct bc_lexer *lx, uint32_t p)
{
	if (lx->v017) {
		uint32_t best = v017_int(lx, p), q;

		if (at(lx, p) == '0' && (at(lx, p + 1) == 'x' || at(lx, p + 1) == 'X') &&
		    is_xdigit(at(lx, p + 2))) {
			q = p + 2;
			while (is_xdigit(at(lx, q)))
				q++;
			if (q > best)
				best = q;
		}
		q = v017_int(lx, p);
		if ((at(lx, q) == 'e' || at(lx, q) == 'E') && is_digit(at(lx, q + 1))) {
			q = v017_int(lx, q + 1);
			if (q > best)
				best = q;
		}
		return best;
	}
	/* Newer bpftrace: digits, '_', an exponent, then every identifier
	 * character after it (a bad suffix is one error, not two tokens). */
	if (at(lx, p) == '0' && (at(lx, p + 1) == 'x' || at(lx, p + 1) == 'X')) {
		p += 2;
		while (is_xdigit(at(lx, p)) || at(lx, p) == '_')
			p++;
	} else {
		while (is_digit(at(lx, p)) || at(lx, p) == '_')
			p++;
		if ((at(lx, p) == 'e' || at(lx, p) == 'E') && is_digit(at(lx, p + 1))) {
			p++;
			while (is_digit(at(lx, p)) || at(lx, p) == '_')
				p++;
		}
	}
	while (bc_lex_is_ident_char(at(lx, p)))
		p++;
	return p;
}

struct suffix_info {
	const char *text;
	enum bc_int_suffix suffix;
	uint64_t mult;
	uint64_t max;
};

static const struct suffix_info suffixes[] = {
	{ "", BC_INT_PLAIN, 1, UINT64_MAX },
	{ "u", BC_INT_U, 1, UINT32_MAX },
	{ "ul", BC_INT_UL, 1, UINT64_MAX },
	{ "ull", BC_INT_ULL, 1, UINT64_MAX },
	{ "l", BC_INT_L, 1, INT64_MAX },
	{ "ll", BC_INT_LL, 1, INT64_MAX },
	{ "ns", BC_INT_NS, 1, UINT64_MAX },
	{ "us", BC_INT_US, 1000ull, UINT64_MAX },
	{ "ms", BC_INT_MS, 1000000ull, UINT64_MAX },
	{ "s", BC_INT_S, 1000000000ull, UINT64_MAX },
	{ "m", BC_INT_M, 60000000000ull, UINT64_MAX },
	{ "h", BC_INT_H, 3600000000000ull, UINT64_MAX },
	{ "d", BC_INT_D, 86400000000000ull, UINT64_MAX },
};

static const struct suffix_info *find_suffix(const char *s, size_t n)
{
	char low[8];

	if (n >= sizeof(low))
		return NULL;
	for (size_t i = 0; i < n; i++)
		low[i] = (s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i];
	low[n] = 0;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		/* C suffixes are case-insensitive, durations are not */
		bool c_suffix = suffixes[i].suffix <= BC_INT_LL;

		if (c_suffix ? strcmp(low, suffixes[i].text) == 0
			     : (strlen(suffixes[i].text) == n &&
				memcmp(s, suffixes[i].text, n) == 0))
			return &suffixes[i];
	}
	return NULL;
}

/* Digits of BASE into *v; returns the count consumed, -1 on overflow. */
static int parse_digits(const char *s, size_t n, unsigned base, uint64_t *v)
{
	uint64_t r = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		unsigned d;

		if (is_digit(c))
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		if (d >= base)
			break;
		if (r > (UINT64_MAX - d) / base)
			return -1;
		r = r * base + d;
	}
	*v = r;
	return (int)i;
}

static int int_err(char *err, size_t errlen, int ret, const char *fmt, const char *a,
		   size_t alen)
{
	snprintf(err, errlen, fmt, (int)alen, a);
	return ret;
}

int bc_lex_int_eval(const char *text, size_t len, bool v017, uint64_t *value,
		    enum bc_int_suffix *suffix, char *err, size_t errlen)
{
	char buf[128];
	size_t n = 0;
	uint64_t v = 0, e = 0;
	const struct suffix_info *si;
	int k;

	*value = 0;
	*suffix = BC_INT_PLAIN;
	if (len == 0 || len >= sizeof(buf))
		return int_err(err, errlen, -ERANGE, "integer literal too long: %.*s", text,
			       len > 32 ? 32 : len);
	for (size_t i = 0; i < len; i++)
		if (text[i] != '_')
			buf[n++] = text[i];
	buf[n] = 0;

	if (n >= 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
		k = parse_digits(buf + 2, n - 2, 16, &v);
		if (k < 0)
			return int_err(err, errlen, -ERANGE,
				       "overflow error, maximum value is 18446744073709551615: %.*s",
				       text, len);
		if (k == 0)
			return int_err(err, errlen, -EINVAL, "invalid integer: %.*s", text, len);
		si = find_suffix(buf + 2 + k, n - 2 - k);
		if (!si || si->suffix > BC_INT_LL)
			return int_err(err, errlen, -EINVAL, "invalid integer suffix '%.*s'",
				       buf + 2 + k, n - 2 - k);
		*value = v;
		*suffix = si->suffix;
		return 0;
	}

	/* decimal (or octal with a leading 0), optional exponent, suffix */
	{
		size_t p = 0, q;
		unsigned base = 10;

		if (buf[0] == '0' && n > 1 && is_digit(buf[1])) {
			/* v0.17 (stoull base 0) and later both read a leading
			 * 0 as octal; later versions read 08 as decimal. */
			if (v017 || (buf[1] >= '0' && buf[1] <= '7')) {
				base = 8;
				p = 1;
			}
		}
		k = parse_digits(buf + p, n - p, base, &v);
		if (k < 0)
			return int_err(err, errlen, -ERANGE,
				       "overflow error, maximum value is 18446744073709551615: %.*s",
				       text, len);
		q = p + k;
		if (base == 8 && is_digit(buf[q]))
			return int_err(err, errlen, -EINVAL,
				       "Found trailing non-numeric characters: %.*s", text, len);
		if ((buf[q] == 'e' || buf[q] == 'E') && is_digit(buf[q + 1])) {
			size_t ecount;

			if (base == 8) {
				/* 0e3: the coefficient is the leading 0 */
				v = 0;
			}
			k = parse_digits(buf + q + 1, n - q - 1, 10, &e);
			if (k < 0)
				return int_err(err, errlen, -ERANGE,
					       "Exponent will overflow integer range: %.*s", text, len);
			ecount = k;
			if (v017) {
				if (v > 9)
					return int_err(err, errlen, -EINVAL,
						       "Coefficient part of scientific literal must be in range (0,9), got: %.*s",
						       text, len);
				if (e > 16)
					return int_err(err, errlen, -ERANGE,
						       "Exponent will overflow integer range: %.*s",
						       text, len);
			} else if (v == 0 || v >= 10) {
				return int_err(err, errlen, -EINVAL,
					       "coefficient part of scientific literal must be 1-9: %.*s",
					       text, len);
			}
			for (uint64_t i = 0; i < e; i++) {
				if (v > UINT64_MAX / 10)
					return int_err(err, errlen, -ERANGE,
						       "overflow error, maximum value is 18446744073709551615: %.*s",
						       text, len);
				v *= 10;
			}
			q = q + 1 + ecount;
		}
		si = find_suffix(buf + q, n - q);
		if (!si || (v017 && si->suffix > BC_INT_LL))
			return int_err(err, errlen, -EINVAL, "invalid integer suffix '%.*s'",
				       buf + q, n - q);
		if (v > si->max / si->mult)
			return int_err(err, errlen, -ERANGE,
				       "overflow error, maximum value is 18446744073709551615: %.*s",
				       text, len);
		*value = v * si->mult;
		*suffix = si->suffix;
		return 0;
	}
}

/* --- strings --- */

static bool is_odigit(int c)
{
	return c >= '0' && c <= '7';
}

/* Scans a string from its opening quote; reports errors; returns the end. */
static uint32_t scan_string(struct bc_lexer *lx, uint32_t start)
{
	uint32_t p = start + 1;
	char msg[64];

	for (;;) {
		int c = at(lx, p);

		if (p >= lx->limit) {
			lex_error(lx, start, p, "unterminated string");
			return p;
		}
		if (c == '"')
			return p + 1;
		if (c == '\n') {
			lex_error(lx, start, p, "unterminated string");
			return p;
		}
		if (c != '\\') {
			p++;
			continue;
		}
		c = at(lx, p + 1);
		if (p + 1 >= lx->limit || c == '\n') {
			lex_error(lx, start, p + 1, "unterminated string");
			return p + 1;
		}
		if (c == 'n' || c == 't' || c == 'r' || c == '"' || c == '\\') {
			p += 2;
		} else if (is_odigit(c)) {
			uint32_t q = p + 1;
			unsigned v = 0;

			while (q < p + 4 && is_odigit(at(lx, q)))
				v = v * 8 + (lx->src[q++] - '0');
			if (v > 255) {
				snprintf(msg, sizeof(msg), "octal escape sequence out of range '%.*s'",
					 (int)(q - p), lx->src + p);
				lex_error(lx, p, q, msg);
			}
			p = q;
		} else if ((c == 'x' || c == 'X') && is_xdigit(at(lx, p + 2))) {
			p += 3;
			if (is_xdigit(at(lx, p)))
				p++;
		} else {
			if (c >= 0x20 && c < 0x7f)
				snprintf(msg, sizeof(msg), "invalid escape character '\\%c'", c);
			else
				snprintf(msg, sizeof(msg), "invalid escape character '\\x%02x'", c);
			lex_error(lx, p, p + 2, msg);
			p += 2;
		}
	}
}

size_t bc_lex_string_decode(const char *text, size_t len, char *out)
{
	size_t i = 1, o = 0;
	size_t end = len;

	if (len >= 2 && text[len - 1] == '"')
		end = len - 1;
	while (i < end) {
		int c = (unsigned char)text[i];

		if (c != '\\') {
			out[o++] = (char)c;
			i++;
			continue;
		}
		if (i + 1 >= end)
			break;
		c = (unsigned char)text[i + 1];
		switch (c) {
		case 'n': out[o++] = '\n'; i += 2; continue;
		case 't': out[o++] = '\t'; i += 2; continue;
		case 'r': out[o++] = '\r'; i += 2; continue;
		case '"': out[o++] = '"'; i += 2; continue;
		case '\\': out[o++] = '\\'; i += 2; continue;
		default: break;
		}
		if (is_odigit(c)) {
			unsigned v = 0;
			size_t q = i + 1;

			while (q < i + 4 && q < end && is_odigit((unsigned char)text[q]))
				v = v * 8 + (text[q++] - '0');
			out[o++] = (char)(v & 0xff);
			i = q;
		} else if ((c == 'x' || c == 'X') && i + 2 < end &&
			   is_xdigit((unsigned char)text[i + 2])) {
			uint64_t v;
			size_t nd = (i + 3 < end && is_xdigit((unsigned char)text[i + 3])) ? 2 : 1;

			parse_digits(text + i + 2, nd, 16, &v);
			out[o++] = (char)v;
			i += 2 + nd;
		} else {
			i += 2;	/* invalid escape: dropped (reported by the lexer) */
		}
	}
	return o;
}

/* --- operators --- */

struct op_entry {
	const char *text;
	enum bc_tok tok;
};

/* Longest first within each leading character. */
static const struct op_entry ops[] = {
	{ "<<=", BC_TOK_SHL_ASSIGN }, { ">>=", BC_TOK_SHR_ASSIGN },
	{ "==", BC_TOK_EQ }, { "!=", BC_TOK_NE }, { "<=", BC_TOK_LE }, { ">=", BC_TOK_GE },
	{ "<<", BC_TOK_SHL }, { ">>", BC_TOK_SHR }, { "&&", BC_TOK_LAND }, { "||", BC_TOK_LOR },
	{ "++", BC_TOK_INC }, { "--", BC_TOK_DEC }, { "->", BC_TOK_ARROW },
	{ "+=", BC_TOK_ADD_ASSIGN }, { "-=", BC_TOK_SUB_ASSIGN }, { "*=", BC_TOK_MUL_ASSIGN },
	{ "/=", BC_TOK_DIV_ASSIGN }, { "%=", BC_TOK_MOD_ASSIGN }, { "&=", BC_TOK_AND_ASSIGN },
	{ "|=", BC_TOK_OR_ASSIGN }, { "^=", BC_TOK_XOR_ASSIGN }, { "..", BC_TOK_DOTDOT },
	{ "{", BC_TOK_LBRACE }, { "}", BC_TOK_RBRACE }, { "(", BC_TOK_LPAREN },
	{ ")", BC_TOK_RPAREN }, { "[", BC_TOK_LBRACKET }, { "]", BC_TOK_RBRACKET },
	{ ";", BC_TOK_SEMI }, { ",", BC_TOK_COMMA }, { ":", BC_TOK_COLON },
	{ ".", BC_TOK_DOT }, { "?", BC_TOK_QUES }, { "=", BC_TOK_ASSIGN },
	{ "<", BC_TOK_LT }, { ">", BC_TOK_GT }, { "+", BC_TOK_PLUS }, { "-", BC_TOK_MINUS },
	{ "*", BC_TOK_STAR }, { "/", BC_TOK_SLASH }, { "%", BC_TOK_PERCENT },
	{ "&", BC_TOK_AMP }, { "|", BC_TOK_PIPE }, { "^", BC_TOK_CARET },
	{ "!", BC_TOK_BANG }, { "~", BC_TOK_TILDE },
};

/* v0.17 path characters after ':' */
static bool is_path_char(int c)
{
	return bc_lex_is_ident_char(c) || c == '-' || c == '.' || c == '/' || c == '#' ||
	       c == '*';
}

static uint32_t scan_v017_path(const struct bc_lexer *lx, uint32_t p)
{
	uint32_t q = p + 1;

	for (;;) {
		if (at(lx, q) == '\\' && q + 1 < lx->limit && lx->src[q + 1] != '\n')
			q += 2;
		else if (is_path_char(at(lx, q)))
			q++;
		else
			break;
	}
	return q;
}

void bc_lex_raw(struct bc_lexer *lx, struct bc_token *t)
{
	for (;;) {
		bool nl = false;
		uint32_t before = lx->pos, p;
		int c;

		p = bc_lex_skip_layout(lx, lx->pos, true, &nl);
		memset(t, 0, sizeof(*t));
		t->flags = (p != before ? BC_TOKF_SPACE : 0) | (nl ? BC_TOKF_NEWLINE : 0);
		t->start = t->text = p;
		lx->pos = p;
		if (p >= lx->limit) {
			t->kind = BC_TOK_EOF;
			t->end = p;
			return;
		}
		c = (unsigned char)lx->src[p];
		if (bc_lex_is_ident_start(c)) {
			while (bc_lex_is_ident_char(at(lx, p)))
				p++;
			t->kind = BC_TOK_IDENT;
		} else if (is_digit(c)) {
			p = scan_number(lx, p);
			t->kind = BC_TOK_INT;
		} else if (c == '"') {
			p = scan_string(lx, p);
			t->kind = BC_TOK_STRING;
		} else if (c == '@') {
			p++;
			if (bc_lex_is_ident_start(at(lx, p)))
				while (bc_lex_is_ident_char(at(lx, p)))
					p++;
			t->kind = BC_TOK_MAP;
		} else if (c == '$' && bc_lex_is_ident_start(at(lx, p + 1))) {
			p++;
			while (bc_lex_is_ident_char(at(lx, p)))
				p++;
			t->kind = BC_TOK_VAR;
		} else if (c == '$' && is_digit(at(lx, p + 1))) {
			p++;
			while (is_digit(at(lx, p)))
				p++;
			t->kind = BC_TOK_PARAM;
		} else if (c == '$' && at(lx, p + 1) == '#') {
			p += 2;
			t->kind = BC_TOK_PARAMCOUNT;
		} else if (c == '#' && at(lx, p + 1) != '!') {
			uint32_t last = p + 1;

			while (p < lx->limit && lx->src[p] != '\n' &&
			       ((unsigned char)lx->src[p] >= ' ' || lx->src[p] == '\t' ||
				lx->src[p] == '\r')) {
				if (lx->src[p] != ' ' && lx->src[p] != '\t' && lx->src[p] != '\r')
					last = p + 1;
				p++;
			}
			p = last;
			t->kind = BC_TOK_CPREPROC;
		} else if (c == ':' && lx->v017 &&
			   (is_path_char(at(lx, p + 1)) ||
			    (at(lx, p + 1) == '\\' && p + 2 < lx->limit))) {
			p = scan_v017_path(lx, p);
			t->kind = BC_TOK_PATH;
		} else if (c == '/' && at(lx, p + 1) != '=' &&
			   at(lx, bc_lex_skip_layout(lx, p + 1, false, NULL)) == '{') {
			p++;
			t->kind = BC_TOK_ENDPRED;
		} else {
			size_t i;

			for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
				size_t n = strlen(ops[i].text);

				if (p + n <= lx->limit && memcmp(lx->src + p, ops[i].text, n) == 0)
					break;
			}
			if (i == sizeof(ops) / sizeof(ops[0])) {
				char msg[48];
				uint32_t q = p + 1;

				/* a UTF-8 sequence is one character */
				if (c >= 0xc2 && c <= 0xf4)
					while (q < p + 4 && (at(lx, q) & 0xc0) == 0x80)
						q++;
				if (c >= 0x20 && c < 0x7f)
					snprintf(msg, sizeof(msg), "invalid character '%c'", c);
				else if (q > p + 1)
					snprintf(msg, sizeof(msg), "invalid character '%.*s'",
						 (int)(q - p), lx->src + p);
				else
					snprintf(msg, sizeof(msg), "invalid character '\\x%02x'", c);
				lex_error(lx, p, q, msg);
				lx->pos = q;
				continue;
			}
			p += strlen(ops[i].text);
			t->kind = ops[i].tok;
		}
		t->end = p;
		t->len = p - t->start;
		lx->pos = p;
		return;
	}
}

/* --- macro expansion --- */

static int find_macro(const struct bc_lexer *lx, const char *s, uint32_t len)
{
	if (!lx->macros)
		return -1;
	for (size_t i = lx->macros->n; i-- > 0;) {
		const struct bc_lex_macro *m = &lx->macros->v[i];

		if (!m->disabled && strlen(m->name) == len && memcmp(m->name, s, len) == 0)
			return (int)i;
	}
	return -1;
}

static bool macro_active(const struct bc_lexer *lx, int m)
{
	for (int i = 0; i < lx->depth; i++)
		if (lx->frames[i].macro == m)
			return true;
	return false;
}

/* One token from the innermost frame or the text, without expanding. */
static void next_unexpanded(struct bc_lexer *lx, struct bc_token *t)
{
	while (lx->depth > 0) {
		struct bc_lex_frame *f = &lx->frames[lx->depth - 1];

		if (f->i < f->n) {
			*t = f->toks[f->i];
			t->start = f->use_start;
			t->end = f->use_end;
			t->flags = (f->i == 0 ? f->use_flags : (t->flags & ~BC_TOKF_NEWLINE)) |
				   BC_TOKF_MACRO;
			f->i++;
			return;
		}
		lx->depth--;
	}
	bc_lex_raw(lx, t);
}

/* Drops exhausted frames so a macro is hidden only while its tokens are read. */
static void pop_exhausted(struct bc_lexer *lx)
{
	while (lx->depth > 0 &&
	       lx->frames[lx->depth - 1].i >= lx->frames[lx->depth - 1].n)
		lx->depth--;
}

static bool push_frame(struct bc_lexer *lx, const struct bc_token *use, uint32_t use_end,
		       const struct bc_token *toks, uint32_t n, int m)
{
	struct bc_lex_frame *f;

	if (lx->depth >= BC_LEX_MAX_EXPANSION_DEPTH) {
		char msg[160];

		snprintf(msg, sizeof(msg), "Macro recursion limit reached: %s",
			 lx->macros->v[m].name);
		lex_error(lx, use->start, use_end, msg);
		return false;
	}
	if (lx->expanded) {
		if (*lx->expanded + n > BC_LEX_MAX_EXPANDED_TOKENS) {
			lex_error(lx, use->start, use_end, "macro expansion limit reached");
			return false;
		}
		*lx->expanded += n;
	}
	f = &lx->frames[lx->depth++];
	f->toks = toks;
	f->n = n;
	f->i = 0;
	f->macro = m;
	f->use_start = use->start;
	f->use_end = use_end;
	f->use_flags = use->flags & (BC_TOKF_SPACE | BC_TOKF_NEWLINE);
	if (lx->expand && !(use->flags & BC_TOKF_MACRO))
		lx->expand(lx->ctx, use->start, use_end);
	return true;
}

struct tok_vec {
	struct bc_token *v;
	uint32_t n, cap;
};

static bool tv_push(struct bc_arena *a, struct tok_vec *tv, const struct bc_token *t)
{
	if (tv->n == tv->cap) {
		uint32_t cap = tv->cap ? tv->cap * 2 : 16;
		struct bc_token *v;

		if (cap > BC_LEX_MAX_EXPANDED_TOKENS)
			return false;
		v = bc_arena_alloc(a, cap * sizeof(*v));
		if (!v)
			return false;
		if (tv->n)
			memcpy(v, tv->v, tv->n * sizeof(*v));
		tv->v = v;
		tv->cap = cap;
	}
	tv->v[tv->n++] = *t;
	return true;
}

/*
 * A function-like macro use: NAME ( args ). On success pushes the
 * substituted body; otherwise leaves the lexer where it was.
 */
static bool expand_function_like(struct bc_lexer *lx, const struct bc_token *name, int m)
{
	const struct bc_lex_macro *mac = &lx->macros->v[m];
	struct bc_lexer save;
	struct bc_token t;
	struct tok_vec args[16] = { 0 };
	uint32_t nargs = 0;
	int depth = 0;
	struct tok_vec out = { 0 };
	char msg[160];

	if (mac->nr_params > 16 || !lx->arena)
		return false;
	memcpy(&save, lx, sizeof(save));
	next_unexpanded(lx, &t);
	if (t.kind != BC_TOK_LPAREN) {
		memcpy(lx, &save, sizeof(save));
		return false;
	}
	for (;;) {
		next_unexpanded(lx, &t);
		if (t.kind == BC_TOK_EOF) {
			snprintf(msg, sizeof(msg), "unterminated argument list invoking macro '%s'",
				 mac->name);
			lex_error(lx, name->start, t.end, msg);
			memcpy(lx, &save, sizeof(save));
			return false;
		}
		if (t.kind == BC_TOK_RPAREN && depth == 0)
			break;
		if (t.kind == BC_TOK_LPAREN || t.kind == BC_TOK_LBRACKET ||
		    t.kind == BC_TOK_LBRACE)
			depth++;
		if (t.kind == BC_TOK_RPAREN || t.kind == BC_TOK_RBRACKET ||
		    t.kind == BC_TOK_RBRACE)
			depth--;
		if (nargs == 0)
			nargs = 1;
		if (t.kind == BC_TOK_COMMA && depth == 0) {
			if (nargs >= 16) {
				memcpy(lx, &save, sizeof(save));
				return false;
			}
			nargs++;
			continue;
		}
		if (!tv_push(lx->arena, &args[nargs - 1], &t)) {
			memcpy(lx, &save, sizeof(save));
			return false;
		}
	}
	if (nargs != mac->nr_params && !(mac->nr_params == 1 && nargs == 0)) {
		snprintf(msg, sizeof(msg), "macro '%s' requires %u arguments, but %u given",
			 mac->name, mac->nr_params, nargs);
		lex_error(lx, name->start, t.end, msg);
		memcpy(lx, &save, sizeof(save));
		return false;
	}
	for (uint32_t i = 0; i < mac->nr_body; i++) {
		const struct bc_token *b = &mac->body[i];
		uint32_t k = mac->nr_params;

		if (b->kind == BC_TOK_IDENT)
			for (k = 0; k < mac->nr_params; k++)
				if (strlen(mac->params[k]) == b->len &&
				    memcmp(mac->params[k], lx->src + b->text, b->len) == 0)
					break;
		if (k < mac->nr_params) {
			for (uint32_t j = 0; j < args[k].n; j++)
				if (!tv_push(lx->arena, &out, &args[k].v[j]))
					goto fail;
		} else if (!tv_push(lx->arena, &out, b)) {
			goto fail;
		}
	}
	if (!push_frame(lx, name, t.end, out.v, out.n, m))
		goto fail;
	return true;
fail:
	memcpy(lx, &save, sizeof(save));
	return false;
}

/*
 * NAME is used inside its own expansion. A C preprocessor leaves it as it
 * is; bpftrace does not: v0.17 re-injects the text until its recursion
 * limit ("Macro recursion limit reached"), HEAD reports "Macro recursion"
 * (src/ast/passes/c_macro_expansion.cpp). Both accept a macro whose
 * whole body is its own name (v0.17 stops there; the name is then an
 * unknown identifier). So a self-reference is an error at the outermost
 * use, except for that identity, and for a function-like macro's name not
 * followed by '(' (no use at all). Leaving it unexpanded would also give a
 * program whose printed text expands again differently.
 */
static void recursion_error(struct bc_lexer *lx, const struct bc_token *t, int m)
{
	const struct bc_lex_macro *mac = &lx->macros->v[m];
	struct bc_sbuf msg = { 0 };
	char *text;

	if (!mac->function_like && mac->nr_body == 1 && mac->body[0].kind == BC_TOK_IDENT &&
	    mac->body[0].len == t->len &&
	    memcmp(lx->src + mac->body[0].text, lx->src + t->text, t->len) == 0)
		return;
	if (mac->function_like) {
		struct bc_lexer save;
		struct bc_token paren;

		memcpy(&save, lx, sizeof(save));
		next_unexpanded(lx, &paren);
		memcpy(lx, &save, sizeof(save));
		if (paren.kind != BC_TOK_LPAREN)
			return;
	}
	bc_sbuf_puts(&msg, "Macro recursion: ");
	for (int i = 0; i < lx->depth; i++)
		bc_sbuf_printf(&msg, "%s->", lx->macros->v[lx->frames[i].macro].name);
	bc_sbuf_puts(&msg, mac->name);
	text = bc_sbuf_finish(&msg);
	lex_error(lx, t->start, t->end, text ? text : "Macro recursion");
	free(text);
}

void bc_lex_next(struct bc_lexer *lx, struct bc_token *t)
{
	for (;;) {
		int m;

		pop_exhausted(lx);
		next_unexpanded(lx, t);
		if (t->kind != BC_TOK_IDENT || !lx->macros || !lx->macros->n)
			return;
		m = find_macro(lx, lx->src + t->text, t->len);
		if (m < 0)
			return;
		if (macro_active(lx, m)) {
			recursion_error(lx, t, m);
			return;
		}
		if (lx->macros->v[m].function_like) {
			if (!expand_function_like(lx, t, m))
				return;
		} else if (!push_frame(lx, t, t->end, lx->macros->v[m].body,
				       lx->macros->v[m].nr_body, m)) {
			return;
		}
	}
}

/* --- raw scans --- */

uint32_t bc_lex_scan_attach_point(struct bc_lexer *lx, uint32_t pos)
{
	uint32_t p = pos;
	bool seen_colon = false;

	while (p < lx->limit) {
		int c = (unsigned char)lx->src[p];

		/* blanks and control bytes end it (a stray byte is then the
		 * lexer's "invalid character") */
		if (c == '{' || c == ',' || c <= ' ' || c == 0x7f || c == ';' || c == '}')
			break;
		if (c == '/') {
			int n = at(lx, p + 1);

			if (n == '/' || n == '*')
				break;	/* a comment */
			if (!seen_colon)
				break;	/* a predicate; after ':' it is a path */
		}
		if (c == ':')
			seen_colon = true;
		if (c == '"') {
			uint32_t q = p++;

			while (p < lx->limit && lx->src[p] != '"' &&
			       (unsigned char)lx->src[p] >= ' ' && lx->src[p] != 0x7f) {
				if (lx->src[p] == '\\' && p + 1 < lx->limit &&
				    (unsigned char)lx->src[p + 1] >= ' ')
					p++;
				p++;
			}
			if (p < lx->limit && lx->src[p] == '"')
				p++;
			else
				lex_error(lx, q, p, "unterminated string");
			continue;
		}
		p++;
	}
	return p;
}

bool bc_lex_looks_like_c_definition(struct bc_lexer *lx, uint32_t pos)
{
	uint32_t p = pos;

	while (bc_lex_is_ident_char(at(lx, p)))
		p++;
	p = bc_lex_skip_layout(lx, p, false, NULL);
	while (p < lx->limit) {
		int c = at(lx, p);

		if (c == '{')
			return true;
		if (bc_lex_is_ident_start(c)) {
			while (bc_lex_is_ident_char(at(lx, p)))
				p++;
		} else if (c == '(' || c == '[') {
			int close = c == '(' ? ')' : ']', depth = 0;

			do {
				if (at(lx, p) == c)
					depth++;
				else if (at(lx, p) == close)
					depth--;
				p++;
			} while (depth > 0 && p < lx->limit);
			if (depth)
				return false;
		} else {
			return false;
		}
		p = bc_lex_skip_layout(lx, p, false, NULL);
	}
	return false;
}

uint32_t bc_lex_scan_c_definition(struct bc_lexer *lx, uint32_t pos, bool *ok)
{
	uint32_t p = pos, limit = lx->limit;
	const char *nul = memchr(lx->src + pos, 0, lx->limit - pos);
	int depth = 0;

	*ok = false;
	/* a NUL byte is not C text: the definition cannot extend past one */
	if (nul)
		lx->limit = (uint32_t)(nul - lx->src);
	while (p < lx->limit) {
		int c = at(lx, p);

		if (c == '/' && (at(lx, p + 1) == '/' || at(lx, p + 1) == '*')) {
			uint32_t q = bc_lex_skip_layout(lx, p, false, NULL);

			p = q > p ? q : p + 1;
			continue;
		}
		if (c == '"' || c == '\'') {
			p++;
			while (p < lx->limit && at(lx, p) != c && at(lx, p) != '\n') {
				if (at(lx, p) == '\\')
					p++;
				p++;
			}
			p++;
			continue;
		}
		p++;
		if (c == '{') {
			depth++;
		} else if (c == '}') {
			if (--depth == 0) {
				*ok = true;
				break;
			}
		}
	}
	if (p > lx->limit)
		p = lx->limit;
	lx->limit = limit;
	return p;
}
