/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Provenance of the memory bpfcheck's own code generation allocates: for each
 * alloca (or scratch-buffer slot) the bpftrace construct behind it, the map or
 * variable, the source span, whether its size follows the script, the chain
 * of copies it came through ("big string infection") and where it lives.
 *
 * Records are numbered from 1. The IR builder (irbuilder.h) adds one per
 * allocation and ties it to the IR two ways:
 *   - by value: the LLVMValueRef of the alloca or scratch GEP, valid only
 *     while the module is as built (optimisation deletes and reuses values);
 *   - by metadata: `!bpfcheck.prov !{i32 ID}` on the alloca, which survives
 *     optimisation on every alloca that survives it. The inliner copies it
 *     with the instruction. SROA's new, split allocas ("x.sroa.0") carry no
 *     metadata of their own; they are found through their name, which
 *     extends the name recorded here (bc_prov_of_alloca). An alloca that
 *     mem2reg/SROA removed is simply gone.
 * Merges (measured with LLVM 19's default<O3>, tests/unit/test_irbuilder.c):
 * MemCpyOpt folds a full copy `memcpy(dst, src)` whose source a helper
 * filled (call-slot optimisation): the helper writes into dst, src's alloca
 * is deleted, and dst keeps its own metadata. The copy's record names src in
 * its `from` chain when the code generator said so, which is how the bytes
 * stay attributed to the str() they came from. LLVM's stack colouring shares
 * frame bytes between slots only in code generation, after the IR is final,
 * so every IR alloca still names exactly one record.
 */
#ifndef BC_IR_PROV_H
#define BC_IR_PROV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llvm-c/Core.h>

#include "../core/diag.h"
#include "../core/facts.h"

/* Metadata kind name of the record id on allocas. */
#define BC_PROV_MD_KIND "bpfcheck.prov"

/* Construct kinds (a slot's "construct" in docs/report-schema.md); callers may use others. */
#define BC_PROV_MAP_KEY		"map-key"
#define BC_PROV_MAP_VALUE	"map-value"
#define BC_PROV_LOOKUP_VALUE	"lookup-value"
#define BC_PROV_TUPLE		"tuple"
#define BC_PROV_STR		"str"
#define BC_PROV_VARIABLE	"variable"
#define BC_PROV_PRINTF_ARGS	"printf-args"
#define BC_PROV_TERNARY		"ternary"
#define BC_PROV_FIELD_READ	"field-read"
#define BC_PROV_COMM		"comm"
#define BC_PROV_STRLEN		"strlen"
#define BC_PROV_PERFDATA	"perfdata"

/*
 * What a construct site says about an allocation (input; copied on record).
 * FROM lists ids of earlier records whose bytes this one copies, nearest
 * first is not required: each listed record's own chain is followed.
 */
struct bc_prov {
	const char *construct;		/* required */
	const char *name;		/* "@m", "$x", "struct T.f"; NULL = none */
	struct bc_span span;
	bool script_dependent;
	const char *const *origin;	/* extra text entries, source first */
	size_t nr_origin;
	const uint32_t *from;		/* records this one copies from */
	size_t nr_from;
};

/* A stored record. */
struct bc_prov_rec {
	uint32_t id;
	char *construct;
	char *name;			/* NULL = none */
	struct bc_span span;
	bool script_dependent;
	char **origin;
	size_t nr_origin;
	uint32_t *from;
	size_t nr_from;
	enum bc_placement placement;
	uint64_t bytes;			/* DataLayout alloc size of the object */
	/* scratch placement: the global, the slot, bytes per CPU of the slot
	 * (the category's element size once the module is finished) */
	char *global;
	uint32_t slot;
	uint64_t scratch_bytes;
	char *function;			/* the function it was created in */
	char *ir_name;			/* the alloca's name as LLVM uniqued it */
	LLVMValueRef value;		/* in the module as built */
};

struct bc_prov_table;

struct bc_prov_table *bc_prov_table_new(void);
void bc_prov_table_free(struct bc_prov_table *t);

/*
 * Records P for VALUE (an alloca or a scratch GEP; may be NULL) created in
 * FUNCTION with IR name IR_NAME (both may be NULL). Returns the new record
 * (its id is > 0), or NULL + errno (EINVAL: no construct; ENOMEM).
 */
struct bc_prov_rec *bc_prov_add(struct bc_prov_table *t, const struct bc_prov *p,
				LLVMValueRef value, const char *function,
				const char *ir_name);

size_t bc_prov_count(const struct bc_prov_table *t);
/* Record ID, or NULL. */
const struct bc_prov_rec *bc_prov_get(const struct bc_prov_table *t, uint32_t id);
struct bc_prov_rec *bc_prov_get_mut(struct bc_prov_table *t, uint32_t id);
/* The record of VALUE in the module as built (not after optimisation). */
const struct bc_prov_rec *bc_prov_find_value(const struct bc_prov_table *t, LLVMValueRef value);

/* Attaches `!bpfcheck.prov !{i32 ID}` to INST. 0 or -EINVAL. */
int bc_prov_attach(LLVMValueRef inst, uint32_t id);
/* The id in INST's `!bpfcheck.prov`, or 0. */
uint32_t bc_prov_md_id(LLVMValueRef inst);

/*
 * The record of an alloca in any state of the module, optimised or not: by
 * its metadata, else (an SROA piece) by its function and name: the longest
 * recorded name N such that the alloca is named N or "N.sroa...". NULL when
 * the alloca is not one of ours.
 */
/*
 * Indexes the records by function (after the last record is added; a new
 * record drops the index): bc_prov_of_alloca and bc_prov_scratch_of then
 * look at the function's records only. Without it they scan every record,
 * which makes a script of thousands of probes quadratic. 0 or -ENOMEM.
 */
int bc_prov_seal(struct bc_prov_table *t);
/* The ids of FN's records placed in scratch storage, in id order: *IDS is
 * malloc'd (NULL when none). 0 or -ENOMEM. */
int bc_prov_scratch_of(const struct bc_prov_table *t, const char *fn, uint32_t **ids,
		       size_t *nr);
/* Changes R's value (the code generator replaced the instruction), keeping
 * bc_prov_find_value's index right. 0 or -ENOMEM. */
int bc_prov_set_value(struct bc_prov_table *t, struct bc_prov_rec *r, LLVMValueRef value);

const struct bc_prov_rec *bc_prov_of_alloca(const struct bc_prov_table *t, LLVMValueRef alloca);

struct bc_prov_slot {
	LLVMValueRef function;
	LLVMValueRef alloca;
	const struct bc_prov_rec *prov;	/* NULL: no record */
	bool by_name;			/* found through the name, not metadata */
};

/*
 * Every alloca of every defined function of MOD (in function, then
 * instruction order) with its record. *OUT is malloc'd (free()). 0 or -ENOMEM.
 */
int bc_prov_collect(const struct bc_prov_table *t, LLVMModuleRef mod,
		    struct bc_prov_slot **out, size_t *nr_out);

/*
 * The chain of copies behind record ID, source first, ending with ID itself:
 * a depth-first walk of `from` (each record once). IDS receives at most MAX
 * ids; returns how many the chain has (may exceed MAX), or -EINVAL.
 */
int bc_prov_chain(const struct bc_prov_table *t, uint32_t id, uint32_t *ids, size_t max);

/*
 * The chain as text for struct bc_slot.origin: "str() at 1:15",
 * "$s at 1:10", ... (construct or name, then the span when known), each
 * record's extra origin strings before it. Heap array of heap strings;
 * 0, -EINVAL, -ENOMEM.
 */
int bc_prov_origin_strings(const struct bc_prov_table *t, uint32_t id, char ***out, size_t *nr);

#endif
