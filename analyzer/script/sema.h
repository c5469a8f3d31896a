/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Semantic analysis of a parsed bpftrace script for one target bpftrace
 * version: the type and size of every expression (expr->type), the map
 * table (key and value types, aggregation, BPF map type, every use with its
 * span), variables and their scopes, probe contexts (args, retval, argN, ctx)
 * and the settings that decide sizes (strlen, on_stack_limit; environment and
 * the script's config block).
 *
 * It reports what the target bpftrace would refuse as BC102 (semantic-error)
 * and every type it had to guess (no BTF, no DWARF, a struct from a header)
 * as BC101 (unknown-type) with the assumption it made; analysis continues
 * after both.
 *
 * The rules mirror bpftrace's semantic analyser (src/ast/passes/
 * semantic_analyser.cpp, 0.17-0.24; the type resolver from 0.25). Like
 * bpftrace, analysis runs in passes until map and variable types settle, so a
 * map may be read in a probe that comes before the one that assigns it.
 *
 * After bc_sema_run, expr->type of every analysed expression points to a type
 * owned by the result; expr->sema of a BC_EXPR_MAP is its struct
 * bc_sema_map, of a BC_EXPR_VAR its struct bc_sema_var. Both stay valid until
 * bc_sema_free (which must come before bc_script_free).
 */
#ifndef BC_SCRIPT_SEMA_H
#define BC_SCRIPT_SEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/diag.h"
#include "analyzer/script/ast.h"
#include "analyzer/script/builtins.h"
#include "analyzer/script/profile.h"
#include "analyzer/types/stype.h"

struct bc_unit;
struct bc_btf;
struct bc_target;

/* An error of clang's parse of the script's C definitions (bpftrace then
 * refuses the script): "FILE:LINE:COL: MESSAGE", and the line of the
 * preamble whose #include led to it (0: none). */
struct bc_header_error {
	const char *text;
	unsigned line;
};

/* What bc_sema_opts.header_eval found: the integer value of NAMES[i]
 * when FOUND[i], the records the headers define, the #include'd headers
 * that were not found and clang's errors. */
struct bc_header_defs {
	const long long *values;
	const unsigned char *found;
	/* the struct or union NAME ("struct foo", "union bar", a typedef
	 * name) with its layout as clang computed it: a new reference, or
	 * NULL when the headers do not define it */
	struct bc_stype *(*record)(void *ctx, const char *name);
	void *record_ctx;
	char *const *missing;
	size_t nr_missing;
	const struct bc_header_error *errors;
	size_t nr_errors;
	/* the kernel headers bpftrace would look for and did not find
	 * ("/lib/modules/R/source, /lib/modules/R/build"); NULL when found */
	const char *no_kernel_headers;
};

struct bc_sema_opts {
	int bpftrace;			/* target version, BC_BTV(); 0 = 0.17 */
	const char *btf_path;		/* kernel BTF file; NULL = the source's (none without) */
	bool no_btf;			/* no kernel BTF at all (--btf none) */
	const char *cache_dir;		/* persistent BTF answers (btf_cache.h); NULL = none */
	struct bc_btf *btf;		/* an open handle to use instead (not owned) */
	/* where tracepoint formats (and, without BTF_PATH, the kernel BTF) come
	 * from (analyzer/target/source.h; not owned); NULL: the running
	 * system's tracefs at TRACEFS, and no BTF but BTF_PATH */
	struct bc_source *source;
	const char *tracefs;		/* NULL: /sys/kernel/tracing, then debugfs */
	/* a type guessed because the source has no tracepoint formats or no
	 * kernel BTF is not reported (BC101) but counted in the unit
	 * (u->kernel_gaps), for one BC105 for the whole run */
	bool kernel_gaps;
	char *const *envp;		/* BPFTRACE_* variables; NULL = environ */
	bool no_env;			/* ignore the environment entirely */
	bool have_child;		/* -c CMD given: cpid is valid */
	bool no_diags;			/* analyse but report nothing (after syntax errors) */
	/* positional parameters as they would be passed ($1 = params[0]); NULL = unknown */
	const char *const *params;
	size_t nr_params;
	/*
	 * Evaluates the script's C definitions as bpftrace does (its ClangParser
	 * runs clang on them): called at most once, when an #include is active,
	 * with PREAMBLE (the definitions, in order), the identifiers NAMES and
	 * the structs RECORDS that neither the script nor the kernel BTF define,
	 * and BTF (the kernel BTF sema reads, NULL without) for the typedefs
	 * bpftrace takes from it. It fills OUT (owned by CTX, valid until the
	 * run ends) and returns 0; non-zero leaves the identifiers and structs
	 * guessed (BC101). NULL: not evaluated. The script front end supplies
	 * clang's (analyzer/frontend/script_headers.h).
	 */
	int (*header_eval)(void *ctx, const char *preamble, const char *const *names, size_t n,
			   const char *const *records, size_t nr_records, struct bc_btf *btf,
			   struct bc_header_defs *out);
	void *header_eval_ctx;
};

