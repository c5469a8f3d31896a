// SPDX-License-Identifier: Apache-2.0
/*
 * The script's own C definitions: `struct X { ... };`, `union X { ... };`
 * and `enum X { ... };` as bpftrace scripts write them before their probes.
 * bpftrace hands these to clang; this is a small parser for the forms
 * scripts use, laid out with the C rules of x86-64 (natural alignment,
 * bitfields packed into their declared type's storage unit):
 *
 *   scalars        char, short, int, long, long long, unsigned/signed, _Bool,
 *                  u8..u64, __u32, uint32_t, pid_t, size_t, ... (c_type_name.h)
 *   pointers       T *p, T **pp, void *p
 *   arrays         T a[N], char comm[16] (a string[16], as bpftrace reads it)
 *   structs        struct Y y (by name: the script, then BTF), nested
 *                  struct/union { ... } definitions, anonymous members
 *   bitfields      unsigned int f : 3;
 *   typedef names  through the kernel BTF
 *
 * A member whose type cannot be resolved is laid out as 8 bytes and reported
 * as BC101 with that assumption; the struct is still usable.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/types/btf_types.h"
#include "analyzer/types/c_type_name.h"
#include "sema_impl.h"
#include "../base/array.h"

#define CT_MAX_TOK	128
#define CT_MAX_NEST	16

enum tok_kind { T_END = 0, T_IDENT, T_NUM, T_PUNCT };

struct lex {
	const char *p, *end;
	enum tok_kind kind;
	char text[CT_MAX_TOK];
	uint64_t num;
	char punct;
	uint32_t off;		/* byte offset of the token in the definition text */
	const char *base;
};

struct cparse {
	struct sema_ctx *c;
	struct lex lx;
	const struct bc_cdef *def;
	bool failed;
	bool base_char;		/* the last base type was plain "char" */
	uint32_t member_off;	/* where the member declaration being parsed starts */
};

static void next(struct lex *lx)
{
	for (;;) {
		while (lx->p < lx->end && isspace((unsigned char)*lx->p))
			lx->p++;
		if (lx->p + 1 < lx->end && lx->p[0] == '/' && lx->p[1] == '/') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		if (lx->p + 1 < lx->end && lx->p[0] == '/' && lx->p[1] == '*') {
			const char *q = lx->p + 2;

			while (q + 1 < lx->end && !(q[0] == '*' && q[1] == '/'))
				q++;
			lx->p = q + 1 < lx->end ? q + 2 : lx->end;
			continue;
		}
		if (lx->p < lx->end && *lx->p == '#') {	/* a preprocessor line inside */
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		break;
	}
	lx->off = (uint32_t)(lx->p - lx->base);
	if (lx->p >= lx->end) {
		lx->kind = T_END;
		return;
	}
	if (isalpha((unsigned char)*lx->p) || *lx->p == '_') {
		size_t n = 0;

		while (lx->p < lx->end && (isalnum((unsigned char)*lx->p) || *lx->p == '_')) {
			if (n + 1 < sizeof(lx->text))
				lx->text[n++] = *lx->p;
			lx->p++;
		}
		lx->text[n] = 0;
		lx->kind = T_IDENT;
		return;
	}
	if (isdigit((unsigned char)*lx->p)) {
		char *e;

		lx->num = strtoull(lx->p, &e, 0);
		while (e < lx->end && isalpha((unsigned char)*e))	/* 16U, 4UL */
			e++;
		lx->p = e;
		lx->kind = T_NUM;
		return;
	}
	lx->punct = *lx->p++;
	lx->kind = T_PUNCT;
}

static bool is_p(const struct lex *lx, char ch)
{
	return lx->kind == T_PUNCT && lx->punct == ch;
}

static bool is_id(const struct lex *lx, const char *s)
{
	return lx->kind == T_IDENT && !strcmp(lx->text, s);
}

static struct bc_span tok_span(struct cparse *cp)
{
	struct bc_span sp = { 0 };

	sp.start = cp->def->span.start + cp->lx.off;
	sp.end = sp.start + 1;
	return sp;
}

/* The member declaration being parsed, up to the current token. */
static struct bc_span member_span(struct cparse *cp)
{
	struct bc_span sp = { 0 };

	sp.start = cp->def->span.start + cp->member_off;
	sp.end = cp->def->span.start + (cp->lx.off > cp->member_off ? cp->lx.off : cp->member_off + 1);
	return sp;
}

/* The size/alignment of a member type. */
static uint32_t align_of(const struct bc_stype *t)
{
	switch (t->kind) {
	case BC_ST_CSTRUCT:
		return t->layout ? t->layout->align : 8;
	case BC_ST_ARRAY:
		return align_of(t->elem);
	case BC_ST_STRING:
		return 1;
	case BC_ST_POINTER:
		return 8;
	default:
		return t->size ? (t->size > 8 ? 8 : t->size) : 1;
	}
}

static struct bc_stype *parse_body(struct cparse *cp, const char *keyword, const char *name,
				   int nest);

static bool is_c_word(const char *w)
{
	static const char *const words[] = {
		"unsigned", "signed", "int", "long", "short", "char", "_Bool", "void",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(w, words[i]))
			return true;
	return false;
}

/* Every word of W (space separated) is a C type keyword. */
static bool is_c_word_list(const char *w)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", w);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (!is_c_word(t))
			return false;
	return true;
}

