/* SPDX-License-Identifier: Apache-2.0 */
/* Semantic analysis internals shared by analyzer/script/sema*.c. */
#ifndef BC_SCRIPT_SEMA_IMPL_H
#define BC_SCRIPT_SEMA_IMPL_H

#include "../base/strindex.h"
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/version.h"
#include "analyzer/script/sema.h"


/* bpftrace runs its analyser up to 10 times before giving up (num_passes_). */
#define SEMA_MAX_PASSES		10
/* 0.17's fixed string size for literals and string ternaries (STRING_SIZE). */
#define BT_STRING_SIZE		64
/* bpftrace's limit on kstack/ustack frames (MAX_STACK_SIZE). */
#define BT_MAX_STACK_SIZE	1024
/* lhist(): at most this many buckets. */
#define BT_LHIST_MAX_BUCKETS	1000
/* unroll(N): 1 <= N <= 100 */
#define BT_UNROLL_MAX		100
/* arg0..argN on x86-64 (arch::max_arg() + 1 registers) */
#define BT_X86_MAX_ARG		5
/* hist(n, k): k is 0..5 (0.20+) */
#define BT_HIST_MAX_BITS	5

struct bc_sema {
	struct bc_script *script;
	int version;
	struct bc_bt_profile prof;
	struct bc_arena arena;
	struct bc_sema_map **maps;
	size_t nr_maps, cap_maps;
	struct bc_strindex map_index;	/* name -> index into maps */
	bool reads_binaries;		/* debug info of a binary was consulted */
	struct bc_sema_var **vars;
	size_t nr_vars, cap_vars;
	struct bc_sema_probe *probes;
	size_t nr_probes;
	struct bc_stype **pool;		/* references expr->type and others point to */
	size_t nr_pool, cap_pool;
	unsigned nr_errors, nr_guesses;
	bool has_btf;
	bool kernel_gap;		/* a type outside the probes guessed for want of the kernel */
	struct bc_stype **structs;	/* the structs resolved with a layout (bc_sema_struct) */
	size_t nr_structs;
	/* macro uses and the body expanded for each (bc_sema_macro_body) */
	struct { const struct bc_expr *use; struct bc_block *body; } *macro_uses;
	size_t nr_macro_uses, cap_macro_uses;
};

/* A C struct defined in the script (struct X { ... }), once parsed. */
struct sema_cstruct {
	const char *name;		/* "struct X" / "union X" */
	const struct bc_cdef *def;
	struct bc_stype *type;		/* NULL until resolved; BC_ST_NONE when it failed */
	bool resolving;
};

struct sema_enum_val {
	const char *name;
	int64_t value;
	const char *type;		/* the enum's tag ("" when anonymous) */
};

/* What the analysed expression is the direct value of. */
enum sema_role {
	ROLE_NONE = 0,
	ROLE_MAP_VALUE,		/* @m = <expr> */
	ROLE_VAR_VALUE,		/* $v = <expr> */
	ROLE_MAP_KEY,		/* @m[<expr>] */
};

struct sema_scope {
	const struct bc_block *block;	/* NULL: the probe/fn level */
	void *vis;			/* struct vis[]: visible in this pass (sema_var.c) */
	size_t n, cap;
};

/* Nested blocks (the parser stops at BC_SCRIPT_MAX_DEPTH) plus fn/macro levels. */
#define SEMA_MAX_SCOPES		320
/* Expression nesting sema follows before giving up on a subtree. */
#define SEMA_MAX_DEPTH		BC_AST_MAX_DEPTH

struct sema_ctx {
	struct bc_sema *r;
	struct bc_unit *u;
	struct bc_script *s;
	const struct bc_sema_opts *o;
	int v;				/* target version */
	const struct bc_bt_profile *prof;