/* Options from a target profile: its bpftrace version, BTF and source. */
void bc_sema_opts_from_target(struct bc_sema_opts *o, const struct bc_target *t);

/* ---- maps ---- */

enum bc_map_use_kind {
	BC_MAP_USE_ASSIGN = 1,	/* @m[k] = v, @m = v */
	BC_MAP_USE_COMPOUND,	/* @m += v (a read and a write) */
	BC_MAP_USE_INCDEC,	/* @m++, --@m */
	BC_MAP_USE_AGG,		/* @m = count() / sum() / hist() ... */
	BC_MAP_USE_READ,	/* the value is read: @m[k] in an expression */
	BC_MAP_USE_CLEAR,	/* clear(@m) */
	BC_MAP_USE_ZERO,	/* zero(@m) */
	BC_MAP_USE_DELETE,	/* delete(@m[k]) / delete(@m, k) / delete(@m) */
	BC_MAP_USE_LEN,		/* len(@m) */
	BC_MAP_USE_PRINT,	/* print(@m) */
	BC_MAP_USE_HAS_KEY,	/* has_key(@m, k) */
	BC_MAP_USE_FOR,		/* for ($kv : @m) */
	BC_MAP_USE_ADDR,	/* &@m */
	BC_MAP_USE_DECL,	/* let @m = hash(N); */
	BC_MAP_USE__COUNT
};

struct bc_sema_map_use {
	enum bc_map_use_kind kind;
	struct bc_span span;		/* the map expression (@m[k]) */
	struct bc_span stmt_span;	/* the call, assignment or statement it is part of */
	const struct bc_expr *expr;	/* the BC_EXPR_MAP (NULL for DECL) */
	const struct bc_expr *call;	/* BC_EXPR_CALL for function uses, else NULL */
	size_t item;			/* index in script->items of the probe/fn */
	size_t nr_keys;			/* keys written at this use */
	bool keyed;			/* written with [...] (or a key argument) */
};

/*
 * What the target bpftrace refuses about one map. Semantic analysis finds
 * these while it types the script and counts them in bc_sema_nr_errors; the
 * map rules report them (BC303 map-never-written, BC304 map-key-mismatch,
 * BC305 map-value-mismatch), so they are not BC102 findings.
 */
enum bc_map_issue_kind {
	BC_MAP_ISSUE_UNDEFINED = 1,	/* read, never assigned: "Undefined map: @m" */
	BC_MAP_ISSUE_KEYS,		/* "Argument mismatch for @m: ..." */
	BC_MAP_ISSUE_VALUE,		/* "Type mismatch for @m: ...", buffer/array/tuple sizes */
};

struct bc_sema_map_issue {
	enum bc_map_issue_kind kind;
	struct bc_span span;		/* the use bpftrace points at */
	char *message;			/* bpftrace's words */
	/* KEYS: the keys the map was first used with ("[unsigned int64]");
	 * VALUE: the value type it already holds ("int64"); else NULL */
	char *first;
};

