/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BPF C to LLVM bitcode in process, through clang's front end
 * (clang_shim.h), loaded with dlopen on first use so that runs
 * without C input never map libclang-cpp and the shared libLLVM (about
 * 60 MB of relocations; see docs/architecture.md).
 *
 * The arguments, in order (later ones win): `-target bpf -O2 -g` and the
 * multiarch include directory (as for the fixtures' clang-19 build), the
 * flags of the input's entry in the nearest compile_commands.json (the
 * input's directory and its parents; its -c, -o, dependency-file options
 * and the file itself are dropped; -working-directory is its "directory",
 * which, when relative, is taken from the database's own directory),
 * then the analysis' clang_args (-I, -D, --clang-arg).
 */
#ifndef BC_C_COMPILE_H
#define BC_C_COMPILE_H

#include <stdbool.h>
#include <stddef.h>

#include "clang_shim.h"

struct bc_unit;
struct bc_analysis;

/*
 * Compiles the unit's C source. 0 with *BITCODE (malloc'd) and *SIZE set;
 * or a negative errno after bc_unit_fail: the front end library is missing
 * (-ENOENT), clang refused the arguments (-EINVAL), the source has errors
 * (-EINVAL, at the first error's line), -ENOMEM.
 */
int bc_c_compile(struct bc_unit *u, const struct bc_analysis *a, void **bitcode, size_t *size);

/* The compile_commands.json arguments for PATH (NULL-terminated, heap), or
 * NULL with *DIR NULL when none applies; *DIR is the entry's directory. */
char **bc_c_compile_commands(const char *path, char **dir);
void bc_c_args_free(char **v);

/* The clang shim's bc_clang_eval_defs (script headers: script_headers.h),
 * loading the library on first use; NULL with *WHY set when it is missing. */
bc_clang_eval_defs_fn bc_c_shim_eval_defs(const char **why);
/* The file the shim would be loaded from, as "dev:ino:size:mtime", or
 * "none": results that went through clang depend on it (the result cache's
 * key). Found once per process, without loading it. */
const char *bc_c_shim_identity(void);
/* clang's resource directory (its builtin headers), and the multiarch
 * include directory (/usr/include/x86_64-linux-gnu), as built. */
const char *bc_c_resource_dir(void);
const char *bc_c_multiarch_include(void);

#endif
