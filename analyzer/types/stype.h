/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sized types: bpftrace's SizedType model (src/types.h), per target version.
 *
 * A type is an immutable, reference-counted value. Constructors return a new
 * reference (NULL + errno on failure) and CONSUME the references passed to
 * them (element types, pointees, tuple fields), so types nest:
 *
 *	t = bc_stype_pointer(bc_stype_cstruct("struct task_struct", 9792, false, NULL),
 *			     BC_AS_KERNEL);
 *
 * A NULL argument makes the constructor return NULL with errno unchanged, so
 * an allocation failure deep inside a nested call surfaces once at the top.
 * Drop a reference with bc_stype_put(); take one with bc_stype_get().
 *
 * Sizes and alignments are those of the LLVM type bpftrace generates for the
 * value (IRBuilderBPF::GetType): byte arrays (string, buffer, inet, usym,
 * timestamp, macaddr, cgroup_path) and C structs are [N x i8] with alignment
 * 1; tuples and records are non-packed LLVM structs with natural alignment, so
 * (int64, string[6], string[64]) is {i64,[6 x i8],[64 x i8]} = 80 bytes.
 * This is what a stack slot holding the value occupies. (bpftrace 0.17/0.18
 * computed its own tuple offsets with 4-byte alignment for byte arrays; LLVM's
 * layout, used here, is what the generated code allocates; bpftrace 0.19
 * aligned its own rule with it in 64048acb9.)
 */
#ifndef BC_TYPES_STYPE_H
#define BC_TYPES_STYPE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/version.h"

enum bc_stype_kind {
	BC_ST_NONE = 0,		/* no value / unresolved */
	BC_ST_VOID,
	BC_ST_INT,
	BC_ST_BOOL,
	BC_ST_ENUM,		/* an integer with an enum name (HEAD) */
	BC_ST_STRING,
	BC_ST_BUFFER,
	BC_ST_INET,
	BC_ST_USYM,
	BC_ST_KSYM,
	BC_ST_KSTACK,
	BC_ST_USTACK,
	BC_ST_TIMESTAMP,
	BC_ST_CGROUP_PATH,
	BC_ST_MACADDR,
	BC_ST_PROBE,
	BC_ST_USERNAME,
	BC_ST_STRERROR,
	BC_ST_STACK_MODE,
	BC_ST_TIMESTAMP_MODE,
	BC_ST_TUPLE,
	BC_ST_RECORD,		/* named fields: "(a = 1, b = 2)" records (0.25+) */
	BC_ST_ARRAY,
	BC_ST_POINTER,
	BC_ST_CSTRUCT,		/* C struct or union, by name */
	/* aggregation values (map values only) */
	BC_ST_COUNT,
	BC_ST_SUM,
	BC_ST_MIN,
	BC_ST_MAX,
	BC_ST_AVG,
	BC_ST_STATS,
	BC_ST_HIST,
	BC_ST_LHIST,
	BC_ST_TSERIES,
	BC_ST__COUNT
};

enum bc_addrspace {
	BC_AS_NONE = 0,
	BC_AS_KERNEL,
	BC_AS_USER,
};

enum bc_stack_mode {
	BC_STACK_BPFTRACE = 0,
	BC_STACK_PERF,
	BC_STACK_RAW,		/* 0.21+ */
	BC_STACK_BUILD_ID,	/* 0.25+: frames are struct bpf_stack_build_id (32 B) */
};

struct bc_stype;

/* A field of a tuple, record, C struct/union or tracepoint args struct. */
struct bc_field {
	char *name;		/* NULL for tuple elements */
	struct bc_stype *type;
	uint32_t offset;	/* bytes from the start of the outer type */
	uint16_t bit_offset;	/* bitfields: first bit, counted from offset (LSB first) */
	uint16_t bit_width;	/* 0: not a bitfield */
	bool is_data_loc;	/* tracepoint __data_loc field (read as a u64) */
	bool is_common;		/* tracepoint common_* header field */
};

/* The fields of a composite, shared (reference-counted) between types. */
struct bc_layout {
	unsigned refs;
	uint32_t size;		/* bytes */
	uint32_t align;		/* C alignment (C structs), LLVM alignment (tuples) */
	bool is_union;
	bool padded;		/* tuples: the natural layout inserted padding */
	struct bc_field *fields;
	size_t nr_fields, cap_fields;
};

struct bc_stype {
	enum bc_stype_kind kind;
	unsigned refs;
	uint32_t size;		/* bytes */
	uint32_t align;		/* LLVM alignment of bpftrace's IR type */
	bool is_signed;		/* ints, enums, sum/min/max/avg/stats */
	/*
	 * The size follows from the script or its settings (strlen, literal
	 * lengths, the types flowing into a tuple), not from a fixed rule:
	 * str(), buf(), path(), tuples holding such a value, ...
	 */
	bool script_dependent;
	enum bc_addrspace as;
	char *name;		/* C struct/union ("struct task_struct"), enum */
	struct bc_stype *elem;	/* array element, pointee */
	uint32_t nelems;	/* arrays */
	struct bc_layout *layout; /* tuple, record; C struct when resolved (else NULL) */
	/* kstack/ustack */
	uint32_t stack_limit;
	enum bc_stack_mode stack_mode;
	bool stack_in_memory;	/* 0.21+: a key or the frames in memory, not an id */
};

struct bc_stype *bc_stype_get(struct bc_stype *t);
/*
 * The count of a type that is never freed and never written after it is
 * built (a static shared by every thread, as sema's "none"): get and put
 * leave it alone, so threads can share it without atomic counts.
 */
#define BC_STYPE_IMMORTAL	UINT_MAX
void bc_stype_put(struct bc_stype *t);

