/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Naming the bpftrace construct behind an IR stack slot, from the names
 * bpftrace gives its allocas (docs/bpftrace-codegen.md §1.2, §1.3, §5.2):
 * "@m_key" is the key of map @m, "$x" variable $x, "str" a str() buffer,
 * "struct T.f" a field read, "clear_@m" a clear() event, ... For IR from
 * other compilers the construct is "alloca" and the name is the IR name.
 * Scratch buffers of recent bpftrace (GEPs into the @__bt__* globals) are
 * named after the global: they take no stack bytes.
 *
 * LLVM makes local names unique by appending a counter ("str5",
 * "@filename_key20") and optimisation adds ".sroa.N"; both are stripped.
 * Base names that end in digits themselves ("addr4", "join_r0") are matched
 * as the longest known prefix. Where a name cannot tell a counter from its
 * own digits (a C field "s6_addr32", a map "@m2" in "clear_@m21"), the
 * counter is stripped only when the stripped name is another slot's name
 * in the same function (SIBLINGS).
 */
#ifndef BC_IR_ATTRIBUTION_H
#define BC_IR_ATTRIBUTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/facts.h"

/* The construct of an IR name nothing in the tables knows. */
#define BC_CONSTRUCT_ALLOCA "alloca"

struct bc_ir_attr {
	const char *construct;	/* static string: "map-key", "str", ..., "alloca" */
	char *name;		/* "@m", "$x", "struct T.f", or the name without counters */
	bool known;		/* a bpftrace name */
	bool script_dependent;	/* its size follows what the script puts in it */
	enum bc_placement placement;
};

/*
 * Attributes the alloca named NAME (IR name, may be "") of BYTES bytes.
 * SIBLINGS (may be NULL) are the other slot names of the same function.
 * 0 or -ENOMEM.
 */
int bc_ir_attribute(const char *name, uint64_t bytes, const char *const *siblings,
		    size_t nr_siblings, struct bc_ir_attr *out);

/* For IR from other compilers (clang): construct "alloca", the IR name
 * without optimiser suffixes. 0 or -ENOMEM. */
int bc_ir_attribute_plain(const char *name, uint64_t bytes, struct bc_ir_attr *out);

/* Attributes a scratch buffer: a slot of the global GLOBAL ("__bt__get_str_buf",
 * with or without '@'), SLOT_BYTES per CPU. -ENOENT when GLOBAL is not one of
 * bpftrace's scratch buffers, -ENOMEM. */
int bc_ir_attribute_scratch(const char *global, uint64_t slot_bytes, struct bc_ir_attr *out);

/* True for the name of a bpftrace scratch-buffer global. */
bool bc_ir_is_scratch_global(const char *global);

void bc_ir_attr_free(struct bc_ir_attr *a);

#endif
