/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The code model of one BPF object while it is analysed: references between
 * instructions (calls, callback addresses, tail calls), functions with their
 * instruction ranges, and per-function results. Internal to analyzer/object/.
 */
#ifndef BC_OBJECT_OBJ_MODEL_H
#define BC_OBJECT_OBJ_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "elf_image.h"
#include "insn.h"
#include "../core/libbpf_log.h"

struct bc_unit;

enum bc_ref_kind {
	BC_REF_CALL = 1,	/* bpf-to-bpf call (BPF_PSEUDO_CALL) */
	BC_REF_FUNC,		/* callback address (ld_imm64 of a function) */
	BC_REF_TAIL,		/* bpf_tail_call helper; no target */
};

struct bc_ref {
	uint32_t sec, insn;	/* where: executable section, instruction */
	uint32_t tsec, tinsn;	/* target instruction (calls and callbacks) */
	enum bc_ref_kind kind;
};

/* Per-instruction flags of executable sections. */
#define BC_INSN_IMM64_HI	0x01	/* second half of an ld_imm64 */

struct bc_obj_func {
	uint32_t sec, start, end;	/* instructions [start, end) of section sec */
	const struct bc_elf_sym *sym;	/* the FUNC symbol naming it, or NULL */
	bool is_target;		/* called or referenced as a callback */
	bool is_callback;	/* referenced as a callback (ld_imm64) */
	bool is_async;		/* handed to an async-callback helper (timers, ...) */
	bool has_tail_call;
	bool is_entry;
	uint32_t depth;		/* deepest r10 offset, rounded up to 8 */
	uint32_t deepest_insn;	/* section-relative */
	size_t *callees;	/* indexes into bc_obj.funcs, first reference first */
	size_t nr_callees;
};

struct bc_obj {
	struct bc_elf_image img;
	uint8_t **insn_flags;	/* per section (NULL unless executable) */
	struct bc_ref *refs;	/* in (sec, insn) order */
	size_t nr_refs;
	struct bc_obj_func *funcs;	/* in (sec, start) order */
	size_t nr_funcs;
};

/* Decodes instruction INSN of executable section SEC. */
void bc_obj_insn(const struct bc_obj *o, uint32_t sec, uint32_t insn, struct bc_insn *out);

/* Scans every executable section: references and ld_imm64 halves (code_refs.c). */
int bc_obj_scan_refs(struct bc_obj *o, struct bc_unit *u);
/* The reference made by instruction INSN of SEC, or NULL (binary search). */
const struct bc_ref *bc_obj_ref_at(const struct bc_obj *o, uint32_t sec, uint32_t insn);

/* Splits sections into functions and links references to them (funcs.c). */
int bc_obj_find_funcs(struct bc_obj *o, struct bc_unit *u);
/* Index of the function containing instruction INSN of SEC, or -1. */
ssize_t bc_obj_func_at(const struct bc_obj *o, uint32_t sec, uint32_t insn);

/* Stack depth of function F from its r10 accesses; marks async callbacks
 * (frame_depth.c). 0 or -ENOMEM. */
int bc_obj_frame_depth(struct bc_obj *o, size_t f);

struct bc_src_index;
/* Checks every function's instruction encodings and jumps as the verifier's
 * first pass does; BC106 findings for what it refuses (insn_check.c).
 * 0 or -ENOMEM. */
int bc_obj_check_insns(const struct bc_obj *o, struct bc_unit *u, const struct bc_src_index *src);

/* A malformed .BTF section: a BC106 finding with libbpf's message.
 * 0 or -ENOMEM. */
int bc_obj_check_btf(const struct bc_obj *o, struct bc_unit *u);

void bc_obj_free(struct bc_obj *o);

#endif
