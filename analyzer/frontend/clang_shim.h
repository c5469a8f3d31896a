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

#define BC_CLANG_SHIM_ABI 2

struct bc_clang_diag {
	int level;		/* 1 note, 2 warning, 3 error (fatal included) */
	char *file;		/* NULL when clang gave no location */
	unsigned line, col;
	char *message;
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
/* Integer values of identifiers after a C preamble (a bpftrace script's
 * #include/#define lines and struct definitions, as bpftrace's ClangParser
 * compiles them). */
struct bc_clang_ints {
	long long *values;		/* [n] */
	unsigned char *found;		/* [n]: 1 when NAMES[i] is an integer constant */
	char **missing;			/* headers not found, as written ("net/sock.h") */
	size_t nr_missing;
	char *error;			/* clang could not start */
};

/*
 * Parses PREAMBLE (with ARGS; no code generation) followed by one constant
 * per name, and evaluates each as an integer constant expression (macros
 * and enum constants of the included headers). An #include that is not
 * found is recorded in MISSING and dropped, and the parse repeated, so that
 * the rest still resolves. 0, or -ENOMEM.
 */
typedef int (*bc_clang_eval_ints_fn)(const char *preamble, const char *const *names, size_t n,
				     const char *const *args, size_t nr_args,
				     const char *resource_dir, struct bc_clang_ints *out);
int bc_clang_eval_ints(const char *preamble, const char *const *names, size_t n,
		       const char *const *args, size_t nr_args, const char *resource_dir,
		       struct bc_clang_ints *out);
/* The ABI version the library was built with (BC_CLANG_SHIM_ABI). */
int bc_clang_abi(void);

#ifdef __cplusplus
}
#endif

#endif