struct bc_stype *bc_stype_none(void);
struct bc_stype *bc_stype_void(void);
/* BYTES is 1, 2, 4, 8 (or 16); -EINVAL otherwise. */
struct bc_stype *bc_stype_int(uint32_t bytes, bool is_signed);
struct bc_stype *bc_stype_bool(void);
struct bc_stype *bc_stype_enum(uint32_t bytes, const char *name);
struct bc_stype *bc_stype_string(uint32_t size);
struct bc_stype *bc_stype_buffer(uint32_t size);	/* total size, header included */
struct bc_stype *bc_stype_inet(uint32_t size);
struct bc_stype *bc_stype_usym(void);			/* 16 */
struct bc_stype *bc_stype_ksym(void);			/* 8 */
struct bc_stype *bc_stype_timestamp(void);		/* 16 */
struct bc_stype *bc_stype_cgroup_path(void);		/* 16 */
struct bc_stype *bc_stype_macaddr(void);		/* 6 */
struct bc_stype *bc_stype_probe(void);			/* 8 (an id) */
struct bc_stype *bc_stype_username(void);		/* 8 (a uid) */
struct bc_stype *bc_stype_strerror(void);		/* 8 (an errno) */
struct bc_stype *bc_stype_stack_mode(void);
struct bc_stype *bc_stype_timestamp_mode(void);
/*
 * kstack/ustack as bpftrace BT_VERSION sizes it (src/types.cpp CreateStack):
 *   0.17-0.18: 8 / 8 (a stack id);  0.19-0.20: 8 / 16;
 *   0.21-0.22: 12 / 20 (stack key); 0.23-0.24: 16 / 24 (padded key);
 *   0.25+: the frames themselves, limit * elem + 8 / + 16
 *          (elem 8, or 32 in build_id mode): 1024 / 1032 at the default 127.
 * LIMIT 0 means the default (127).
 */
struct bc_stype *bc_stype_stack(bool kernel, int bt_version, uint32_t limit,
				enum bc_stack_mode mode);
/* Aggregation value types: count, sum, min, max, avg, stats, hist, lhist, tseries. */
struct bc_stype *bc_stype_agg(enum bc_stype_kind kind, bool is_signed);
/* Tuple of N fields; consumes ELEMS[i] (and on failure too). N may be 0. */
struct bc_stype *bc_stype_tuple(struct bc_stype **elems, size_t n);
/* Record (named tuple); NAMES are copied, ELEMS consumed. */
struct bc_stype *bc_stype_record(const char *const *names, struct bc_stype **elems, size_t n);
struct bc_stype *bc_stype_array(struct bc_stype *elem, uint32_t nelems);
struct bc_stype *bc_stype_pointer(struct bc_stype *pointee, enum bc_addrspace as);
/*
 * C struct or union NAME ("struct task_struct", "union bpf_attr"), SIZE bytes.
 * LAYOUT (consumed, may be NULL) holds its fields when resolved.
 */
struct bc_stype *bc_stype_cstruct(const char *name, uint32_t size, bool is_union,
				  struct bc_layout *layout);

/* Copies with one property changed. They consume T. */
struct bc_stype *bc_stype_with_as(struct bc_stype *t, enum bc_addrspace as);
struct bc_stype *bc_stype_with_script_dependent(struct bc_stype *t, bool dep);
struct bc_stype *bc_stype_with_sign(struct bc_stype *t, bool is_signed);

/* Layouts (C structs, tracepoint args). Fields are appended in order. */
struct bc_layout *bc_layout_new(uint32_t size, uint32_t align, bool is_union);
struct bc_layout *bc_layout_get(struct bc_layout *l);
void bc_layout_put(struct bc_layout *l);
/* Appends a field (NAME copied, TYPE consumed). Returns it, NULL + ENOMEM. */
struct bc_field *bc_layout_add(struct bc_layout *l, const char *name, struct bc_stype *type,
			       uint32_t offset);
const struct bc_field *bc_layout_field(const struct bc_layout *l, const char *name);

/* Field NAME of a tuple/record/resolved C struct; NULL when absent. */
const struct bc_field *bc_stype_field(const struct bc_stype *t, const char *name);

bool bc_stype_is_int_like(const struct bc_stype *t);	/* int, bool, enum */
bool bc_stype_is_byte_array(const struct bc_stype *t);	/* bpftrace IsByteArray() */
bool bc_stype_is_aggregation(const struct bc_stype *t);	/* count ... tseries */
bool bc_stype_is_stack(const struct bc_stype *t);
/* Stored by address in BPF (bpftrace IsAggregate(): arrays, byte arrays, tuples, records, C structs). */
bool bc_stype_is_aggregate(const struct bc_stype *t);

/*
 * Type equality as bpftrace's SizedType::IsEqual: kind, size, sign; C structs
 * by name and size; pointers by pointee; arrays by count and element; tuples
 * and records field by field. Address space and script dependence are not
 * part of a type's identity.
 */
bool bc_stype_equal(const struct bc_stype *a, const struct bc_stype *b);

/*
 * The name bpftrace BT_VERSION prints for T ("string[64]", "(int64,string[64])",
 * "struct task_struct *"). Integers print "unsigned int64" up to 0.21 and
 * "uint64" from 0.22. Heap string, NULL + ENOMEM.
 */
char *bc_stype_name(const struct bc_stype *t, int bt_version);
/*
 * The name of the LLVM struct bpftrace gives a tuple (or, 0.25+, a record):
 * each field's printed name followed by "_", then "_tuple_t" ("_record_t"):
 * "int64_string[6]_string[64]__tuple_t". NULL + EINVAL for other kinds.
 */
char *bc_stype_llvm_name(const struct bc_stype *t, int bt_version);

const char *bc_stype_kind_name(enum bc_stype_kind k);

#endif