struct bc_sema_map {
	const char *name;		/* without '@'; "" for @ */
	struct bc_span first_span;	/* first use in the text */
	struct bc_span key_span;	/* the use that fixed the keys (first in the text) */
	struct bc_span value_span;	/* the assignment that first typed the value */
	struct bc_sema_map_issue *issues;
	size_t nr_issues, cap_issues;
	/* keys: 0 = keyless (a scalar map, key 0 in BPF) */
	size_t nr_keys;
	struct bc_stype **key_types;	/* per position, as bpftrace stores them */
	struct bc_stype *key;		/* the BPF key: the single key, a tuple of them, or int64 0 */
	bool key_mismatch;		/* uses disagree on arity or types (reported) */
	/*
	 * The keys the previous pass derived (prev_fixed: it saw a use): what
	 * a use before the first keyed one in the text sees, as bpftrace's
	 * later passes do (a for loop over a map assigned after it).
	 */
	bool prev_fixed;
	size_t prev_nr_keys;
	struct bc_stype **prev_key_types;
	struct bc_stype *value;		/* BC_ST_NONE when never assigned */
	enum bc_stype_kind agg;		/* BC_ST_COUNT ... for aggregation maps, else BC_ST_NONE */
	bool plain_value;		/* assigned something that is not another map's aggregation */
	int bpf_map_type;		/* enum bpf_map_type this version picks */
	bool clearable;			/* clear()/delete() remove the entry (not an array map) */
	/* let @m = TYPE(N) (0.24+) */
	bool declared;
	const char *decl_type;
	uint64_t max_entries;		/* 0 = bpftrace's default */
	struct bc_sema_map_use *uses;
	size_t nr_uses, cap_uses;
};

/* ---- variables ---- */

struct bc_sema_var {
	const char *name;		/* without '$' */
	struct bc_span decl_span;	/* `let`, fn argument or first assignment */
	struct bc_span first_assign;	/* line 0 when never assigned */
	struct bc_stype *type;		/* BC_ST_NONE until assigned */
	size_t item;			/* probe/fn index in script->items */
	const struct bc_block *scope;	/* block that owns it (0.22+); NULL = whole probe/fn */
	bool is_let, is_fn_arg, is_loop_var;
	bool typed;			/* `let $x: TYPE` */
	size_t nr_assigns, nr_reads;
};

/* ---- probes ---- */

struct bc_sema_probe {
	size_t item;			/* index in script->items */
	const struct bc_probe *probe;
	enum bc_probe_type type;	/* of all attach points; INVALID when they differ */
	enum bc_probe_type first_type;	/* of the first attach point */
	struct bc_stype *args;		/* `args` as this version types it; NULL when none */
	bool args_guessed;		/* args could not be resolved (BC101) */
	bool kernel_gap;		/* something in it was guessed for want of the kernel */
	/* args of every matched tracepoint (wildcards); [0] is args itself */
	struct bc_stype **all_args;
	size_t nr_all_args, cap_all_args;
	char *name;			/* first attach point, as bpftrace names the probe */
};

struct bc_sema;

/*
 * Analyses S (parsed from U) for OPTS. Diagnostics go to U's sink. On success
 * *OUT is the result (also when it reported BC101/BC102); 0, or -ENOMEM /
 * -EINVAL (bad arguments). A script with syntax errors is analysed as far as
 * its error nodes allow; error nodes produce no diagnostics of their own.
 */
int bc_sema_run(struct bc_unit *u, struct bc_script *s, const struct bc_sema_opts *opts,
		struct bc_sema **out);
void bc_sema_free(struct bc_sema *sema);

/* The result attached to a unit by the script front end (NULL when none). */
const struct bc_sema *bc_sema_of(const struct bc_unit *u);
/* Attaches SEMA to U (the unit frees it before the AST). */
void bc_sema_attach(struct bc_unit *u, struct bc_sema *sema);

const struct bc_script *bc_sema_script(const struct bc_sema *s);
int bc_sema_version(const struct bc_sema *s);
/* Did the analysis read a binary's debug info (uprobe arguments)? Its
 * result then depends on that file, not on the script and target only. */
bool bc_sema_reads_binaries(const struct bc_sema *s);
const struct bc_bt_profile *bc_sema_profile(const struct bc_sema *s);
/* What the target bpftrace would refuse: BC102 errors and map issues
 * (0: it would accept the script). */
