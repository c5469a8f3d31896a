/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An input unit: one file (or stdin), its bytes, its detected kind, and
 * everything analysis found in it.
 */
#ifndef BC_UNIT_H
#define BC_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "facts.h"

enum bc_kind {
	BC_KIND_UNKNOWN = 0,
	BC_KIND_SCRIPT,
	BC_KIND_LLVM_IR,	/* textual .ll */
	BC_KIND_LLVM_BC,	/* bitcode */
	BC_KIND_OBJECT,		/* ELF, e_machine EM_BPF */
	BC_KIND_MANIFEST,	/* AOT type manifest (JSON, docs/manifest.md) */
	BC_KIND_C_SOURCE,	/* BPF C (.c, .bpf.c): compiled in process (analyzer/frontend/c_frontend.h) */
	BC_KIND_AOT,		/* bpftrace --aot blob (header, cereal archive) */
};

/* The "kind" string of the report schema. */
const char *bc_kind_name(enum bc_kind k);

struct bc_unit {
	char *path;		/* as given on the command line ("-" for stdin) */
	char *display_path;	/* what reports show ("<stdin>" for "-") */
	unsigned char *data;	/* the whole file, NUL-terminated (data[size] == 0) */
	size_t size;
	enum bc_kind kind;
	/* status: 0 ok; negative errno when the input could not be processed */
	int status;
	char *error;		/* message when status != 0 */
	struct bc_span error_span; /* where in the file, when known */
	/* line index for text inputs (offsets of line starts) */
	uint32_t *line_starts;
	size_t nr_lines;
	struct bc_facts facts;
	struct bc_diags diags;
	void *script;		/* struct bc_script * for scripts (front end) */
	void (*script_free)(void *);
	void *sema;		/* struct bc_sema * (analyzer/script/sema.h); freed before script */
	/* what the target's kernel would have decided and the source lacks
	 * (no tracefs, no BTF): types guessed, and probes left without a stack
	 * figure; reported once per run (BC105), not one by one */
	unsigned kernel_gaps, kernel_gap_probes;
	void (*sema_free)(void *);
	void *manifest;		/* struct bc_manifest * for manifests and AOT blobs */
	void (*manifest_free)(void *);
};

/* Reads PATH ("-" = stdin) and detects its kind. Returns 0, or a negative
 * errno with u->status/u->error set (the unit is still valid to report). */
int bc_unit_load(struct bc_unit *u, const char *path);
/* For in-memory input (tests, fuzzing). Copies DATA. */
int bc_unit_load_mem(struct bc_unit *u, const char *path, const void *data, size_t size);
enum bc_kind bc_detect_kind(const unsigned char *data, size_t size);
/*
 * The LLVM boundary: LLVM's BPF backend refuses a frame object whose offset
 * reaches -LIMIT ("Looks like the BPF stack limit is exceeded"), so for
 * input that LLVM still has to compile (IR, C) a frame of exactly LIMIT
 * bytes does not build, although the kernel would load it. For objects the
 * kernel's rule (more than LIMIT) applies. Returns the frame size at which
 * input of kind K is refused.
 */
int bc_kind_refused_frame(enum bc_kind k, int limit);
/* C has no magic: a text file named *.c (so *.bpf.c) is C source. */
bool bc_path_is_c_source(const char *path);
/* Marks the unit as failed with a message (printf-style). Returns ERR. */
int bc_unit_fail(struct bc_unit *u, int err, const struct bc_span *span, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void bc_unit_free(struct bc_unit *u);

/* Line/column of a byte offset (text inputs). Fills span line/col fields
 * from span->start/end. */
void bc_unit_locate(const struct bc_unit *u, struct bc_span *span);
/* The text of line LINE (1-based) without its newline; NULL when out of range. */
const char *bc_unit_line(const struct bc_unit *u, uint32_t line, size_t *len);

#endif
