/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bpftrace builtin variables and functions, per version: which versions have
 * them, argument counts and kinds, result type and size, the probe types that
 * accept them, aggregation / async / unsafe flags. Also the probe providers
 * and the BPF map type a map gets.
 *
 * Sources: bpftrace src/lexer.l (0.17-0.25 word lists),
 * src/ast/passes/semantic_analyser.cpp (0.17-0.24: visit(Builtin),
 * visit(Call), check_available, CALL_SPEC), src/ast/passes/types/pre_type_check.cpp
 * (0.25+), docs/reference_guide.md @v0.17.0 and docs/stdlib.md (0.24+),
 * src/types.{h,cpp}, src/imap.cpp / get_bpf_map_type.
 *
 * A name may have several rows with disjoint version ranges when its rules
 * changed (e.g. pid is uint64 before 0.22 and uint32 from 0.22).
 */
#ifndef BC_SCRIPT_BUILTINS_H
#define BC_SCRIPT_BUILTINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/script/profile.h"
#include "analyzer/types/stype.h"

/* Probe types (bpftrace ProbeType; kfunc/kretfunc are fentry/fexit from 0.22). */
enum bc_probe_type {
	BC_PROBE_INVALID = 0,
	BC_PROBE_BEGIN,		/* BEGIN/END/self/test/bench are bpftrace's "special" */
	BC_PROBE_END,
	BC_PROBE_SELF,		/* 0.22+ */
	BC_PROBE_TEST,		/* 0.25+ */
	BC_PROBE_BENCH,		/* 0.24+ */
	BC_PROBE_KPROBE,
	BC_PROBE_KRETPROBE,
	BC_PROBE_UPROBE,
	BC_PROBE_URETPROBE,
	BC_PROBE_USDT,
	BC_PROBE_TRACEPOINT,
	BC_PROBE_RAWTRACEPOINT,	/* 0.18+ */
	BC_PROBE_PROFILE,
	BC_PROBE_INTERVAL,
	BC_PROBE_SOFTWARE,
	BC_PROBE_HARDWARE,
	BC_PROBE_WATCHPOINT,
	BC_PROBE_ASYNCWATCHPOINT, /* until 0.24 */
	BC_PROBE_KFUNC,		/* fentry */
	BC_PROBE_KRETFUNC,	/* fexit */
	BC_PROBE_ITER,
	BC_PROBE__COUNT
};

#define BC_PROBE_BIT(pt)	(1u << (pt))

/*
 * The probe type of provider PROVIDER ("kprobe", "k", "fentry", "BEGIN", ...)
 * in bpftrace VERSION: short names and aliases as that version's PROBE_LIST
 * has them; case-insensitive from 0.24 (where "begin"/"end" are canonical).
 * BC_PROBE_INVALID when the version does not know it.
 */
enum bc_probe_type bc_probe_type_parse(const char *provider, int version);
/* Canonical provider name in VERSION ("kfunc" before 0.22, "fentry" after). */
const char *bc_probe_type_name(enum bc_probe_type pt, int version);

enum bc_builtin_kind {
	BC_BI_VAR = 0,		/* pid, comm, arg0, ... */
	BC_BI_FUNC,		/* printf(...), count(), ... */
};

/* What an argument must be. */
enum bc_arg_kind {
	BC_ARG_ANY = 0,
	BC_ARG_INT,
	BC_ARG_STRING,
	BC_ARG_PTR,
	BC_ARG_INT_OR_PTR,
	BC_ARG_INT_STR_ARRAY,	/* integer, string or array (ntop, buf, macaddr: + ptr) */
	BC_ARG_MAP,		/* a map, keyed element allowed (delete(@m[k]) <= 0.23) */
	BC_ARG_MAP_NOKEY,	/* a whole map, not indexed (clear, zero, print(@m), len) */
	BC_ARG_MAP_KEY,		/* a key for the map argument before it (0.24+ delete/has_key) */
	BC_ARG_FMT,		/* format string literal */
	BC_ARG_STACK_MODE,	/* bpftrace, perf, raw (identifier) */
	BC_ARG_STACK_MODE_OR_INT, /* kstack(mode) or kstack(limit) */
	BC_ARG_TIMESTAMP_MODE,	/* nsecs(boot|tai|sw_tai|monotonic) */
	BC_ARG_PID_NS,		/* pid(curr_ns|init), tid(...): a namespace name */
	BC_ARG_SIGNAL,		/* signal name string or number */
	BC_ARG_TYPE,		/* sizeof/offsetof: a type name or an expression */
	BC_ARG_FIELD,		/* offsetof: a field path */
};

