/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tracepoint `args`: the tracefs format file of a tracepoint
 * (<tracefs>/events/<category>/<event>/format) parsed into its field
 * declarations, and those typed into the args struct the way bpftrace does:
 *
 *  - 0.17-0.24 compile the declarations as a C struct (tracepoint_format_parser
 *    + clang): field types are the C types, except that an 8-byte "int" becomes
 *    s64 and an 8-byte "unsigned int"/"unsigned"/"u32"/"pid_t"/"uid_t"/"gid_t"
 *    u64 (adjust_integer_types); char arrays are string[N];
 *  - 0.25+ take each type from BTF and then force the file's size and
 *    signedness on non-array fields; "char" arrays are string[N];
 *  - __data_loc fields are int64 (the encoded location) flagged is_data_loc.
 *
 * Every field is kept, the common_* header included (args->common_pid is
 * valid in bpftrace); those are flagged is_common (`bpftrace -lv` lists only
 * the rest). When the format file cannot be read, the BTF struct
 * trace_event_raw_<event> is used (bc_btf_tracepoint_struct); syscall
 * tracepoints have none.
 */
#ifndef BC_TYPES_TRACEPOINT_H
#define BC_TYPES_TRACEPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btf_types.h"
#include "stype.h"

#define BC_TRACEFS_DEFAULT	"/sys/kernel/tracing"
#define BC_TRACEFS_DEBUGFS	"/sys/kernel/debug/tracing"

/* One "field:" line as written. */
struct bc_tp_decl {
	char *type;		/* "const char *", "__data_loc char[]", "char" for char comm[16] */
	char *name;		/* "comm" */
	int32_t array_len;	/* -1: not an array; 0: "[]"; N */
	bool array_symbolic;	/* [TASK_COMM_LEN]: a macro, length taken from size */
	uint32_t offset, size;
	bool is_signed;
	bool has_signed;	/* the line had "signed:" */
	bool is_common;		/* common_* header field */
	bool is_data_loc;	/* __data_loc (or __rel_loc) */
	unsigned line;		/* 1-based line in the file */
};

struct bc_tp_format {
	char *name;		/* "name:" line; NULL when absent */
	uint32_t id;
	bool has_id;
	struct bc_tp_decl *fields;
	size_t nr_fields;
};

struct bc_tp_error {
	unsigned line;		/* 0: not tied to a line */
	char msg[160];
};

/*
 * Parses format file TEXT (LEN bytes, need not be NUL-terminated). 0, or
 * -EINVAL with ERR (may be NULL) naming the first bad line: a "field:" line
 * without its offset/size, numbers that are not numbers or too large, a
 * declaration with no name, a duplicate field, no fields at all. -ENOMEM.
 */
int bc_tp_format_parse(const char *text, size_t len, struct bc_tp_format *out,
		       struct bc_tp_error *err);
struct bc_source;

/*
 * Reads and parses the format of CATEGORY:EVENT from SRC (the running
 * system's tracefs, or a target file: analyzer/target/source.h). -EINVAL for
 * names with '/' or "..", -ENOENT / -EACCES / ... when the source has none,
 * or as bc_tp_format_parse.
 */
int bc_tp_format_read(struct bc_source *src, const char *category, const char *event,
		      struct bc_tp_format *out, struct bc_tp_error *err);
/*
 * The same from the running system: <TRACEFS>/events/<CATEGORY>/<EVENT>/format;
 * TRACEFS NULL tries /sys/kernel/tracing, then /sys/kernel/debug/tracing.
 */
int bc_tp_format_load(const char *tracefs, const char *category, const char *event,
		      struct bc_tp_format *out, struct bc_tp_error *err);
void bc_tp_format_free(struct bc_tp_format *f);

/*
 * The args struct ("struct _tracepoint_<category>_<event>") of F for
 * bpftrace BT_VERSION. BTF (may be NULL) resolves typedefs and struct sizes;
 * without it the C integer types and common kernel typedefs are known, and a
 * field of another type degrades to an integer of the file's size and sign
 * (counted in *NR_UNRESOLVED when not NULL). New reference; NULL + errno.
 */
struct bc_stype *bc_tp_args_type(const struct bc_tp_format *f, const char *category,
				 const char *event, int bt_version, struct bc_btf *btf,
				 size_t *nr_unresolved);

/*
 * `args` of tracepoint CATEGORY:EVENT: its format from SRC (as
 * bc_tp_format_read), else BTF's trace_event_raw_<EVENT> (BTF may be NULL).
 * NULL + errno (ERR says why when not NULL).
 */
struct bc_stype *bc_tp_args(struct bc_source *src, const char *category, const char *event,
			    int bt_version, struct bc_btf *btf, struct bc_tp_error *err);

#endif