/* Base type words up to the declarator: "unsigned long", "struct sock", "u32". */
static struct bc_stype *parse_base(struct cparse *cp, int nest, bool *ok)
{
	struct lex *lx = &cp->lx;
	char words[256] = "";
	size_t n = 0;
	uint32_t size;
	bool sign;

	*ok = true;
	cp->base_char = false;
	while (is_id(lx, "const") || is_id(lx, "volatile") || is_id(lx, "static") ||
	       is_id(lx, "__user") || is_id(lx, "__rcu"))
		next(lx);
	if (is_id(lx, "struct") || is_id(lx, "union") || is_id(lx, "enum")) {
		char kw[CT_MAX_TOK], tag[CT_MAX_TOK] = "";

		snprintf(kw, sizeof(kw), "%s", lx->text);
		next(lx);
		if (lx->kind == T_IDENT) {
			snprintf(tag, sizeof(tag), "%s", lx->text);
			next(lx);
		}
		if (is_p(lx, '{')) {
			if (!strcmp(kw, "enum")) {
				while (lx->kind != T_END && !is_p(lx, '}'))
					next(lx);
				next(lx);
				return bc_stype_int(4, false);
			}
			if (nest >= CT_MAX_NEST) {
				cp->failed = true;
				return NULL;
			}
			{
				struct bc_stype *r = parse_body(cp, kw, tag, nest + 1);

				cp->base_char = false;
				return r;
			}
		}
		if (!strcmp(kw, "enum"))
			return bc_stype_int(4, false);
		{
			char full[CT_MAX_TOK + 8];
			struct bc_span sp = tok_span(cp);
			const struct bc_stype *t;

			snprintf(full, sizeof(full), "%s %s", kw, tag);
			t = sema_struct(cp->c, full, &sp, false);
			if (!t->layout)
				*ok = false;
			return bc_stype_get((struct bc_stype *)t);
		}
	}
	/* C integer spellings take several words; a typedef name is one */
	while (lx->kind == T_IDENT && n < sizeof(words) - CT_MAX_TOK - 2) {
		bool kw = is_c_word(lx->text);

		if (n && (!kw || !is_c_word_list(words)))
			break;
		n += (size_t)snprintf(words + n, sizeof(words) - n, "%s%s", n ? " " : "", lx->text);
		next(lx);
		if (!kw)
			break;
	}
	cp->base_char = !strcmp(words, "char");
	while (is_id(lx, "const") || is_id(lx, "volatile") || is_id(lx, "__user"))
		next(lx);
	if (!n) {
		cp->failed = true;
		return NULL;
	}
	if (!strcmp(words, "void"))
		return bc_stype_void();
	if (!strcmp(words, "unsigned") || !strcmp(words, "signed"))
		return bc_stype_int(4, words[0] == 's');
	if (!strcmp(words, "_Bool") || !strcmp(words, "bool"))
		return bc_stype_int(1, false);
	if (bc_ctype_int(words, &size, &sign))
		return bc_stype_int(size, sign);
	{
		struct bc_btf *btf = sema_btf(cp->c);
		struct bc_stype *t = btf ? bc_btf_type_by_name(btf, words, cp->c->v) : NULL;

		if (t) {
			if (t->kind == BC_ST_CSTRUCT && !t->layout) {
				const struct bc_stype *full = sema_resolve(cp->c, t, NULL);

				bc_stype_put(t);
				return bc_stype_get((struct bc_stype *)full);
			}
			return t;
		}
	}
	*ok = false;
	{
		struct bc_stype *t = bc_stype_int(8, false);

		if (t) {
			char *w = strdup(words);

			/* name kept in the guess below */
			free(t->name);
			t->name = w;
		}
		return t;
	}
}

static void guess(struct cparse *cp, const char *member, const struct bc_stype *t)
{
	struct bc_span sp = member_span(cp);

	sema_guess(cp->c, &sp, "%s: type of member '%s'%s%s%s is unknown; assumed to take 8 "
		   "bytes", cp->def->name && cp->def->name[0] ? cp->def->name : "struct", member,
		   t && t->name ? " ('" : "", t && t->name ? t->name : "", t && t->name ? "')" : "");
}

