/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where the facts about the target system come from: the one interface
 * through which the analyzer reads the kernel's release and architecture,
 * the JIT setting, the installed bpftrace, the kernel BTF, tracepoint
 * formats and the traceable functions. Two sources implement it:
 *
 *  - the live system (source_live.c): uname(2), /proc/sys/net/core,
 *    the bpftrace binary, /sys/kernel/btf, tracefs (--tracefs DIR, else
 *    /sys/kernel/tracing, then /sys/kernel/debug/tracing);
 *  - a target file captured on another system (source_file.c,
 *    docs/target-file.md), which reads nothing of the machine it runs on.
 *
 * `bpfcheck target capture` copies everything a live source answers into a
 * target file (capture.c), so both answer the same questions the same way.
 * Answers are read when asked: creating a source reads nothing.
 */
#ifndef BC_TARGET_SOURCE_H
#define BC_TARGET_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

struct bc_source;
struct bc_tfile;

struct bc_source_uname {
	char release[65];	/* "6.1.0-18-amd64" */
	char version[65];	/* "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)" */
	char machine[65];	/* "x86_64" */
};

/* Kernel BTF: a file to read (live), or a part of a target file, read
 * (decompressed) only when bc_source_btf_bytes asks for it. */
struct bc_btf_blob {
	const char *path;	/* the file, or NULL: bc_source_btf_bytes has the BTF */
	size_t size;		/* of the BTF in a target file */
	/* what the kernel type cache (types/btf_cache.h) keys in-memory BTF on;
	 * NULL for a file (the cache identifies the file itself) */
	const char *identity;
	const char *name;	/* for messages: the path, or "FILE (.BTF)" */
};

/* The running system; TRACEFS (copied; NULL = the usual places) is where
 * tracepoint formats are read. NULL on ENOMEM. */
struct bc_source *bc_source_live(const char *tracefs);
/*
 * The target file PATH. 0, or the negative errno of bc_tfile_open
 * (-ENOENT..., -EINVAL for a damaged or foreign file,
 * -EPROTONOSUPPORT for another format version) with ERR saying why.
 */
int bc_source_file(const char *path, struct bc_source **out, char *err, size_t errlen);
void bc_source_free(struct bc_source *s);

/* True for a target file, false for the live system. */
bool bc_source_is_file(const struct bc_source *s);
/* "the running system" or the target file's path. */
const char *bc_source_name(const struct bc_source *s);
/* The target file of a file source (NULL for the live system). */
struct bc_tfile *bc_source_tfile(const struct bc_source *s);

/* The kernel's uname fields. 0 or -ENOENT. */
int bc_source_uname(struct bc_source *s, struct bc_source_uname *out);
/* net.core.bpf_jit_enable (0, 1 or 2), or -ENOENT when not known. */
int bc_source_jit_enable(struct bc_source *s);
/* The installed bpftrace's version as it names itself ("0.17.0") in BUF.
 * 0, or -ENOENT when there is none. */
int bc_source_bpftrace(struct bc_source *s, char *buf, size_t len);

/* The kernel's BTF (MODULE NULL: vmlinux; else the split BTF of that
 * module). 0 or -ENOENT. */
int bc_source_btf(struct bc_source *s, const char *module, struct bc_btf_blob *out);
/* The bytes of the BTF bc_source_btf described without a path (owned by the
 * source, valid until it is freed). 0, -ENOENT, or -EINVAL (damaged). */
int bc_source_btf_bytes(struct bc_source *s, const char *module, const void **data,
			size_t *size);
/* The modules with BTF, sorted (NULL-terminated; free with bc_source_names_free). */
int bc_source_btf_modules(struct bc_source *s, char ***names, size_t *n);

/* Whether the source has tracepoint formats at all (tracefs is there). */
bool bc_source_has_tracepoints(struct bc_source *s);
/* Tracepoint categories, and the events of CATEGORY, sorted (as bpftrace's
 * std::set), NULL-terminated. 0, -ENOENT (none) or -ENOMEM. */
int bc_source_tp_categories(struct bc_source *s, char ***names, size_t *n);
int bc_source_tp_events(struct bc_source *s, const char *category, char ***names, size_t *n);
/*
 * The format file of CATEGORY:EVENT (*TEXT is a heap copy, LEN bytes plus a
 * NUL). 0; -EINVAL for a name with '/' or ".."; -ENOENT / -EACCES ... when
 * there is none. WHERE (may be NULL; WHERELEN bytes) names what was read,
 * for messages ("/sys/kernel/tracing/events/sched/sched_switch/format").
 */
int bc_source_tp_format(struct bc_source *s, const char *category, const char *event,
			char **text, size_t *len, char *where, size_t wherelen);

/* available_filter_functions (a heap copy), or -ENOENT / -EACCES / -EPERM. */
int bc_source_filter_functions(struct bc_source *s, char **text, size_t *len);

void bc_source_names_free(char **names, size_t n);
/* A category, event or module name: not empty, no '/', not "." or "..". */
bool bc_source_safe_name(const char *s);

#endif
