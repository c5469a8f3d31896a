/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bpftrace AST, untyped, as the parser builds it. Every node carries the
 * exact source span it was parsed from (for tokens that came out of a
 * #define macro, the span of the macro use). Expressions have a `type` slot
 * and a `sema` slot that later passes fill; the parser leaves them NULL.
 *
 * All memory (nodes, names, lists) belongs to the script's arena and is
 * released by bc_script_free().
 */
#ifndef BC_SCRIPT_AST_H
#define BC_SCRIPT_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/diag.h"
#include "../base/arena.h"

/*
 * Expression nesting that every recursive pass over the AST follows (sema,
 * codegen and its walks, the printer, the dump). The parser bounds brackets
 * and blocks (BC_SCRIPT_MAX_DEPTH) but not a left-leaning chain such as
 * 1 + 1 + ..., which is as deep as it is long: past this depth a pass stops
 * with a finding or an error instead of running off the C stack.
 */
#define BC_AST_MAX_DEPTH	512

struct bc_stype;	/* a resolved type, defined by semantic analysis */
struct bc_unit;

enum bc_expr_kind {
	BC_EXPR_ERROR = 0,	/* placeholder where a syntax error was */
	BC_EXPR_INT,		/* u.num */
	BC_EXPR_BOOL,		/* u.boolean: true/false */
	BC_EXPR_STRING,		/* u.str (decoded bytes) */
	BC_EXPR_BUILTIN,	/* u.name: pid, comm, arg0, kstack, ... */
	BC_EXPR_IDENT,		/* u.name: enum value, macro argument, type name */
	BC_EXPR_PARAM,		/* u.param: $1, $2, ... */
	BC_EXPR_PARAMCOUNT,	/* $# */
	BC_EXPR_VAR,		/* u.name without '$' */
	BC_EXPR_MAP,		/* u.map: @name (name "" for @) with optional keys */
	BC_EXPR_CALL,		/* u.call */
	BC_EXPR_BINOP,		/* u.binop */
	BC_EXPR_UNOP,		/* u.unop (prefix and postfix, & of a map/var) */
	BC_EXPR_TERNARY,	/* u.ternary: c ? a : b; a is NULL for Elvis c ?: b */
	BC_EXPR_FIELD,		/* u.field: e.name or e->name */
	BC_EXPR_TUPLE_INDEX,	/* u.tindex: e.N */
	BC_EXPR_INDEX,		/* u.index: e[i] */
	BC_EXPR_CAST,		/* u.cast: (type)e */
	BC_EXPR_TUPLE,		/* u.list: (a, b), (a,), () */
	BC_EXPR_RECORD,		/* u.record: (a = 1, b = 2) */
	BC_EXPR_SIZEOF,		/* u.sizeof_: sizeof(type) or sizeof(expr) */
	BC_EXPR_OFFSETOF,	/* u.offsetof_: offsetof(type, f.g) */
	BC_EXPR_TYPEINFO,	/* u.sizeof_: typeinfo(type|expr) */
	BC_EXPR_COMPTIME,	/* u.unop.operand: comptime e */
	BC_EXPR_BLOCK,		/* u.block: { stmts; expr } */
	BC_EXPR_IF,		/* u.if_: if c { a } else { b } as a value */
};

enum bc_op {
	BC_OP_NONE = 0,
	/* binary */
	BC_OP_LOR, BC_OP_LAND, BC_OP_BOR, BC_OP_BXOR, BC_OP_BAND,
	BC_OP_EQ, BC_OP_NE, BC_OP_LT, BC_OP_GT, BC_OP_LE, BC_OP_GE,
	BC_OP_SHL, BC_OP_SHR, BC_OP_ADD, BC_OP_SUB, BC_OP_MUL, BC_OP_DIV, BC_OP_MOD,
	/* unary */
	BC_OP_NEG,		/* -e */
	BC_OP_LNOT,		/* !e */
	BC_OP_BNOT,		/* ~e */
	BC_OP_DEREF,		/* *e */
	BC_OP_ADDR,		/* &$v, &@m */
	BC_OP_PREINC, BC_OP_PREDEC, BC_OP_POSTINC, BC_OP_POSTDEC,
};

/* "||", "-", "++" (pre and post alike), ... */
const char *bc_op_str(enum bc_op op);
/* Binary precedence, 1 (||) to 10 (* / %); 0 for non-binary operators. */
int bc_op_prec(enum bc_op op);

/* How an integer literal was written (suffix). */
enum bc_int_suffix {
	BC_INT_PLAIN = 0,
	BC_INT_U, BC_INT_UL, BC_INT_ULL, BC_INT_L, BC_INT_LL,	/* C suffixes */
	BC_INT_NS, BC_INT_US, BC_INT_MS, BC_INT_S, BC_INT_M, BC_INT_H, BC_INT_D, /* durations */
};

struct bc_expr;
struct bc_stmt;
struct bc_type;
struct bc_block;

struct bc_expr_list {
	struct bc_expr **v;
	size_t n;
};

struct bc_expr {
	enum bc_expr_kind kind;
	struct bc_span span;
	const struct bc_stype *type;	/* filled by semantic analysis */
	void *sema;			/* for later passes */
	union {
		struct {
			uint64_t value;	/* after suffix scaling (10ms = 10000000) */
			const char *text; /* as written, e.g. "1_000", "0x10", "2e3" */
			enum bc_int_suffix suffix;
		} num;
		bool boolean;
		struct {
			char *data;	/* decoded, NUL-terminated (may contain NULs) */
			size_t len;
		} str;
		const char *name;
		long param;
		struct {
			const char *name;	/* "" for the anonymous map @ */
			struct bc_expr_list keys; /* n == 0: scalar use @m */
			bool has_keys;		/* written with [...] */
		} map;
		struct {
			const char *name;
			struct bc_span name_span;
			struct bc_expr_list args;
		} call;
		struct {
			enum bc_op op;
			struct bc_expr *left, *right;
			struct bc_span op_span;
		} binop;
		struct {
			enum bc_op op;
			struct bc_expr *operand;
			struct bc_span op_span;
		} unop;
		struct {
			struct bc_expr *cond, *then, *els;	/* then NULL: Elvis */
		} ternary;
		struct {
			struct bc_expr *base;
			const char *name;
			bool arrow;		/* -> */
			bool deref;		/* `.` through a pointer, read as -> (sema, 0.25+) */
			struct bc_span name_span;
		} field;
		struct {
			struct bc_expr *base;
			uint64_t index;
		} tindex;
		struct {
			struct bc_expr *base, *index;
		} index;
		struct {
			struct bc_type *type;
			struct bc_expr *operand;
		} cast;
		struct bc_expr_list list;
		struct {
			const char **names;
			struct bc_span *name_spans;
			struct bc_expr_list values;
		} record;
		struct {
			struct bc_type *type;	/* exactly one of type/expr */
			struct bc_expr *expr;
		} sizeof_;
		struct {
			struct bc_type *type;	/* offsetof(struct T, ...) */
			struct bc_expr *expr;	/* offsetof($x, ...) */
			const char **fields;
			size_t nr_fields;
		} offsetof_;
		struct bc_block *block;
		struct {
			struct bc_expr *cond;
			struct bc_block *then;
			struct bc_expr *els;	/* NULL, BC_EXPR_BLOCK or BC_EXPR_IF */
		} if_;
	} u;
};

enum bc_type_kind {
	BC_TYPE_NAME = 1,	/* int8..uint64, bool, void, string, buffer, inet,
				 * count_t..., or a typedef name */
	BC_TYPE_STRUCT,		/* struct NAME */
	BC_TYPE_UNION,		/* union NAME */
	BC_TYPE_ENUM,		/* enum NAME */
	BC_TYPE_POINTER,	/* inner * */
	BC_TYPE_ARRAY,		/* inner[N] (string[32] is an ARRAY of NAME string) */
	BC_TYPE_TYPEOF,		/* typeof(expr) / typeof(type) */
};

struct bc_type {
	enum bc_type_kind kind;
	struct bc_span span;
	const struct bc_stype *resolved;	/* filled by semantic analysis */
	const char *name;			/* NAME, STRUCT, UNION, ENUM */
	struct bc_type *inner;			/* POINTER, ARRAY, TYPEOF(type) */
	struct bc_expr *expr;			/* TYPEOF(expr) */
	uint64_t size;				/* ARRAY */
	bool has_size;				/* ARRAY: [N] rather than [] */
};

enum bc_stmt_kind {
	BC_STMT_ERROR = 0,
	BC_STMT_EXPR,		/* u.expr */
	BC_STMT_ASSIGN,		/* u.assign */
	BC_STMT_LET,		/* u.let: let $x[: type] [= value] */
	BC_STMT_IF,		/* u.if_ */
	BC_STMT_WHILE,		/* u.loop */
	BC_STMT_UNROLL,		/* u.loop (cond = count) */
	BC_STMT_FOR,		/* u.for_ */
	BC_STMT_BREAK,
	BC_STMT_CONTINUE,
	BC_STMT_RETURN,		/* u.expr, may be NULL */
	BC_STMT_BLOCK,		/* u.block: a bare { ... } */
	BC_STMT_IMPORT,		/* u.import */
	BC_STMT_DISCARD,	/* u.expr: _ = expr */
};

struct bc_stmt {
	enum bc_stmt_kind kind;
	struct bc_span span;
	void *sema;
	union {
		struct bc_expr *expr;
		struct {
			struct bc_expr *target;	/* VAR or MAP */
			enum bc_op op;		/* BC_OP_NONE for '=', else the compound op */
			struct bc_expr *value;
			struct bc_span op_span;
		} assign;
		struct {
			struct bc_expr *var;
			struct bc_type *type;	/* may be NULL */
			struct bc_expr *value;	/* may be NULL */
		} let;
		struct {
			struct bc_expr *cond;
			struct bc_block *then;
			struct bc_stmt *else_if;	/* else if ... */
			struct bc_block *els;		/* else { ... } */
		} if_;
		struct {
			struct bc_expr *cond;	/* while: condition; unroll: count */
			struct bc_block *body;
		} loop;
		struct {
			struct bc_expr *var;
			struct bc_expr *map;		/* for ($kv : @m) */
			struct bc_expr *lo, *hi;	/* for ($i : lo..hi) */
			struct bc_block *body;
		} for_;
		struct bc_block *block;
		struct {
			char *path;
		} import;
	} u;
};

struct bc_block {
	struct bc_span span;		/* { ... } */
	struct bc_stmt **stmts;
	size_t n;
	struct bc_expr *tail;		/* value of a block expression (no ';') */
};

/* Probe providers, canonical (v0.17 spelling first, then later ones). */
enum bc_provider {
	BC_PROV_UNKNOWN = 0,
	BC_PROV_BEGIN, BC_PROV_END,
	BC_PROV_KPROBE, BC_PROV_KRETPROBE, BC_PROV_UPROBE, BC_PROV_URETPROBE,
	BC_PROV_USDT, BC_PROV_TRACEPOINT, BC_PROV_PROFILE, BC_PROV_INTERVAL,
	BC_PROV_SOFTWARE, BC_PROV_HARDWARE, BC_PROV_WATCHPOINT,
	BC_PROV_ASYNCWATCHPOINT, BC_PROV_KFUNC, BC_PROV_KRETFUNC, BC_PROV_ITER,
	BC_PROV_RAWTRACEPOINT,
	BC_PROV_FENTRY, BC_PROV_FEXIT,	/* v0.20 aliases of kfunc/kretfunc */
	BC_PROV_SELF,			/* self:signal:SIGUSR1 (later versions) */
};

const char *bc_provider_name(enum bc_provider p);

struct bc_attach_point {
	struct bc_span span;
	const char *raw;		/* the text as written */
	const char *name;		/* name= prefix, or NULL */
	const char *provider_text;	/* first part as written ("k", "kprobe", "t*") */
	enum bc_provider provider;	/* UNKNOWN for unknown or wildcarded providers */
	bool alias;			/* written with the short name (k, kr, ...) */
	bool wildcard;			/* '*' or '[' outside quotes */
	/* The ':'-separated parts after the provider, unquoted, with a
	 * function offset split off ("fn+0x10" -> func "fn", offset 16). */
	const char **parts;
	size_t nr_parts;
	bool has_offset;
	uint64_t offset;
};

struct bc_probe {
	struct bc_span span;		/* attach points through the closing '}' */
	struct bc_attach_point **aps;
	size_t nr_aps;
	struct bc_expr *pred;		/* /pred/, or NULL */
	struct bc_span pred_span;	/* /.../ including the slashes */
	struct bc_block *body;
};

struct bc_fn_arg {
	struct bc_span span;
	struct bc_expr *var;
	struct bc_type *type;
};

struct bc_fn {
	struct bc_span span;
	const char *name;
	struct bc_span name_span;
	struct bc_fn_arg *args;
	size_t nr_args;
	struct bc_type *ret;
	struct bc_block *body;
};

struct bc_macro {
	struct bc_span span;
	const char *name;
	struct bc_span name_span;
	struct bc_expr_list args;	/* VAR, MAP or IDENT */
	struct bc_block *body;		/* a block whose tail may be the value */
};

struct bc_map_decl {
	struct bc_span span;
	const char *map;		/* without '@' */
	const char *type;		/* hash, lruhash, percpuhash, ... */
	uint64_t max_entries;
};

enum bc_item_kind {
	BC_ITEM_PROBE = 1,
	BC_ITEM_FN,
	BC_ITEM_MACRO,
	BC_ITEM_MAP_DECL,
};

struct bc_item {
	enum bc_item_kind kind;
	union {
		struct bc_probe *probe;
		struct bc_fn *fn;
		struct bc_macro *macro;
		struct bc_map_decl *map_decl;
	} u;
};

enum bc_cdef_kind {
	BC_CDEF_PREPROC = 1,		/* #include, #define, ... (one line) */
	BC_CDEF_STRUCT,			/* struct/union/enum definition */
};

struct bc_cdef {
	enum bc_cdef_kind kind;
	struct bc_span span;
	const char *text;		/* exact source text of the span */
	const char *keyword;		/* CDEF_STRUCT: "struct", "union", "enum" */
	const char *name;		/* CDEF_STRUCT: the tag, "" when anonymous */
};

enum bc_config_value_kind {
	BC_CONFIG_INT = 1,
	BC_CONFIG_IDENT,
	BC_CONFIG_STRING,
	BC_CONFIG_BOOL,
};

struct bc_config_entry {
	struct bc_span span;
	const char *key;
	enum bc_config_value_kind kind;
	const char *text;		/* INT as written, IDENT, decoded STRING */
	uint64_t value;			/* INT value; BOOL 0/1 */
	struct bc_span value_span;
};

struct bc_config {
	struct bc_span span;
	struct bc_config_entry *entries;
	size_t n;
};

struct bc_import {
	struct bc_span span;
	const char *path;
};

/*
 * Constructs newer than bpftrace v0.17. The parser accepts all of them and
 * lists each use with the first bpftrace release that accepts it, so that
 * semantic analysis can refuse them for an older target.
 */
enum bc_feature {
	BC_FEAT_CONFIG = 1,		/* config = { ... }            v0.20 */
	BC_FEAT_FN,			/* fn name(...): type { }      v0.21 */
	BC_FEAT_RETURN_VALUE,		/* return expr                 v0.21 */
	BC_FEAT_FOR_MAP,		/* for ($kv : @m)              v0.21 */
	BC_FEAT_FOR_NO_PARENS,		/* for $kv : @m                v0.24 */
	BC_FEAT_FOR_RANGE,		/* for $i : a..b               v0.24 */
	BC_FEAT_LET,			/* let $x ...                  v0.22 */
	BC_FEAT_MAP_DECL,		/* let @m = hash(N);           v0.24 */
	BC_FEAT_OFFSETOF,		/* offsetof(T, f)              v0.18 */
	BC_FEAT_SIZED_TYPE,		/* string[N], buffer[N], inet[N] v0.18 */
	BC_FEAT_TYPE_SYNTAX,		/* int8..uint64, bool, T*** in types v0.19 */
	BC_FEAT_BOOL,			/* true / false                v0.24 */
	BC_FEAT_ADDR_OF,		/* &$var / &@map               v0.24 */
	BC_FEAT_DURATION,		/* 10ms, 1s, ...               v0.24 */
	BC_FEAT_BLOCK_EXPR,		/* { stmts; expr } / bare block v0.24 */
	BC_FEAT_IMPORT,			/* import "x";                 v0.24 */
	BC_FEAT_MACRO,			/* macro name(...) { }         v0.24 */
	BC_FEAT_LOWERCASE_PROVIDER,	/* begin / end, any case       v0.24 */
	BC_FEAT_RECORD,			/* (a = 1, b = 2)              v0.25 */
	BC_FEAT_SMALL_TUPLE,		/* () and (x,)                 v0.25 */
	BC_FEAT_DISCARD,		/* _ = expr                    v0.25 */
	BC_FEAT_IF_EXPR,		/* if as a value               v0.25 */
	BC_FEAT_NO_PARENS,		/* if/while/unroll without ()  v0.25 */
	BC_FEAT_PROBE_NAME,		/* name=kprobe:f               v0.25 */
	BC_FEAT_TYPEOF,			/* typeof / typeinfo / comptime v0.25 */
	BC_FEAT_TRAILING_COMMA,		/* kprobe:a, {                 v0.25 */
	BC_FEAT_ELVIS,			/* a ?: b                      v0.26 */
	BC_FEAT_SEMI_AFTER_IF,		/* if (c) { };                 v0.26 */
	BC_FEAT_RAWTRACEPOINT,		/* rawtracepoint / rt          v0.18 */
	BC_FEAT_FENTRY,			/* fentry / fexit              v0.20 */
	BC_FEAT_SELF_PROBE,		/* self:signal:SIGUSR1         v0.22 */
	BC_FEAT_MACRO_EXPANSION,	/* a script #define was expanded (all versions) */
	BC_FEAT__COUNT
};

struct bc_feature_use {
	enum bc_feature feature;
	int min_version;		/* bpftrace, major*10000+minor*100+patch */
	struct bc_span span;
};

const char *bc_feature_name(enum bc_feature f);
int bc_feature_min_version(enum bc_feature f);

/* A #define the parser expanded (object-like or simple function-like). */
struct bc_define {
	const char *name;
	struct bc_span span;		/* the whole #define line */
	bool function_like;
	size_t nr_params;
	const char **params;
	uint32_t body_start, body_end;	/* byte offsets of the body text */
};

struct bc_script {
	struct bc_arena arena;
	struct bc_unit *unit;		/* the unit parsed (not owned) */
	int bpftrace;			/* target the parse used (0 = latest) */
	struct bc_span span;		/* the whole file */
	bool has_shebang;
	struct bc_span shebang;		/* "#!..." without the newline */
	const char *shebang_text;
	struct bc_cdef **cdefs;
	size_t nr_cdefs;
	struct bc_config *config;	/* NULL when absent */
	struct bc_import **imports;	/* root imports */
	size_t nr_imports;
	struct bc_item *items;		/* probes, fns, macros, map decls, in order */
	size_t nr_items;
	struct bc_feature_use *features;
	size_t nr_features;
	struct bc_define *defines;
	size_t nr_defines;
	unsigned nr_errors;		/* BC100 diagnostics the parse emitted */
};

void bc_script_free(struct bc_script *s);

#endif