/* The result type, computed by bc_builtin_result(). */
enum bc_result {
	BC_RES_NONE = 0,	/* no value: a statement (printf, exit, clear, ...) */
	BC_RES_U64,
	BC_RES_U32,
	BC_RES_U8,
	BC_RES_I64,
	BC_RES_BOOL,		/* bool (0.24+), uint8/uint64 before where noted */
	BC_RES_COMM,		/* string[16] */
	BC_RES_STR,		/* str(): string[max_strlen], script-dependent */
	BC_RES_PATH,		/* path(): string[max_strlen] */
	BC_RES_BUF,		/* buf(): buffer[n + header] */
	BC_RES_INET,		/* ntop(): inet[24] */
	BC_RES_PTON,		/* pton(): uint8[4] / uint8[16] */
	BC_RES_KSYM,
	BC_RES_USYM,
	BC_RES_FUNC,		/* func: ksym or usym by probe type */
	BC_RES_KSTACK,
	BC_RES_USTACK,
	BC_RES_TIMESTAMP,	/* strftime() */
	BC_RES_CGROUP_PATH,
	BC_RES_MACADDR,
	BC_RES_PROBE,		/* probe: an id (<= 0.22), string[longest name + 1] (0.23+) */
	BC_RES_USERNAME,
	BC_RES_STRERROR,
	BC_RES_CURTASK,		/* struct task_struct * */
	BC_RES_CTX,		/* pointer to the program context struct */
	BC_RES_PROBE_ARGS,	/* args: tracepoint format / BTF / DWARF (the caller's) */
	BC_RES_RETVAL,		/* uint64 (k/uretprobe); BTF return type (kretfunc: the caller's) */
	BC_RES_ARGN,		/* argN / sargN: uint64 in the probe's address space */
	BC_RES_ARG0_TYPE,	/* kptr/uptr: argument 0's type in kernel/user space */
	BC_RES_BSWAP,		/* unsigned integer of argument 0's width */
	BC_RES_UADDR,		/* pointer to an integer sized by the symbol (user space) */
	BC_RES_AGG,		/* aggregation value (b->agg), sign of the value argument */
	BC_RES_GETOPT,		/* getopt(): bool, uint64, int64 or string[max_strlen] by the default */
};

enum bc_builtin_flag {
	BC_BIF_AGGREGATION	= 1u << 0,	/* count, sum, ...: only as a map value */
	BC_BIF_ASYNC		= 1u << 1,	/* runs in user space after the event */
	BC_BIF_UNSAFE		= 1u << 2,	/* needs --unsafe */
	BC_BIF_COMPILE_TIME	= 1u << 3,	/* evaluated by bpftrace at compile time */
	BC_BIF_NUMBERED		= 1u << 4,	/* arg0..arg9, sarg0..sarg9 */
	BC_BIF_NEEDS_CHILD	= 1u << 5,	/* cpid: needs -c CMD */
	BC_BIF_STATEMENT	= 1u << 6,	/* its value cannot be used (printf, exit, ...) */
	BC_BIF_KEYWORD		= 1u << 7,	/* sizeof/offsetof from 0.18: parsed as keywords */
	BC_BIF_STDLIB		= 1u << 8,	/* 0.24+: a stdlib macro/function, not a core builtin */
	BC_BIF_ALSO_FUNC	= 1u << 9,	/* a variable that may also be called: nsecs(), comm() */
	BC_BIF_SCRIPT_DEP	= 1u << 10,	/* result size depends on the script/settings */
};

#define BC_BI_MAX_ARGSPEC 6