unsigned bc_sema_nr_errors(const struct bc_sema *s);
unsigned bc_sema_nr_guesses(const struct bc_sema *s);	/* BC101 notes */
bool bc_sema_has_btf(const struct bc_sema *s);
/* Whether a type the probe at script item ITEM uses, or a type outside the
 * probes, was guessed for want of the kernel (sema_opts.kernel_gaps). */
bool bc_sema_kernel_gap(const struct bc_sema *s, size_t item);

size_t bc_sema_nr_maps(const struct bc_sema *s);
const struct bc_sema_map *bc_sema_map_at(const struct bc_sema *s, size_t i);
const struct bc_sema_map *bc_sema_map_find(const struct bc_sema *s, const char *name);
/* The map of a BC_EXPR_MAP expression (NULL for other expressions). */
const struct bc_sema_map *bc_sema_expr_map(const struct bc_expr *e);
bool bc_sema_map_keyless(const struct bc_sema_map *m);
/* Uses of KIND (count); the first one in *FIRST when FIRST is not NULL. */
size_t bc_sema_map_uses(const struct bc_sema_map *m, enum bc_map_use_kind kind,
			const struct bc_sema_map_use **first);
/* Whether the program ever reads the map (reads, compound, ++, len, has_key, for). */
bool bc_sema_map_is_read(const struct bc_sema_map *m);
const char *bc_map_use_kind_name(enum bc_map_use_kind k);

size_t bc_sema_nr_vars(const struct bc_sema *s);
const struct bc_sema_var *bc_sema_var_at(const struct bc_sema *s, size_t i);
const struct bc_sema_var *bc_sema_expr_var(const struct bc_expr *e);
/* The struct (layout resolved) a BC_EXPR_FIELD reads its field from; NULL
 * when it is a tuple/record or the layout is unknown (code generation needs
 * the field's offset). */
const struct bc_stype *bc_sema_expr_record(const struct bc_expr *e);
/* The value of a BC_EXPR_IDENT naming an enum value (script or BTF); false
 * when it is not one (a guessed macro from a header). */
bool bc_sema_expr_ident_value(const struct bc_expr *e, int64_t *v);
/*
 * str() of a literal in bpftrace VERSION 0.24+ (c3c7813ef's literal folding,
 * fold_literals.cpp): str("abc"), str(12), str(-1) and str("abc", 2) are
 * the string literal they spell, with no read from memory. The folded bytes
 * (heap, NUL-terminated, *LEN without the NUL), or NULL when CALL does not
 * fold (errno ENOMEM when it does but memory ran out).
 */
char *bc_sema_str_fold(const struct bc_expr *call, int version, size_t *len);
/* The branch semantic analysis took for `if comptime COND` (0.25+): 1 the
 * then-block, 0 the else part, -1 both (not a resolved comptime condition). */
int bc_sema_comptime_branch(const struct bc_expr *cond);
/* The byte offset an offsetof() expression names; false when its layout
 * was not resolved. */
bool bc_sema_expr_offsetof(const struct bc_expr *e, uint64_t *v);
/* The macro body expanded for the use E (a call of a script macro, or an
 * identifier naming one of no arguments, 0.24+), typed at that use; NULL
 * when E is no macro use (analyzer/script/macro_expand.h). */
const struct bc_block *bc_sema_macro_body(const struct bc_sema *s, const struct bc_expr *e);

/* A struct or union NAME ("struct point") the analysis resolved with its
 * layout (from the script, a uprobe binary's DWARF or BTF), as a struct
 * value's printer sees it; NULL when it was not resolved. */
const struct bc_stype *bc_sema_struct(const struct bc_sema *s, const char *name);

size_t bc_sema_nr_probes(const struct bc_sema *s);
const struct bc_sema_probe *bc_sema_probe_at(const struct bc_sema *s, size_t i);
/* The probe of item ITEM (NULL for fns, macros, map declarations). */
const struct bc_sema_probe *bc_sema_probe_of_item(const struct bc_sema *s, size_t item);

/*
 * A stable text dump for tests: every typed expression in source order
 * ("L:C-L:C  text  : type"), then the maps and the variables. Heap string.
 */
char *bc_sema_dump(const struct bc_sema *s, const struct bc_unit *u);

#endif
