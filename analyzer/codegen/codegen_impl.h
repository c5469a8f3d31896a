/* SPDX-License-Identifier: Apache-2.0 */
/* What the codegen*.c files share (not for other modules). */
#ifndef BC_IR_CODEGEN_IMPL_H
#define BC_IR_CODEGEN_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Core.h>

#include "../script/ast.h"
#include "../script/builtins.h"
#include "../script/profile.h"
#include "../script/sema.h"
#include "../types/stype.h"
#include "../types/usdt_notes.h"
#include "codegen.h"
#include "irbuilder.h"

/* Nesting of while loops the generator follows. */
#define CG_MAX_LOOPS	64
/* Expression nesting codegen follows; cg_expr refuses deeper ones with a finding. */
#define CG_MAX_DEPTH	BC_AST_MAX_DEPTH

/*
 * The value of an expression (bpftrace's expr_) with the allocation the
 * consumer must end when it is done with it (expr_deleter_, run at the end
 * of the consumer's scope) and the provenance record of the memory V
 * points into, when V is an address of bytes we allocated (for the `from`
 * chain of the copies made of them).
 */
struct cg_val {
	LLVMValueRef v;		/* NULL: no value (statements) */
	LLVMValueRef del;	/* alloca to end, or NULL */
	uint32_t prov;		/* record V's bytes live in; 0 = none */
};

/* A variable of the probe being generated. */
struct cg_var {
	const struct bc_sema_var *sv;	/* NULL: keyed by name (no sema record) */
	const char *name;
	LLVMValueRef slot;		/* alloca (or scratch slot) */
	LLVMTypeRef ty;
	uint32_t prov;			/* its record */
	uint32_t origin;		/* record its bytes last came from */
	bool internal;			/* holds the address of a map value (is_internal) */
};

struct cg_loop {
	LLVMBasicBlockRef cont, brk;
};

/* bpftrace's per-call-kind counters (ids in async events, reset per
 * expanded attach point). */
struct cg_ids {
	int printf_id, system_id, cat_id, time_id, strftime_id, join_id, non_map_print_id,
	    cgroup_path_id, skb_output_id, mapped_printf_id;
};

struct cg {
	struct bc_irb *irb;
	LLVMBuilderRef b;
	LLVMContextRef ctx;
	const struct bc_script *s;
	const struct bc_sema *sema;
	const struct bc_codegen_opts *o;
	const struct bc_bt_profile *prof;
	int ver;			/* target bpftrace */
	bool scratch;			/* 0.22+: big temporaries in scratch buffers */
	uint64_t on_stack_limit;
	uint32_t strlen;		/* str()/path()/buf() buffer bytes */
	struct bc_codegen_status *st;
	int err;
	uint32_t str_id;		/* 0.21: next str_buffer element */

	/* module */
	LLVMValueRef log2_fn, linear_fn;
	struct cg_ids ids;
	char **probe_names;		/* `probe` ids: full probe names, first use first */
	size_t nr_probe_names, cap_probe_names;
	const char **macros;		/* guessed macros, in order of first use */
	size_t nr_macros, cap_macros;

	/* the function being generated */
	size_t item;
	const struct bc_probe *probe;
	const struct bc_sema_probe *sp;
	const struct bc_attach_point *ap;	/* current attach point */
	enum bc_probe_type pt;			/* of the current attach point */
	const char *probe_full;			/* name `probe` reports */
	const struct bc_stype *tp_args;		/* tracepoint args struct of this function */
	const struct bc_usdt_loc *usdt_loc;	/* USDT location of this function (< 0.25) */
	struct cg_var *vars;
	size_t nr_vars, cap_vars;
	struct cg_loop loops[CG_MAX_LOOPS];
	size_t nr_loops;
	LLVMMetadataRef loop_md;
	unsigned depth;
};

/* ---- codegen.c: errors, values, allocations ---- */