	/* kernel types */
	struct bc_btf *btf;
	bool btf_owned;
	struct bc_source *src;		/* opts' source, or the running system's (owned) */
	bool src_owned;
	int btf_state;			/* 0 untried, 1 loaded, <0 failed (errno) */
	/* the script's C definitions */
	struct sema_cstruct *cstructs;
	size_t nr_cstructs;
	struct sema_enum_val *enums;	/* enums defined in the script */
	size_t nr_enums, cap_enums;
	bool has_includes;		/* an active #include: types may come from headers */
	bool btf_defined;		/* BPFTRACE_HAVE_BTF is defined for the C code */
	/* identifiers and structs left for the headers (header_eval), and its answer */
	char **hdr_names;
	size_t nr_hdr, cap_hdr;
	char **hdr_records;
	size_t nr_hdr_records, cap_hdr_records;
	struct bc_header_defs hdr;
	bool hdr_tried;			/* header_eval was called (or cannot be) */
	bool hdr_done;			/* hdr holds the answer */
	bool hdr_noted;			/* the missing headers' notes are out */
	bool hdr_errors_noted;		/* clang's errors are reported */
	bool kernel_noted;		/* the absent kernel headers are said */
	/* resolved struct cache (by name) */
	struct { char *name; struct bc_stype *type; } *scache;
	size_t nr_scache, cap_scache;
	/* DWARF handles by binary path */
	struct { char *path; void *dw; } *dwarfs;
	size_t nr_dwarfs, cap_dwarfs;

	/* passes */
	int pass;
	bool final;			/* the reporting pass */
	bool changed;			/* a map or variable type changed in this pass */

	/* current item */
	size_t item;
	struct bc_sema_probe *probe;	/* NULL in fns */
	const struct bc_fn *fn;
	enum bc_probe_type pt;		/* single provider type (INVALID when mixed) */
	struct sema_scope scopes[SEMA_MAX_SCOPES];
	size_t nr_scopes;
	unsigned loop_depth;
	unsigned for_depth;		/* inside a for loop's body (a callback, 0.21+) */
	unsigned depth;			/* expression recursion */
	unsigned comptime_depth;	/* inside a branch of `if comptime` (0.25+) */

	/* current call */
	const char *func;
	int func_arg;
	bool in_str_call;		/* inside str(): $N is a string */
	bool quiet_structs;		/* an unknown struct is not reported (0.22-0.24 let types) */
	/* a macro's map parameters while its body is typed: @from is @to */
	struct { const char *from, *to; } map_alias[16];
	size_t nr_map_alias;
	unsigned macro_depth;		/* macro expansions being typed */
	/* spans already reported (one diagnostic per span and rule) */
	struct { uint32_t start, end; enum bc_rule_id rule; } *seen;
	size_t nr_seen, cap_seen;
	int err;			/* first internal failure (-ENOMEM) */
};

/* sema_types.c: identifiers from the script's headers (bc_sema_opts.header_eval) */
void sema_header_want(struct sema_ctx *c, const char *name);
bool sema_header_value(struct sema_ctx *c, const char *name, int64_t *v);
void sema_header_missing_notes(struct sema_ctx *c);
/* A struct the headers may define: asked for in the header evaluation. */
void sema_header_want_record(struct sema_ctx *c, const char *name);
/* Whether a struct lookup waits for the header evaluation (not reported yet). */
bool sema_header_pending(struct sema_ctx *c);
/* The struct NAME as the headers define it (a new reference), or NULL. */
struct bc_stype *sema_header_record(struct sema_ctx *c, const char *name);
/* clang's errors on the definitions: bpftrace refuses the script (BC102). */
void sema_header_errors(struct sema_ctx *c);
/* T is OLD (or a pointer to it) with the layout the headers gave it after
 * OLD was typed: the map value or variable takes T. */
bool sema_struct_upgrade(const struct bc_stype *old, const struct bc_stype *t);
/* Runs header_eval once for the wanted identifiers; true when it answered. */
bool sema_header_eval(struct sema_ctx *c);
void sema_header_free(struct sema_ctx *c);

/* sema.c */
const struct bc_stype *sema_keep(struct sema_ctx *c, struct bc_stype *t);
/* The reference of a variable's or map's type that a new type replaces:
 * expression types are borrowed (expr->type points at the variable's or
 * map's type of the pass that typed it), so the old type lives as long as
 * the analysis instead of being dropped (a read typed before a later
 * assignment grew the variable's type would point at freed memory). */
