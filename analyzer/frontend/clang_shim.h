/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C API of build/libbpfcheck-clang.so: clang's front end in process.
 *
 * clang has no C API that produces LLVM IR (libclang's clang-c only parses,
 * for diagnostics, cursors and clang_Cursor_Evaluate), so this small C++
 * translation unit (clang_shim.cpp) runs clang::EmitLLVMOnlyAction on an
 * in-memory file, with the driver's argument handling (clang::createInvocation
 * runs the driver in process: no subprocess), and hands the module back as
 * bitcode. It links the shared libclang-cpp and libLLVM; bpfcheck, which
 * links LLVM statically, dlopens it only for C input (c_compile.c), so the
 * two copies of LLVM never exchange objects: only bitcode bytes and
 * diagnostics in malloc'd memory cross. See docs/architecture.md.
 */
#ifndef BC_CLANG_SHIM_H
#define BC_CLANG_SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BC_CLANG_SHIM_ABI 3

struct bc_clang_diag {
	int level;		/* 1 note, 2 warning, 3 error (fatal included) */
	char *file;		/* NULL when clang gave no location */
	unsigned line, col;
	char *message;
	unsigned include_line;	/* bc_clang_eval_defs: see its errors */
};

struct bc_clang_result {
	void *bitcode;		/* malloc'd; NULL when compilation failed */
	size_t bitcode_size;
	struct bc_clang_diag *diags;	/* malloc'd array */
	size_t nr_diags;
	char *error;		/* set when clang could not even start (bad arguments) */
};

/*
 * Compiles SOURCE (SIZE bytes, shown as file PATH) as C for the BPF target:
 * argv is `clang ARGS... PATH` with ARGS from the caller (target, -O2, -g,
 * -I, -D, ...). RESOURCE_DIR is clang's (builtin headers). Returns 0 with
 * OUT filled (bitcode NULL on compile errors), or -ENOMEM.
 */
typedef int (*bc_clang_compile_fn)(const char *path, const char *source, size_t size,
				   const char *const *args, size_t nr_args,
				   const char *resource_dir, struct bc_clang_result *out);
int bc_clang_compile(const char *path, const char *source, size_t size,
		     const char *const *args, size_t nr_args, const char *resource_dir,
		     struct bc_clang_result *out);
/*
 * What a bpftrace script's C definitions define, as bpftrace's ClangParser
 * compiles them: integer constants, the layouts of records, the headers
 * that were not found and the errors clang reports.
 *
 * Types are a flat table (TYPES[i]); a record's fields are
 * FIELDS[first_field .. first_field + nr_fields).
 */
enum bc_clang_type_kind {
	BC_CT_OTHER = 0,	/* floating point, vectors, ...: no bpftrace type */
	BC_CT_VOID,
	BC_CT_INT,
	BC_CT_BOOL,
	BC_CT_ENUM,
	BC_CT_PTR,
	BC_CT_ARRAY,
	BC_CT_RECORD,
	BC_CT_FUNC,
};

struct bc_clang_type {
	int kind;			/* enum bc_clang_type_kind */
	unsigned long long size;	/* bytes (0 for an incomplete record) */
	unsigned align;			/* bytes */
	int is_signed;
	int is_char;			/* plain char (char arrays read as strings) */
	int is_union;
	int complete;			/* records: the fields are listed */
	long elem;			/* PTR pointee, ARRAY element: index; -1 none */
	unsigned long long nelems;	/* ARRAY */
	char *name;			/* RECORD "struct foo" / "union foo" (NULL: anonymous), ENUM */
	size_t first_field, nr_fields;
};

struct bc_clang_field {
	char *name;			/* NULL: an anonymous struct/union member */
	long type;			/* index in TYPES */
	unsigned long long bit_offset;	/* from the start of the record */
	unsigned bit_width;		/* bitfields; 0 otherwise */
};

struct bc_clang_defs {
	long long *values;		/* [n] */
	unsigned char *found;		/* [n]: 1 when NAMES[i] is an integer constant */
	long *records;			/* [nr_records]: index of RECORDS[i] in TYPES, -1 undefined */
	struct bc_clang_type *types;
	size_t nr_types;
	struct bc_clang_field *fields;
	size_t nr_fields;
	char **missing;			/* headers not found, as written ("net/sock.h") */
	size_t nr_missing;
	/* errors of the final parse (missing headers aside); LINE is the line of
	 * PREAMBLE whose #include led to it (0: the preamble itself or none) */
	struct bc_clang_diag *errors;
	size_t nr_errors;
	char *error;			/* clang could not start */
};

/*
 * Types for "unknown type name" errors: C definitions of NAMES (typedefs of
 * the kernel BTF, as bpftrace's resolve_unknown_typedefs_from_btf adds
 * them), or NULL when there are none; malloc'd, the shim frees it.
 */
typedef char *(*bc_clang_typedefs_fn)(void *ctx, const char *const *names, size_t n);

/*
 * Parses PREAMBLE (with ARGS; no code generation) after PROLOGUE (text
 * bpftrace puts before the script's definitions: its forced includes and
 * generated BTF header; may be NULL), followed by one constant per name,
 * and evaluates each NAMES[i] as an integer constant expression (macros and
 * enum constants of the included headers) and looks up each RECORDS[i]
 * ("struct foo", "union bar", or a typedef name) with the records it
 * reaches. An #include that is not found is recorded in MISSING and
 * dropped, and the parse repeated, so that the rest still resolves; so are
 * unknown type names TYPEDEFS can define (it may be NULL). 0, or -ENOMEM.
 */
typedef int (*bc_clang_eval_defs_fn)(const char *prologue, const char *preamble,
				     const char *const *names, size_t n,
				     const char *const *records, size_t nr_records,
				     const char *const *args, size_t nr_args,
				     const char *resource_dir, bc_clang_typedefs_fn typedefs,
				     void *typedefs_ctx, struct bc_clang_defs *out);
int bc_clang_eval_defs(const char *prologue, const char *preamble, const char *const *names,
		       size_t n, const char *const *records, size_t nr_records,
		       const char *const *args, size_t nr_args, const char *resource_dir,
		       bc_clang_typedefs_fn typedefs, void *typedefs_ctx,
		       struct bc_clang_defs *out);
/* The ABI version the library was built with (BC_CLANG_SHIM_ABI). */
int bc_clang_abi(void);

#ifdef __cplusplus
}
#endif

#endif
