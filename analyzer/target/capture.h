/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `bpfcheck target capture`: everything a source answers (the kernel's
 * uname, bpf_jit_enable, the installed bpftrace, the kernel BTF and, when
 * asked, the modules' split BTF, every tracepoint format, the traceable
 * functions) written to a target file (docs/target-file.md). What cannot be
 * read (tracefs not mounted, available_filter_functions not permitted) is
 * recorded as missing, with why, rather than failing the capture.
 */
#ifndef BC_TARGET_CAPTURE_H
#define BC_TARGET_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

struct bc_source;

struct bc_capture_stats {
	size_t tracepoints;	/* format files captured */
	size_t categories;
	size_t tp_unreadable;	/* format files that could not be read */
	size_t modules;		/* module BTFs captured */
	size_t kfuncs;		/* functions the BTF tags bpf_kfunc */
	size_t btf_types;
	size_t btf_bytes;
	size_t filter_functions;	/* lines; 0 when not readable */
	size_t file_bytes;	/* the size of the file written */
	/* what is missing, one line each ("tracepoints: ..."); NUL-separated */
	char missing[1024];
};

/*
 * Captures FROM into the target file PATH; MODULES adds the modules' BTF.
 * 0, or a negative errno with ERR saying why (nothing is written then).
 */
int bc_target_capture(struct bc_source *from, bool modules, const char *path,
		      struct bc_capture_stats *st, char *err, size_t errlen);

#endif
