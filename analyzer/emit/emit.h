/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bpfcheck emit: a BPF ELF object libbpf can open and load, from a bpftrace
 * script (bpfcheck's model of the target bpftrace's code generation,
 * analyzer/codegen/codegen.h), from LLVM IR, or from BPF C compiled in
 * process (analyzer/frontend/c_compile.h) and then treated as IR, with the
 * fixes applied on the IR (docs/emit.md):
 *
 *  - scripts: every map a BTF-defined map in `.maps` (emit_maps.h), every
 *    probe a program in a section named by libbpf's conventions
 *    (emit_sections.h), a `license` section, and debug info built with the
 *    DIBuilder so that the backend writes `.BTF` and `.BTF.ext` with line
 *    info pointing at the script's lines (emit_dbg.h);
 *  - the scratch-map rewrite (emit_scratch.h): the stack slots BC211
 *    reports (or every script-dependent slot) move into one per-CPU array
 *    map value, reached through bpf_map_lookup_elem at function entry;
 *  - the len() rewrite (emit_len.h): the bpf_map_sum_elem_count kfunc
 *    instead of a bpf_for_each_map_elem counting loop, where the target
 *    kernel has it and the map is hash-backed (IR and C: the loops the
 *    object analysis finds, as BC301 reports them);
 *  - every defined function is `nounwind`, as clang makes BPF functions,
 *    so that the backend writes no `.eh_frame` (libbpf skips it).
 *
 * The stack of each program before and after the scratch rewrite is
 * measured by bpfcheck's object analysis on the objects themselves.
 */
#ifndef BC_EMIT_EMIT_H
#define BC_EMIT_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/diag.h"

struct bc_unit;
struct bc_target;
struct bc_analysis;

enum bc_emit_scratch {
	BC_EMIT_SCRATCH_FLAGGED = 0,	/* the slots BC211 reports (default) */
	BC_EMIT_SCRATCH_ALL,		/* every script-dependent slot (IR: every slot) */
	BC_EMIT_SCRATCH_NONE,		/* no scratch rewrite */
};

/* BC211's threshold: groups saving fewer bytes stay on the stack. */
#define BC_EMIT_SCRATCH_THRESHOLD 32

struct bc_emit_opts {
	enum bc_emit_scratch scratch;
	uint64_t scratch_threshold;	/* bytes; 0 = BC_EMIT_SCRATCH_THRESHOLD */
	const char *tracefs;		/* wildcard tracepoints; NULL = the system's */
	bool want_ir;			/* keep the final IR as text in the result */
	const struct bc_analysis *analysis;	/* C input: its clang arguments
						 * (-I, -D, --clang-arg); NULL: none */
};

/* A slot the scratch rewrite moved. */
struct bc_emit_moved {
	char *what;		/* "str", "variable $s", "alloca %rec" */
	struct bc_span span;	/* in the script; line 0 = unknown */
	uint32_t bytes;
	uint32_t offset;	/* in the scratch value */
};

struct bc_emit_prog {
	char *name;		/* the ELF symbol (a C identifier) */
	char *probe;		/* bpftrace's name of the probe, or the IR function's */
	char *section;
	struct bc_span span;	/* the probe in the script; line 0 = unknown */
	uint32_t stack_before;	/* frame without the scratch rewrite (object analysis) */
	uint32_t stack_after;	/* frame of the emitted object */
	struct bc_emit_moved *moved;
	size_t nr_moved;
	uint32_t scratch_bytes;	/* bytes of the scratch value it uses */
};

struct bc_emit_map {
	char *name;		/* the symbol in .maps */
	char *origin;		/* bpftrace's name ("@a", "perf_event"), or NULL */
	int type;		/* enum bpf_map_type */
	uint32_t key_size, value_size, max_entries;
};

struct bc_emit_result {
	void *obj;		/* the ELF object (malloc) */
	size_t obj_size;
	char *ir;		/* the final IR as text, when opts->want_ir */
	struct bc_emit_prog *progs;
	size_t nr_progs;
	struct bc_emit_map *maps;
	size_t nr_maps, cap_maps;
	size_t nr_len_kfunc;	/* len() counts rewritten to bpf_map_sum_elem_count */
	size_t nr_len_loop;	/* len() counts left as bpf_for_each_map_elem */
};

/*
 * Emits U: a bpftrace script already parsed and analysed without errors
 * (u->script, bc_sema_of(u)), LLVM IR (u->data), or BPF C (u->data,
 * compiled again here with o->analysis' clang arguments). 0 and R filled (free
 * with bc_emit_result_free); else a negative errno after bc_unit_fail
 * (u->error names the construct and u->error_span where it is).
 */
int bc_emit_unit(struct bc_unit *u, const struct bc_target *t, const struct bc_emit_opts *o,
		 struct bc_emit_result *r);
void bc_emit_result_free(struct bc_emit_result *r);

/* Emitted files are written with bc_write_atomic (base/file_write.h). */
#include "../base/file_write.h"

#endif