/* Records -EOPNOTSUPP for construct WHAT at SP ("call kstack"); returns it. */
int cg_unsupported(struct cg *c, const struct bc_span *sp, const char *what,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Records an internal failure ERR (negative errno) with a message. */
int cg_fail(struct cg *c, int err, const struct bc_span *sp, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The builder's sticky error, or 0. */
int cg_irb_err(struct cg *c);

/* Ends V's allocation (the ScopedExprDeleter going out of scope). */
void cg_end(struct cg *c, struct cg_val *v);
/* Moves V's allocation to the caller (ScopedExprDeleter::disarm). */
LLVMValueRef cg_disarm(struct cg_val *v);

/* A provenance description for a construct. */
struct bc_prov cg_prov(const char *construct, const char *name, const struct bc_span *sp,
		       bool dep, const uint32_t *from, size_t nr_from);
/* CreateAllocaBPF with a record. */
LLVMValueRef cg_alloca(struct cg *c, LLVMTypeRef ty, const char *name, const struct bc_prov *p);
/* createAllocation (0.22+: scratch above on_stack_limit), else CreateAllocaBPF. */
LLVMValueRef cg_alloc(struct cg *c, enum bc_scratch_cat cat, LLVMTypeRef ty, const char *name,
		      const struct bc_prov *p);
/* The record id of an allocation (0 when V is none of ours). */
uint32_t cg_prov_id(struct cg *c, LLVMValueRef v);
/*
 * Element 0 of the per-CPU scratch map MAP, as bpftrace looks it up
 * (CreateGetJoinMap, createGetScratchMap): an i32 key slot KEY (attributed
 * to CONSTRUCT at SP) holding 0, the lookup, and the key's lifetime ended
 * when END_KEY. *DATA is the value pointer (null at run time on failure).
 */
int cg_scratch_elem(struct cg *c, const char *construct, const char *key, const struct bc_span *sp,
		    const char *map, bool end_key, LLVMValueRef *data);

/* ---- types (codegen.c) ---- */

/* GetType, refusing types without a size (-EOPNOTSUPP with SP). */
LLVMTypeRef cg_type(struct cg *c, const struct bc_stype *t, const struct bc_span *sp);
/* needMemcpy / shouldBeOnStackAlready / IsAggregate of bpftrace 0.17. */
bool cg_need_memcpy(const struct bc_stype *t);
bool cg_on_stack_already(const struct bc_stype *t);
bool cg_is_int(const struct bc_stype *t);	/* integer-like (int, bool, enum) */
bool cg_is_ptr(const struct bc_stype *t);
bool cg_is_none(const struct bc_stype *t);
uint32_t cg_size(const struct bc_stype *t);
/* The type of E; NULL (with an error recorded) when semantic analysis left
 * it untyped. */
const struct bc_stype *cg_etype(struct cg *c, const struct bc_expr *e);
/* Whether E is a value bpftrace keeps in BPF memory already (is_internal:
 * a map value or a part of one, pton()). */
bool cg_is_internal(struct cg *c, const struct bc_expr *e);
/* onStack(): internal or shouldBeOnStackAlready. */
bool cg_on_stack(struct cg *c, const struct bc_expr *e);
/* Whether E is a context access (args, ctx, and fields/derefs of them). */
bool cg_is_ctx(struct cg *c, const struct bc_expr *e);
/* Casts an integer value to i64 (CreateIntCast(v, i64, sign)). */
LLVMValueRef cg_int64(struct cg *c, LLVMValueRef v, bool is_signed);
LLVMValueRef cg_intcast(struct cg *c, LLVMValueRef v, LLVMTypeRef to, bool is_signed,
			const char *name);
LLVMValueRef cg_i64(struct cg *c, uint64_t v);
LLVMValueRef cg_i32(struct cg *c, uint32_t v);
LLVMValueRef cg_i8(struct cg *c, uint8_t v);
/* GEP {i64 0, i64 OFF} into [N x i8] (byte offset into a key buffer). */
LLVMValueRef cg_byte_gep(struct cg *c, LLVMTypeRef arr, LLVMValueRef base, uint64_t off);
/* CreateGEP(ty, base, {i32 0, i32 idx}) */
LLVMValueRef cg_gep32(struct cg *c, LLVMTypeRef ty, LLVMValueRef base, unsigned idx);
/* A new block in the current function. */
LLVMBasicBlockRef cg_block(struct cg *c, const char *name);
/* The default return of the current probe (1 for tracepoints, else 0). */
void cg_ret(struct cg *c);

/* ---- codegen_stmt.c ---- */

int cg_stmt(struct cg *c, const struct bc_stmt *st);
int cg_stmts(struct cg *c, const struct bc_block *b);
int cg_probe(struct cg *c, size_t item);
/* One program NAME of probe PNAME for the current attach point. */
int cg_gen_function(struct cg *c, const char *name, const char *pname);
struct cg_var *cg_var_find(struct cg *c, const struct bc_expr *var);

/* ---- codegen_expr.c ---- */

int cg_expr(struct cg *c, const struct bc_expr *e, struct cg_val *out);
int cg_builtin(struct cg *c, const struct bc_expr *e, struct cg_val *out);
/* A literal's integer value (int literals, negated literals, enum
 * identifiers, positional parameters that are numbers). */
bool cg_lit_int(struct cg *c, const struct bc_expr *e, int64_t *out);
/* A string literal's bytes (or a positional parameter's text). */
bool cg_lit_str(struct cg *c, const struct bc_expr *e, const char **s, size_t *len);
/* bpftrace's name of a C struct type for temporaries ("struct sock"). */
const char *cg_struct_name(const struct bc_stype *t);

/* ---- codegen_call.c ---- */

int cg_call(struct cg *c, const struct bc_expr *e, struct cg_val *out);

/* ---- codegen_map.c ---- */

struct cg_key {
	LLVMValueRef key;	/* pointer to the key */
	LLVMValueRef del;	/* to end after use (an alloca we made) */
	uint32_t prov;
};

int cg_map_id(struct cg *c, const char *name);
const struct bc_sema_map *cg_map(struct cg *c, const struct bc_expr *m);
/* getMapKey */
int cg_map_key(struct cg *c, const struct bc_expr *m, struct cg_key *k);
/* getHistMapKey: the map's keys plus EXTRA (an i64) */
int cg_hist_key(struct cg *c, const struct bc_expr *m, LLVMValueRef extra, struct cg_key *k);
void cg_key_end(struct cg *c, struct cg_key *k);
/* CreateMapLookupElem of the map's value type. */
int cg_map_lookup(struct cg *c, const struct bc_expr *m, LLVMValueRef key,
		  const struct bc_span *sp, struct cg_val *out);
int cg_map_read(struct cg *c, const struct bc_expr *m, struct cg_val *out);
/* @m[k] = value / @m[k] op= value */
int cg_map_assign(struct cg *c, const struct bc_stmt *st);
/* count(), sum(), min(), max(), avg(), stats(), hist(), lhist() into MAP */
int cg_map_agg(struct cg *c, const struct bc_expr *map, const struct bc_expr *call);
int cg_map_delete(struct cg *c, const struct bc_expr *call, struct cg_val *out);
int cg_map_has_key(struct cg *c, const struct bc_expr *call, struct cg_val *out);
/* @m++ etc. */
int cg_map_incdec(struct cg *c, const struct bc_expr *e, const struct bc_expr *map,
		  struct cg_val *out);
LLVMValueRef cg_update(struct cg *c, const char *map, LLVMValueRef key, LLVMValueRef val);

/* ---- codegen_len.c ---- */

int cg_map_len(struct cg *c, const struct bc_expr *call, struct cg_val *out);

/* ---- codegen_async.c ---- */

/* printf/system/cat (createFormatStringCall) */
int cg_fmt_call(struct cg *c, const struct bc_expr *call, const char *name, uint64_t id);
int cg_print(struct cg *c, const struct bc_expr *call);
int cg_map_event(struct cg *c, const struct bc_expr *call, const char *what, uint64_t action);
int cg_time(struct cg *c, const struct bc_expr *call);
int cg_exit(struct cg *c, const struct bc_expr *call);
int cg_perf_output(struct cg *c, LLVMValueRef data, uint64_t size);
/* CreateOutput: the event DATA of SIZE bytes, by ring buffer (0.19+ with
 * opts->ringbuf, with the loss counter) or perf event; SP locates the
 * slots the output itself needs. */
int cg_output(struct cg *c, LLVMValueRef data, uint64_t size, const struct bc_span *sp);

/* ---- codegen_str.c ---- */

int cg_tuple(struct cg *c, const struct bc_expr *e, struct cg_val *out);
/* string ==/!= and strncmp: CreateStrncmp over two operands */
int cg_strcmp(struct cg *c, const struct bc_expr *l, const struct bc_expr *r, uint64_t n,
	      bool n_is_min, bool inverse, struct cg_val *out);
int cg_strcontains(struct cg *c, const struct bc_expr *l, const struct bc_expr *r,
		   struct cg_val *out);
int cg_str_literal(struct cg *c, const struct bc_expr *e, struct cg_val *out);
int cg_ternary(struct cg *c, const struct bc_expr *e, struct cg_val *out);

/* bpftrace's id of the current probe (get_probe_id); -ENOMEM. */
int cg_probe_id(struct cg *c);

/* ---- codegen_stack.c ---- */

/* kstack/ustack of 0.21+ (bpf_get_stack): the value is memory. */
int cg_stack_get(struct cg *c, const struct bc_expr *e, bool ustack, struct cg_val *out);

/* ---- codegen_buf.c, codegen_join.c ---- */

int cg_buf_022(struct cg *c, const struct bc_expr *call, struct cg_val *out);
int cg_join_021(struct cg *c, const struct bc_expr *call, struct cg_val *out);
/* join()'s event head in DATA (AsyncAction::join and the join id, every
 * version) and the `join_r0` alloca the argument pointers are read into. */
int cg_join_head(struct cg *c, LLVMValueRef data, const struct bc_expr *call, LLVMValueRef *arr);

/* ---- codegen_usdt.c ---- */

/* The programs of the current USDT attach point; START: the async ids
 * each starts from. */
int cg_usdt_attach(struct cg *c, const char *pname, const struct cg_ids *start);
/* argN of a USDT probe (E is the builtin). */
int cg_usdt_arg(struct cg *c, const struct bc_expr *e, struct cg_val *out);

/* ---- codegen_walk.c ---- */

/* Called for every expression (pre-order); true stops the walk. */
typedef bool (*cg_walk_fn)(const struct bc_expr *e, void *ctx);
/* Walks the predicate and body of P; true when FN stopped it. */
bool cg_walk_probe(const struct bc_probe *p, cg_walk_fn fn, void *ctx);
/* The same, descending into the expanded bodies of macro uses (SEMA). */
bool cg_walk_probe_sema(const struct bc_probe *p, const struct bc_sema *sema, cg_walk_fn fn,
			void *ctx);
/* Whether P uses builtin NAME (CALL false) or calls function NAME. */
bool cg_probe_uses(const struct bc_probe *p, const char *name, bool call);
bool cg_probe_uses_sema(const struct bc_probe *p, const struct bc_sema *sema, const char *name,
			bool call);
/* The name of bpftrace's stack map for a kstack/ustack type. */
void cg_stack_map_name(const struct bc_stype *t, char *buf, size_t n);

/* ---- codegen_macro.c ---- */

/* visit(BlockExpr): the statements, then the value of the last expression. */
int cg_block_value(struct cg *c, const struct bc_block *b, struct cg_val *out);
/* When E is a use of a script macro: generates its expanded body into OUT
 * (the result in *ERR) and returns true. */
bool cg_macro_use(struct cg *c, const struct bc_expr *e, struct cg_val *out, int *err);
/* visit(IfExpr): an if as an expression (no value, or an integer). */
int cg_if_value(struct cg *c, const struct bc_expr *e, struct cg_val *out);

/* ---- codegen_for.c ---- */

/* for ($kv : @m) / for ($i : lo..hi): the body as a callback (0.21+). */
int cg_for(struct cg *c, const struct bc_stmt *st);

/* ---- codegen_unwatch.c ---- */

int cg_unwatch(struct cg *c, const struct bc_expr *call);

/* ---- codegen_names.c ---- */

/* syscall_name() / signal_name() of 0.25+; *HANDLED false for another call. */
int cg_name_call(struct cg *c, const struct bc_expr *call, struct cg_val *out, bool *handled);

/* ---- codegen_getopt.c ---- */

int cg_getopt(struct cg *c, const struct bc_expr *call, struct cg_val *out);

/* ---- codegen_hist.c ---- */

LLVMValueRef cg_log2_fn(struct cg *c);
LLVMValueRef cg_linear_fn(struct cg *c);

#endif