void sema_retire(struct sema_ctx *c, struct bc_stype *t);
const struct bc_stype *sema_none(struct sema_ctx *c);
void sema_error(struct sema_ctx *c, const struct bc_span *sp, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sema_guess(struct sema_ctx *c, const struct bc_span *sp, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A type's name as the target bpftrace prints it (static ring of buffers). */
const char *sema_tname(struct sema_ctx *c, const struct bc_stype *t);
/* bpftrace's Type enum name of T ("integer", "string", "pointer", ...). */
const char *sema_kind_str(const struct bc_stype *t);
void sema_oom(struct sema_ctx *c);
void sema_block(struct sema_ctx *c, struct bc_block *b, bool new_scope);
void sema_stmt(struct sema_ctx *c, struct bc_stmt *st);

/* sema_expr.c */
const struct bc_stype *sema_expr(struct sema_ctx *c, struct bc_expr *e, enum sema_role role);
bool sema_lit_int(struct sema_ctx *c, const struct bc_expr *e, int64_t *out);
/* `comptime COND` resolved now: 1 or 0 (recorded for code generation), -1
 * when COND is not a comptime condition or does not resolve (sema_comptime.c) */
int sema_comptime(struct sema_ctx *c, struct bc_expr *cond);
bool sema_lit_str(const struct bc_expr *e, const char **out);
bool sema_is_literal(const struct bc_expr *e);
const struct bc_stype *sema_int_literal_type(struct sema_ctx *c, uint64_t v, bool negative);
bool sema_same_type(const struct bc_stype *a, const struct bc_stype *b);
bool sema_is_int(const struct bc_stype *t);
bool sema_is_ptr(const struct bc_stype *t);
bool sema_is_none(const struct bc_stype *t);
/*
 * A guessed integer (a field of an unknown struct, a header macro, ...): an
 * int64 whose name records that it was assumed. Errors that would only
 * follow from the guess are not reported.
 */
const struct bc_stype *sema_guess_int(struct sema_ctx *c, enum bc_addrspace as);
bool sema_is_guess(const struct bc_stype *t);
/* L op R for binop node E (its op and spans), with bpftrace's checks. */
const struct bc_stype *sema_binop_result(struct sema_ctx *c, struct bc_expr *e,
					 const struct bc_stype *l, const struct bc_stype *r);

bool sema_is_intlike(const struct bc_stype *t);	/* int, enum, bool */
/* bpftrace's Type identity (ints of any width are one type). */
int sema_type_class(const struct bc_stype *t);
/* T in address space AS (a kept copy when it differs). */
const struct bc_stype *sema_with_as(struct sema_ctx *c, const struct bc_stype *t,
				    enum bc_addrspace as);
bool sema_is_args_expr(const struct bc_expr *e);	/* args, *args, **args */

/* sema_member.c */
const struct bc_stype *sema_field(struct sema_ctx *c, struct bc_expr *e);
const struct bc_stype *sema_tuple_index(struct sema_ctx *c, struct bc_expr *e);
const struct bc_stype *sema_index_expr(struct sema_ctx *c, struct bc_expr *e);
const struct bc_stype *sema_cast(struct sema_ctx *c, struct bc_expr *e);
const struct bc_stype *sema_sizeof_expr(struct sema_ctx *c, struct bc_expr *e);
const struct bc_stype *sema_offsetof_expr(struct sema_ctx *c, struct bc_expr *e);

/* sema_call.c: `return [VALUE]` (T its type) in a fn, against the fn's type */
void sema_fn_return(struct sema_ctx *c, const struct bc_expr *value, const struct bc_stype *t,
		    const struct bc_span *sp);
/* 0.25+: a fn of a value returns on every path */
void sema_fn_paths(struct sema_ctx *c, const struct bc_fn *fn);
/* sema_call.c */
const struct bc_stype *sema_call(struct sema_ctx *c, struct bc_expr *e, enum sema_role role);
/* sema_var.c: a tuple of type T assigned where HAVE is held (fields fit). */
bool sema_tuple_assignable(struct sema_ctx *c, const struct bc_stype *have,
			   const struct bc_stype *t);
/* sema.c: an aggregation read from its map and assigned (to DST, or a variable). */
void sema_agg_assign(struct sema_ctx *c, const struct bc_expr *value,
		     struct bc_sema_map *dst, const struct bc_span *sp);
/* A call of a builtin that has no value (cat, printf, exit, ...): its none is a type. */
bool sema_void_call(struct sema_ctx *c, const struct bc_expr *e);
/* A bare identifier naming a macro of no arguments (0.24+): its value; NULL if none. */
const struct bc_stype *sema_macro_ident(struct sema_ctx *c, struct bc_expr *e);

/* sema_call.c: keeps B as the expanded body of the macro use USE (-ENOMEM) */
int sema_macro_record(struct sema_ctx *c, const struct bc_expr *use, struct bc_block *b);
/* sema_stdlib.c: the standard library's task macros (ppid, pcomm, ...):
 * records and types the field reads NAME expands to at USE, on TASK or
 * (NULL) curtask; nothing for another name or version. */
void sema_stdlib_expand(struct sema_ctx *c, const struct bc_expr *use, const char *name,
			struct bc_expr *task);

/* sema_builtin.c */
const struct bc_stype *sema_builtin(struct sema_ctx *c, struct bc_expr *e);
/* The builtin variable row B used as expression E (NAME as written). */
const struct bc_stype *sema_builtin_row(struct sema_ctx *c, struct bc_expr *e,
					const struct bc_builtin *b, const char *name);
/* Every attach point's probe type is in MASK (0: any); *BAD names the first that is not. */
bool sema_probe_types_ok(struct sema_ctx *c, uint32_t mask, const char **bad);
/* "X needs bpftrace 0.20 or later" / "X was removed in bpftrace 0.25" for ANY. */
void sema_unavailable(struct sema_ctx *c, const struct bc_span *sp, const char *what,
		      const struct bc_builtin *any);

/* sema_format.c */
void sema_check_format(struct sema_ctx *c, const struct bc_expr *e);

/* sema_map.c */
struct bc_sema_map *sema_map_get(struct sema_ctx *c, const struct bc_expr *m);
/* Types the keys of map expression E and checks them against the map. */
void sema_map_keys(struct sema_ctx *c, struct bc_expr *e, bool validate);
/* Assigns a value of type T to the map of E (bpftrace assign_map_type). */
void sema_map_assign(struct sema_ctx *c, struct bc_expr *e, const struct bc_stype *t,
		     const struct bc_span *stmt_span);
/* 0.24: the sign of integer VALUE (type T) against map E's integer or sum/min/... value. */
void sema_map_value_sign(struct sema_ctx *c, struct bc_expr *e, const struct bc_expr *value,
			 const struct bc_stype *t, const struct bc_span *sp);
/* A read of the map value (E is BC_EXPR_MAP): types E. */
const struct bc_stype *sema_map_read(struct sema_ctx *c, struct bc_expr *e);
void sema_map_use(struct sema_ctx *c, const struct bc_expr *e, enum bc_map_use_kind kind,
		  const struct bc_expr *call, const struct bc_span *stmt_span);
void sema_map_decl(struct sema_ctx *c, const struct bc_map_decl *d);
/* Records what bpftrace refuses about map M (reporting pass only): the map
 * rules report it. FIRST: see struct bc_sema_map_issue (NULL: none). */
void sema_map_issue(struct sema_ctx *c, struct bc_sema_map *m, enum bc_map_issue_kind kind,
		    const struct bc_span *sp, const char *first, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* A use of map M that needs a value it never got ("Undefined map: @m"). */
void sema_map_undefined(struct sema_ctx *c, struct bc_sema_map *m, const struct bc_span *sp);
void sema_maps_finish(struct sema_ctx *c);
/* Key records are re-derived in every pass (the reporting pass sees the text order). */
void sema_maps_pass_start(struct sema_ctx *c);

/* sema_var.c */
void sema_scope_push(struct sema_ctx *c, const struct bc_block *b);
void sema_scope_pop(struct sema_ctx *c);
const struct bc_stype *sema_var_read(struct sema_ctx *c, struct bc_expr *e);
void sema_var_assign(struct sema_ctx *c, struct bc_expr *var, const struct bc_stype *t,
		     const struct bc_span *stmt_span);
void sema_var_let(struct sema_ctx *c, struct bc_stmt *st);
/* An integer assigned to a typed integer variable (0.24 rules; 0.25+ `let $x: T`). */
void sema_var_int_assign(struct sema_ctx *c, const struct bc_expr *var,
			 const struct bc_expr *value, const struct bc_stype *t,
			 const struct bc_span *sp);
/* Whether $NAME is declared in a scope visible here. */
bool sema_var_visible(struct sema_ctx *c, const char *name);
struct bc_sema_var *sema_var_declare(struct sema_ctx *c, struct bc_expr *var,
				     const struct bc_stype *t, bool fn_arg, bool loop_var);

/* sema_probe.c */
void sema_probe_init(struct sema_ctx *c, struct bc_sema_probe *p);
/* `args` of the current probe (a new reference in the pool), NULL when none. */
const struct bc_stype *sema_probe_args(struct sema_ctx *c, const struct bc_span *sp);
const struct bc_stype *sema_probe_retval(struct sema_ctx *c, const struct bc_span *sp);
bool sema_probe_all(struct sema_ctx *c, uint32_t mask);
const char *sema_probe_provider(struct sema_ctx *c);
struct bc_dwarf;
/* Debug info of the current probe's first uprobe binary that has it, or NULL. */
struct bc_dwarf *sema_probe_dwarf(struct sema_ctx *c);

/* sema_types.c */
struct bc_btf *sema_btf(struct sema_ctx *c);
/* What a guess would have needed of the target: kernel BTF, tracepoint formats. */
enum { SEMA_NEED_BTF = 1, SEMA_NEED_TRACEPOINTS = 2 };
/* Whether the run's source lacks all of NEED (and gaps are counted, not reported). */
bool sema_kernel_gap(struct sema_ctx *c, unsigned need);
/* A guess made because the target lacks NEED: counted for BC105 when the
 * source lacks it (sema_kernel_gap), else reported as BC101 (sema_guess). */
void sema_guess_kernel(struct sema_ctx *c, unsigned need, const struct bc_span *sp,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Where tracepoint formats come from (analyzer/target/source.h). */
struct bc_source *sema_source(struct sema_ctx *c);
/* Struct/union NAME ("struct x") with its layout: script, the uprobe
 * binary's DWARF, BTF, guess. */
const struct bc_stype *sema_struct(struct sema_ctx *c, const char *name, const struct bc_span *sp,
				   bool report);
/* The layout-resolved version of a C struct type (T itself when resolved). */
const struct bc_stype *sema_resolve(struct sema_ctx *c, const struct bc_stype *t,
				    const struct bc_span *sp);
/* Resolves struct T held by value and the structs it holds by value, quietly. */
void sema_resolve_value(struct sema_ctx *c, const struct bc_stype *t, unsigned depth);
const struct bc_stype *sema_type(struct sema_ctx *c, struct bc_type *t);
bool sema_enum_value(struct sema_ctx *c, const char *name, int64_t *value);
void sema_cdefs_init(struct sema_ctx *c);
/* Keeps the structs resolved with a layout in the result (bc_sema_struct). */
int sema_keep_structs(struct sema_ctx *c);
void sema_types_free(struct sema_ctx *c);

/* sema_ctypes.c: the script's struct definitions */
struct bc_stype *sema_cdef_parse(struct sema_ctx *c, struct sema_cstruct *cs);
int sema_cdef_enums(struct sema_ctx *c, const struct bc_cdef *def);

/* sema_config.c */
int sema_profile(struct sema_ctx *c, struct bc_bt_profile *p);
void sema_features(struct sema_ctx *c);

#endif
