/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel types from BTF (libbpf btf__*): struct/union layouts, C type names,
 * function prototypes (fentry/fexit args), trace_event_raw_<name> structs,
 * enum constants and "does the kernel have FUNC N". A handle is cheap to
 * open: the BTF is parsed on the first query, once (the vmlinux BTF is
 * several MB). Results are cached per handle, and across runs when a
 * persistent cache is set (bc_btf_set_cache).
 *
 * Conversion to sized types follows bpftrace's BTF::get_stype and
 * resolve_fields: modifiers and typedefs are skipped; ints keep their width
 * and sign (bool encodings become bool from 0.24, uint8 before); enums are
 * unsigned integers of their size; char-sized integer arrays become
 * string[N], other arrays array; pointers point to the (unresolved, by name)
 * pointee; anonymous struct/union members are flattened into the parent at
 * their offset; bitfields keep the byte offset of their first bit, the bit
 * within it and the width.
 */
#ifndef BC_TYPES_BTF_TYPES_H
#define BC_TYPES_BTF_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stype.h"

#define BC_BTF_VMLINUX "/sys/kernel/btf/vmlinux"

struct bc_btf;

/*
 * A handle on the BTF at PATH (NULL: the running kernel's
 * /sys/kernel/btf/vmlinux). Nothing is read yet. NULL + ENOMEM.
 */
struct bc_btf *bc_btf_open(const char *path);
/*
 * The kernel BTF a run reads: the file PATH (--btf FILE) when not NULL,
 * else SOURCE's (analyzer/target/source.h: the running kernel's
 * /sys/kernel/btf/vmlinux, or a target file's .BTF, decompressed and read
 * from memory on the first lookup the cache cannot answer; SOURCE must
 * outlive the handle), with the persistent cache in CACHE_DIR (NULL:
 * none), which keys a target file's answers on the file's identity. NULL +
 * ENOENT when there is none, ENOMEM.
 */
struct bc_source;
struct bc_btf *bc_btf_open_from(const char *path, struct bc_source *source,
				const char *cache_dir);
void bc_btf_close(struct bc_btf *b);
/* Parses the file if not yet done: 0, or the negative errno of the failure (kept). */
int bc_btf_load(struct bc_btf *b);
/* The file read, or the name of in-memory BTF. */
const char *bc_btf_path(const struct bc_btf *b);
/* The libbpf object (after bc_btf_load), for callers that need raw access. */
const struct btf *bc_btf_raw(struct bc_btf *b);
/*
 * C definitions of the typedefs NAMES (and the types they need), as
 * libbpf's btf_dump writes them: what bpftrace's generated BTF header holds
 * for "unknown type name" errors (ClangParser::resolve_unknown_typedefs_from_btf).
 * Heap text; NULL when BTF defines none of them (or on failure).
 */
char *bc_btf_typedef_defs(struct bc_btf *b, const char *const *names, size_t n);

/*
 * The struct or union NAME ("struct task_struct", "union bpf_attr"; a bare
 * "task_struct" tries struct then union; a typedef name resolves to what it
 * names) as a C-struct type with its layout resolved. New reference; NULL +
 * ENOENT when BTF has no such complete type, or the load error.
 */
struct bc_stype *bc_btf_struct(struct bc_btf *b, const char *name, int bt_version);

/*
 * A C type written as text ("unsigned int", "pid_t", "const char *",
 * "struct sock *", "u8"), converted as bpftrace converts BTF types. Struct
 * types are returned unresolved (by name and size); call bc_btf_struct for
 * the layout. NULL + ENOENT when the name is unknown.
 */
struct bc_stype *bc_btf_type_by_name(struct bc_btf *b, const char *c_type, int bt_version);
/* Type ID of BTF as a sized type (0 = void). */
struct bc_stype *bc_btf_type_by_id(struct bc_btf *b, uint32_t id, int bt_version);

/* A function prototype (fentry/fexit `args`, return type). */
struct bc_btf_param {
	char *name;
	struct bc_stype *type;
};

struct bc_btf_func {
	char *name;
	struct bc_btf_param *params;
	size_t nr_params;
	struct bc_stype *ret;		/* BC_ST_VOID for void functions */
};

/* 0, -ENOENT (no BTF_KIND_FUNC named NAME), -EINVAL (no prototype), or a load error. */
int bc_btf_func(struct bc_btf *b, const char *name, int bt_version, struct bc_btf_func *out);
void bc_btf_func_free(struct bc_btf_func *f);
/*
 * The `args` struct of fentry/fexit NAME as bpftrace builds it: one field per
 * parameter at 8-byte steps of the context, and for fexit (WITH_RETVAL) a
 * "$retval" field after them. NULL + errno as bc_btf_func, or E2BIG when the
 * function has more parameters than bpftrace 0.17 accepts (6).
 */
struct bc_stype *bc_btf_func_args(struct bc_btf *b, const char *name, bool with_retval,
				  int bt_version);
/*
 * The `args` struct of rawtracepoint EVENT (bpftrace 0.24+,
 * resolve_raw_tracepoint_args): the parameters of __probestub_EVENT, else
 * __traceiter_EVENT, without the first (the tracepoint's void *__data), one
 * 8-byte context slot each. NULL with errno ENOENT when BTF has neither.
 */
struct bc_stype *bc_btf_rawtp_args(struct bc_btf *b, const char *event, int bt_version);

/* Whether BTF has a function (BTF_KIND_FUNC) NAME, e.g. bpf_map_sum_elem_count. */
bool bc_btf_has_func(struct bc_btf *b, const char *name);
/* The same: 1 it has, 0 it has not, or the negative errno of loading the BTF. */
int bc_btf_find_func(struct bc_btf *b, const char *name);

/*
 * The value of the enum constant NAME (when several enums define it, one of
 * them, the same on every run): 1 and *VALUE set, 0 when no enum of the BTF
 * has it, or the negative errno of loading the BTF.
 */
int bc_btf_enum_value(struct bc_btf *b, const char *name, int64_t *value);

/*
 * Keeps the answers of B's lookups in the persistent cache in DIR
 * (btf_cache.h; NULL or "": none), and answers from it what earlier runs
 * asked of the same BTF file, without reading the BTF. Results are the same
 * with and without the cache. Written when B is closed. 0 or -EINVAL.
 */
int bc_btf_set_cache(struct bc_btf *b, const char *dir);
/* Whether B has read its BTF file (answers from the cache do not). */
bool bc_btf_is_loaded(const struct bc_btf *b);

/*
 * struct trace_event_raw_<EVENT> as a tracepoint args struct: the `ent`
 * header flattened into common_* fields (is_common), `__data_loc_X` members
 * as X (is_data_loc, read as an int64) and the trailing __data[] dropped.
 * Named "struct _tracepoint_<CATEGORY>_<EVENT>" as bpftrace names the args
 * struct. NULL + ENOENT when BTF has none (syscall tracepoints never do).
 */
struct bc_stype *bc_btf_tracepoint_struct(struct bc_btf *b, const char *category,
					  const char *event, int bt_version);

#endif
