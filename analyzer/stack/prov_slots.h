/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The join of stack liveness (analyzer/stack/liveness.h) with the provenance
 * of bpfcheck's own code generation (prov.h): the facts' slots of one probe
 * function, each with its construct, map or variable, source span, size
 * dependence and chain of copies.
 */
#ifndef BC_IR_PROV_SLOTS_H
#define BC_IR_PROV_SLOTS_H

#include <stddef.h>

#include <llvm-c/Core.h>

#include "../core/facts.h"
#include "liveness.h"
#include "prov.h"

/*
 * Slots of function FN: first one per stack slot of L (bc_liveness_compute
 * on FN, in its order; bytes and live_at_peak from L), then one per scratch
 * record made in FN (placement scratch, 0 stack bytes, scratch_bytes per
 * CPU). A stack slot with no record (an alloca another pass created) keeps
 * its IR name with construct BC_CONSTRUCT_ALLOCA. *OUT is malloc'd; free
 * each with bc_slot_free. 0 or -ENOMEM.
 */
int bc_prov_slots(const struct bc_prov_table *t, LLVMValueRef fn, const struct bc_liveness *L,
		  struct bc_slot **out, size_t *nr_out);

#endif