struct layout_state {
	struct bc_layout *l;
	uint64_t bitpos;	/* the cursor, in bits from the start */
	uint32_t align;
	bool is_union;
	uint64_t size;		/* union: the largest member */
};

static void place(struct layout_state *st, const char *name, struct bc_stype *t, uint32_t bits,
		  bool bitfield)
{
	uint32_t a = align_of(t), unit = t->size * 8;
	uint64_t at;
	struct bc_field *f;

	if (a > st->align)
		st->align = a;
	if (st->is_union) {
		if (t->size > st->size)
			st->size = t->size;
		f = name ? bc_layout_add(st->l, name, t, 0) : (bc_stype_put(t), NULL);
		if (f && bitfield) {
			f->bit_offset = 0;
			f->bit_width = (uint16_t)bits;
		}
		return;
	}
	if (bitfield && unit) {
		/* continue in the current storage unit when the bits fit (SysV) */
		uint64_t pos = st->bitpos;

		if (!bits || (pos % unit) + bits > unit)
			pos = (pos + unit - 1) / unit * unit;
		f = name && bits ? bc_layout_add(st->l, name, t, (uint32_t)(pos / 8))
				 : (bc_stype_put(t), NULL);
		if (f) {
			f->bit_offset = (uint16_t)(pos % 8);
			f->bit_width = (uint16_t)bits;
		}
		st->bitpos = pos + bits;
		return;
	}
	at = (st->bitpos + 7) / 8;
	at = (at + a - 1) / a * a;
	st->bitpos = (at + t->size) * 8;	/* before T is handed over */
	if (name)
		bc_layout_add(st->l, name, t, (uint32_t)at);
	else
		bc_stype_put(t);
}

/* Members of an anonymous struct/union are the parent's, at its offset. */
static void place_anon(struct layout_state *st, struct bc_stype *t)
{
	uint32_t a = align_of(t);
	uint64_t at = st->is_union ? 0 : ((st->bitpos + 7) / 8 + a - 1) / a * a;

	if (a > st->align)
		st->align = a;
	for (size_t i = 0; t->layout && i < t->layout->nr_fields; i++) {
		const struct bc_field *f = &t->layout->fields[i];
		struct bc_field *nf = bc_layout_add(st->l, f->name, bc_stype_get(f->type),
						    (uint32_t)(at + f->offset));

		if (nf) {
			nf->bit_offset = f->bit_offset;
			nf->bit_width = f->bit_width;
		}
	}
	if (st->is_union) {
		if (t->size > st->size)
			st->size = t->size;
	} else {
		st->bitpos = (at + t->size) * 8;
	}
	bc_stype_put(t);
}

