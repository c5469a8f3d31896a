/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bpftrace script's C definitions through clang, as bpftrace's
 * ClangParser compiles them (src/clang_parser.cpp; 0.24+
 * src/ast/passes/clang_parser.cpp, with main.cpp's extra flags): the
 * include path and defines of the target version (a table in
 * script_headers.c, docs/script-headers.md), the kernel headers when the
 * system has them, the kernel BTF's typedefs for unknown type names, and
 * the script's own -I directories. Supplies bc_sema_opts.header_eval.
 */
#ifndef BC_SCRIPT_HEADERS_H
#define BC_SCRIPT_HEADERS_H

#include <stdbool.h>
#include <stddef.h>

struct bc_analysis;
struct bc_btf;
struct bc_header_defs;

struct bc_script_headers;

/* For one script checked for bpftrace BPFTRACE (BC_BTV()), with or
 * without kernel BTF. NULL on ENOMEM. */
struct bc_script_headers *bc_script_headers_new(const struct bc_analysis *a, int bpftrace,
						bool btf);
void bc_script_headers_free(struct bc_script_headers *h);

/* bc_sema_opts.header_eval, with CTX a struct bc_script_headers. */
int bc_script_header_eval(void *ctx, const char *preamble, const char *const *names, size_t n,
			  const char *const *records, size_t nr_records, struct bc_btf *btf,
			  struct bc_header_defs *out);

/*
 * The clang arguments bpftrace BPFTRACE gives the definitions: KSRC/KOBJ
 * the kernel source and build directories (NULL: none found) of a MACHINE
 * (uname -m) kernel, DIRS its -I
 * directories. NULL-terminated heap array (bc_c_args_free), NULL on ENOMEM.
 */
char **bc_script_header_args(int bpftrace, bool btf, const char *machine, const char *ksrc,
			     const char *kobj, const char *const *dirs, size_t nr_dirs);

/* Where bpftrace looks for kernel headers: BPFTRACE_KERNEL_SOURCE (and
 * BPFTRACE_KERNEL_BUILD), else the source and build directories of
 * /lib/modules/RELEASE, one standing in for the other (RELEASE NULL: a
 * target file's kernel, whose headers are not on this machine). 0 with *KSRC and *KOBJ (heap), or -ENOENT with
 * *WHERE (heap) naming the directories looked at. */
int bc_kernel_header_dirs(const char *release, char **ksrc, char **kobj, char **where);

#endif