struct bc_builtin {
	const char *name;		/* "arg" / "sarg" with BC_BIF_NUMBERED */
	enum bc_builtin_kind kind;
	int since;			/* first version (0.17 = "0.17 or earlier") */
	int until;			/* first version without it; 0 = still present */
	int deprecated_since;		/* warns from this version; 0 = not deprecated */
	uint8_t min_args, max_args;	/* as the user writes it; max 255 = printf's 128+ */
	enum bc_arg_kind args[BC_BI_MAX_ARGSPEC]; /* per position; the last repeats */
	uint8_t literal_mask;		/* bit i: argument i must be a literal */
	enum bc_result result;
	enum bc_stype_kind agg;		/* BC_RES_AGG: count ... tseries */
	uint32_t probes;		/* BC_PROBE_BIT mask of allowed probes; 0 = any */
	uint32_t flags;			/* enum bc_builtin_flag */
	const char *summary;
};

/*
 * The row for NAME in bpftrace VERSION (numbered names "arg3", "sarg0" match
 * their row: one digit before 0.24, any number from 0.24 for argN).
 * NULL when VERSION does not have it (see bc_builtin_find_any).
 */
const struct bc_builtin *bc_builtin_find(const char *name, enum bc_builtin_kind kind, int version);
/*
 * Any row for NAME regardless of version: the one nearest to VERSION (for
 * "added in 0.20" / "removed in 0.25" messages). NULL: bpftrace never had it.
 */
const struct bc_builtin *bc_builtin_find_any(const char *name, enum bc_builtin_kind kind,
					     int version);
size_t bc_builtins_count(void);
const struct bc_builtin *bc_builtin_at(size_t i);

bool bc_builtin_probe_allowed(const struct bc_builtin *b, enum bc_probe_type pt);
bool bc_builtin_arg_literal(const struct bc_builtin *b, size_t i);
enum bc_arg_kind bc_builtin_arg_kind(const struct bc_builtin *b, size_t i);
/* Counts as written: 0 when the row accepts N arguments, else -EINVAL. */
int bc_builtin_check_nargs(const struct bc_builtin *b, size_t n);

/* One argument of a use, as far as the caller knows it. */
struct bc_builtin_arg {
	struct bc_stype *type;		/* NULL: unknown (not consumed) */
	bool is_literal;
	bool has_int;			/* integer literal value known */
	int64_t ival;
	const char *sval;		/* string literal value, or a stack-mode word */
};

struct bc_builtin_use {
	enum bc_probe_type probe;	/* of the enclosing probe */
	const struct bc_builtin_arg *args;
	size_t nargs;
	const char *probe_name;		/* full probe name (for `probe` 0.23+), may be NULL */
	uint32_t ident_number;		/* N of argN/sargN */
};

/*
 * The type of a use of B under profile P (sizes per version and settings).
 * Returns a new reference. NULL + ENODATA: the type comes from the probe's
 * own data (args, kretfunc retval), which the caller resolves from
 * tracepoint formats, BTF or DWARF. NULL + EINVAL: the use cannot type
 * (e.g. pton() of a non-address). NULL + ENOMEM.
 * Statements (BC_RES_NONE) give a BC_ST_NONE type.
 */
struct bc_stype *bc_builtin_result(const struct bc_builtin *b, const struct bc_bt_profile *p,
				   const struct bc_builtin_use *use);

/* Address space of values read in probe PT (bpftrace find_addrspace). */
enum bc_addrspace bc_probe_addrspace(enum bc_probe_type pt);

/*
 * BPF map type bpftrace VERSION gives a map (enum bpf_map_type values):
 * 0.17-0.24: keyless count() -> PERCPU_ARRAY, other aggregations (and keyed
 * count) -> PERCPU_HASH, everything else -> HASH; 0.25+ (#4835): no array
 * maps, so keyless count() -> PERCPU_HASH too. VALUE is the value's kind
 * (BC_ST_COUNT ... BC_ST_TSERIES for aggregations, anything else otherwise).
 */
int bc_bpftrace_map_type(int version, bool keyless, enum bc_stype_kind value);
/* Whether clear()/delete() remove the entry (false: array map, zeroed, still printed). */
bool bc_bpftrace_map_clearable(int version, bool keyless, enum bc_stype_kind value);

#endif