static struct bc_stype *parse_body(struct cparse *cp, const char *keyword, const char *name,
				   int nest)
{
	struct lex *lx = &cp->lx;
	struct layout_state st = { .align = 1, .is_union = !strcmp(keyword, "union") };
	char full[CT_MAX_TOK + 8];
	struct bc_stype *res;
	uint64_t size;

	st.l = bc_layout_new(0, 1, st.is_union);
	if (!st.l)
		return NULL;
	next(lx);	/* '{' */
	while (lx->kind != T_END && !is_p(lx, '}') && !cp->failed) {
		bool ok;
		struct bc_stype *base;

		cp->member_off = lx->off;
		base = parse_base(cp, nest, &ok);

		if (!base) {
			cp->failed = true;
			break;
		}
		if (is_p(lx, ';') && base->kind == BC_ST_CSTRUCT && !base->name) {
			place_anon(&st, base);	/* struct { ... }; */
			next(lx);
			continue;
		}
		/* declarators: *name[N] : bits, ... */
		for (;;) {
			unsigned ptrs = 0;
			char mname[CT_MAX_TOK] = "";
			uint64_t dims[4];
			size_t nd = 0;
			uint32_t bits = 0;
			bool bitfield = false;
			struct bc_stype *t;

			while (is_p(lx, '*') || is_id(lx, "const") || is_id(lx, "__user")) {
				if (is_p(lx, '*'))
					ptrs++;
				next(lx);
			}
			if (is_p(lx, '(')) {	/* a function pointer: (*name)(args) */
				int depth = 0;

				ptrs = 1;
				do {
					if (is_p(lx, '('))
						depth++;
					else if (is_p(lx, ')'))
						depth--;
					else if (lx->kind == T_IDENT && !mname[0])
						snprintf(mname, sizeof(mname), "%s", lx->text);
					next(lx);
				} while (lx->kind != T_END && (depth > 0 || is_p(lx, '(')));
			} else if (lx->kind == T_IDENT) {
				snprintf(mname, sizeof(mname), "%s", lx->text);
				next(lx);
			}
			while (is_p(lx, '[')) {
				next(lx);
				if (nd < 4)
					dims[nd++] = lx->kind == T_NUM ? lx->num : 0;
				while (lx->kind != T_END && !is_p(lx, ']'))
					next(lx);
				next(lx);
			}
			if (is_p(lx, ':')) {
				next(lx);
				bits = lx->kind == T_NUM ? (uint32_t)lx->num : 0;
				bitfield = true;
				next(lx);
			}
			t = bc_stype_get(base);
			if (ptrs) {
				if (t->kind == BC_ST_CSTRUCT && t->layout) {
					struct bc_stype *byname = bc_stype_cstruct(t->name ? t->name : "",
										   t->size, false, NULL);
					bc_stype_put(t);
					t = byname;
				}
				while (ptrs-- && t)
					t = bc_stype_pointer(t, BC_AS_NONE);
			} else if (!ok) {
				guess(cp, mname, base);
				bc_stype_put(t);
				t = bc_stype_int(8, false);
			}
			/* char x[N] is a string[N] (as bpftrace reads char arrays) */
			for (size_t d = nd; d-- > 0 && t;) {
				if (d == nd - 1 && cp->base_char && !ptrs && t->kind == BC_ST_INT)
					t = (bc_stype_put(t), bc_stype_string((uint32_t)dims[d]));
				else
					t = bc_stype_array(t, (uint32_t)dims[d]);
			}
			if (!t) {
				cp->failed = true;
				break;
			}
			if (t->kind == BC_ST_VOID) {
				bc_stype_put(t);
				t = bc_stype_int(8, false);
			}
			place(&st, mname[0] ? mname : NULL, t, bits, bitfield);
			if (is_p(lx, ',')) {
				next(lx);
				continue;
			}
			break;
		}
		bc_stype_put(base);
		if (!is_p(lx, ';')) {
			cp->failed = true;
			break;
		}
		next(lx);
	}
	if (cp->failed) {
		bc_layout_put(st.l);
		return NULL;
	}
	next(lx);	/* '}' */
	size = st.is_union ? st.size : (st.bitpos + 7) / 8;
	size = (size + st.align - 1) / st.align * st.align;
	st.l->size = (uint32_t)size;
	st.l->align = st.align;
	if (name && name[0]) {
		snprintf(full, sizeof(full), "%s %s", keyword, name);
		res = bc_stype_cstruct(full, (uint32_t)size, st.is_union, st.l);
	} else {
		res = bc_stype_cstruct("", (uint32_t)size, st.is_union, st.l);
		if (res) {
			free(res->name);
			res->name = NULL;	/* anonymous */
		}
	}
	if (res)
		res->align = 1;		/* [N x i8] in bpftrace's IR */
	return res;
}

struct bc_stype *sema_cdef_parse(struct sema_ctx *c, struct sema_cstruct *cs)
{
	struct cparse cp = { .c = c, .def = cs->def };
	const char *text = cs->def->text;
	struct bc_stype *t;

	cp.lx.p = text;
	cp.lx.base = text;
	cp.lx.end = text + strlen(text);
	next(&cp.lx);
	/* struct NAME { */
	while (cp.lx.kind != T_END && !is_p(&cp.lx, '{'))
		next(&cp.lx);
	if (cp.lx.kind == T_END)
		return NULL;
	t = parse_body(&cp, cs->def->keyword, cs->def->name, 0);
	if (!t && !c->err) {
		sema_guess(c, &cs->def->span, "%s: definition not understood; its layout is unknown",
			   cs->name);
		return bc_stype_cstruct(cs->name, 0, !strcmp(cs->def->keyword, "union"), NULL);
	}
	return t;
}

int sema_cdef_enums(struct sema_ctx *c, const struct bc_cdef *def)
{
	struct lex lx = { .p = def->text, .base = def->text, .end = def->text + strlen(def->text) };
	int64_t val = 0;

	next(&lx);
	while (lx.kind != T_END && !is_p(&lx, '{'))
		next(&lx);
	next(&lx);
	while (lx.kind == T_IDENT) {
		char *name = bc_arena_strndup(&c->r->arena, lx.text, strlen(lx.text));

		next(&lx);
		if (is_p(&lx, '=')) {
			bool neg = false;

			next(&lx);
			if (is_p(&lx, '-')) {
				neg = true;
				next(&lx);
			}
			if (lx.kind == T_NUM)
				val = neg ? -(int64_t)lx.num : (int64_t)lx.num;
			next(&lx);
		}
		if (!name || BC_GROW(c->enums, c->cap_enums, c->nr_enums + 1)) {
			sema_oom(c);
			return -ENOMEM;
		}
		c->enums[c->nr_enums].name = name;
		c->enums[c->nr_enums].value = val++;
		c->enums[c->nr_enums].type = def->name ? def->name : "";
		c->nr_enums++;
		if (!is_p(&lx, ','))
			break;
		next(&lx);
	}
	return 0;
}
